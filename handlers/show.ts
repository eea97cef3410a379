import type { Inbound } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";
import { namedIncident } from "./named-incident.js";
import { inPlainWords, onOtherPlatform } from "./other-platform.js";
import { cardVars, reply, zoneOf } from "./outbox-items.js";

/**
 * `/incident show [INC-n]`: the status card as it stands, shown only to the asker, with times in their zone. An
 * incident of another platform may be shown (it is only read): its people and channel in words, and without
 * the card's buttons, since it is acted on where it lives (see other-platform.ts).
 */
export async function showIncident(
  ctx: HandlerContext,
  inbound: Inbound,
  incidentNumber?: number,
): Promise<void> {
  const incident = await namedIncident(ctx, inbound, "show", incidentNumber, { readOnly: true });
  const card = ctx.render("kickoff", { ...cardVars(ctx, incident), timezone: zoneOf(ctx, inbound) });
  await reply(
    ctx,
    inbound,
    onOtherPlatform(incident, inbound) ? inPlainWords(ctx, incident, card) : card,
    "show",
  );
}
