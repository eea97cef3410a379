import type { Incident, IncidentState } from "../src/core/incident/incident.js";
import { enterState } from "../src/core/incident/lifecycle.js";
import { timelineEvent } from "../src/core/incident/timeline.js";
import { restartUpdateTimer, stopTimer } from "../src/core/incident/timers.js";
import type { Inbound } from "../src/core/ports.js";
import type { Settings } from "../src/core/settings.js";
import type { HandlerContext } from "./context.js";
import { incidentIdInConversation } from "./incident-lookup.js";
import { incidentVars } from "./incident-vars.js";
import { stateAnnouncement, stateChangeKeys } from "./lifecycle-news.js";
import { requireTransition } from "./lifecycle-refusal.js";
import { incidentNews } from "./outbox-items.js";
import { updateIncident } from "./timers.js";

/**
 * The incident worked on again (`reopen`, or a reporter's "Still broken"): the confirmation window stops (a
 * job already due is fenced out), the status-update reminder starts over from now, and it is no longer closed
 * for any reason. Pure, for use inside the write; `to` comes from an allowed transition.
 */
export function reopenedIncident(
  current: Incident,
  to: IncidentState,
  settings: Settings,
  now: Date,
): Incident {
  const { closeReason: _closed, ...entered } = enterState(current, to, now);
  return {
    ...entered,
    timers: { ...stopTimer(current, "confirmation"), update: restartUpdateTimer(current, settings, now) },
  };
}

/**
 * `/incident reopen`: anyone may bring back a resolved or closed incident, but not a duplicate closed by a merge
 * (the table refuses it: the work goes on in the incident it was merged into).
 */
export async function reopenIncident(ctx: HandlerContext, inbound: Inbound): Promise<void> {
  const id = await incidentIdInConversation(ctx, inbound, "reopen");
  const now = ctx.clock.now();
  const { incident: updated, before } = await updateIncident(ctx, id, (current) => {
    const { from, to } = requireTransition(current, "reopen");
    return {
      incident: reopenedIncident(current, to, ctx.settings, now),
      events: [timelineEvent("status_changed", now, { from, to }, inbound.actor)],
    };
  });
  const post = ctx.render("reopened", {
    ...incidentVars(ctx, updated),
    actor: inbound.actor,
    from: before.state,
  });
  await ctx.outbox.send(
    ...(await incidentNews(ctx, updated, stateChangeKeys(updated), {
      post,
      announcement: stateAnnouncement(ctx, updated, { actor: inbound.actor }),
      notify: { actor: inbound.actor },
    })),
  );
}
