import { joinResponders } from "../src/core/incident/roles.js";
import { personByPlatformId } from "../src/core/oncall/people.js";
import type { Inbound } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";
import { incidentIdInConversation, requireOngoing } from "./incident-lookup.js";
import { incidentVars } from "./incident-vars.js";
import { incidentNews, newsKeys } from "./outbox-items.js";
import { updateIncident } from "./timers.js";

/** `/incident join`: the person becomes a responder, shown on the card, so everyone sees who is working on it. */
export async function joinIncident(ctx: HandlerContext, inbound: Inbound): Promise<void> {
  const id = await incidentIdInConversation(ctx, inbound, "join");
  const person = personByPlatformId(ctx.settings, inbound.platform, inbound.actor);
  const who = { platformUserId: inbound.actor, ...(person && { personId: person.id }) };
  const now = ctx.clock.now();
  const { incident } = await updateIncident(ctx, id, (current) => {
    requireOngoing(current, "join");
    return joinResponders(current, who, now);
  });
  await ctx.outbox.send(
    ...(await incidentNews(
      ctx,
      incident,
      newsKeys(incident, `joined-${inbound.platform}-${inbound.deliveryId}`),
      {
        post: ctx.render("responder-joined", { ...incidentVars(ctx, incident), actor: inbound.actor }),
      },
    )),
  );
}
