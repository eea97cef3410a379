import { type Incident, SEVERITIES, severityLabel } from "../src/core/incident/incident.js";
import { isFinished } from "../src/core/incident/timers.js";
import type { Inbound } from "../src/core/ports.js";
import type { ListedIncidentVars } from "../src/core/templates/registry-records.js";
import type { HandlerContext } from "./context.js";
import { itemsThatFit } from "./fit-items.js";
import { reply, zoneOf } from "./outbox-items.js";

/**
 * `/incident list`: every incident not yet closed, most severe first and, within a severity, oldest first
 * (what has burned longest), with its commander, state, age and when the next update is due. Only the asker
 * sees it, with times in their zone; a list too long for one message leaves out the least pressing.
 */
export async function listIncidents(ctx: HandlerContext, inbound: Inbound): Promise<void> {
  const ids = await ctx.store.listOpen();
  const loaded = await Promise.all(ids.map((id) => ctx.store.get(id)));
  const open = loaded.filter((i): i is Incident => i !== null && i.state !== "closed").sort(byUrgency);
  const now = ctx.clock.now().getTime();
  const items = open.map((i) => listed(i, now));
  const vars = { timezone: zoneOf(ctx, inbound), none: items.length === 0, total: items.length };
  const render = (shown: readonly ListedIncidentVars[], omitted: number) =>
    ctx.render("incident-list", { ...vars, incidents: shown, omitted });
  const fit = itemsThatFit(items, render);
  await reply(ctx, inbound, render(items.slice(0, fit), items.length - fit), "list");
}

/** Most severe first, then oldest first. */
export function byUrgency(a: Incident, b: Incident): number {
  return (
    SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
    Date.parse(a.createdAt) - Date.parse(b.createdAt)
  );
}

function listed(incident: Incident, now: number): ListedIncidentVars {
  const due = isFinished(incident) ? undefined : incident.timers?.update?.dueAt;
  return {
    id: incident.id,
    title: incident.title,
    severity: severityLabel(incident.severity),
    state: incident.state,
    age: Math.max(0, now - Date.parse(incident.createdAt)),
    createdAt: incident.createdAt,
    ...(incident.commander && { commander: incident.commander.platformUserId }),
    ...(incident.channel && { channel: incident.channel.id }),
    ...(due && { nextUpdateDue: due }),
    ...(incident.kind !== "incident" && { request: true }),
  };
}
