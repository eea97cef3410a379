import { NotFoundError, UsageError } from "../src/core/errors.js";
import type { Incident } from "../src/core/incident/incident.js";
import { timelineEvent } from "../src/core/incident/timeline.js";
import { isFinished, stopEscalation } from "../src/core/incident/timers.js";
import { userRef } from "../src/core/markup.js";
import type { Inbound } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";
import { incidentVars } from "./incident-vars.js";
import { cardEdit, channelPost, incidentKey, pageKey, reply } from "./outbox-items.js";
import { updateIncident } from "./timers.js";

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
 * The incident a command or a button refers to: a button names it (its value, so it also works from a DM),
 * a command is typed in the incident's channel.
 */
export async function incidentFor(
  ctx: HandlerContext,
  inbound: Inbound,
  verb: string,
  incidentId?: string,
): Promise<Incident> {
  if (!incidentId) return incidentInConversation(ctx, inbound, verb);
  const incident = await ctx.store.get(incidentId);
  if (!incident) throw new NotFoundError(`Incident ${incidentId} does not exist any more.`);
  return incident;
}

/** Refuses timed work on an incident that is over: its reminders and escalations are stopped for good. */
export function requireOngoing(incident: Incident, verb: string): void {
  if (isFinished(incident)) {
    throw new UsageError(
      `${incident.id} is ${incident.state}, so \`${verb}\` has nothing to act on. Nothing was changed.`,
      "incident_finished",
    );
  }
}

/**
 * Acknowledging says "someone is on it": the first acknowledgement moves a triggered incident on, stops the
 * escalation in the same write (so an escalation due a moment later sends nothing), edits the page to say
 * who took it, and is told to the channel; a later one only tells the person who already had it.
 */
export async function acknowledge(ctx: HandlerContext, inbound: Inbound, incidentId?: string): Promise<void> {
  const incident = await incidentFor(ctx, inbound, "ack", incidentId);
  if (incident.state === "triggered") await requirePaged(ctx, incident, inbound.actor);
  const now = ctx.clock.now();
  const { incident: updated, changed } = await updateIncident(ctx, incident.id, (current) =>
    current.state === "triggered"
      ? {
          incident: {
            ...current,
            state: "acknowledged",
            timers: stopEscalation(current),
            updatedAt: now.toISOString(),
          },
          events: [timelineEvent("acknowledged", now, {}, inbound.actor)],
        }
      : null,
  );
  if (!changed) {
    await reply(
      ctx,
      inbound,
      ctx.render("already-acknowledged", { ...incidentVars(ctx, updated), actor: inbound.actor }),
    );
    return;
  }
  const vars = incidentVars(ctx, updated);
  const items = channelPost(
    updated,
    incidentKey(updated, "acknowledged"),
    ctx.render("acknowledged", { ...vars, actor: inbound.actor }),
  );
  if (updated.channel && updated.commander) {
    items.push({
      key: incidentKey(updated, "page-acknowledged"),
      platform: updated.platform,
      incidentId: updated.id,
      op: {
        kind: "update",
        channelId: updated.channel.id,
        ref: pageKey(updated),
        message: ctx.render("page", { ...vars, acknowledgedBy: inbound.actor }),
      },
    });
  }
  items.push(...cardEdit(ctx, updated, incidentKey(updated, "card-acknowledged")));
  await ctx.outbox.send(...items);
}

/**
 * Only someone who was paged may acknowledge: an acknowledgement stops the escalation, so one from a bystander
 * would silence the page while the person on duty never saw it. When nobody could be paged, anyone may.
 */
async function requirePaged(ctx: HandlerContext, incident: Incident, actor: string): Promise<void> {
  const paged = new Set<string>();
  if (incident.commander) paged.add(incident.commander.platformUserId);
  for (const e of await ctx.store.timeline(incident.id)) {
    if (e.type === "escalated" || e.type === "page_repeated") {
      for (const user of (e.data.targets ?? "").split(",")) if (user) paged.add(user);
    }
  }
  if (paged.size === 0 || paged.has(actor)) return;
  const who = [...paged].map((u) => userRef(u)).join(", ");
  throw new UsageError(
    `Only the people paged for ${incident.id} can acknowledge it (${who}), so that the page is not silenced before they see it. Nothing was changed.`,
    "not_paged",
  );
}
