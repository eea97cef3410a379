import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { INCIDENT_STATES, type Incident, type IncidentKind } from "../../src/core/incident/incident.js";
import {
  enterState,
  LIFECYCLE_ACTIONS,
  type LifecycleAction,
  transition,
} from "../../src/core/incident/lifecycle.js";
import { anIncident, T0 } from "./handler-fakes.js";

/**
 * Whatever people (and timers) do, in whatever order, the lifecycle never reaches a state the design forbids:
 * each step goes through `transition` and, when allowed, `enterState`; a refusal leaves the incident as it was.
 */

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function newIncident(kind: IncidentKind): Incident {
  return anIncident({ kind, state: "triggered", milestones: { triggered: T0.toISOString() } });
}

interface Step {
  action: LifecycleAction;
  from: Incident;
  to: Incident;
  allowed: boolean;
}

/** Runs `actions` from a new incident, one minute apart; every incident along the way is frozen. */
function run(kind: IncidentKind, actions: readonly LifecycleAction[]): Step[] {
  let incident = deepFreeze(newIncident(kind));
  const steps: Step[] = [];
  actions.forEach((action, i) => {
    const now = new Date(T0.getTime() + (i + 1) * 60_000);
    const t = transition(incident, action);
    // A merge closes the incident as a duplicate of another, as the merge command records it.
    const entered = t.ok ? enterState(incident, t.to, now) : incident;
    const next = t.ok
      ? deepFreeze(action === "merge" ? { ...entered, duplicateOf: "INC-99" } : entered)
      : incident;
    if (t.ok) expect(t.from).toBe(incident.state);
    else expect(t.reason).toMatch(/^[a-z_]+$/);
    steps.push({ action, from: incident, to: next, allowed: t.ok });
    incident = next;
  });
  return steps;
}

const actions = fc.array(fc.constantFrom(...LIFECYCLE_ACTIONS), { maxLength: 60 });
// Runs biased towards the happy path reach the late states (resolved, closed, reopened) far more often.
const HAPPY: LifecycleAction[] = [
  "ack",
  "investigating",
  "mitigated",
  "fix",
  "deployed",
  "resolve",
  "confirm",
];
const likely = fc.array(fc.oneof(fc.constantFrom(...HAPPY), fc.constantFrom(...LIFECYCLE_ACTIONS)), {
  maxLength: 60,
});
const anyRun = fc.oneof(actions, likely);

/** The rules every step must keep, for either kind. */
function checkCommon(step: Step): void {
  const { action, from, to, allowed } = step;
  expect(INCIDENT_STATES).toContain(to.state);
  if (!allowed) {
    // A refusal changes nothing at all.
    expect(to).toBe(from);
    return;
  }
  expect(to.stateChanges).toBe((from.stateChanges ?? 0) + 1);
  // `closed` only by the reporters' confirmation, its timeout, or a merge.
  if (to.state === "closed") expect(["confirm", "confirm_timeout", "merge"]).toContain(action);
  // A fix is live only once it was merged.
  if (to.state === "fix_deployed") expect(from.state).toBe("fix_merged");
  if (to.state === "fix_merged") expect(action).toBe("fix");
  if (to.state === "reopened") expect(["resolved", "closed"]).toContain(from.state);
  // Milestones are set on first entry and never rewritten.
  for (const [state, at] of Object.entries(from.milestones ?? {})) {
    expect(to.milestones?.[state as keyof typeof to.milestones]).toBe(at);
  }
  expect(to.milestones?.[to.state]).toBeDefined();
}

describe("any sequence of lifecycle actions on an incident", () => {
  it("keeps to the table's promises", () => {
    fc.assert(
      fc.property(anyRun, (seq) => {
        for (const step of run("incident", seq)) {
          checkCommon(step);
          if (!step.allowed) continue;
          // Resolved needs the fix live: the harm stopped (mitigated) or a fix deployed.
          if (step.to.state === "resolved") expect(["mitigated", "fix_deployed"]).toContain(step.from.state);
          // Nothing leaves triggered but an acknowledgement or a merge.
          if (step.from.state === "triggered") expect(["ack", "merge"]).toContain(step.action);
          // Past triggered, someone acknowledged (a merge may close it before that).
          if (step.to.state !== "closed") expect(step.to.milestones?.acknowledged).toBeDefined();
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("reaches the late states, so the promises above are not vacuous", () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(likely, (seq) => {
        for (const step of run("incident", seq)) seen.add(step.to.state);
      }),
      { numRuns: 500, seed: 42 },
    );
    expect([...seen].sort()).toEqual([...INCIDENT_STATES].sort());
  });
});

describe("any sequence on a change or guidance request", () => {
  it("keeps the same promises, but may be resolved from any open state", () => {
    fc.assert(
      fc.property(
        fc.constantFrom<IncidentKind>("change_request", "guidance_request"),
        anyRun,
        (kind, seq) => {
          for (const step of run(kind, seq)) {
            checkCommon(step);
            if (!step.allowed) continue;
            if (step.to.state === "resolved") expect(["resolved", "closed"]).not.toContain(step.from.state);
            if (step.from.state === "triggered") expect(["ack", "merge", "resolve"]).toContain(step.action);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
