import type { OncallPlanVarsMap, PlanRowVars } from "../../../src/core/templates/registry-oncall-plan.js";
import { HOSTILE } from "./shared.js";

/**
 * Variables for every template of this part, with hostile user text wherever a person can type (see shared.ts):
 * people's names come from the config file, and rotation and layer names too.
 */
const hostilePerson = { name: HOSTILE };
const alice = { name: "Alice", user: "U0ALICE" };
const bob = { name: "Bob", user: "U0BOB" };
const week = (i: number) => new Date(Date.parse("2026-11-02T08:00:00Z") + i * 7 * 86_400_000).toISOString();
const row = (i: number, over: Partial<PlanRowVars> = {}): PlanRowVars => ({
  from: week(i),
  to: week(i + 1),
  who: i % 2 ? alice : hostilePerson,
  ...over,
});
const rows = Array.from({ length: 24 }, (_, i) => row(i, i % 3 === 0 ? { was: bob } : {}));

export const ONCALL_PLAN_SAMPLES: { [N in keyof OncallPlanVarsMap]: OncallPlanVarsMap[N] } = {
  "oncall-plan": {
    planId: "p1",
    rotation: HOSTILE,
    layer: HOSTILE,
    weeks: 52,
    timezone: "America/New_York",
    by: hostilePerson,
    rows,
    rows2: [row(24, { fixed: true }), row(25, { unfilled: true, who: undefined }), ...rows.slice(2)],
    rows3: rows,
    more: 3,
    counts: [
      { person: hostilePerson, past: 3, planned: 2, total: 5 },
      { person: alice, past: 0, planned: 5, total: 5 },
    ],
    spread: 0,
    plannedSpread: 3,
    backToBack: 1,
    unfilled: 1,
    changes: 17,
    outcome: { applied: true, by: hostilePerson },
  },
  "oncall-plan-applied": {
    rotation: HOSTILE,
    changes: 3,
    overrides: 4,
    told: { people: [hostilePerson, { name: "Bob", user: "U0BOB" }], unreachable: [hostilePerson] },
  },
  "oncall-plan-discarded": { rotation: HOSTILE },
  "oncall-plan-gone": { rotation: HOSTILE, outcome: { discarded: true, by: hostilePerson } },
};
