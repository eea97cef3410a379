/**
 * Change and guidance requests (seed 003): asked for, not fought. A request is stored like an incident (same
 * number sequence, same record) but opens no channel, pages nobody and runs no timers; it is tracked on a card
 * in the conversation it was asked in. It ends in one of two ways: "Mark done" closes it, or it turns out to
 * be an incident after all and is promoted, which gives it a commander, timers and everything an incident gets.
 *
 * Pure: the handlers run these inside the incident's write and turn a refusal into a message.
 */
import { findCommander } from "../oncall/commander.js";
import { NO_OVERRIDES, type OverrideBook } from "../oncall/override-index.js";
import { platformIdsOf } from "../oncall/people.js";
import type { Settings } from "../settings.js";
import { type Incident, type IncidentKind, severityLabel } from "./incident.js";
import { enterState, transition } from "./lifecycle.js";
import { rolesOf } from "./permissions.js";
import { type TimelineEvent, timelineEvent } from "./timeline.js";
import { initialTimers, isFinished, stopAllTimers } from "./timers.js";

export type RequestKind = Exclude<IncidentKind, "incident">;

export function isRequest(incident: Pick<Incident, "kind">): boolean {
  return incident.kind !== "incident";
}

/** The outbox key of a request's card in the conversation it was asked in. */
export function requestCardKey(incident: Pick<Incident, "id">): string {
  return `${incident.id}/request-card`;
}

/** Who may mark a request done, by platform user id, for a refusal that names them. */
export interface DoneAllowed {
  requesters: string[];
  managers: string[];
  admins: string[];
}

/**
 * Whether `actor` may mark the request done: whoever asked (a request is theirs to withdraw or call answered),
 * a manager or an admin (config `roles`). Null when they may; otherwise who may.
 */
export function doneRefusal(
  settings: Settings,
  incident: Pick<Incident, "reporters" | "platform">,
  actor: string,
): DoneAllowed | null {
  const requesters = incident.reporters.map((r) => r.platformUserId);
  if (requesters.includes(actor)) return null;
  // Besides whoever asked, only the config roles may: a commander or comms lead plays no part here.
  const roles = rolesOf(settings, { platform: incident.platform }, actor);
  if (roles.includes("manager") || roles.includes("admin")) return null;
  const ids = (group: readonly string[]) => platformIdsOf(settings, group, incident.platform);
  return { requesters, managers: ids(settings.roles.managers), admins: ids(settings.roles.admins) };
}

/** Why a request cannot be marked done or promoted, as facts the handler turns into a sentence. */
export type RequestRefusal = { reason: "not_a_request" } | { reason: "finished"; state: Incident["state"] };

/** The shared checks: it must still be an open request. */
export function requestRefusal(incident: Incident): RequestRefusal | null {
  if (!isRequest(incident)) return { reason: "not_a_request" };
  if (isFinished(incident)) return { reason: "finished", state: incident.state };
  return null;
}

/**
 * "Mark done": the table allows `resolve` on a request from any open state, and `confirm` then closes it; both
 * in one write, since there is nobody to confirm a fix to. Call after `requestRefusal` found nothing.
 */
export function closeAsDone(
  incident: Incident,
  actor: string,
  now: Date,
): { incident: Incident; events: TimelineEvent[] } {
  const resolve = transition(incident, "resolve");
  if (!resolve.ok) throw new Error(`${incident.id}: a request cannot be resolved from ${incident.state}`);
  const resolved = enterState(incident, resolve.to, now);
  const close = transition(resolved, "confirm");
  if (!close.ok) throw new Error(`${incident.id}: a resolved request cannot be closed`);
  const closed = enterState(resolved, close.to, now);
  const at = now.toISOString();
  return {
    incident: {
      ...closed,
      timers: incident.timers && stopAllTimers(incident),
      resolution: { at, actor },
      closeReason: "done",
    },
    events: [
      timelineEvent("status_changed", now, { from: incident.state, to: resolve.to, reason: "done" }, actor),
      timelineEvent("status_changed", now, { from: resolve.to, to: close.to, reason: "done" }, actor),
    ],
  };
}

/**
 * A request becomes an incident: the commander found as a new incident's is (the first step of the service's
 * policy), its timers started from now, and the `promoted` event saying from what and who commands it. The
 * chat side (channel, page, kickoff, announcement) is the open effects job's, as for a new incident. `book`
 * holds the overrides in force (the handler loads it); without it, the base schedule alone decides.
 */
export function promoteToIncident(
  settings: Settings,
  incident: Incident,
  actor: string,
  now: Date,
  book: OverrideBook = NO_OVERRIDES,
): { incident: Incident; events: TimelineEvent[] } {
  const lookup = findCommander(settings, incident.service, incident.platform, now, book);
  const promoted: Incident = {
    ...incident,
    kind: "incident",
    commander: lookup.found ? lookup.commander : undefined,
    commanderMissingReason: lookup.found ? undefined : lookup.reason,
    timers: initialTimers(settings, incident, now, { reachedNobody: !lookup.found }),
    // The page goes out now: time to acknowledge counts from here, not from when the request was asked.
    milestones: { ...incident.milestones, triggered: now.toISOString() },
    updatedAt: now.toISOString(),
  };
  return {
    incident: promoted,
    events: [
      timelineEvent(
        "promoted",
        now,
        {
          from: incident.kind,
          severity: severityLabel(incident.severity),
          commander: promoted.commander?.platformUserId ?? "",
          policy: lookup.policy?.id ?? "",
        },
        actor,
      ),
    ],
  };
}

/**
 * Who promoted a request and what it was, from its timeline: the open effects invite them to the new channel
 * and edit the card, which still speaks of what was asked. Null when it was never a request.
 */
export function promotionOf(
  timeline: readonly TimelineEvent[],
): { by: string | undefined; from: RequestKind } | null {
  const event = timeline.find((e) => e.type === "promoted");
  if (!event) return null;
  const from: RequestKind = event.data.from === "guidance_request" ? "guidance_request" : "change_request";
  return { by: event.actor, from };
}
