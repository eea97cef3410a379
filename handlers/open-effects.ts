import { NameTakenError, PlatformError } from "../src/core/errors.js";
import { incidentChannelName, withSuffix } from "../src/core/incident/channel-name.js";
import type { Incident } from "../src/core/incident/incident.js";
import { type TimelineEventType, timelineEvent } from "../src/core/incident/timeline.js";
import type { Message } from "../src/core/message.js";
import type { ChatPlatform } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";
import { incidentVars } from "./incident-vars.js";

const MAX_NAME_ATTEMPTS = 20;

/**
 * The chat side of opening an incident, run by the worker as one durable job. Each step remembers its result
 * under the incident, so a retry after a crash or a platform outage resumes where it stopped instead of
 * creating a second channel or paging twice. Paging comes right after the channel exists: it is the step that
 * matters most at 3 a.m., so it does not wait behind the kickoff, the pin or the announcement.
 */
export async function runOpenEffects(ctx: HandlerContext, incidentId: string): Promise<void> {
  const loaded = await ctx.store.get(incidentId);
  if (!loaded) {
    ctx.logger.warn({ incident: incidentId }, "open effects for an unknown incident; nothing to do");
    return;
  }
  let incident: Incident = loaded;
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

  // 1. The channel.
  if (!incident.channel) {
    let channel: { id: string; name: string };
    try {
      channel = await createUniqueChannel(ctx, chat, incident);
    } catch (err) {
      if (err instanceof PlatformError && !err.retryable) {
        await reportChannelFailure(ctx, chat, incident, err, once);
        return;
      }
      throw err;
    }
    ({ incident } = await ctx.store.update(incident.id, (current) => ({
      incident: { ...current, channel, updatedAt: ctx.clock.now().toISOString() },
      events: [event("channel_created", { channel: channel.id, name: channel.name })],
    })));
    await ctx.store.linkChannel(incident.id, incident.platform, channel.id);
  }
  const channelId = (incident.channel as { id: string }).id;
  const vars = incidentVars(ctx, incident);

  // 2. The reporter and the commander join it.
  await once("invited", async () => {
    const people = [
      ...new Set([...incident.reporters.map((r) => r.platformUserId), incident.commander?.platformUserId]),
    ];
    const users = people.filter((u): u is string => Boolean(u));
    await chat.invite(channelId, users);
    await ctx.store.appendEvent(incident.id, event("participants_invited", { users: users.join(",") }));
    return users.join(",");
  });

  // 3. Page the commander in the channel, first, then the kickoff card.
  if (incident.commander) {
    await once("paged", async () => {
      const posted = await chat.post(channelId, ctx.render("page", vars));
      await ctx.store.appendEvent(
        incident.id,
        event("commander_paged", { commander: incident.commander?.platformUserId ?? "", via: "channel" }),
      );
      return posted.messageId;
    });
  }
  const kickoff = await once("kickoff", async () => {
    const posted = await chat.post(channelId, ctx.render("kickoff", vars));
    await ctx.store.appendEvent(incident.id, event("kickoff_posted", { message: posted.messageId }));
    return posted.messageId;
  });
  await once("pinned", async () => {
    await chat.pin({ channelId, messageId: kickoff });
    return "1";
  });
  if (incident.commander) {
    const commander = incident.commander.platformUserId;
    await once("paged-dm", async () => {
      const posted = await chat.sendDirect(commander, ctx.render("page-dm", vars));
      await ctx.store.appendEvent(
        incident.id,
        event("commander_paged", { commander, via: "direct_message" }),
      );
      return posted.messageId;
    });
  } else {
    await once("commander-missing", async () => {
      await ctx.store.appendEvent(
        incident.id,
        event("commander_missing", { reason: incident.commanderMissingReason ?? "" }),
      );
      return "1";
    });
  }

  // 4. Tell everyone, then tell the reporter where to go.
  await once("announced", () => announce(ctx, chat, incident, ctx.render("announcement", vars)));
  await once("replied", () => replyToReporter(chat, incident, ctx.render("opened-reply", vars)));
}

/** Tells the reporter, where they typed the command and only them. */
async function replyToReporter(chat: ChatPlatform, incident: Incident, message: Message): Promise<string> {
  await chat.replyEphemeral(
    {
      userId: incident.reporters[0]?.platformUserId ?? "",
      conversationId: incident.origin.conversationId,
      responseUrl: incident.origin.responseUrl,
    },
    message,
  );
  return "1";
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

async function announce(
  ctx: HandlerContext,
  chat: ChatPlatform,
  incident: Incident,
  message: Message,
): Promise<string> {
  const channel = await chat.resolveChannel(ctx.settings.announceChannel);
  if (!channel) {
    ctx.logger.warn(
      { incident: incident.id, channel: ctx.settings.announceChannel },
      "announce_channel does not exist; create it or fix announce_channel in the config",
    );
    return "missing";
  }
  const posted = await chat.post(channel, message);
  await ctx.store.appendEvent(
    incident.id,
    timelineEvent("announced", ctx.clock.now(), { channel, message: posted.messageId }),
  );
  return posted.messageId;
}

async function reportChannelFailure(
  ctx: HandlerContext,
  chat: ChatPlatform,
  incident: Incident,
  err: PlatformError,
  once: (step: string, effect: () => Promise<string>) => Promise<string>,
): Promise<void> {
  ctx.logger.error(
    { incident: incident.id, code: err.platformCode },
    "could not create the incident channel",
  );
  const vars = { ...incidentVars(ctx, incident), reason: err.message };
  await once("channel-failed", async () => {
    await ctx.store.appendEvent(
      incident.id,
      timelineEvent("channel_creation_failed", ctx.clock.now(), { reason: err.platformCode }),
    );
    return "1";
  });
  // The incident is real even without a channel: announce it loudly and tell the reporter why.
  await once("announced", () => announce(ctx, chat, incident, ctx.render("channel-failed", vars)));
  await once("replied", () => replyToReporter(chat, incident, ctx.render("channel-failed", vars)));
}
