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
 *
 * A page that reached nobody does not wait. When a step's targets all resolve to nobody (a rotation with
 * nobody on duty, a restricted layer outside its hours, a person without an account on the platform), waiting
 * its delay gives nobody time to answer, so the next step is due at once (the worker fires it right away,
 * fenced by its generation like any firing; the page's `escalated`/`page_repeated` event keeps the skipped
 * reasons). The same holds for the page at open when it found no commander. Paging the same step again finds
 * the same nobody, so the repeats of a step that reached nobody are skipped (`pastRepeats`): the escalation
 * goes straight to the next policy's step (a backup) or to the exhaustion notice. Every firing moves the
 * escalation forward, so a policy where every step reaches nobody ends in the exhaustion notice after at most
 * one firing per step, without spinning.
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
 * Whether step `index` pages the step before it again: a first policy's repeats are spelled out as steps when
 * a backup policy follows (see `EffectivePolicy` in oncall/commander.ts), each marked with `repeat`.
 */
function repeatsPrevious(policy: EscalationPolicy, index: number): boolean {
  return Boolean((policy.steps[index] as { repeat?: unknown } | undefined)?.repeat);
}

/**
 * Where the escalation stands after a page at `at` that reached nobody: past every repeat of that same step,
 * whether `repeat_last` repeats or a first policy's repeats spelled out before its backup. The next firing
 * then pages the next different step, or sends the exhaustion notice.
 */
export function pastRepeats(policy: EscalationPolicy, at: EscalationPosition): EscalationPosition {
  let position = at;
  for (;;) {
    const next = nextEscalation(policy, position);
    if (next.kind === "repeat") return { step: next.step, repeats: policy.repeatLast };
    if (next.kind !== "page" || !repeatsPrevious(policy, next.step)) return position;
    position = positionAfter(next, position);
  }
}

/**
 * Where the escalation stands after a page at `at`, and how long until its timer fires next: the next step's
 * delay, or at once, past the page's repeats, when the page reached nobody.
 */
export function afterPage(
  policy: EscalationPolicy,
  at: EscalationPosition,
  ackWithinMs: number,
  reachedNobody: boolean,
): { position: EscalationPosition; delayMs: number } {
  if (reachedNobody) return { position: pastRepeats(policy, at), delayMs: 0 };
  return { position: at, delayMs: delayAfter(policy, at, ackWithinMs) };
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
