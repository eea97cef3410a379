import { ActionIds } from "../src/core/action-ids.js";
import { parseFreeText, TEXT_MAX } from "../src/core/commands/text.js";
import { UsageError } from "../src/core/errors.js";
import type { CommanderOffer, Incident } from "../src/core/incident/incident.js";
import { acceptOffer, declineOffer, openOffer, parseIncidentRef } from "../src/core/incident/offers.js";
import { roleRefusal } from "../src/core/incident/role-refusal.js";
import { isFinished, stopTimer } from "../src/core/incident/timers.js";
import type { Form } from "../src/core/message.js";
import type { Inbound, OutboxItem } from "../src/core/ports.js";
import { type HandlerContext, replyTarget } from "./context.js";
import { incidentVars } from "./incident-vars.js";
import { inviteQuietly } from "./invite.js";
import {
  channelPost,
  directItem,
  incidentKey,
  incidentNews,
  newsKeys,
  reply,
  zoneOf,
} from "./outbox-items.js";
import type { ActionRoute, FormRoute } from "./routes.js";
import { updateIncident } from "./timers.js";

/**
 * The answers to an offer of command: Accept, and Decline (with a form for the reason). Each is decided inside
 * the incident's write, so when two answers race (two Accept clicks, Accept and Decline, Accept and the
 * deadline) exactly one wins and the other is told the offer is no longer open.
 */

/** An offer on an incident that is over cannot be taken up: there is nothing left to command. */
function requireNotFinished(incident: Incident): void {
  if (isFinished(incident)) {
    throw roleRefusal(
      "offer_closed",
      { incident: { id: incident.id }, offerClosed: true, finished: true, state: incident.state },
      `This offer to command ${incident.id} is no longer open: ${incident.id} is ${incident.state}. Nothing was changed.`,
    );
  }
}

/** Accept: the person offered takes command. */
export const acceptOfferClick: ActionRoute = async (ctx, inbound, value) => {
  const ref = parseIncidentRef(value);
  if (!ref) return;
  const now = ctx.clock.now();
  let accepted: CommanderOffer | undefined;
  let previous: string | undefined;
  const { incident } = await updateIncident(ctx, ref.incidentId, (current) => {
    requireNotFinished(current);
    const change = acceptOffer(current, ref.n, inbound.actor, now);
    accepted = change.offer;
    previous = current.commander?.platformUserId;
    return {
      incident: { ...change.incident, timers: stopTimer(change.incident, "offer") },
      events: change.events,
    };
  });
  if (!accepted) return;
  await acceptedEffects(ctx, inbound, incident, accepted, previous);
};

/**
 * Everyone hears who commands now: the channel, the card, the subscribers; the commander replaced and whoever
 * offered by DM; the new commander where they clicked. The new commander is added to the channel. Reminders
 * need nothing: each one asks who owes the update when it fires (`updateOwner`).
 */
async function acceptedEffects(
  ctx: HandlerContext,
  inbound: Inbound,
  incident: Incident,
  offer: CommanderOffer,
  previous: string | undefined,
): Promise<void> {
  const vars = incidentVars(ctx, incident);
  const to = offer.to.platformUserId;
  const handoff = offer.kind === "handoff";
  const comms = incident.comms?.platformUserId;
  const base = `offer-${offer.id}-accepted`;
  // Taking command matters more than the invitation; the reply still points them to the channel.
  await inviteQuietly(ctx, incident, [to], "the new commander");
  const dms: OutboxItem[] = [];
  for (const user of new Set([previous, offer.by])) {
    if (!user || user === to) continue;
    dms.push(
      directItem(
        incident,
        incidentKey(incident, `${base}-dm-${user}`),
        user,
        ctx.render("commander-changed-dm", {
          ...vars,
          to,
          by: offer.by,
          handoff,
          previous: user === previous,
        }),
      ),
    );
  }
  await ctx.outbox.send(
    ...(await incidentNews(ctx, incident, newsKeys(incident, base), {
      post: ctx.render("commander-changed", { ...vars, to, from: previous, by: offer.by, handoff, comms }),
      notify: { actor: to },
    })),
    ...dms,
  );
  await reply(
    ctx,
    inbound,
    ctx.render("offer-accepted-reply", {
      ...vars,
      comms,
      nextUpdateDue: incident.timers?.update?.dueAt,
      timezone: zoneOf(ctx, inbound),
    }),
  );
}

/** The decline form; its state carries the incident and the offer. */
export function declineForm(incident: Incident, offerId: number): Form {
  return {
    callbackId: ActionIds.offerDeclineForm,
    title: `Decline ${incident.id}`,
    submitLabel: "Decline",
    state: `${incident.id} ${offerId}`,
    fields: [
      {
        id: "reason",
        label: "Why not? (optional)",
        kind: "textarea",
        optional: true,
        maxLength: TEXT_MAX,
        placeholder: "Going off shift in ten minutes; ask Dana.",
        hint: "Sent to whoever asked you, so they can find someone else.",
      },
    ],
  };
}

/**
 * Decline: opens the form for a reason when the platform gave a trigger, after checking the offer can still be
 * answered (so nobody explains themselves to an offer that is gone); without a trigger, declines at once.
 */
export const declineOfferClick: ActionRoute = async (ctx, inbound, value) => {
  const ref = parseIncidentRef(value);
  if (!ref) return;
  if (!inbound.triggerId) {
    await decline(ctx, inbound, ref.incidentId, ref.n, undefined);
    return;
  }
  const incident = await ctx.store.get(ref.incidentId);
  if (!incident)
    throw new UsageError(`Incident ${ref.incidentId} does not exist any more. Nothing was changed.`);
  requireNotFinished(incident);
  openOffer(incident, ref.n, inbound.actor, ctx.clock.now(), "decline");
  await ctx
    .platform(inbound.platform)
    .openForm(inbound.triggerId, declineForm(incident, ref.n), replyTarget(inbound));
};

/** The decline form submitted, with or without a reason. */
export const declineFormRoute: FormRoute = {
  check(values) {
    const reason = parseFreeText(values.reason ?? "", "The reason");
    return reason.ok ? null : { reason: reason.message };
  },
  async run(ctx, inbound, values, state) {
    const ref = parseIncidentRef(state);
    if (!ref) return;
    const reason = parseFreeText(values.reason ?? "", "The reason");
    await decline(ctx, inbound, ref.incidentId, ref.n, reason.ok && reason.text ? reason.text : undefined);
  },
};

async function decline(
  ctx: HandlerContext,
  inbound: Inbound,
  incidentId: string,
  offerId: number,
  reason: string | undefined,
): Promise<void> {
  const now = ctx.clock.now();
  let declined: CommanderOffer | undefined;
  const { incident } = await updateIncident(ctx, incidentId, (current) => {
    requireNotFinished(current);
    const change = declineOffer(current, offerId, inbound.actor, reason, now);
    declined = change.offer;
    return {
      incident: { ...change.incident, timers: stopTimer(change.incident, "offer") },
      events: change.events,
    };
  });
  if (!declined) return;
  const vars = incidentVars(ctx, incident);
  const to = declined.to.platformUserId;
  const handoff = declined.kind === "handoff";
  const base = `offer-${declined.id}-declined`;
  await ctx.outbox.send(
    ...channelPost(
      incident,
      incidentKey(incident, base),
      ctx.render("offer-declined", { ...vars, to, by: declined.by, handoff, reason }),
    ),
    directItem(
      incident,
      incidentKey(incident, `${base}-dm`),
      declined.by,
      ctx.render("offer-declined-dm", { ...vars, to, handoff, reason }),
    ),
  );
  await reply(ctx, inbound, ctx.render("offer-declined-reply", { ...vars, by: declined.by, handoff }));
}
