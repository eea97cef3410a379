import { ActionIds } from "../src/core/action-ids.js";
import { TEXT_MAX } from "../src/core/commands/text.js";
import { UsageError } from "../src/core/errors.js";
import type { Incident } from "../src/core/incident/incident.js";
import { timelineEvent } from "../src/core/incident/timeline.js";
import { restartUpdateTimer } from "../src/core/incident/timers.js";
import type { Form } from "../src/core/message.js";
import type { Inbound } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";
import { replyTarget } from "./context.js";
import { incidentFor, incidentIdFor, requireOngoing, requireOwnPlatform } from "./incident-lookup.js";
import { incidentVars } from "./incident-vars.js";
import { incidentNews, newsKeys } from "./outbox-items.js";
import { updateIncident } from "./timers.js";

/** The form the "Post update" button opens; its state carries the incident id. */
export function updateForm(incident: Incident): Form {
  return {
    callbackId: ActionIds.updateForm,
    title: `Update ${incident.id}`,
    submitLabel: "Post",
    state: incident.id,
    fields: [
      {
        id: "text",
        label: "What is the status?",
        kind: "textarea",
        maxLength: TEXT_MAX,
        placeholder: "Rolled back the deploy; errors are falling.",
        hint: "Posted in the incident channel and the announcement channel, and shown on the pinned card.",
      },
    ],
  };
}

/** The "Post update" button: opens the update form for the incident it names. */
export async function openUpdateForm(
  ctx: HandlerContext,
  inbound: Inbound,
  incidentId?: string,
): Promise<void> {
  const incident = await incidentFor(ctx, inbound, "update", incidentId);
  requireOngoing(incident, "update");
  if (!inbound.triggerId) throw new UsageError("Post the update with `/incident update <text>` instead.");
  await ctx
    .platform(inbound.platform)
    .openForm(inbound.triggerId, updateForm(incident), replyTarget(inbound));
}

/**
 * A status update (`/incident update <text>` or the form): posted in the channel, shown on the pinned card
 * (edited in place), sent to the announcement channel; the update reminder starts over (no misses, the next
 * one due a cadence from now, a new generation so a nudge already queued does nothing).
 */
export async function postStatusUpdate(
  ctx: HandlerContext,
  inbound: Inbound,
  text: string,
  incidentId?: string,
): Promise<void> {
  const id = await incidentIdFor(ctx, inbound, "update", incidentId);
  const now = ctx.clock.now();
  const { incident: updated } = await updateIncident(ctx, id, (current) => {
    requireOwnPlatform(current, inbound);
    requireOngoing(current, "update");
    const update = restartUpdateTimer(current, ctx.settings, now);
    return {
      incident: {
        ...current,
        lastUpdate: { at: now.toISOString(), text, actor: inbound.actor },
        timers: { ...current.timers, update },
        updatedAt: now.toISOString(),
      },
      events: [timelineEvent("status_update_posted", now, { text, gen: String(update.gen) }, inbound.actor)],
    };
  });
  const gen = updated.timers?.update?.gen ?? 0;
  const vars = incidentVars(ctx, updated);
  await ctx.outbox.send(
    ...(await incidentNews(ctx, updated, newsKeys(updated, `status-g${gen}`), {
      post: ctx.render("status-update", {
        ...vars,
        author: inbound.actor,
        text,
        nextUpdateDue: updated.timers?.update?.dueAt,
      }),
      announcement: ctx.render("status-update-announcement", { ...vars, author: inbound.actor, text }),
      notify: { actor: inbound.actor },
    })),
  );
}
