import { timelineEvent } from "../src/core/incident/timeline.js";
import { markupToPlain } from "../src/core/markup.js";
import type { Inbound } from "../src/core/ports.js";
import { truncatePlain } from "../src/core/templates/limits.js";
import type { HandlerContext } from "./context.js";
import { incidentVars } from "./incident-vars.js";
import { reply } from "./outbox-items.js";
import { updateIncident } from "./timers.js";

/**
 * Two people pinning the same message at the same moment both find it missing from the timeline; the first
 * to claim it records it. The claim only has to outlast that race: afterwards the timeline itself says the
 * message is in, and a claim that expires cannot keep out a message whose recording failed half way.
 */
const CLAIM_TTL_MS = 10 * 60_000;

/** How much of the message the confirmation quotes. */
const QUOTE_MAX = 200;

/**
 * A 📌 reaction on a message in an incident channel copies the message into the timeline (`message_pinned`),
 * once per message however many people pin it. Reactions anywhere else are ignored. The person who reacted
 * sees a short confirmation; the channel sees nothing.
 */
export async function pinToTimeline(ctx: HandlerContext, inbound: Inbound, messageId: string): Promise<void> {
  const id = await ctx.store.findByChannel(inbound.platform, inbound.conversationId);
  if (!id) return;
  const incident = await ctx.store.get(id);
  if (!incident) return;
  const confirm = (vars: { text: string; author?: string; already?: boolean; unreadable?: boolean }) =>
    reply(
      ctx,
      inbound,
      ctx.render("message-pinned", {
        ...incidentVars(ctx, incident),
        already: false,
        unreadable: false,
        ...vars,
      }),
      "pinned",
    );

  const pinned = (await ctx.store.timeline(id)).some(
    (e) => e.type === "message_pinned" && e.data.messageId === messageId,
  );
  if (pinned) return confirm({ text: "", already: true });
  const message = await ctx.platform(inbound.platform).fetchMessage(inbound.conversationId, messageId);
  if (!message) return confirm({ text: "", unreadable: true });
  const claimed = await ctx.idempotency.claim(`pushpin-${id}-${messageId}`, CLAIM_TTL_MS);
  if (!claimed) return confirm({ text: "", already: true });

  const now = ctx.clock.now();
  await updateIncident(ctx, id, (current) => ({
    incident: { ...current, updatedAt: now.toISOString() },
    events: [
      timelineEvent(
        "message_pinned",
        now,
        {
          text: message.text,
          author: message.author ?? "",
          at: message.at,
          link: message.link ?? "",
          messageId,
        },
        inbound.actor,
      ),
    ],
  }));
  await confirm({
    text: truncatePlain(markupToPlain(message.text), QUOTE_MAX),
    ...(message.author && { author: message.author }),
  });
}
