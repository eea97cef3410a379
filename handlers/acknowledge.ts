import { UsageError } from "../src/core/errors.js";
import type { Incident } from "../src/core/incident/incident.js";
import { enterState } from "../src/core/incident/lifecycle.js";
import { type TimelineEvent, timelineEvent } from "../src/core/incident/timeline.js";
import { pagedTargets, stopEscalation } from "../src/core/incident/timers.js";
import { userRef } from "../src/core/markup.js";
import type { Inbound } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";
import { incidentIdFor, requireOwnPlatform } from "./incident-lookup.js";
import { incidentVars } from "./incident-vars.js";
import { incidentKey, incidentNews, messageEdit, newsKeys, pageKey, reply } from "./outbox-items.js";
import { updateIncident } from "./timers.js";

/**
 * Acknowledging says "someone is on it": the first acknowledgement moves a triggered incident on, stops the
 * escalation in the same write (so an escalation due a moment later sends nothing), edits the page to say
 * who took it, and is told to the channel; a later one only tells the person who already had it.
 */
export async function acknowledge(ctx: HandlerContext, inbound: Inbound, incidentId?: string): Promise<void> {
  const id = await incidentIdFor(ctx, inbound, "ack", incidentId);
  // Who was paged is in the timeline, which the write below cannot read; the check itself runs in the write.
  const timeline = await ctx.store.timeline(id);
  const now = ctx.clock.now();
  const { incident: updated, changed } = await updateIncident(ctx, id, (current) => {
    requireOwnPlatform(current, inbound);
    if (current.state !== "triggered") return null;
    requirePaged(current, timeline, inbound.actor);
    return {
      incident: { ...enterState(current, "acknowledged", now), timers: stopEscalation(current) },
      events: [timelineEvent("acknowledged", now, {}, inbound.actor)],
    };
  });
  if (!changed) {
    await reply(
      ctx,
      inbound,
      ctx.render("already-acknowledged", { ...incidentVars(ctx, updated), actor: inbound.actor }),
    );
    return;
  }
  const vars = incidentVars(ctx, updated);
  const pageEdit = updated.commander
    ? messageEdit(
        updated,
        incidentKey(updated, "page-acknowledged"),
        pageKey(updated),
        ctx.render("page", { ...vars, acknowledgedBy: inbound.actor }),
      )
    : [];
  await ctx.outbox.send(
    ...(await incidentNews(
      ctx,
      updated,
      { ...newsKeys(updated, "acknowledged"), card: incidentKey(updated, "card-acknowledged") },
      { post: ctx.render("acknowledged", { ...vars, actor: inbound.actor }), edits: pageEdit },
    )),
  );
}

/**
 * Only someone who was paged may acknowledge: an acknowledgement stops the escalation, so one from a bystander
 * would silence the page while the person on duty never saw it. When nobody could be paged, anyone may.
 */
function requirePaged(incident: Incident, timeline: TimelineEvent[], actor: string): void {
  const paged = new Set<string>();
  if (incident.commander) paged.add(incident.commander.platformUserId);
  for (const e of timeline) {
    if (e.type === "escalated" || e.type === "page_repeated") {
      for (const user of pagedTargets(e)) paged.add(user);
    }
  }
  if (paged.size === 0 || paged.has(actor)) return;
  const who = [...paged].map((u) => userRef(u)).join(", ");
  throw new UsageError(
    `Only the people paged for ${incident.id} can acknowledge it (${who}), so that the page is not silenced before they see it. Nothing was changed.`,
    "not_paged",
  );
}
