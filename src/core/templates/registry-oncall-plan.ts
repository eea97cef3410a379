/** The templates of the planner (`/incident oncall plan`): their variables (see registry.ts for the rules). */
import { type OncallPersonVars, type OncallToldVars, TOLD } from "./registry-oncall-changes.js";
import type { VarPath } from "./registry-shared.js";

/** One shift of a plan as its table shows it. Instants are ISO 8601; show them with `{{time from timezone}}`. */
export interface PlanRowVars {
  from: string;
  to: string;
  /** Who the plan puts on; absent when nobody can take it (`unfilled`). */
  who?: OncallPersonVars;
  /** Who is on now, set only where it differs from `who`. */
  was?: OncallPersonVars;
  /** An override already covers (part of) it: kept as it is. */
  fixed?: boolean;
  /** Everyone is away for part of it: it stays as it is. */
  unfilled?: boolean;
}

/** One member's shifts: served over the last 12 weeks, given by the plan, and both together. */
export interface PlanCountVars {
  person: OncallPersonVars;
  past: number;
  planned: number;
  total: number;
}

/** What became of a plan: exactly one of the flags is set; `by` did it (absent when it expired). */
export interface PlanOutcomeVars {
  applied?: boolean;
  discarded?: boolean;
  /** An override appeared over one of its shifts after it was drafted, so it was not applied. */
  stale?: boolean;
  /** Gone from the store (plans are kept 24 hours). */
  expired?: boolean;
  by?: OncallPersonVars;
}

export interface OncallPlanVarsMap {
  "oncall-plan": {
    /** The draft's id: the value of its Apply and Discard buttons. */
    planId: string;
    /** The rotation's name, and the name of the layer planned (its first, highest precedence). */
    rotation: string;
    layer: string;
    weeks: number;
    /** The IANA zone times are shown in (the asker's). */
    timezone: string;
    /** Who asked for the plan. */
    by: OncallPersonVars;
    /** The table, cut into parts so that each fits in one block; `more` counts the shifts not shown. */
    rows: readonly PlanRowVars[];
    rows2?: readonly PlanRowVars[];
    rows3?: readonly PlanRowVars[];
    more?: number;
    counts: readonly PlanCountVars[];
    /** max − min shifts per member: with past load, and of the plan alone. */
    spread: number;
    plannedSpread: number;
    backToBack: number;
    unfilled: number;
    /** How many shifts change hands. */
    changes: number;
    /** Set once the plan was applied or discarded (the message is edited to say so). */
    outcome?: PlanOutcomeVars;
  };
  "oncall-plan-applied": {
    rotation: string;
    /** Shifts that changed hands, and overrides written for them. */
    changes: number;
    overrides: number;
    told?: OncallToldVars;
  };
  "oncall-plan-discarded": { rotation: string };
  /** A click on a plan that is no longer open. */
  "oncall-plan-gone": { rotation?: string; outcome: PlanOutcomeVars };
}

const PERSON = <N extends string>(name: N) => [`${name}.name`, `${name}.user`] as const;
const ROWS = <N extends string>(name: N) =>
  [
    `${name}[].from`,
    `${name}[].to`,
    `${name}[].who.name`,
    `${name}[].who.user`,
    `${name}[].was.name`,
    `${name}[].was.user`,
    `${name}[].fixed`,
    `${name}[].unfilled`,
  ] as const;
const OUTCOME = [
  "outcome.applied",
  "outcome.discarded",
  "outcome.stale",
  "outcome.expired",
  ...PERSON("outcome.by"),
] as const;

export const ONCALL_PLAN_VARIABLES = {
  "oncall-plan": [
    "planId",
    "rotation",
    "layer",
    "weeks",
    "timezone",
    ...PERSON("by"),
    ...ROWS("rows"),
    ...ROWS("rows2"),
    ...ROWS("rows3"),
    "more",
    ...PERSON("counts[].person"),
    "counts[].past",
    "counts[].planned",
    "counts[].total",
    "spread",
    "plannedSpread",
    "backToBack",
    "unfilled",
    "changes",
    ...OUTCOME,
  ],
  "oncall-plan-applied": ["rotation", "changes", "overrides", ...TOLD],
  "oncall-plan-discarded": ["rotation"],
  "oncall-plan-gone": ["rotation", ...OUTCOME],
} as const satisfies {
  [N in keyof OncallPlanVarsMap]: readonly VarPath<OncallPlanVarsMap[N]>[];
};
