/**
 * Escalation math: when the next page goes out and to which step. Pure functions of the policy, the
 * severity's `ack_within` and where the escalation stands; the clock and the store stay with the caller.
 *
 * The rule for delays: the delay before paging step i (i ≥ 1) is
 *
 *     min(step[i].after || ack_within, ack_within)
 *
 * where `ack_within` is the incident's severity's. A step without `after` waits the whole `ack_within`; a step
 * whose `after` is longer than `ack_within` is brought forward to it, because an incident nobody acknowledged
 * within its severity's deadline must reach someone new by then. Step 0 is the first page, sent at open.
 *
 * When the last step has been paged it is paged again `repeat_last` more times (default 2), each after the
 * same delay as the last step ("paging again, 1 of 2"). One more delay after the last repeat, the escalation
 * is exhausted: that is said in the incident channel and the announcement channel, and nothing more is sent.
 * A policy with one step and `repeat_last: 0` has no escalation at all.
 */
import type { EscalationPolicy } from "../oncall/types.js";

export const DEFAULT_REPEAT_LAST = 2;

/** Where an escalation stands: the step paged last (0: the page at open) and how often the last step repeated. */
export interface EscalationPosition {
  step: number;
  repeats: number;
}

export type EscalationAction =
  /** Page step `step` for the first time. */
  | { kind: "page"; step: number }
  /** Page the last step again: repeat `repeat` of `of`. */
  | { kind: "repeat"; step: number; repeat: number; of: number }
  /** Nobody acknowledged after every step and every repeat: say so and stop. */
  | { kind: "exhausted"; step: number };

function lastStep(policy: EscalationPolicy): number {
  return Math.max(0, policy.steps.length - 1);
}

/** Delay before paging step `index` (see the rule at the top of the file). */
export function stepDelayMs(policy: EscalationPolicy, index: number, ackWithinMs: number): number {
  const after = policy.steps[index]?.afterMs ?? 0;
  return Math.min(after > 0 ? after : ackWithinMs, ackWithinMs);
}

/** What the escalation does the next time its timer fires. */
export function nextEscalation(policy: EscalationPolicy, at: EscalationPosition): EscalationAction {
  const last = lastStep(policy);
  if (at.step < last) return { kind: "page", step: at.step + 1 };
  if (at.repeats < policy.repeatLast) {
    return { kind: "repeat", step: last, repeat: at.repeats + 1, of: policy.repeatLast };
  }
  return { kind: "exhausted", step: last };
}

/** Where the escalation stands once `action` is done. */
export function positionAfter(action: EscalationAction, before: EscalationPosition): EscalationPosition {
  switch (action.kind) {
    case "page":
      return { step: action.step, repeats: 0 };
    case "repeat":
      return { step: action.step, repeats: action.repeat };
    case "exhausted":
      return { step: before.step, repeats: before.repeats };
  }
}

/**
 * How long after reaching `at` the timer fires next. The exhaustion notice comes one last-step delay after the
 * last repeat, so the last people paged get the same time to answer; after the notice nothing fires (the caller
 * decides that, as it knows the escalation is exhausted).
 */
export function delayAfter(policy: EscalationPolicy, at: EscalationPosition, ackWithinMs: number): number {
  const next = nextEscalation(policy, at);
  return stepDelayMs(policy, next.step, ackWithinMs);
}

/**
 * The delay of the first escalation after the page at open, or null when the policy has nothing to escalate
 * to (one step and no repeats).
 */
export function initialEscalationDelay(policy: EscalationPolicy, ackWithinMs: number): number | null {
  if (policy.steps.length <= 1 && policy.repeatLast <= 0) return null;
  return delayAfter(policy, { step: 0, repeats: 0 }, ackWithinMs);
}

/**
 * The step an overdue status update escalates to: the one after the step paged last, or the last step again
 * once the policy has none further.
 */
export function updateEscalationStep(policy: EscalationPolicy, pagedLast: number): number {
  return Math.min(pagedLast + 1, lastStep(policy));
}

/** Whether a run of missed updates also goes by DM, and whether it pages the next step. */
export function nudgeReach(
  misses: number,
  reminders: { dmAfterMisses: number; escalateAfterMisses: number },
): { dm: boolean; escalate: boolean } {
  return {
    dm: misses >= reminders.dmAfterMisses,
    // Every escalate_after_misses-th consecutive miss pages one step further: 3, 6, 9 ... with the default.
    escalate: misses > 0 && misses % reminders.escalateAfterMisses === 0,
  };
}
