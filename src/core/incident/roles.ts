/**
 * The communications lead and the responders, as pure rules on the incident as it is at the write. The
 * commander communicates by default; naming a communications lead takes the update nudges off the commander
 * (seed 003: "the incident commander needs to spend their cycles on resolving the incident"), which
 * `updateOwner` in incident.ts already follows.
 */
import { UsageError } from "../errors.js";
import { userRef } from "../markup.js";
import type { Incident, Participant } from "./incident.js";
import { roleRefusal } from "./role-refusal.js";
import { type TimelineEvent, timelineEvent } from "./timeline.js";

export interface RoleChange {
  incident: Incident;
  events: TimelineEvent[];
}

/** `to` becomes the communications lead; refused when they already are. */
export function setComms(incident: Incident, to: Participant, actor: string, now: Date): RoleChange {
  const previous = incident.comms?.platformUserId;
  if (previous === to.platformUserId) {
    throw roleRefusal(
      "already_comms",
      { incident: { id: incident.id }, alreadyComms: true, person: to.platformUserId },
      `${userRef(to.platformUserId)} is already the communications lead of ${incident.id}. Nothing was changed.`,
    );
  }
  return {
    incident: { ...incident, comms: to, updatedAt: now.toISOString() },
    events: [timelineEvent("comms_changed", now, { from: previous ?? "", to: to.platformUserId }, actor)],
  };
}

/** `who` joins as a responder; refused for the commander and for someone who already joined. */
export function joinResponders(incident: Incident, who: Participant, now: Date): RoleChange {
  const id = who.platformUserId;
  if (incident.commander?.platformUserId === id) {
    throw new UsageError(
      `You command ${incident.id}: responders are the people working with you. Nothing was changed.`,
      "commander_joins",
    );
  }
  const responders = incident.responders ?? [];
  if (responders.some((r) => r.platformUserId === id)) {
    throw new UsageError(
      `You already joined ${incident.id} as a responder. Nothing was changed.`,
      "already_joined",
    );
  }
  return {
    incident: { ...incident, responders: [...responders, who], updatedAt: now.toISOString() },
    events: [timelineEvent("responder_joined", now, {}, id)],
  };
}
