import { idList, type TimelineEvent } from "../src/core/incident/timeline.js";
import { markupToPlain } from "../src/core/markup.js";
import type { Inbound } from "../src/core/ports.js";
import { truncatePlain } from "../src/core/templates/limits.js";
import type { TimelineEventVars } from "../src/core/templates/registry-records.js";
import type { HandlerContext } from "./context.js";
import { itemsThatFit } from "./fit-items.js";
import { incidentVars } from "./incident-vars.js";
import { namedIncident } from "./named-incident.js";
import { inPlainWords, onOtherPlatform } from "./other-platform.js";
import { reply, zoneOf } from "./outbox-items.js";

/** What one timeline line quotes of a text someone wrote; the whole of it stays in the record. */
const QUOTE_MAX = 300;

/**
 * `/incident timeline [INC-n]`: what happened, oldest first, each event with its time in the asker's zone, who
 * did it and what, in the words of templates/timeline.yml. Only the asker sees it. A timeline too long for one
 * message shows its latest events and says how many earlier ones it leaves out.
 */
export async function showTimeline(
  ctx: HandlerContext,
  inbound: Inbound,
  incidentNumber?: number,
): Promise<void> {
  // Only read: an incident of another platform may be shown here too.
  const incident = await namedIncident(ctx, inbound, "timeline", incidentNumber, { readOnly: true });
  const events = (await ctx.store.timeline(incident.id)).map(eventVars);
  const vars = { ...incidentVars(ctx, incident), timezone: zoneOf(ctx, inbound), total: events.length };
  // An incident of another platform names its people and channels in words (see other-platform.ts).
  const elsewhere = onOtherPlatform(incident, inbound);
  const render = (shown: readonly TimelineEventVars[], omitted: number) => {
    const message = ctx.render("timeline", { ...vars, events: shown, omitted });
    return elsewhere ? inPlainWords(ctx, incident, message) : message;
  };
  // Newest first for the fitting (the latest matter most), shown oldest first.
  const newestFirst = [...events].reverse();
  const fit = itemsThatFit(newestFirst, (shown, omitted) => render([...shown].reverse(), omitted));
  await reply(ctx, inbound, render(events.slice(events.length - fit), events.length - fit), "timeline");
}

const quote = (s: string | undefined): string | undefined => (s ? truncatePlain(s, QUOTE_MAX) : undefined);

const ids = (list: string | undefined): { id: string }[] | undefined => {
  const people = idList(list);
  return people.length ? people.map((id) => ({ id })) : undefined;
};

/**
 * One event as the template sees it: its kind as a flag, and the facts it recorded under the names the
 * template uses. Only what is set is passed, so `{{#if}}` in the template works on every field.
 */
export function eventVars(e: TimelineEvent): TimelineEventVars {
  const d = e.data;
  const vars: TimelineEventVars = {
    at: e.at,
    is: { [e.type]: true },
    kind: e.type.replace(/_/g, " "),
    ...(e.actor && { actor: e.actor }),
  };
  const set = (fields: Omit<Partial<TimelineEventVars>, "at" | "is" | "kind" | "actor">) => {
    for (const [k, v] of Object.entries(fields)) {
      if (v !== undefined && v !== "") (vars as unknown as Record<string, unknown>)[k] = v;
    }
  };
  set({
    text: quote(d.text),
    summary: quote(d.summary),
    reason: quote(d.reason),
    from: d.from,
    to: d.to,
    title: d.title,
    severity: d.severity,
    channel: d.channel,
    link: d.link,
    ref: d.ref,
    until: d.until,
    user: d.commander ?? d.user,
  });
  switch (e.type) {
    case "participants_invited":
      set({ users: ids(d.users) });
      break;
    case "commander_paged":
      set({ via: d.via === "direct_message" ? "direct_message" : undefined });
      break;
    case "escalated":
    case "page_repeated":
      set({ users: ids(d.targets), count: Number(d.step ?? "0") + 1 });
      break;
    case "update_overdue":
      set({ count: Number(d.misses ?? "0") || undefined });
      break;
    case "severity_changed":
      set({ incident: d.merged });
      break;
    case "merged":
      set({ incident: d.into });
      break;
    case "duplicate_merged_in":
      set({ incident: d.from });
      break;
    case "followup_added":
      set({ count: Number(d.n ?? "0") || undefined, user: d.owner });
      break;
    case "followup_done":
    case "followup_reopened":
      set({ count: Number(d.n ?? "0") || undefined });
      break;
    case "postmortem_created":
      set({ user: d.owner, until: d.dueAt });
      break;
    case "deploy_received":
      set({ title: d.version, to: d.environment, ref: d.refs });
      break;
    case "message_pinned":
      // The message as the platform gave it (neutral markup): shown as plain text, so it pings nobody.
      set({ text: quote(markupToPlain(d.text ?? "")), user: d.author });
      break;
    default:
      break;
  }
  return vars;
}
