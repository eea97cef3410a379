import type { Inbound } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";
import { namedIncident } from "./named-incident.js";
import { cardVars, reply, zoneOf } from "./outbox-items.js";

/** `/incident show [INC-n]`: the status card as it stands, shown only to the asker, with times in their zone. */
export async function showIncident(
  ctx: HandlerContext,
  inbound: Inbound,
  incidentNumber?: number,
): Promise<void> {
  const incident = await namedIncident(ctx, inbound, "show", incidentNumber);
  await reply(
    ctx,
    inbound,
    ctx.render("kickoff", { ...cardVars(ctx, incident), timezone: zoneOf(ctx, inbound) }),
    "show",
  );
}
