import type { Incident } from "../src/core/incident/incident.js";
import type { TimelineEvent } from "../src/core/incident/timeline.js";
import type { HandlerContext } from "./context.js";
import { requestOpenedItems } from "./request-card.js";

/**
 * Stores a change or guidance request and posts its card where it was asked, with the announcement and the
 * asker's answer. No channel, no page, no timers: seed 003 tracks these, it does not fight them. The messages
 * are built before the record is stored (finding the announcement channel asks the platform), so a platform
 * error there fails the whole request, which the person is told, rather than storing one without its card.
 */
export async function recordRequest(
  ctx: HandlerContext,
  request: Incident,
  opened: TimelineEvent,
): Promise<void> {
  const items = await requestOpenedItems(ctx, request);
  await ctx.store.create(request, opened);
  ctx.logger.info({ incident: request.id, kind: request.kind }, "request opened");
  await ctx.outbox.send(...items);
}
