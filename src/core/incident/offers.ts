/**
 * Offers of the commander role: a designation (`/incident commander @user`) and a handoff (`/incident handoff
 * @user`). Nobody becomes commander without saying yes (seed 003: "confirm with them that they are able and
 * willing"), so both make an offer that the person named accepts or declines, or that expires.
 *
 * These are pure rules on the incident as it is at the write. The handlers run them inside the incident's
 * optimistic write, so two answers racing (two accepts, an accept and a decline, an accept and the expiry)
 * are decided by whichever write lands first: the other one finds the offer gone and is refused. Arming and
 * stopping the "offer" timer is done by the handlers in the same write (core/incident/timers.ts).
 */
import { userRef } from "../markup.js";
import type { CommanderOffer, HandoffBrief, Incident, Participant } from "./incident.js";
import { roleRefusal } from "./role-refusal.js";
import { recordedSpan, type TimelineEvent, timelineEvent } from "./timeline.js";
import type { FireTimer } from "./timer-firing.js";

export type OfferKind = CommanderOffer["kind"];

export interface OfferRequest {
  kind: OfferKind;
  to: Participant;
  /** Platform user id of who makes the offer. */
  by: string;
  brief?: HandoffBrief;
}

export interface OfferChange {
  incident: Incident;
  offer: CommanderOffer;
  events: TimelineEvent[];
}

const NOTHING = "Nothing was changed.";

/**
 * Refuses an offer to someone who cannot take it, judged on the incident alone: the current commander, and,
 * for a handoff, the person handing off. (Who the person is on the platform is checked before the write.)
 */
export function checkOfferTarget(incident: Incident, kind: OfferKind, to: string, actor: string): void {
  const commander = incident.commander?.platformUserId;
  const handoff = kind === "handoff";
  const id = { id: incident.id };
  if (to === commander) {
    throw roleRefusal(
      "already_commander",
      { incident: id, alreadyCommander: true, person: to, you: to === actor, handoff },
      to === actor
        ? `You already command ${incident.id}. ${handoff ? "Hand off to someone else. " : ""}${NOTHING}`
        : `${userRef(to)} already commands ${incident.id}. ${NOTHING}`,
    );
  }
  if (handoff && to === actor) {
    throw roleRefusal(
      "handoff_to_self",
      { incident: id, handoffToSelf: true, commander },
      `A handoff passes command to someone else. To take command of ${incident.id} yourself, ask ${
        commander ? userRef(commander) : "the commander"
      } to hand it to you. ${NOTHING}`,
    );
  }
}

/**
 * A new offer, replacing any pending one (whose buttons then answer "no longer open"): the next offer id,
 * expiring `expiresInMs` from now. Refuses what `checkOfferTarget` refuses.
 */
export function makeOffer(
  incident: Incident,
  request: OfferRequest,
  expiresInMs: number,
  now: Date,
): OfferChange {
  checkOfferTarget(incident, request.kind, request.to.platformUserId, request.by);
  const id = (incident.offerSeq ?? 0) + 1;
  const offer: CommanderOffer = {
    id,
    kind: request.kind,
    to: request.to,
    by: request.by,
    ...(incident.commander && { from: incident.commander.platformUserId }),
    ...(request.brief && { brief: request.brief }),
    at: now.toISOString(),
    expiresAt: new Date(now.getTime() + expiresInMs).toISOString(),
  };
  const replaced = incident.offer;
  return {
    incident: { ...incident, offer, offerSeq: id, updatedAt: now.toISOString() },
    offer,
    events: [
      timelineEvent(
        "commander_offered",
        now,
        {
          offer: String(id),
          kind: offer.kind,
          to: offer.to.platformUserId,
          from: offer.from ?? "",
          expiresAt: offer.expiresAt,
          ...(replaced && { replaced: String(replaced.id), replacedTo: replaced.to.platformUserId }),
        },
        request.by,
      ),
    ],
  };
}

/** The incident without its pending offer. */
function withoutOffer(incident: Incident, now: Date): Incident {
  const { offer: _answered, ...rest } = incident;
  return { ...rest, updatedAt: now.toISOString() };
}

/**
 * The offer a click names, if it can still be answered by `actor`; otherwise a refusal saying why. Every
 * loser of a race ends here: the offer was accepted, declined, replaced or expired a moment before.
 */
export function openOffer(
  incident: Incident,
  offerId: number,
  actor: string,
  now: Date,
  answer: "accept" | "decline",
): CommanderOffer {
  const offer = incident.offer;
  const id = { id: incident.id };
  if (!offer || offer.id !== offerId || Date.parse(offer.expiresAt) <= now.getTime()) {
    const replaced = Boolean(offer && offer.id > offerId);
    const expired = offer?.id === offerId;
    const why = replaced
      ? "a newer offer replaced it"
      : expired
        ? "it expired"
        : "it was already answered, or it expired";
    const commander = incident.commander?.platformUserId;
    throw roleRefusal(
      "offer_closed",
      { incident: id, offerClosed: true, replaced, expired, commander },
      `This offer to command ${incident.id} is no longer open: ${why}.${
        commander ? ` ${userRef(commander)} is the Incident Commander of ${incident.id}.` : ""
      } ${NOTHING}`,
    );
  }
  if (offer.to.platformUserId !== actor) {
    throw roleRefusal(
      "offer_not_yours",
      { incident: id, offerNotYours: true, person: offer.to.platformUserId, answer },
      `This offer to command ${incident.id} is for ${userRef(offer.to.platformUserId)}: only they can ${answer} it. ${NOTHING}`,
    );
  }
  return offer;
}

/**
 * The offer accepted: its recipient commands the incident, the previous commander stays on as a responder
 * (their knowledge does not leave with the role), and the offer is gone. Refuses what `openOffer` refuses.
 */
export function acceptOffer(incident: Incident, offerId: number, actor: string, now: Date): OfferChange {
  const offer = openOffer(incident, offerId, actor, now, "accept");
  const previous = incident.commander;
  const to = offer.to.platformUserId;
  const responders = (incident.responders ?? []).filter((r) => r.platformUserId !== to);
  if (previous && !responders.some((r) => r.platformUserId === previous.platformUserId)) {
    responders.push(previous);
  }
  const { commanderMissingReason: _found, ...rest } = withoutOffer(incident, now);
  return {
    incident: { ...rest, commander: offer.to, responders },
    offer,
    events: [
      timelineEvent(
        "commander_changed",
        now,
        {
          from: previous?.platformUserId ?? "",
          to,
          via: offer.kind,
          offer: String(offer.id),
          by: offer.by,
        },
        actor,
      ),
    ],
  };
}

/** The offer declined by its recipient, with their reason when they gave one. Refuses what `openOffer` refuses. */
export function declineOffer(
  incident: Incident,
  offerId: number,
  actor: string,
  reason: string | undefined,
  now: Date,
): OfferChange {
  const offer = openOffer(incident, offerId, actor, now, "decline");
  return {
    incident: withoutOffer(incident, now),
    offer,
    events: [
      timelineEvent(
        "commander_offer_declined",
        now,
        {
          offer: String(offer.id),
          kind: offer.kind,
          to: offer.to.platformUserId,
          by: offer.by,
          reason: reason ?? "",
        },
        actor,
      ),
    ],
  };
}

/**
 * The offer's deadline: an offer nobody answered is withdrawn, recording who was asked and who asked, since
 * the effects (telling whoever offered) run after the offer is gone. A firing before the deadline (a clock a
 * little ahead) waits for it.
 */
export const fireOfferTimer: FireTimer = (_settings, incident, now, tag) => {
  const offer = incident.offer;
  if (!offer) return { incident, events: [] };
  if (Date.parse(offer.expiresAt) > now.getTime())
    return { incident, events: [], nextDueAt: offer.expiresAt };
  return {
    incident: withoutOffer(incident, now),
    events: [
      timelineEvent("commander_offer_expired", now, {
        ...tag,
        offer: String(offer.id),
        kind: offer.kind,
        to: offer.to.platformUserId,
        by: offer.by,
        at: offer.at,
        expiresAt: offer.expiresAt,
      }),
    ],
  };
};

/**
 * What a `commander_offer_expired` event says: who was asked, who asked, whether it was a handoff, and the
 * window the offer had as it was made (the config may have changed since).
 */
export function expiredOffer(event: TimelineEvent): {
  to: string;
  by: string;
  handoff: boolean;
  waited: number;
} {
  return {
    to: event.data.to ?? "",
    by: event.data.by ?? "",
    handoff: event.data.kind === "handoff",
    waited: recordedSpan(event, "at", "expiresAt"),
  };
}

/** Reads "<incident id> <number>", the value of the offer and help-call buttons and the state of their forms. */
export function parseIncidentRef(value: string | undefined): { incidentId: string; n: number } | null {
  const m = /^(INC-[1-9][0-9]{0,9}) ([1-9][0-9]{0,9})$/.exec(value ?? "");
  return m ? { incidentId: m[1] as string, n: Number(m[2]) } : null;
}
