/**
 * The post-mortem of an incident (issue 7, seeds 001 and 002): opened once the incident is resolved, owned by
 * the service's manager (else whoever asked), due `postmortem.due_after` later, and its owner reminded by DM
 * every `postmortem.remind_every` until someone marks it done. Pure: the handlers run these inside the
 * incident's write; the draft itself is postmortem-draft.ts.
 *
 * When reminders fire: at `createdAt + k × remindEvery` (k ≥ 1) and at `dueAt` itself, so the firing that says
 * "overdue" lands on the due date whatever the two durations are. The timer keeps only its next instant, so
 * the instant a firing stood for is found again from it (`firedReminder`), which keeps a re-run after a crash
 * saying exactly what the first run said.
 */
import { personById, platformUserId } from "../oncall/people.js";
import type { Settings } from "../settings.js";
import { webUrl } from "../web-link.js";
import type { Incident, IncidentState, Postmortem } from "./incident.js";
import { rolesOf } from "./permissions.js";
import { type TimelineEvent, timelineEvent } from "./timeline.js";
import type { FireTimer } from "./timer-firing.js";

/** The states in which a post-mortem can be opened: the incident is over (resolved, or closed after it). */
export const POSTMORTEM_STATES: readonly IncidentState[] = ["resolved", "closed"];

export function postmortemOpens(incident: Pick<Incident, "state">): boolean {
  return POSTMORTEM_STATES.includes(incident.state);
}

/** Where the draft is served, relative to the web server's root. */
export function postmortemPath(incidentId: string): string {
  return `/incidents/${incidentId}/postmortem.md`;
}

/** The link handed out in chat, with the draft's own token (postmortem-link.ts): the page needs it. */
export function postmortemUrl(publicUrl: string, incidentId: string, token?: string): string {
  return webUrl(publicUrl, postmortemPath(incidentId), token);
}

/**
 * Who owns a new post-mortem: the service's `manager` (seed 001: post-mortems are the engineering manager's)
 * when the config names one with an account on the incident's platform, else whoever asked for it.
 */
export function defaultOwner(
  settings: Settings,
  incident: Pick<Incident, "service" | "platform">,
  actor: string,
): string {
  const manager = settings.services.find((s) => s.id === incident.service)?.manager;
  const person = manager ? personById(settings, manager) : undefined;
  return (person && platformUserId(person, incident.platform)) || actor;
}

/**
 * The post-mortem opened on a resolved or closed incident: its record, the first reminder armed and the
 * `postmortem_created` event, and when its first reminder is due (the handler arms the timer: timers.ts imports
 * this file's firing, so this file does not import it back). Null when the incident already has one (asking
 * again changes nothing). The caller refuses first when `postmortemOpens` is false. `owner` is the one named
 * in `postmortem @owner`, else `defaultOwner`.
 */
export function startPostmortem(
  settings: Settings,
  incident: Incident,
  actor: string,
  now: Date,
  owner?: string,
): { incident: Incident; events: TimelineEvent[]; firstReminder: Date } | null {
  if (incident.postmortem) return null;
  const createdAt = now.toISOString();
  const postmortem: Postmortem = {
    createdAt,
    by: actor,
    owner: owner ?? defaultOwner(settings, incident, actor),
    dueAt: new Date(now.getTime() + settings.postmortem.dueAfterMs).toISOString(),
  };
  const next = nextPoint(postmortem, settings.postmortem.remindEveryMs, now.getTime());
  return {
    incident: { ...incident, postmortem, updatedAt: createdAt },
    firstReminder: new Date(next),
    events: [
      timelineEvent("postmortem_created", now, { owner: postmortem.owner, dueAt: postmortem.dueAt }, actor),
    ],
  };
}

/**
 * The post-mortem marked done, with its `postmortem_done` event (the handler stops the reminders in the same
 * write). Null when there is none or it is done already.
 */
export function finishPostmortem(
  incident: Incident,
  actor: string,
  now: Date,
): { incident: Incident; events: TimelineEvent[] } | null {
  const postmortem = incident.postmortem;
  if (!postmortem || postmortem.done) return null;
  const at = now.toISOString();
  return {
    incident: {
      ...incident,
      postmortem: { ...postmortem, done: { at, by: actor } },
      updatedAt: at,
    },
    events: [timelineEvent("postmortem_done", now, {}, actor)],
  };
}

/**
 * A reminder fell due: nothing is recorded in the timeline (a reminder is no fact about the incident), and the
 * next one is armed while the post-mortem is not done. The chat side (handlers/postmortem-timer.ts) sends the DM.
 *
 * The next one comes after max(now, the instant this one was due for): a job that runs a little early (a clock
 * a few seconds behind the queue's) must not re-arm the very instant it stands for, which would send its
 * reminder twice; a job that runs late (the worker was down) skips the instants missed meanwhile rather than
 * sending them all at once.
 */
export const firePostmortemTimer: FireTimer = (settings, incident, now) => {
  const postmortem = incident.postmortem;
  if (!postmortem || postmortem.done) return { incident, events: [] };
  const dueFor = Date.parse(incident.timers?.postmortem?.dueAt ?? "");
  const base = Number.isNaN(dueFor) ? now.getTime() : Math.max(now.getTime(), dueFor);
  const next = nextPoint(postmortem, settings.postmortem.remindEveryMs, base);
  return { incident, events: [], nextDueAt: new Date(next).toISOString() };
};

/** The next reminder from `now` on, for re-arming the timer when the owner changes. */
export function nextReminder(settings: Settings, postmortem: Schedule, now: Date): Date {
  return new Date(nextPoint(postmortem, settings.postmortem.remindEveryMs, now.getTime()));
}

type Schedule = Pick<Postmortem, "createdAt" | "dueAt">;

/** The first reminder instant strictly after `t` (epoch ms): the next `createdAt + k × every`, or `dueAt`. */
export function nextPoint(schedule: Schedule, everyMs: number, t: number): number {
  const created = Date.parse(schedule.createdAt);
  const due = Date.parse(schedule.dueAt);
  const every = Math.max(1, everyMs);
  const k = Math.max(1, Math.floor((t - created) / every) + 1);
  const regular = created + k * every;
  return t < due && due < regular ? due : regular;
}

/** The last reminder instant strictly before `t` (epoch ms); null when none comes before it. */
export function previousPoint(schedule: Schedule, everyMs: number, t: number): number | null {
  const created = Date.parse(schedule.createdAt);
  const due = Date.parse(schedule.dueAt);
  const every = Math.max(1, everyMs);
  const k = Math.ceil((t - created) / every) - 1;
  const regular = k >= 1 ? created + k * every : null;
  if (due < t && (regular === null || due > regular)) return due;
  return regular;
}

/**
 * What the reminder that just fired stood for, read from the incident as its firing wrote it: its instant (the
 * last one before the next armed) and whether the post-mortem was overdue then. Null when nothing more is armed
 * (done, or no post-mortem). The first overdue firing tells the channel; which one that was cannot be read
 * back after a late firing skipped instants, so the chat side keys that post by incident (sent once) instead.
 */
export function firedReminder(
  settings: Settings,
  incident: Pick<Incident, "postmortem" | "timers">,
): { at: string; overdue: boolean } | null {
  const postmortem = incident.postmortem;
  const next = incident.timers?.postmortem?.dueAt;
  if (!postmortem || postmortem.done || !next) return null;
  const point = previousPoint(postmortem, settings.postmortem.remindEveryMs, Date.parse(next));
  if (point === null) return null;
  return { at: new Date(point).toISOString(), overdue: point >= Date.parse(postmortem.dueAt) };
}

/**
 * Whether `actor` may mark the post-mortem done or name its owner: its owner, the commander, a manager or an
 * admin (the roles as core/incident/permissions.ts reads them).
 */
export function mayFinishPostmortem(
  settings: Settings,
  incident: Pick<Incident, "postmortem" | "commander" | "comms" | "platform">,
  actor: string,
): boolean {
  if (incident.postmortem?.owner === actor) return true;
  return rolesOf(settings, incident, actor).some(
    (r) => r === "commander" || r === "manager" || r === "admin",
  );
}

/**
 * The post-mortem handed to `owner`: null when they own it already. The caller checks `mayFinishPostmortem`
 * and re-arms the reminders (from now, so the new owner's first one is not overdue at once).
 */
export function changePostmortemOwner(incident: Incident, owner: string, now: Date): Incident | null {
  const postmortem = incident.postmortem;
  if (!postmortem || postmortem.owner === owner) return null;
  return { ...incident, postmortem: { ...postmortem, owner }, updatedAt: now.toISOString() };
}
