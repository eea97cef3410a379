import { timelineEvent } from "../src/core/incident/timeline.js";
import type { Inbound } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";
import { incidentIdInConversation } from "./incident-lookup.js";
import { incidentVars } from "./incident-vars.js";
import { reply } from "./outbox-items.js";
import { updateIncident } from "./timers.js";

/**
 * `/incident note <text>`, typed in the incident's channel: a line in the timeline, for what is worth keeping
 * but not worth an update (a hypothesis ruled out, a dashboard link). Open to everyone and at any stage, a
 * closed incident included: the record is for the review afterwards. Only the person sees the confirmation.
 */
export async function addNote(ctx: HandlerContext, inbound: Inbound, text: string): Promise<void> {
  const id = await incidentIdInConversation(ctx, inbound, "note");
  const now = ctx.clock.now();
  const { incident } = await updateIncident(ctx, id, (current) => ({
    incident: { ...current, updatedAt: now.toISOString() },
    events: [timelineEvent("note_added", now, { text }, inbound.actor)],
  }));
  await reply(ctx, inbound, ctx.render("note-added", { ...incidentVars(ctx, incident), text }), "note");
}
