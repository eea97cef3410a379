import { NameTakenError, PlatformError } from "../src/core/errors.js";
import { incidentChannelName, withSuffix } from "../src/core/incident/channel-name.js";
import type { Incident } from "../src/core/incident/incident.js";
import { isRequest, promotionOf } from "../src/core/incident/requests.js";
import { type TimelineEventType, timelineEvent } from "../src/core/incident/timeline.js";
import { coverageVars } from "../src/core/oncall/catalog.js";
import type { ChatPlatform, OutboxItem } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";
import { incidentVars } from "./incident-vars.js";
import { inviteOnce } from "./invite.js";
import {
  announceItems,
  cardVars,
  channelPost,
  directItem,
  incidentItem,
  incidentKey,
  kickoffKey,
  pageKey,
  reporterReply,
} from "./outbox-items.js";
import { requestPromotedItems } from "./request-card.js";

const MAX_NAME_ATTEMPTS = 20;

/**
 * The chat side of opening an incident, run by the worker as one durable job. The channel and the invitations
 * are direct platform calls, each remembered under the incident so a retry does not create a second channel;
 * every message goes through the outbox, whose keys make a retry send nothing twice. Paging comes right
 * after the channel exists: it is the message that matters most at 3 a.m., so it does not wait behind the
 * kickoff, the pin or the announcement.
 *
 * A promoted change or guidance request runs the same job once promoted: its card in the conversation it was
 * asked in is edited to say where the incident is followed, instead of the reporter's "opened" answer.
 */
export async function runOpenEffects(ctx: HandlerContext, incidentId: string): Promise<void> {
  const loaded = await ctx.store.get(incidentId);
  if (!loaded) {
    ctx.logger.warn({ incident: incidentId }, "open effects for an unknown incident; nothing to do");
    return;
  }
  if (isRequest(loaded)) {
    ctx.logger.warn({ incident: incidentId }, "open effects for a request; it has no channel until promoted");
    return;
  }
  let incident: Incident = loaded;
  // A promoted request: its promoter joins the channel, and its card and asker hear where it went.
  const promotion = loaded.thread ? promotionOf(await ctx.store.timeline(incidentId)) : null;
  const chat = ctx.platform(incident.platform);
  const once = async (step: string, effect: () => Promise<string>): Promise<string> => {
    const done = await ctx.idempotency.recall(incident.id, step);
    if (done !== null) return done;
    const value = await effect();
    await ctx.idempotency.remember(incident.id, step, value);
    return value;
  };
  const event = (type: TimelineEventType, data: Record<string, string> = {}) =>
    timelineEvent(type, ctx.clock.now(), data);
  const recordOnce: RecordOnce = async (step, type, data) => {
    await once(step, async () => {
      await ctx.store.appendEvent(incident.id, event(type, data));
      return "1";
    });
  };

  // 1. The channel.
  let channel = incident.channel;
  if (!channel) {
    let created: { id: string; name: string };
    try {
      created = await createUniqueChannel(ctx, chat, incident);
    } catch (err) {
      if (err instanceof PlatformError && !err.retryable) {
        await reportChannelFailure(ctx, incident, err, recordOnce);
        if (promotion)
          await ctx.outbox.send(...requestPromotedItems(ctx, incident, promotion.from, promotion.by));
        return;
      }
      throw err;
    }
    ({ incident } = await ctx.store.update(incident.id, (current) => ({
      incident: { ...current, channel: created, updatedAt: ctx.clock.now().toISOString() },
      events: [event("channel_created", { channel: created.id, name: created.name })],
    })));
    await ctx.store.linkChannel(incident.id, incident.platform, created.id);
    channel = created;
  }
  const vars = incidentVars(ctx, incident);
  // The page says so when the fallback policy pages, not the service's own.
  const pageVars = { ...vars, ...coverageVars(ctx.settings, incident.service) };

  // 2. The reporter and the commander join it.
  await once("invited", async () => {
    const users = [
      ...new Set([
        ...incident.reporters.map((r) => r.platformUserId),
        incident.commander?.platformUserId,
        promotion?.by,
      ]),
    ].filter((u): u is string => Boolean(u));
    try {
      await inviteOnce(ctx, incident, users);
    } catch (err) {
      // A refusal no retry can fix (the platform will not add someone, or anyone, to the channel) must not hold
      // back what matters more: the page, the kickoff, the announcement. The commander is paged by DM too.
      if (!(err instanceof PlatformError) || err.retryable) throw err;
      ctx.logger.warn(
        { incident: incident.id, code: err.platformCode, err: err.message },
        "could not invite the reporter and commander to the incident channel; going on without",
      );
      return "";
    }
    await ctx.store.appendEvent(incident.id, event("participants_invited", { users: users.join(",") }));
    return users.join(",");
  });

  // 3. Every message, in one outbox send so they keep this order in the channel: the page first (it is what
  // matters most at 3 a.m.), then the kickoff (the status card later updates edit in place) and its pin, the
  // page by DM, the announcement, and the reporter's answer.
  const items: OutboxItem[] = [];
  const commander = incident.commander?.platformUserId;
  if (commander) items.push(...channelPost(incident, pageKey(incident), ctx.render("page", pageVars)));
  items.push(...channelPost(incident, kickoffKey(incident), ctx.render("kickoff", cardVars(ctx, incident))));
  items.push(
    incidentItem(incident, incidentKey(incident, "kickoff-pin"), {
      kind: "pin",
      channelId: channel.id,
      ref: kickoffKey(incident),
    }),
  );
  if (commander) {
    items.push(
      directItem(incident, incidentKey(incident, "page-dm"), commander, ctx.render("page-dm", pageVars)),
    );
  }
  const announcementKey = incidentKey(incident, "announcement");
  const announcement = await announceItems(ctx, incident, announcementKey, ctx.render("announcement", vars));
  items.push(...announcement);
  if (promotion) {
    items.push(...requestPromotedItems(ctx, incident, promotion.from, promotion.by));
  } else {
    items.push(
      reporterReply(incident, incidentKey(incident, "opened-reply"), ctx.render("opened-reply", vars)),
    );
  }
  await ctx.outbox.send(...items);

  // 4. The timeline, once each, in the order the messages go out.
  if (commander) await recordOnce("paged", "commander_paged", { commander, via: "channel" });
  await recordOnce("kickoff", "kickoff_posted", { key: kickoffKey(incident) });
  if (commander) {
    await recordOnce("paged-dm", "commander_paged", { commander, via: "direct_message" });
  } else {
    await recordOnce("commander-missing", "commander_missing", {
      reason: incident.commanderMissingReason ?? "",
    });
  }
  await recordAnnounced(recordOnce, announcement, announcementKey);
}

/** Appends a timeline event once per incident and step, however often the job runs. */
type RecordOnce = (step: string, type: TimelineEventType, data: Record<string, string>) => Promise<void>;

/** Records that the announcement went out, when there is one (the announcement channel may not exist). */
async function recordAnnounced(
  recordOnce: RecordOnce,
  announcement: OutboxItem[],
  key: string,
): Promise<void> {
  const announced = announcement[0]?.op;
  if (announced?.kind === "post") {
    await recordOnce("announced", "announced", { channel: announced.channelId, key });
  }
}

async function createUniqueChannel(
  ctx: HandlerContext,
  chat: ChatPlatform,
  incident: Incident,
): Promise<{ id: string; name: string }> {
  const base = incidentChannelName(
    ctx.settings.channelNameTemplate,
    {
      number: incident.number,
      id: incident.id,
      title: incident.title,
      severity: incident.severity,
      service: incident.service,
      date: incident.createdAt.slice(0, 10),
    },
    chat.maxChannelNameLength,
  );
  for (let attempt = 1; attempt <= MAX_NAME_ATTEMPTS; attempt++) {
    const name = attempt === 1 ? base : withSuffix(base, attempt, chat.maxChannelNameLength);
    try {
      return await chat.createChannel(name, {
        topic: incident.title,
        displayName: `${incident.id} ${incident.title}`,
      });
    } catch (err) {
      if (!(err instanceof NameTakenError)) throw err;
      ctx.logger.info({ incident: incident.id, name }, "channel name taken; trying a suffix");
    }
  }
  throw new PlatformError(
    "name_taken",
    `Every channel name from ${base} to ${base}-${MAX_NAME_ATTEMPTS} is taken.`,
  );
}

async function reportChannelFailure(
  ctx: HandlerContext,
  incident: Incident,
  err: PlatformError,
  recordOnce: RecordOnce,
): Promise<void> {
  ctx.logger.error(
    { incident: incident.id, code: err.platformCode },
    "could not create the incident channel",
  );
  const vars = { ...incidentVars(ctx, incident), reason: err.message };
  await recordOnce("channel-failed", "channel_creation_failed", { reason: err.platformCode });
  // The incident is real even without a channel: announce it loudly and tell the reporter why.
  const message = ctx.render("channel-failed", vars);
  const key = incidentKey(incident, "channel-failed-announcement");
  const announcement = await announceItems(ctx, incident, key, message);
  await ctx.outbox.send(
    ...announcement,
    reporterReply(incident, incidentKey(incident, "channel-failed-reply"), message),
  );
  await recordAnnounced(recordOnce, announcement, key);
}
