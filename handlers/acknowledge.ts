import { NotFoundError, UsageError } from "../src/core/errors.js";
import type { Incident } from "../src/core/incident/incident.js";
import { timelineEvent } from "../src/core/incident/timeline.js";
import type { Inbound } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";
import { replyTarget } from "./context.js";
import { incidentVars } from "./incident-vars.js";

/** The incident a command refers to: the one whose channel it was typed in. */
export async function incidentInConversation(
  ctx: HandlerContext,
  inbound: Inbound,
  verb: string,
): Promise<Incident> {
  const id = await ctx.store.findByChannel(inbound.platform, inbound.conversationId);
  const incident = id ? await ctx.store.get(id) : null;
  if (!incident) {
    throw new UsageError(
      `\`${verb}\` works inside an incident's channel. Run it there, or see open incidents in the announcement channel.`,
      "not_in_incident_channel",
    );
  }
  return incident;
}

/**
 * Acknowledging says "someone is on it": the first acknowledgement moves a triggered incident on and is told
 * to the channel; a later one only tells the person who already had it.
 */
export async function acknowledge(ctx: HandlerContext, inbound: Inbound, incidentId?: string): Promise<void> {
  const incident = incidentId
    ? await ctx.store.get(incidentId)
    : await incidentInConversation(ctx, inbound, "ack");
  if (!incident) throw new NotFoundError(`Incident ${incidentId} does not exist any more.`);
  const now = ctx.clock.now();
  const { incident: updated, changed } = await ctx.store.update(incident.id, (current) =>
    current.state === "triggered"
      ? {
          incident: { ...current, state: "acknowledged", updatedAt: now.toISOString() },
          events: [timelineEvent("acknowledged", now, {}, inbound.actor)],
        }
      : null,
  );
  const chat = ctx.platform(updated.platform);
  if (!changed) {
    await chat.replyEphemeral(
      replyTarget(inbound),
      ctx.render("already-acknowledged", { ...incidentVars(ctx, updated), actor: inbound.actor }),
    );
    return;
  }
  if (updated.channel) {
    await chat.post(
      updated.channel.id,
      ctx.render("acknowledged", { ...incidentVars(ctx, updated), actor: inbound.actor }),
    );
  }
}
