import { type Incident, SEVERITIES, severityLabel } from "../src/core/incident/incident.js";
import { isFinished } from "../src/core/incident/timers.js";
import type { Inbound } from "../src/core/ports.js";
import type { ListedIncidentVars } from "../src/core/templates/registry-records.js";
import type { HandlerContext } from "./context.js";
import { itemsThatFit } from "./fit-items.js";
import { onOtherPlatform, PLATFORM_NAMES, personInWords } from "./other-platform.js";
import { reply, zoneOf } from "./outbox-items.js";

/**
 * `/incident list`: every incident not yet closed, most severe first and, within a severity, oldest first
 * (what has burned longest), with its commander, state, age and when the next update is due. Only the asker
 * sees it, with times in their zone; a list too long for one message leaves out the least pressing. Incidents
 * followed on another platform (one Firebreak serving Slack and Mattermost) are listed too, but their channel
 * and commander are that platform's ids, which mean nothing where the asker is: such an incident carries the
 * platform's name, its channel's name and its commander's name as plain words instead, and the template says
 * where it is followed rather than linking the channel or mentioning anyone.
 */
export async function listIncidents(ctx: HandlerContext, inbound: Inbound): Promise<void> {
  const ids = await ctx.store.listOpen();
  const loaded = await Promise.all(ids.map((id) => ctx.store.get(id)));
  const open = loaded.filter((i): i is Incident => i !== null && i.state !== "closed").sort(byUrgency);
  const now = ctx.clock.now().getTime();
  const items = open.map((i) => listed(ctx, i, now, inbound));
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

function listed(ctx: HandlerContext, incident: Incident, now: number, inbound: Inbound): ListedIncidentVars {
  const due = isFinished(incident) ? undefined : incident.timers?.update?.dueAt;
  const base = {
    id: incident.id,
    title: incident.title,
    severity: severityLabel(incident.severity),
    state: incident.state,
    age: Math.max(0, now - Date.parse(incident.createdAt)),
    createdAt: incident.createdAt,
    ...(due && { nextUpdateDue: due }),
    ...(incident.kind !== "incident" && { request: true }),
  };
  if (!onOtherPlatform(incident, inbound)) {
    return {
      ...base,
      ...(incident.commander && { commander: incident.commander.platformUserId }),
      ...(incident.channel && { channel: incident.channel.id }),
    };
  }
  // Its channel and commander are ids of its own platform, meaningless here: the template gets them in words.
  return {
    ...base,
    platform: PLATFORM_NAMES[incident.platform],
    ...(incident.channel && { channelName: incident.channel.name }),
    ...(incident.commander && {
      commanderName: personInWords(ctx, incident.platform, incident.commander.platformUserId),
    }),
  };
}
