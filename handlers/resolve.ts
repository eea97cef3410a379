import { reporterIds } from "../src/core/incident/confirmation.js";
import { enterState } from "../src/core/incident/lifecycle.js";
import { timelineEvent } from "../src/core/incident/timeline.js";
import { armTimer, stopAllTimers } from "../src/core/incident/timers.js";
import type { Inbound } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";
import { incidentIdInConversation } from "./incident-lookup.js";
import { incidentVars } from "./incident-vars.js";
import { stateAnnouncement, stateChangeKeys } from "./lifecycle-news.js";
import { requireTransition } from "./lifecycle-refusal.js";
import { directItem, incidentKey, incidentNews, zoneOf } from "./outbox-items.js";
import { requireAllowed } from "./permission.js";
import { updateIncident } from "./timers.js";

/**
 * `/incident resolve [summary]`: only once the fix is live (mitigated or fix_deployed; see the transition
 * table) and only by whoever may (the commander, the communications lead, a manager or an admin). Every timer
 * stops in the same write (a generation bump fences out any job already due) and the reporters' confirmation
 * window starts: each reporter is asked by DM "fixed for you?", and the incident closes when all of them said
 * so, or at the end of `lifecycle.confirm_within` (core/incident/confirmation.ts).
 */
export async function resolveIncident(
  ctx: HandlerContext,
  inbound: Inbound,
  summary?: string,
): Promise<void> {
  const id = await incidentIdInConversation(ctx, inbound, "resolve");
  const now = ctx.clock.now();
  const at = now.toISOString();
  const dueAt = new Date(now.getTime() + ctx.settings.lifecycle.confirmWithinMs).toISOString();
  const { incident: updated } = await updateIncident(ctx, id, (current) => {
    // The state first: "not live yet" helps whoever asks; who may resolve matters only once it could be.
    const { from, to } = requireTransition(current, "resolve");
    requireAllowed(ctx, current, inbound.actor, "resolve");
    const asked = reporterIds(current);
    const stopped = { ...current, timers: stopAllTimers(current, ["confirmation", "postmortem"]) };
    return {
      incident: {
        ...enterState(current, to, now),
        timers: armTimer(stopped, "confirmation", dueAt),
        resolution: { at, actor: inbound.actor, ...(summary && { summary }) },
        confirmation: { asked, confirmed: [], askedAt: at, dueAt },
      },
      events: [
        timelineEvent("status_changed", now, { from, to, ...(summary && { summary }) }, inbound.actor),
        timelineEvent("confirmation_requested", now, { asked: asked.join(","), dueAt }, inbound.actor),
      ],
    };
  });
  const vars = incidentVars(ctx, updated);
  const keys = stateChangeKeys(updated);
  const asked = updated.confirmation?.asked ?? [];
  const post = ctx.render("incident-resolved", {
    ...vars,
    actor: inbound.actor,
    summary,
    asked: asked.map((user) => ({ id: user })),
    confirmBy: dueAt,
  });
  await ctx.outbox.send(
    ...(await incidentNews(ctx, updated, keys, {
      post,
      announcement: stateAnnouncement(ctx, updated, { actor: inbound.actor, summary }),
      // The reporters hear it from their confirmation request; the other subscribers get the post.
      notify: { actor: inbound.actor, except: asked },
    })),
    ...asked.map((user) =>
      directItem(
        updated,
        incidentKey(updated, `state-${updated.stateChanges ?? 0}-confirm-${user}`),
        user,
        ctx.render("confirm-request", {
          ...vars,
          actor: inbound.actor,
          summary,
          confirmBy: dueAt,
          timezone: zoneOf(ctx, { platform: updated.platform, actor: user }),
        }),
      ),
    ),
  );
}
