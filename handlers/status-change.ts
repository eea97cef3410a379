import type { IncidentState } from "../src/core/incident/incident.js";
import { enterState, isStatusState } from "../src/core/incident/lifecycle.js";
import { timelineEvent } from "../src/core/incident/timeline.js";
import type { Inbound } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";
import { incidentIdInConversation } from "./incident-lookup.js";
import { incidentVars } from "./incident-vars.js";
import { stateChangeKeys } from "./lifecycle-news.js";
import { notAStatusError, requireTransition } from "./lifecycle-refusal.js";
import { incidentNews } from "./outbox-items.js";
import { updateIncident } from "./timers.js";

/**
 * `/incident status <state>`: investigating, identified and mitigated, as the transition table allows them from
 * the state the incident is in at the write. Every other state has its own command, which the refusal names.
 * Told in the channel, on the card and to the subscribers.
 */
export async function changeStatus(
  ctx: HandlerContext,
  inbound: Inbound,
  state: IncidentState,
): Promise<void> {
  const id = await incidentIdInConversation(ctx, inbound, "status");
  if (!isStatusState(state)) throw notAStatusError(id, state);
  const now = ctx.clock.now();
  const { incident: updated, before } = await updateIncident(ctx, id, (current) => {
    const { from, to } = requireTransition(current, state);
    return {
      incident: enterState(current, to, now),
      events: [timelineEvent("status_changed", now, { from, to }, inbound.actor)],
    };
  });
  const post = ctx.render("status-changed", {
    ...incidentVars(ctx, updated),
    actor: inbound.actor,
    from: before.state,
    to: updated.state,
    mitigated: updated.state === "mitigated",
  });
  await ctx.outbox.send(
    ...(await incidentNews(ctx, updated, stateChangeKeys(updated), {
      post,
      notify: { actor: inbound.actor },
    })),
  );
}
