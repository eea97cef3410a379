import { NameTakenError, PlatformError } from "../src/core/errors.js";
import { incidentChannelName, withSuffix } from "../src/core/incident/channel-name.js";
import type { Incident } from "../src/core/incident/incident.js";
import { type TimelineEventType, timelineEvent } from "../src/core/incident/timeline.js";
import type { Message } from "../src/core/message.js";
import type { ChatPlatform, OutboxItem } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";
import { incidentVars } from "./incident-vars.js";
import { inviteOnce } from "./invite.js";
import { announceItems, cardVars, directItem, incidentKey, kickoffKey, pageKey } from "./outbox-items.js";

const MAX_NAME_ATTEMPTS = 20;

/**
 * The chat side of opening an incident, run by the worker as one durable job. The channel and the invitations
 * are direct platform calls, each remembered under the incident so a retry does not create a second channel;
 * every message goes through the outbox, whose keys make a retry send nothing twice. Paging comes right
 * after the channel exists: it is the message that matters most at 3 a.m., so it does not wait behind the
 * kickoff, the pin or the announcement.
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
        await reportChannelFailure(ctx, incident, err, once);
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
    await inviteOnce(ctx, incident, users);
    await ctx.store.appendEvent(incident.id, event("participants_invited", { users: users.join(",") }));
    return users.join(",");
  });

  // 3. Every message, in one outbox send so they keep this order in the channel: the page first (it is what
  // matters most at 3 a.m.), then the kickoff (the status card later updates edit in place) and its pin, the
  // page by DM, the announcement, and the reporter's answer.
  const items: OutboxItem[] = [];
  const post = (key: string, message: Message): OutboxItem => ({
    key,
    platform: incident.platform,
    incidentId: incident.id,
    op: { kind: "post", channelId, message },
  });
  const commander = incident.commander?.platformUserId;
  if (commander) items.push(post(pageKey(incident), ctx.render("page", vars)));
  items.push(post(kickoffKey(incident), ctx.render("kickoff", cardVars(ctx, incident))));
  items.push({
    key: incidentKey(incident, "kickoff-pin"),
    platform: incident.platform,
    incidentId: incident.id,
    op: { kind: "pin", channelId, ref: kickoffKey(incident) },
  });
  if (commander) {
    items.push(
      directItem(incident, incidentKey(incident, "page-dm"), commander, ctx.render("page-dm", vars)),
    );
  }
  const announcement = await announceItems(
    ctx,
    incident,
    incidentKey(incident, "announcement"),
    ctx.render("announcement", vars),
  );
  items.push(...announcement);
  items.push(
    reporterReply(incident, incidentKey(incident, "opened-reply"), ctx.render("opened-reply", vars)),
  );
  await ctx.outbox.send(...items);

  // 4. The timeline, once each, in the order the messages go out.
  if (commander) {
    await once("paged", async () => {
      await ctx.store.appendEvent(incident.id, event("commander_paged", { commander, via: "channel" }));
      return "1";
    });
  }
  await once("kickoff", async () => {
    await ctx.store.appendEvent(incident.id, event("kickoff_posted", { key: kickoffKey(incident) }));
    return "1";
  });
  if (commander) {
    await once("paged-dm", async () => {
      await ctx.store.appendEvent(
        incident.id,
        event("commander_paged", { commander, via: "direct_message" }),
      );
      return "1";
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
  const announced = announcement[0]?.op;
  if (announced?.kind === "post") {
    await once("announced", async () => {
      await ctx.store.appendEvent(
        incident.id,
        event("announced", { channel: announced.channelId, key: incidentKey(incident, "announcement") }),
      );
      return "1";
    });
  }
}

/** Tells the reporter, where they typed the command and only them. */
function reporterReply(incident: Incident, key: string, message: Message): OutboxItem {
  return {
    key,
    platform: incident.platform,
    incidentId: incident.id,
    op: {
      kind: "ephemeral",
      to: {
        userId: incident.reporters[0]?.platformUserId ?? "",
        conversationId: incident.origin.conversationId,
        responseUrl: incident.origin.responseUrl,
      },
      message,
    },
  };
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
  const message = ctx.render("channel-failed", vars);
  const key = incidentKey(incident, "channel-failed-announcement");
  const announcement = await announceItems(ctx, incident, key, message);
  await ctx.outbox.send(
    ...announcement,
    reporterReply(incident, incidentKey(incident, "channel-failed-reply"), message),
  );
  const announced = announcement[0]?.op;
  if (announced?.kind === "post") {
    await once("announced", async () => {
      await ctx.store.appendEvent(
        incident.id,
        timelineEvent("announced", ctx.clock.now(), { channel: announced.channelId, key }),
      );
      return "1";
    });
  }
}
