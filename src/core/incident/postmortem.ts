/**
 * The post-mortem of an incident (issue 7, seeds 001 and 002): opened once the incident is resolved, owned by
 * the service's manager (else whoever asked), due `postmortem.due_after` later, and its owner reminded by DM
 * every `postmortem.remind_every` until someone marks it done. Pure: the handlers run these inside the
 * incident's write; the draft itself is postmortem-draft.ts.
 *
 * When reminders fire: at `createdAt + k × remindEvery` (k ≥ 1) and at `dueAt` itself, so the firing that says
 * "overdue" lands on the due date whatever the two durations are. The timer keeps only its next instant, so
 * the instant a firing stood for is found again from it (`firedPoint`), which keeps a re-run after a crash
 * saying exactly what the first run said.
 */
import { personById, platformUserId } from "../oncall/people.js";
import type { Settings } from "../settings.js";
import type { Incident, IncidentState, Postmortem } from "./incident.js";
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

/** The link handed out in chat: with the status pages' token when one is set (the page needs it). */
export function postmortemUrl(publicUrl: string, incidentId: string, token?: string): string {
  const base = `${publicUrl.replace(/\/+$/, "")}${postmortemPath(incidentId)}`;
  return token ? `${base}?token=${encodeURIComponent(token)}` : base;
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
 * again changes nothing). The caller refuses first when `postmortemOpens` is false.
 */
export function startPostmortem(
  settings: Settings,
  incident: Incident,
  actor: string,
  now: Date,
): { incident: Incident; events: TimelineEvent[]; firstReminder: Date } | null {
  if (incident.postmortem) return null;
  const createdAt = now.toISOString();
  const postmortem: Postmortem = {
    createdAt,
    by: actor,
    owner: defaultOwner(settings, incident, actor),
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
 * next one is armed while the post-mortem is not done. The chat side (handlers/postmortem.ts) sends the DM.
 */
export const firePostmortemTimer: FireTimer = (settings, incident, now) => {
  const postmortem = incident.postmortem;
  if (!postmortem || postmortem.done) return { incident, events: [] };
  const next = nextPoint(postmortem, settings.postmortem.remindEveryMs, now.getTime());
  return { incident, events: [], nextDueAt: new Date(next).toISOString() };
};

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
 * one before the next armed), whether the post-mortem was overdue then, and whether it is the firing at the due
 * date itself (the one that also tells the channel). Null when nothing more is armed (done, or no post-mortem).
 */
export function firedReminder(
  settings: Settings,
  incident: Pick<Incident, "postmortem" | "timers">,
): { at: string; overdue: boolean; dueNow: boolean } | null {
  const postmortem = incident.postmortem;
  const next = incident.timers?.postmortem?.dueAt;
  if (!postmortem || postmortem.done || !next) return null;
  const point = previousPoint(postmortem, settings.postmortem.remindEveryMs, Date.parse(next));
  if (point === null) return null;
  const due = Date.parse(postmortem.dueAt);
  return { at: new Date(point).toISOString(), overdue: point >= due, dueNow: point === due };
}

/** Whether `actor` may mark the post-mortem done: its owner, the commander, a manager or an admin. */
export function mayFinishPostmortem(
  settings: Settings,
  incident: Pick<Incident, "postmortem" | "commander" | "platform">,
  actor: string,
): boolean {
  if (incident.postmortem?.owner === actor || incident.commander?.platformUserId === actor) return true;
  const person = settings.people.find((p) => platformUserId(p, incident.platform) === actor);
  return Boolean(
    person && (settings.roles.managers.includes(person.id) || settings.roles.admins.includes(person.id)),
  );
}
