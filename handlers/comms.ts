import type { CommandOf } from "../src/core/commands/schema.js";
import { setComms } from "../src/core/incident/roles.js";
import type { Inbound } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";
import { incidentInConversation, requireOngoing } from "./incident-lookup.js";
import { incidentVars } from "./incident-vars.js";
import { inviteQuietly } from "./invite.js";
import { incidentNews, newsKeys } from "./outbox-items.js";
import { requireAllowed } from "./permission.js";
import { checkPerson } from "./person-check.js";
import { updateIncident } from "./timers.js";

/**
 * `/incident comms @user`: names the communications lead, who from then on gets the status-update reminders
 * instead of the commander (each reminder asks `updateOwner` when it fires). Told in the channel and on the
 * card; the lead is added to the channel, where the updates are posted.
 */
export async function nameComms(
  ctx: HandlerContext,
  inbound: Inbound,
  command: CommandOf<"comms">,
): Promise<void> {
  const loaded = await incidentInConversation(ctx, inbound, "comms");
  requireOngoing(loaded, "comms");
  requireAllowed(ctx, loaded, inbound.actor, "comms");
  const to = await checkPerson(ctx, loaded, command.user, "comms", inbound.actor);
  const now = ctx.clock.now();
  let previous: string | undefined;
  const { incident } = await updateIncident(ctx, loaded.id, (current) => {
    requireOngoing(current, "comms");
    requireAllowed(ctx, current, inbound.actor, "comms");
    previous = current.comms?.platformUserId;
    return setComms(current, to, inbound.actor, now);
  });
  await inviteQuietly(ctx, incident, [to.platformUserId], "the communications lead");
  const vars = incidentVars(ctx, incident);
  await ctx.outbox.send(
    ...(await incidentNews(
      ctx,
      incident,
      newsKeys(incident, `comms-${inbound.platform}-${inbound.deliveryId}`),
      {
        post: ctx.render("comms-changed", {
          ...vars,
          actor: inbound.actor,
          to: to.platformUserId,
          from: previous,
        }),
      },
    )),
  );
}
