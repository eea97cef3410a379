import type { Incident } from "../src/core/incident/incident.js";
import type { Message } from "../src/core/message.js";
import type { HandlerContext } from "./context.js";
import { incidentVars } from "./incident-vars.js";
import { type NewsKeys, newsKeys } from "./outbox-items.js";

/**
 * The outbox keys of the news of the incident's latest state change: `<incident>/state-<n>` for the n-th change
 * (`stateChanges`, counted by `enterState`), so each change is told once and a retry sends nothing twice.
 */
export function stateChangeKeys(incident: Incident): NewsKeys {
  return newsKeys(incident, `state-${incident.stateChanges ?? 0}`);
}

/** The announcement of a change people outside the incident channel care about (resolved, closed, reopened). */
export function stateAnnouncement(
  ctx: HandlerContext,
  incident: Incident,
  extra: { actor?: string; summary?: string; note?: string } = {},
): Message {
  return ctx.render("lifecycle-announcement", {
    ...incidentVars(ctx, incident),
    to: incident.state,
    ...extra,
  });
}
