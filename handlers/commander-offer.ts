import { handoffBrief } from "../src/core/incident/handoff-brief.js";
import type { CommanderOffer, HandoffBrief, Incident, Participant } from "../src/core/incident/incident.js";
import { makeOffer, type OfferKind } from "../src/core/incident/offers.js";
import type { TimelineEvent } from "../src/core/incident/timeline.js";
import { armTimer } from "../src/core/incident/timers.js";
import type { Inbound, OutboxItem } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";
import { incidentFor, requireOngoing } from "./incident-lookup.js";
import { incidentVars } from "./incident-vars.js";
import { channelPost, directItem, incidentKey, zoneOf } from "./outbox-items.js";
import { requireAllowed } from "./permission.js";
import { checkPerson } from "./person-check.js";
import { updateIncident } from "./timers.js";

/** Who may make each kind of offer (core/incident/permissions.ts). */
const ACTION = { designation: "designate", handoff: "handoff" } as const;

/** The verb each kind of offer is typed as, for refusals. */
export const OFFER_VERB = { designation: "commander", handoff: "handoff" } as const;

/**
 * Everything a role command checks before it writes or opens a form: the incident is ongoing, the person
 * typing may make this offer, and the person named can take it. The write checks the first two again on the
 * incident as it is then.
 */
export async function checkOffer(
  ctx: HandlerContext,
  inbound: Inbound,
  kind: OfferKind,
  userId: string,
  incidentId?: string,
): Promise<{ incident: Incident; to: Participant }> {
  const incident = await incidentFor(ctx, inbound, OFFER_VERB[kind], incidentId);
  requireOngoing(incident, OFFER_VERB[kind]);
  requireAllowed(ctx, incident, inbound.actor, ACTION[kind]);
  return { incident, to: await checkPerson(ctx, incident, userId, kind, inbound.actor) };
}

/**
 * Offers command of an incident to `userId` (a designation, or a handoff with its brief): the offer is
 * recorded, replacing any pending one, and its deadline armed in the same write; then the person is asked by
 * DM with Accept and Decline, and the channel is told. Nothing else changes until they accept.
 */
export async function offerCommand(
  ctx: HandlerContext,
  inbound: Inbound,
  request: { kind: OfferKind; userId: string; brief?: HandoffBrief; incidentId?: string },
): Promise<void> {
  const { kind, userId } = request;
  const { incident: loaded, to } = await checkOffer(ctx, inbound, kind, userId, request.incidentId);
  // The brief shows recent notes and status changes; the timeline cannot be read inside the write.
  const timeline = kind === "handoff" ? await ctx.store.timeline(loaded.id) : [];
  const now = ctx.clock.now();
  let offer: CommanderOffer | undefined;
  let replaced: string | undefined;
  const { incident: updated } = await updateIncident(ctx, loaded.id, (current) => {
    requireOngoing(current, OFFER_VERB[kind]);
    requireAllowed(ctx, current, inbound.actor, ACTION[kind]);
    const made = makeOffer(
      current,
      { kind, to, by: inbound.actor, ...(request.brief && { brief: request.brief }) },
      ctx.settings.lifecycle.offerExpiresMs,
      now,
    );
    offer = made.offer;
    replaced = current.offer?.to.platformUserId;
    return {
      incident: { ...made.incident, timers: armTimer(made.incident, "offer", made.offer.expiresAt) },
      events: made.events,
    };
  });
  if (!offer) return;
  await ctx.outbox.send(...offerItems(ctx, updated, offer, timeline, replaced));
}

/** The DM asking the person (with the brief, for a handoff) and the post in the channel. */
function offerItems(
  ctx: HandlerContext,
  incident: Incident,
  offer: CommanderOffer,
  timeline: TimelineEvent[],
  /** Who the pending offer this one replaced was for. */
  replacedTo: string | undefined,
): OutboxItem[] {
  const vars = incidentVars(ctx, incident);
  const to = offer.to.platformUserId;
  const handoff = offer.kind === "handoff";
  const common = { ...vars, by: offer.by, offer: offer.id, expiresAt: offer.expiresAt };
  const timezone = zoneOf(ctx, { platform: incident.platform, actor: to });
  const dm = handoff
    ? ctx.render("handoff-brief", { ...common, ...briefVars(incident, timeline, offer.brief), timezone })
    : ctx.render("commander-offer-dm", { ...common, from: offer.from, timezone });
  return [
    directItem(incident, incidentKey(incident, `offer-${offer.id}-dm`), to, dm),
    ...channelPost(
      incident,
      incidentKey(incident, `offer-${offer.id}`),
      ctx.render("commander-offered", {
        ...vars,
        by: offer.by,
        to,
        handoff,
        expiresAt: offer.expiresAt,
        replacedTo,
      }),
    ),
  ];
}

/** The brief as the template shows it: lists left out when empty. */
function briefVars(
  incident: Incident,
  timeline: TimelineEvent[],
  brief: HandoffBrief | undefined,
): Record<string, unknown> {
  const content = handoffBrief(incident, timeline, brief);
  const list = <T>(items: T[]) => (items.length > 0 ? items : undefined);
  return {
    ...content,
    recent: list(content.recent),
    fixes: list(content.fixes),
    openCalls: list(content.openCalls),
    reporters: list(content.reporters),
    subscribers: list(content.subscribers),
    responders: list(content.responders),
  };
}
