/**
 * The incident's timers as state transitions: pure functions from an incident (and the instant) to the next
 * incident and the timeline events that record what happened. The handlers run them inside the store's
 * optimistic update, so each one must stay pure; scheduling the jobs and sending the messages happens after
 * the write, from what these functions recorded.
 *
 * The fence (see `TimerState`): a firing acts only when its generation is the recorded `gen` and the incident
 * still calls for it; the same write bumps `gen`, sets `firedGen` and the next `dueAt`, and appends the events.
 * Every event a firing records carries `timer` and `gen`, so a re-run after a crash between the write and the
 * effects finds exactly what to redo in the timeline.
 */
import {
  distinctSteps,
  type EffectivePolicy,
  type PolicyStep,
  policyForService,
  resolveStep,
} from "../oncall/commander.js";
import { NO_OVERRIDES, type OverrideBook } from "../oncall/override-index.js";
import { TIMER_KINDS, type TimerKind, type TimerRef } from "../ports.js";
import type { Settings } from "../settings.js";
import {
  afterPage,
  delayAfter,
  initialEscalationDelay,
  nextEscalation,
  nudgeReach,
  positionAfter,
  updateEscalationStep,
} from "./escalation.js";
import {
  type EscalationTimer,
  type Incident,
  type Severity,
  type TimerState,
  type UpdateTimer,
  updateOwner,
} from "./incident.js";
import { idList, type TimelineEvent, timelineEvent } from "./timeline.js";
import { TIMER_FIRINGS } from "./timer-firings.js";

type Timers = NonNullable<Incident["timers"]>;

/** States in which nothing is timed any more. */
export function isFinished(incident: Incident): boolean {
  return incident.state === "resolved" || incident.state === "closed";
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The escalation an incident runs: its service's policy (or the fallback), then its backup policy if any. */
export function policyOf(
  settings: Settings,
  incident: Pick<Incident, "service">,
): EffectivePolicy | undefined {
  return policyForService(settings, incident.service).policy;
}

/**
 * The timers a new incident starts with: the escalation (when its policy escalates) and the update reminder.
 * `firstPage.reachedNobody` says the page at open found no commander (`findCommander` found nobody on the
 * first step): the escalation's first firing is then due at once, past the first step's repeats, instead of
 * after a delay nobody can use (see escalation.ts).
 */
export function initialTimers(
  settings: Settings,
  incident: Pick<Incident, "severity" | "service">,
  now: Date,
  firstPage: { reachedNobody?: boolean } = {},
): Timers {
  const cadence = settings.severities[incident.severity];
  const policy = policyOf(settings, incident);
  const timers: Timers = {
    update: { gen: 1, misses: 0, dueAt: iso(now.getTime() + cadence.updateEveryMs) },
  };
  if (!policy || initialEscalationDelay(policy, cadence.ackWithinMs) === null) return timers;
  const next = afterPage(
    policy,
    { step: 0, repeats: 0 },
    cadence.ackWithinMs,
    firstPage.reachedNobody === true,
  );
  timers.escalation = { gen: 1, ...next.position, dueAt: iso(now.getTime() + next.delayMs) };
  return timers;
}

/** Timer refs for every timer with a pending `dueAt`: what the queue should hold for this incident. */
export function scheduledTimers(incident: Incident): TimerRef[] {
  const refs: TimerRef[] = [];
  for (const kind of TIMER_KINDS) {
    const t = incident.timers?.[kind];
    if (t?.dueAt) refs.push({ incidentId: incident.id, kind, gen: t.gen, dueAt: t.dueAt });
  }
  return refs;
}

function withTimer<K extends TimerKind>(
  incident: Incident,
  kind: K,
  timer: NonNullable<Timers[K]>,
  now: Date,
): Incident {
  return { ...incident, timers: { ...incident.timers, [kind]: timer }, updatedAt: now.toISOString() };
}

/** A timer stopped: nothing scheduled, and any job in flight is fenced out by the bumped generation. */
function stopped<T extends TimerState>(t: T): T {
  const { dueAt: _dropped, ...rest } = t;
  return { ...rest, gen: t.gen + 1 } as T;
}

/** Every timer stopped (resolve, close), but those named in `keep`. */
export function stopAllTimers(incident: Incident, keep: readonly TimerKind[] = []): Timers {
  const timers: Timers = {};
  for (const kind of TIMER_KINDS) {
    const t = incident.timers?.[kind];
    if (!t) continue;
    if (keep.includes(kind)) {
      (timers as Record<TimerKind, TimerState>)[kind] = t;
      continue;
    }
    if (kind === "update") {
      const { snoozedUntil: _s, ...update } = stopped(t as UpdateTimer);
      timers.update = update;
    } else {
      (timers as Record<TimerKind, TimerState>)[kind] = stopped(t);
    }
  }
  return timers;
}

/** The kinds without their own state beyond the fence: one deadline each (see timer-firings.ts). */
export type PlainTimerKind = Exclude<TimerKind, "escalation" | "update">;

/**
 * A plain timer (re)armed to fire at `dueAt`: a new generation, so a job already queued for the old one does
 * nothing. Returns the incident's timers with it.
 */
export function armTimer(incident: Incident, kind: PlainTimerKind, dueAt: Date | string): Timers {
  const current = incident.timers?.[kind];
  const timer: TimerState = {
    ...firedOf(current),
    gen: (current?.gen ?? 0) + 1,
    dueAt: typeof dueAt === "string" ? dueAt : dueAt.toISOString(),
  };
  return { ...incident.timers, [kind]: timer };
}

/** A plain timer stopped (nothing due, any queued job fenced out); unchanged when nothing was due. */
export function stopTimer(incident: Incident, kind: PlainTimerKind): Timers | undefined {
  const current = incident.timers?.[kind];
  if (!current?.dueAt) return incident.timers;
  return { ...incident.timers, [kind]: stopped(current) };
}

/** The escalation stopped because someone acknowledged; unchanged when it was not running. */
export function stopEscalation(incident: Incident): Timers | undefined {
  const esc = incident.timers?.escalation;
  if (!esc?.dueAt) return incident.timers;
  return { ...incident.timers, escalation: stopped(esc) };
}

/** The update reminder restarted after a status update: no misses, the next one due a cadence from now. */
export function restartUpdateTimer(incident: Incident, settings: Settings, now: Date): UpdateTimer {
  const gen = (incident.timers?.update?.gen ?? 0) + 1;
  const every = settings.severities[incident.severity].updateEveryMs;
  return { gen, misses: 0, dueAt: iso(now.getTime() + every), ...firedOf(incident.timers?.update) };
}

function firedOf(t: { firedGen?: number } | undefined): { firedGen?: number } {
  return t?.firedGen === undefined ? {} : { firedGen: t.firedGen };
}

/** The update reminder pushed back: no nudge before `until`. Misses are kept: a snooze postpones, it does not forgive. */
export function snoozeUpdateTimer(incident: Incident, until: Date): UpdateTimer {
  const current = incident.timers?.update;
  return {
    ...firedOf(current),
    gen: (current?.gen ?? 0) + 1,
    misses: current?.misses ?? 0,
    dueAt: until.toISOString(),
    snoozedUntil: until.toISOString(),
  };
}

/**
 * The timers after a severity change. The update reminder runs on the new cadence from the last update (or
 * from now when there was none), never earlier than now nor before a snooze ends. While the incident is still
 * unacknowledged, the escalation's next page is rescheduled from now with the new severity's `ack_within`.
 */
export function timersForSeverity(
  incident: Incident,
  severity: Severity,
  settings: Settings,
  now: Date,
): Timers {
  const cadence = settings.severities[severity];
  const timers: Timers = { ...incident.timers };
  const update = incident.timers?.update;
  const base = incident.lastUpdate ? Date.parse(incident.lastUpdate.at) : now.getTime();
  const snoozed = update?.snoozedUntil ? Date.parse(update.snoozedUntil) : 0;
  const due = Math.max(base + cadence.updateEveryMs, now.getTime(), snoozed);
  timers.update = {
    ...firedOf(update),
    gen: (update?.gen ?? 0) + 1,
    misses: update?.misses ?? 0,
    dueAt: iso(due),
    ...(update?.snoozedUntil && snoozed > now.getTime() ? { snoozedUntil: update.snoozedUntil } : {}),
  };
  const esc = incident.timers?.escalation;
  const policy = policyOf(settings, incident);
  if (esc?.dueAt && incident.state === "triggered" && policy) {
    const delay = delayAfter(policy, esc, cadence.ackWithinMs);
    timers.escalation = { ...esc, gen: esc.gen + 1, dueAt: iso(now.getTime() + delay) };
  }
  return timers;
}

/**
 * Who a step pages now (overrides applied), as the flat strings a timeline event keeps. `step` and `steps` are
 * the step's place in its own policy, as people count them in that policy; `policy` names it, and `backupOf`
 * the policy nobody acknowledged on when it is the backup's.
 */
function pageData(
  settings: Settings,
  incident: Incident,
  policy: EffectivePolicy,
  step: number,
  now: Date,
  book: OverrideBook,
): Record<string, string> {
  const at = policy.steps[step] as PolicyStep;
  const { people, skipped } = resolveStep(settings, at, incident.platform, now, book);
  return {
    step: String(at.index),
    steps: String(at.count),
    policy: at.policy,
    ...(at.backup && { backupOf: policy.primary }),
    targets: people.map((p) => p.platformUserId).join(","),
    skipped: skipped.join("; "),
  };
}

// ---- reading back what the firings record (the writers above and in fireTimerChange) ----------------------

const count = (s: string | undefined): number => Number(s ?? "0") || 0;

/** Whether `event` was recorded by the firing of this timer generation (the `timer` and `gen` tags). */
export function recordedBy(event: TimelineEvent, timer: Pick<TimerRef, "kind" | "gen">): boolean {
  return event.data.timer === timer.kind && event.data.gen === String(timer.gen);
}

/** The people a page (`escalated`, `page_repeated`) reached, as `pageData` recorded them. */
export function pagedTargets(event: TimelineEvent): string[] {
  return idList(event.data.targets);
}

/**
 * Where a page stands in its policy: `step` is the step's index (0: the page at open) of `steps`; a repeat of
 * the last step also says which repeat (`repeat` of `of`).
 */
export function pageStep(event: TimelineEvent): {
  step: number;
  steps: number;
  repeat?: number;
  of?: number;
} {
  const at = { step: count(event.data.step), steps: count(event.data.steps) };
  return event.type === "page_repeated"
    ? { ...at, repeat: count(event.data.repeat), of: count(event.data.of) }
    : at;
}

/** How many updates in a row an `update_overdue` event counts as missed. */
export function overdueMisses(event: TimelineEvent): number {
  return count(event.data.misses);
}

/**
 * The policy a page (`escalated`, `page_repeated`) paged, and the one nobody acknowledged on before it when it
 * was a backup policy's page (absent otherwise).
 */
export function pagedPolicy(event: TimelineEvent): { policy?: string; backupOf?: string } {
  return {
    ...(event.data.policy && { policy: event.data.policy }),
    ...(event.data.backupOf && { backupOf: event.data.backupOf }),
  };
}

/**
 * Whether any page of `policy` reached someone up to `page`'s instant: a commander found at open (or at
 * promotion) on its first step, or an escalation, repeat or SEV1 page of it naming targets. A backup policy's
 * page uses it to say "nobody acknowledged on X" only when someone on X was paged, and "nobody could be paged
 * on X" otherwise (each of X's pages recorded why in its `skipped`).
 */
export function pagedSomeoneOn(
  timeline: readonly TimelineEvent[],
  policy: string,
  page: Pick<TimelineEvent, "at">,
): boolean {
  const until = Date.parse(page.at);
  return timeline.some((e) => {
    if (Date.parse(e.at) > until || e.data.policy !== policy) return false;
    if (e.type === "incident_opened" || e.type === "promoted") return Boolean(e.data.commander);
    const isPage = e.type === "escalated" || e.type === "page_repeated";
    return isPage && !e.data.backupOf && pagedTargets(e).length > 0;
  });
}

/** What an `escalation_exhausted` event says was tried: every step, and the last one `repeats` times more. */
export function exhaustedAfter(event: TimelineEvent): { steps: number; repeats: number } {
  return { steps: count(event.data.steps), repeats: count(event.data.repeats) };
}

/**
 * One firing of a timer, fenced: null when the job is stale (another generation is recorded, or nothing is
 * due). A current job whose incident no longer calls for it (acknowledged, resolved) stops the timer without
 * any event, so it is neither redone nor rescheduled. `book` holds the overrides in force, so a page reaches
 * whoever is on duty now (the handlers load it; without it, the base schedule alone).
 */
export function fireTimerChange(
  settings: Settings,
  incident: Incident,
  ref: TimerRef,
  now: Date,
  book: OverrideBook = NO_OVERRIDES,
): { incident: Incident; events: TimelineEvent[] } | null {
  const bump = { gen: ref.gen + 1, firedGen: ref.gen };
  const tag = { timer: ref.kind, gen: String(ref.gen) };
  if (ref.kind !== "escalation" && ref.kind !== "update") {
    const kind = ref.kind;
    const t = incident.timers?.[kind];
    if (!t || t.gen !== ref.gen || !t.dueAt) return null;
    const fired = TIMER_FIRINGS[kind](settings, incident, now, tag);
    const timer: TimerState = { ...bump, ...(fired.nextDueAt ? { dueAt: fired.nextDueAt } : {}) };
    return { incident: withTimer(fired.incident, kind, timer, now), events: fired.events };
  }
  if (ref.kind === "escalation") {
    const esc = incident.timers?.escalation;
    if (!esc || esc.gen !== ref.gen || !esc.dueAt) return null;
    const policy = policyOf(settings, incident);
    if (incident.state !== "triggered" || !policy) {
      return { incident: withTimer(incident, "escalation", stopped(esc), now), events: [] };
    }
    const ackWithin = settings.severities[incident.severity].ackWithinMs;
    const action = nextEscalation(policy, esc);
    if (action.kind === "exhausted") {
      // Once the exhaustion notice is out, nothing more is timed.
      const timer: EscalationTimer = { ...bump, ...positionAfter(action, esc) };
      const event = timelineEvent("escalation_exhausted", now, {
        ...tag,
        step: String(action.step),
        steps: String(distinctSteps(policy)),
        repeats: String(policy.repeatLast),
      });
      return { incident: withTimer(incident, "escalation", timer, now), events: [event] };
    }
    const paged = pageData(settings, incident, policy, action.step, now, book);
    // A page that reached nobody does not wait: the next step (past this one's repeats) is due at once.
    const next = afterPage(policy, positionAfter(action, esc), ackWithin, paged.targets === "");
    const timer: EscalationTimer = { ...bump, ...next.position, dueAt: iso(now.getTime() + next.delayMs) };
    // A repeat of the last step, or of the first policy's last step spelled out as a step before its backup.
    const repeat =
      action.kind === "repeat" ? { n: action.repeat, of: action.of } : policy.steps[action.step]?.repeat;
    const event = repeat
      ? timelineEvent("page_repeated", now, {
          ...tag,
          ...paged,
          repeat: String(repeat.n),
          of: String(repeat.of),
        })
      : timelineEvent("escalated", now, { ...tag, ...paged });
    return { incident: withTimer(incident, "escalation", timer, now), events: [event] };
  }

  const update = incident.timers?.update;
  if (!update || update.gen !== ref.gen || !update.dueAt) return null;
  if (isFinished(incident)) {
    return { incident: withTimer(incident, "update", stopped(update), now), events: [] };
  }
  const misses = update.misses + 1;
  const reach = nudgeReach(misses, settings.reminders);
  const every = settings.severities[incident.severity].updateEveryMs;
  let next = withTimer(incident, "update", { ...bump, misses, dueAt: iso(now.getTime() + every) }, now);
  const events = [
    timelineEvent("update_overdue", now, {
      ...tag,
      misses: String(misses),
      dm: reach.dm ? "yes" : "no",
      // Whoever owes the update: the communications lead when there is one, else the commander.
      commander: updateOwner(incident)?.platformUserId ?? "",
      lastUpdate: incident.lastUpdate?.at ?? "",
    }),
  ];
  const policy = policyOf(settings, incident);
  if (reach.escalate && policy) {
    const esc = incident.timers?.escalation;
    const step = updateEscalationStep(policy, esc?.step ?? 0);
    // The acknowledgement escalation, if it still runs, carries on from the step paged here.
    const escalation: EscalationTimer = esc ? { ...esc, step, repeats: 0 } : { gen: 1, step, repeats: 0 };
    next = withTimer(next, "escalation", escalation, now);
    events.push(
      timelineEvent("escalated", now, {
        ...tag,
        reason: "update_overdue",
        ...pageData(settings, incident, policy, step, now, book),
      }),
    );
  }
  return { incident: next, events };
}
