import type { WebClient } from "@slack/web-api";
import { NameTakenError, PlatformError } from "../../core/errors.js";
import type { ChatPlatform, Logger } from "../../core/ports.js";
import { carriesKey, toBlockKit, toModal } from "./block-kit.js";

/** Slack errors worth retrying: the platform was busy or broken, not our request. */
const RETRYABLE = new Set([
  "ratelimited",
  "internal_error",
  "fatal_error",
  "service_unavailable",
  "request_timeout",
  "team_added_to_org",
]);

/** HTTP statuses other than 429 after which a later attempt can succeed (Slack's edge or a proxy was unwell). */
const retryableStatus = (status: number) => status >= 500 || status === 408 || status === 425;

/** chat.postEphemeral refusals that mean "not there", not "not allowed". */
const EPHEMERAL_UNREACHABLE = new Set([
  "user_not_in_channel",
  "channel_not_found",
  "not_in_channel",
  "is_archived",
]);

/** Turns a Web API failure into our error types at the boundary, so handlers never see SDK errors. */
export function translateSlackError(err: unknown, method: string, channelName = ""): never {
  if (err instanceof PlatformError) throw err;
  const e = err as {
    code?: string;
    data?: { error?: string };
    message?: string;
    retryAfter?: number;
    statusCode?: number;
  };
  // WebClient with rejectRateLimitedCalls: HTTP 429 with Retry-After, which the outbox must honour.
  if (e.code === "slack_webapi_rate_limited_error") {
    const retryAfterSec = typeof e.retryAfter === "number" && e.retryAfter >= 0 ? e.retryAfter : 1;
    throw new PlatformError(
      "ratelimited",
      `Slack rate-limited ${method}; retry after ${retryAfterSec} s`,
      true,
      retryAfterSec * 1000,
    );
  }
  if (e.code === "slack_webapi_http_error" && typeof e.statusCode === "number") {
    throw new PlatformError(
      `http_${e.statusCode}`,
      `Slack answered ${method} with HTTP ${e.statusCode}`,
      retryableStatus(e.statusCode),
    );
  }
  const code = e.data?.error;
  if (code === "name_taken") throw new NameTakenError(channelName);
  if (code) throw new PlatformError(code, `Slack refused ${method}: ${code}`, RETRYABLE.has(code));
  // Timeouts, resets and refused connections: Slack may be down; a retry later can succeed.
  throw new PlatformError(
    "unreachable",
    `Slack could not be reached for ${method}: ${e.message ?? String(err)}`,
    true,
  );
}

const slackErrorCode = (err: unknown) => (err as { data?: { error?: string } }).data?.error;

async function call<T>(method: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    return translateSlackError(err, method);
  }
}

/** A Date as a Slack message timestamp (`<epoch seconds>.<6 digits>`). */
export function toSlackTs(at: Date): string {
  return (Math.max(0, at.getTime()) / 1000).toFixed(6);
}

/** conversations.history page size: Slack recommends no more than 200. */
const HISTORY_PAGE = 200;
/** Pages findPosted reads before giving up: the outbox looks back minutes, not days. */
const HISTORY_MAX_PAGES = 5;

export function createSlackPlatform(client: WebClient, logger: Logger): ChatPlatform {
  const announceCache = new Map<string, string>();
  let identity: { userId: string; botId: string | undefined } | undefined;
  const whoAmI = async () => {
    if (!identity) {
      const auth = await call("auth.test", () => client.auth.test());
      identity = { userId: auth.user_id as string, botId: auth.bot_id };
    }
    return identity;
  };

  /** One conversations.history page; joins a public channel once when Slack says the bot is not in it. */
  const historyPage = async (channel: string, oldest: string, cursor: string | undefined) => {
    const read = () =>
      client.conversations.history({ channel, oldest, inclusive: true, limit: HISTORY_PAGE, cursor });
    try {
      return await read();
    } catch (err) {
      if (slackErrorCode(err) !== "not_in_channel") return translateSlackError(err, "conversations.history");
    }
    // The bot can post to public channels without being in them (chat:write.public) but reads only where it is
    // a member. Joining is what resolveChannel does for the announce channel anyway.
    await call("conversations.join", () => client.conversations.join({ channel }));
    return call("conversations.history", read);
  };

  return {
    platform: "slack",
    maxChannelNameLength: 80,

    async createChannel(name, options) {
      const res = await client.conversations
        .create({ name })
        .catch((err: unknown) => translateSlackError(err, "conversations.create", name));
      const channel = res.channel as { id: string; name: string };
      if (options.topic) {
        await call("conversations.setTopic", () =>
          client.conversations.setTopic({ channel: channel.id, topic: options.topic?.slice(0, 250) ?? "" }),
        ).catch((err: unknown) => logger.warn({ err: String(err) }, "could not set the channel topic"));
      }
      return { id: channel.id, name: channel.name };
    },

    async invite(channelId, userIds) {
      const me = (await whoAmI()).userId;
      const users = userIds.filter((u) => u !== me);
      if (users.length === 0) return;
      try {
        await client.conversations.invite({ channel: channelId, users: users.join(",") });
      } catch (err) {
        // Everyone asked for is already there: the goal is met.
        if ((err as { data?: { error?: string } }).data?.error === "already_in_channel") return;
        translateSlackError(err, "conversations.invite");
      }
    },

    async post(channelId, message, options) {
      const res = await call("chat.postMessage", () =>
        client.chat.postMessage({
          channel: channelId,
          ...toBlockKit(message, options?.key),
          unfurl_links: false,
        }),
      );
      return { channelId: res.channel as string, messageId: res.ts as string };
    },

    async findPosted(channelId, key, since) {
      const me = await whoAmI();
      const oldest = toSlackTs(since);
      let cursor: string | undefined;
      for (let page = 0; page < HISTORY_MAX_PAGES; page++) {
        const res = await historyPage(channelId, oldest, cursor);
        const found = (res.messages ?? []).find(
          (m) =>
            (m.user === me.userId || (me.botId !== undefined && m.bot_id === me.botId)) &&
            m.ts !== undefined &&
            carriesKey(m, key),
        );
        if (found?.ts) return { channelId, messageId: found.ts };
        cursor = (res.has_more && res.response_metadata?.next_cursor) || undefined;
        if (!cursor) return null;
      }
      // Over a thousand messages since the first attempt: posting again risks a duplicate, not a loss.
      logger.warn(
        { channelId, key, pages: HISTORY_MAX_PAGES },
        "findPosted gave up paging the channel history",
      );
      return null;
    },

    async update(target, message) {
      await call("chat.update", () =>
        client.chat.update({ channel: target.channelId, ts: target.messageId, ...toBlockKit(message) }),
      );
    },

    async pin(target) {
      try {
        await client.pins.add({ channel: target.channelId, timestamp: target.messageId });
      } catch (err) {
        if ((err as { data?: { error?: string } }).data?.error === "already_pinned") return;
        translateSlackError(err, "pins.add");
      }
    },

    async openDirect(userId) {
      const dm = await call("conversations.open", () => client.conversations.open({ users: userId }));
      const id = (dm.channel as { id?: string } | undefined)?.id;
      if (!id)
        throw new PlatformError("invalid_response", "conversations.open answered without a channel id");
      return id;
    },

    async replyEphemeral(to, message) {
      const body = toBlockKit(message);
      if (to.responseUrl) {
        const res = await fetch(to.responseUrl, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ response_type: "ephemeral", replace_original: false, ...body }),
        }).catch((err: unknown) => {
          throw new PlatformError("unreachable", `response_url could not be reached: ${String(err)}`, true);
        });
        if (res.ok) return;
        // response_url expires after 30 minutes or 5 uses; fall back to an ephemeral post in the channel.
        logger.info({ status: res.status }, "response_url refused the reply; using chat.postEphemeral");
      }
      try {
        await call("chat.postEphemeral", () =>
          client.chat.postEphemeral({ channel: to.conversationId, user: to.userId, ...body }),
        );
      } catch (err) {
        // The person (or the bot) is not in that conversation any more: the answer still reaches them, by DM.
        if (!(err instanceof PlatformError) || !EPHEMERAL_UNREACHABLE.has(err.platformCode)) throw err;
        logger.info({ code: err.platformCode }, "ephemeral reply not possible there; sending it by DM");
        const dm = await call("conversations.open", () => client.conversations.open({ users: to.userId }));
        await call("chat.postMessage", () =>
          client.chat.postMessage({ channel: (dm.channel as { id: string }).id, ...body }),
        );
      }
    },

    async openForm(triggerId, form) {
      await call("views.open", () =>
        client.views.open({
          trigger_id: triggerId,
          view: toModal(form) as unknown as Parameters<typeof client.views.open>[0]["view"],
        }),
      );
    },

    async resolveChannel(name) {
      const cached = announceCache.get(name);
      if (cached) return cached;
      let cursor: string | undefined;
      do {
        const page = await call("conversations.list", () =>
          client.conversations.list({ types: "public_channel", exclude_archived: true, limit: 200, cursor }),
        );
        const found = (page.channels ?? []).find((c) => c.name === name);
        if (found?.id) {
          // Joining once lets the bot post there even where chat:write.public is not granted.
          if (!found.is_member) {
            await call("conversations.join", () =>
              client.conversations.join({ channel: found.id as string }),
            ).catch((err: unknown) =>
              logger.warn({ err: String(err), channel: name }, "could not join the announce channel"),
            );
          }
          announceCache.set(name, found.id);
          return found.id;
        }
        cursor = page.response_metadata?.next_cursor || undefined;
      } while (cursor);
      return null;
    },

    channelUrl() {
      // Slack renders <#C…> references as links in every client; a URL would need the workspace domain.
      return null;
    },
  };
}
