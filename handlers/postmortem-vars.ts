import type { Incident } from "../src/core/incident/incident.js";
import { postmortemUrl } from "../src/core/incident/postmortem.js";
import type { HandlerContext } from "./context.js";
import { incidentVars } from "./incident-vars.js";

/** The draft's address, or none for a private incident (the web route does not serve those). */
export function draftUrl(ctx: HandlerContext, incident: Incident): string | undefined {
  return incident.private ? undefined : postmortemUrl(ctx.publicUrl, incident.id, ctx.webTokens.status);
}

/** What every post-mortem message knows about it, with times in `timezone`. */
export function postmortemVars(
  ctx: HandlerContext,
  incident: Incident,
  timezone: string,
): Record<string, unknown> {
  const pm = incident.postmortem;
  return {
    ...incidentVars(ctx, incident),
    owner: pm?.owner,
    due: pm?.dueAt,
    url: draftUrl(ctx, incident),
    timezone,
  };
}
