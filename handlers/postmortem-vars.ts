import type { Incident } from "../src/core/incident/incident.js";
import { postmortemUrl } from "../src/core/incident/postmortem.js";
import { postmortemToken } from "../src/core/incident/postmortem-link.js";
import type { HandlerContext } from "./context.js";
import { incidentVars } from "./incident-vars.js";

/**
 * The draft's address with its own access token (core/incident/postmortem-link.ts): the link is the credential,
 * private incidents included, so it goes only where the incident's people are (its channel, its owner's DMs).
 */
export async function draftUrl(ctx: HandlerContext, incident: Incident): Promise<string> {
  const secret = await ctx.oncall.calendarSecret();
  return postmortemUrl(ctx.publicUrl, incident.id, postmortemToken(secret, incident.id));
}

/** What every post-mortem message knows about it, with times in `timezone`; `url` is `draftUrl`'s. */
export function postmortemVars(
  ctx: HandlerContext,
  incident: Incident,
  timezone: string,
  url: string,
): Record<string, unknown> {
  const pm = incident.postmortem;
  return {
    ...incidentVars(ctx, incident),
    owner: pm?.owner,
    due: pm?.dueAt,
    url,
    timezone,
  };
}
