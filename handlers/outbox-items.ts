import { cardFollowups } from "../src/core/incident/followups.js";
import { fixView, lastUpdateView } from "../src/core/incident/handoff-brief.js";
import { type Incident, subscribersOf } from "../src/core/incident/incident.js";
import { isFinished } from "../src/core/incident/timers.js";
import type { Message } from "../src/core/message.js";
import { personByPlatformId } from "../src/core/oncall/people.js";
import type { Inbound, OutboxItem, OutboxOp } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";
import { replyTarget } from "./context.js";
import { incidentVars } from "./incident-vars.js";
import { zoneOfPerson } from "./oncall-people.js";

/**
 * Building blocks for outbox items. Keys are deterministic and unique for ever: `<incident>/<what>` for what an
 * incident says once (`INC-4/page`), with the timer generation in it for what it says again
 * (`INC-4/update-g3`), and `delivery/<platform>-<delivery id>/<what>` for answers to one inbound delivery.
 */
export const incidentKey = (incident: Pick<Incident, "id">, what: string): string => `${incident.id}/${what}`;

/** The key of the page message in the channel, which the acknowledgement edits. */
export const pageKey = (incident: Pick<Incident, "id">): string => incidentKey(incident, "page");
/** The key of the kickoff message: the pinned status card that updates edit in place. */
export const kickoffKey = (incident: Pick<Incident, "id">): string => incidentKey(incident, "kickoff");

function deliveryKey(inbound: Inbound, what: string): string {
  return `delivery/${inbound.platform}-${inbound.deliveryId}/${what}`;
}

/** An answer only the person who did something sees, where they did it. */
export function replyItem(inbound: Inbound, message: Message, what = "reply"): OutboxItem {
  return {
    key: deliveryKey(inbound, what),
    platform: inbound.platform,
    op: { kind: "ephemeral", to: replyTarget(inbound), message },
  };
}

export async function reply(ctx: HandlerContext, inbound: Inbound, message: Message, what = "reply") {
  await ctx.outbox.send(replyItem(inbound, message, what));
}

/** Anything an incident sends, on its platform and logged with its id. */
export function incidentItem(incident: Incident, key: string, op: OutboxOp): OutboxItem {
  return { key, platform: incident.platform, incidentId: incident.id, op };
}

/** A post in the incident channel; none when the incident has no channel (its creation failed). */
export function channelPost(incident: Incident, key: string, message: Message): OutboxItem[] {
  if (!incident.channel) return [];
  return [incidentItem(incident, key, { kind: "post", channelId: incident.channel.id, message })];
}

/** An edit in place of the message posted in the incident channel under `ref`; none without a channel. */
export function messageEdit(incident: Incident, key: string, ref: string, message: Message): OutboxItem[] {
  if (!incident.channel) return [];
  return [incidentItem(incident, key, { kind: "update", channelId: incident.channel.id, ref, message })];
}

export function directItem(incident: Incident, key: string, userId: string, message: Message): OutboxItem {
  return incidentItem(incident, key, { kind: "direct", userId, message });
}

/** Tells the reporter, where they typed the command and only them. */
export function reporterReply(incident: Incident, key: string, message: Message): OutboxItem {
  return incidentItem(incident, key, {
    kind: "ephemeral",
    to: {
      userId: incident.reporters[0]?.platformUserId ?? "",
      conversationId: incident.origin.conversationId,
      responseUrl: incident.origin.responseUrl,
    },
    message,
  });
}

/** A post in the announcement channel; none (and a warning) when that channel does not exist. */
export async function announceItems(
  ctx: HandlerContext,
  incident: Incident,
  key: string,
  message: Message,
): Promise<OutboxItem[]> {
  const channelId = await ctx.platform(incident.platform).resolveChannel(ctx.settings.announceChannel);
  if (!channelId) {
    ctx.logger.warn(
      { incident: incident.id, channel: ctx.settings.announceChannel },
      "announce_channel does not exist; create it or fix announce_channel in the config",
    );
    return [];
  }
  return [incidentItem(incident, key, { kind: "post", channelId, message })];
}

/** The variables of the status card (the kickoff message), as it stands for this version of the incident. */
export function cardVars(ctx: HandlerContext, incident: Incident): Record<string, unknown> {
  const due = incident.timers?.update?.dueAt;
  const followups = cardFollowups(incident);
  return {
    ...incidentVars(ctx, incident),
    acknowledged: incident.state !== "triggered",
    finished: isFinished(incident),
    working: incident.state !== "triggered" && !isFinished(incident),
    comms: incident.comms?.platformUserId,
    ...(incident.responders?.length && {
      responders: incident.responders.map((r) => ({ id: r.platformUserId })),
    }),
    ...(incident.fixes?.length && { fixes: incident.fixes.map(fixView) }),
    duplicateOf: incident.duplicateOf,
    ...(incident.mergedFrom?.length && { mergedFrom: incident.mergedFrom.map((id) => ({ id })) }),
    ...(incident.lastUpdate && { lastUpdate: lastUpdateView(incident.lastUpdate) }),
    ...(due && !isFinished(incident) && { nextUpdateDue: due }),
    ...(followups && { followups }),
  };
}

/** The status card re-rendered and edited in place; `key` must be new for every edit. */
export function cardEdit(ctx: HandlerContext, incident: Incident, key: string): OutboxItem[] {
  if (!incident.channel) return [];
  return messageEdit(incident, key, kickoffKey(incident), ctx.render("kickoff", cardVars(ctx, incident)));
}

/** The outbox keys of one piece of incident news (see `incidentNews`). */
export interface NewsKeys {
  post: string;
  card: string;
  announcement: string;
}

/** The usual keys of news `base`: `<incident>/<base>`, `<incident>/<base>-card`, `<incident>/<base>-announcement`. */
export function newsKeys(incident: Pick<Incident, "id">, base: string): NewsKeys {
  return {
    post: incidentKey(incident, base),
    card: incidentKey(incident, `${base}-card`),
    announcement: incidentKey(incident, `${base}-announcement`),
  };
}

/**
 * One change told to everyone, in the order people should see it: the post in the incident channel, the edits
 * of earlier messages that go with it (the acknowledged page), the status card re-rendered, the announcement
 * when there is one, and, with `notify`, a DM of the post to every subscriber but the person who did it and
 * those told another way (`except`).
 */
export async function incidentNews(
  ctx: HandlerContext,
  incident: Incident,
  keys: NewsKeys,
  news: {
    post: Message;
    edits?: OutboxItem[];
    announcement?: Message;
    /**
     * Tell the subscribers (state changes and updates do); `actor` did it and needs no DM, and `except` hear
     * of it another way (their own message sent beside this news).
     */
    notify?: Notify;
  },
): Promise<OutboxItem[]> {
  return [
    ...channelPost(incident, keys.post, news.post),
    ...(news.edits ?? []),
    ...cardEdit(ctx, incident, keys.card),
    ...(news.announcement ? await announceItems(ctx, incident, keys.announcement, news.announcement) : []),
    ...(news.notify ? subscriberItems(ctx, incident, keys.post, news.post, news.notify) : []),
  ];
}

/** Who among the subscribers gets no DM of a piece of news: whoever did it, and those told another way. */
interface Notify {
  actor?: string;
  except?: readonly string[];
}

/**
 * The news `message` by DM to every subscriber but the actor and `except`, with a footer saying why they get it
 * and how to stop. Keys are `<key>-sub-<user>`, so a retry sends nothing twice.
 */
function subscriberItems(
  ctx: HandlerContext,
  incident: Incident,
  key: string,
  message: Message,
  { actor, except = [] }: Notify,
): OutboxItem[] {
  const users = subscribersOf(incident).filter((u) => u !== actor && !except.includes(u));
  if (users.length === 0) return [];
  const footer = ctx.render("subscription-footer", {
    ...incidentVars(ctx, incident),
  });
  const dm: Message = { text: message.text, blocks: [...message.blocks, ...footer.blocks] };
  return users.map((user) => directItem(incident, `${key}-sub-${user}`, user, dm));
}

/** The zone to show a person times in: theirs from the people list, else the configured one. */
export function zoneOf(ctx: HandlerContext, inbound: Pick<Inbound, "platform" | "actor">): string {
  return zoneOfPerson(ctx, personByPlatformId(ctx.settings, inbound.platform, inbound.actor));
}
