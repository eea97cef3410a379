/**
 * The lifecycle of DESIGN.md §4 as one explicit table: for each state, which lifecycle action may happen and
 * which state it leads to. Everything not in the table is refused, with a reason the person can act on
 * (`refusal`). Handlers never set `state` themselves: they ask `transition`, so the table is the only place
 * that decides, and the tests walk it pair by pair.
 *
 * The rules it encodes, in the users' words (seeds 000 and 001):
 * - someone must acknowledge before anything else moves (the page must not be silenced by a side door);
 * - an incident is resolved only when a fix is live: after `mitigated` (the harm stopped, e.g. a rollback) or
 *   `fix_deployed`, never at `fix_merged` (merged is not live);
 * - `closed` needs the reporters' confirmation, or their silence past the confirmation window, or a merge;
 * - "still broken" from a reporter reopens it, even after their window closed it (their story is not over).
 *
 * Change and guidance requests (seed 003) are tracked, not fought: they may be resolved from any open state,
 * since there is no fix to deploy.
 */
import type { Incident, IncidentKind, IncidentState } from "./incident.js";

/** The states `/incident status <state>` sets; every other state has its own command. */
export const STATUS_STATES = ["investigating", "identified", "mitigated"] as const;
export type StatusState = (typeof STATUS_STATES)[number];

export const LIFECYCLE_ACTIONS = [
  "ack",
  "investigating",
  "identified",
  "mitigated",
  "fix",
  "deployed",
  "resolve",
  "reopen",
  "confirm",
  "still_broken",
  "confirm_timeout",
  "merge",
] as const;
/** One lifecycle step: a command (`status mitigated` is the action `mitigated`), a click or a timer. */
export type LifecycleAction = (typeof LIFECYCLE_ACTIONS)[number];

const WORKING = ["acknowledged", "investigating", "identified", "mitigated", "reopened"] as const;

type Row = Partial<Record<LifecycleAction, IncidentState>>;

/** While people work on it: any status, a fix recorded, a merge. */
const working = (extra: Row = {}): Row => ({
  investigating: "investigating",
  identified: "identified",
  mitigated: "mitigated",
  fix: "fix_merged",
  merge: "closed",
  ...extra,
});

/**
 * from state → action → next state. A status to the state it is already in is not a transition (refused as
 * "already"), so those are removed below.
 */
const TABLE: Record<IncidentState, Row> = {
  triggered: { ack: "acknowledged", merge: "closed" },
  acknowledged: working(),
  investigating: working(),
  identified: working(),
  mitigated: working({ resolve: "resolved" }),
  // Another fix while one waits for its deploy: still merged, not live.
  fix_merged: working({ deployed: "fix_deployed" }),
  // A new fix after a deploy is merged, not live, again.
  fix_deployed: working({ resolve: "resolved" }),
  resolved: {
    reopen: "reopened",
    confirm: "closed",
    still_broken: "reopened",
    confirm_timeout: "closed",
    merge: "closed",
  },
  // A reporter whose "Still broken" comes after the window closed it is heard: it reopens like `reopen`.
  closed: { reopen: "reopened", still_broken: "reopened" },
  reopened: working(),
};
for (const state of WORKING) delete TABLE[state][state as LifecycleAction];

/** The next state for `action` in `state`, or null when the table does not allow it. */
export function nextState(
  kind: IncidentKind,
  state: IncidentState,
  action: LifecycleAction,
): IncidentState | null {
  const to = TABLE[state][action];
  if (to) return to;
  // Requests have nothing to deploy: done whenever the asker's question is answered.
  if (kind !== "incident" && action === "resolve" && state !== "resolved" && state !== "closed")
    return "resolved";
  return null;
}

/** Every action the table allows in a state (for help texts and the tests). */
export function allowedActions(kind: IncidentKind, state: IncidentState): LifecycleAction[] {
  return LIFECYCLE_ACTIONS.filter((a) => nextState(kind, state, a) !== null);
}

/** Why an action is refused, as facts a template turns into a sentence that says what to do instead. */
export type Refusal =
  | { reason: "already"; state: IncidentState }
  | { reason: "not_acknowledged" }
  | { reason: "fix_not_live" }
  | { reason: "nothing_live"; state: IncidentState }
  | { reason: "no_fix_recorded" }
  | { reason: "not_resolved"; state: IncidentState }
  | { reason: "finished"; state: IncidentState }
  | { reason: "not_finished"; state: IncidentState }
  | { reason: "merged"; into: string };

/** What nobody may do before someone acknowledged the page. */
const NEEDS_ACK = new Set<LifecycleAction>([...STATUS_STATES, "fix", "deployed", "resolve"]);

/** Why the table refuses `action` in `state`; null when it allows it. */
export function refusal(kind: IncidentKind, state: IncidentState, action: LifecycleAction): Refusal | null {
  if (nextState(kind, state, action) !== null) return null;
  if (action === state) return { reason: "already", state };
  if (state === "fix_deployed" && action === "deployed") return { reason: "already", state };
  if (state === "triggered" && NEEDS_ACK.has(action)) return { reason: "not_acknowledged" };
  if (state === "reopened" && action === "reopen") return { reason: "already", state };
  if (state === "resolved" && action === "resolve") return { reason: "already", state };
  if (state === "resolved" || state === "closed") return { reason: "finished", state };
  switch (action) {
    case "resolve":
      return state === "fix_merged" ? { reason: "fix_not_live" } : { reason: "nothing_live", state };
    case "deployed":
      return { reason: "no_fix_recorded" };
    case "confirm":
    case "still_broken":
    case "confirm_timeout":
      return { reason: "not_resolved", state };
    case "reopen":
      return { reason: "not_finished", state };
    default:
      return { reason: "already", state };
  }
}

/** The outcome of asking the table: the next state, or why not. */
export type Transition = { ok: true; from: IncidentState; to: IncidentState } | ({ ok: false } & Refusal);

/**
 * A duplicate closed by a merge is followed on the incident it was merged into: bringing it back would split
 * the work again, and would let an incident nobody acknowledged (merged while triggered) move on without an ack.
 */
const REVIVING = new Set<LifecycleAction>(["reopen", "still_broken"]);

export function transition(
  incident: { kind: IncidentKind; state: IncidentState; duplicateOf?: string },
  action: LifecycleAction,
): Transition {
  if (incident.duplicateOf && REVIVING.has(action)) {
    return { ok: false, reason: "merged", into: incident.duplicateOf };
  }
  const to = nextState(incident.kind, incident.state, action);
  if (to !== null) return { ok: true, from: incident.state, to };
  return { ok: false, ...(refusal(incident.kind, incident.state, action) as Refusal) };
}

export function isStatusState(state: IncidentState): state is StatusState {
  return (STATUS_STATES as readonly string[]).includes(state);
}

/**
 * The incident in its next state: `state`, the first time it reached that state (`milestones`, for the log and
 * its metrics; never rewritten, so a reopened incident keeps when it was first resolved), the count of state
 * changes (`stateChanges`, which keys the news of each) and `updatedAt`. Handlers call it with the `to` of an
 * allowed `transition`.
 */
export function enterState(incident: Incident, to: IncidentState, now: Date): Incident {
  const at = now.toISOString();
  const milestones = incident.milestones?.[to] ? incident.milestones : { ...incident.milestones, [to]: at };
  return {
    ...incident,
    state: to,
    milestones,
    stateChanges: (incident.stateChanges ?? 0) + 1,
    updatedAt: at,
  };
}
