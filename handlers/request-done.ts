import { UsageError } from "../src/core/errors.js";
import type { Incident } from "../src/core/incident/incident.js";
import {
  closeAsDone,
  type DoneAllowed,
  doneRefusal,
  type RequestRefusal,
  requestRefusal,
} from "../src/core/incident/requests.js";
import type { Inbound } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";
import { requireOwnPlatform } from "./incident-lookup.js";
import { channelMarkup } from "./other-platform.js";
import { notAllowed } from "./permission.js";
import { requestDoneItems } from "./request-card.js";
import { updateIncident } from "./timers.js";

/**
 * "Mark done" on a request's card: resolved and closed in one write (closeReason "done"), the card edited to
 * say who did it, and whoever asked told. The asker, a manager or an admin may do it; anyone else is told who
 * can. The check runs inside the write, on the request as it is then, so a promotion a moment earlier wins.
 */
export async function markRequestDone(ctx: HandlerContext, inbound: Inbound, id?: string): Promise<void> {
  if (!id) return; // a button always carries its request; anything else is not ours to guess
  const now = ctx.clock.now();
  const { incident } = await updateIncident(ctx, id, (current) => {
    requireOwnPlatform(current, inbound);
    const refused = requestRefusal(current);
    if (refused) throw doneRefusalError(current, refused, inbound);
    const who = doneRefusal(ctx.settings, current, inbound.actor);
    if (who) throw doneNotAllowed(current, who);
    return closeAsDone(current, inbound.actor, now);
  });
  ctx.logger.info({ incident: incident.id }, "request marked done");
  await ctx.outbox.send(...requestDoneItems(ctx, incident, inbound.actor));
}

function doneRefusalError(incident: Incident, refused: RequestRefusal, inbound: Inbound): UsageError {
  switch (refused.reason) {
    case "not_a_request":
      return new UsageError(
        `${incident.id} was promoted to an incident, so it is resolved like one: \`/incident resolve\` in ${incident.channel ? channelMarkup(incident, inbound) : "its channel"}. Nothing was changed.`,
        "not_a_request",
      );
    case "finished":
      return new UsageError(`${incident.id} is already done. Nothing was changed.`, "request_finished");
  }
}

function doneNotAllowed(incident: Incident, allowed: DoneAllowed) {
  return notAllowed(incident, "mark as done", [
    { role: "requester", people: allowed.requesters },
    { role: "manager", people: allowed.managers },
    { role: "admin", people: allowed.admins },
  ]);
}
