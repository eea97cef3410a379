import type { WebClient } from "@slack/web-api";
import { NameTakenError, PlatformError, retryableHttpStatus } from "../../core/errors.js";
import type { ChatPlatform, FetchedMessage, Logger, PlatformUser } from "../../core/ports.js";
import { carriesKey, toBlockKit, toModal } from "./block-kit.js";
import { fromSlackMessage } from "./mrkdwn.js";

/** Slack errors worth retrying: the platform was busy or broken, not our request. */
const RETRYABLE = new Set([
  "ratelimited",
  "internal_error",
  "fatal_error",
  "service_unavailable",
  "request_timeout",
  "team_added_to_org",
]);

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
      retryableHttpStatus(e.statusCode),
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

/** What `call` resolves to when Slack refused with one of the codes it was told to ignore. */
class Ignored {
  constructor(readonly code: string) {}
}

interface CallOptions {
  /** Slack error codes that are an answer, not a failure: the call resolves to `Ignored` instead of throwing. */
  ignore?: Iterable<string>;
  /** The channel name a `name_taken` refusal is about. */
  channelName?: string;
}

/** One Web API call, its failure translated into our error types (see translateSlackError). */
async function call<T>(
  method: string,
  run: () => Promise<T>,
  options?: Omit<CallOptions, "ignore">,
): Promise<T>;
async function call<T>(
  method: string,
  run: () => Promise<T>,
  options: CallOptions & { ignore: Iterable<string> },
): Promise<T | Ignored>;
async function call<T>(
  method: string,
  run: () => Promise<T>,
  options: CallOptions = {},
): Promise<T | Ignored> {
  try {
    return await run();
  } catch (err) {
    const code = slackErrorCode(err);
    if (code !== undefined && options.ignore && new Set(options.ignore).has(code)) return new Ignored(code);
    return translateSlackError(err, method, options.channelName);
  }
}

/** A Date as a Slack message timestamp (`<epoch seconds>.<6 digits>`). */
export function toSlackTs(at: Date): string {
  return (Math.max(0, at.getTime()) / 1000).toFixed(6);
}

/** A Slack message timestamp as ISO 8601 (millisecond precision; the microseconds only order messages). */
export function fromSlackTs(ts: string): string {
  const [seconds = "0", fraction = ""] = ts.split(".");
  return new Date(Number(seconds) * 1000 + Number(fraction.padEnd(6, "0").slice(0, 3))).toISOString();
}

/** users.info refusals that mean "no such person here", not a failure. */
const USER_UNKNOWN = new Set(["user_not_found", "user_not_visible"]);
/** Refusals that mean the message cannot be read (gone, or somewhere the bot may not read). */
const MESSAGE_UNREADABLE = new Set(["channel_not_found", "not_in_channel", "thread_not_found"]);

/** What users.info tells about a person, as far as Firebreak reads it. */
interface SlackUserInfo {
  id?: string;
  name?: string;
  real_name?: string;
  deleted?: boolean;
  is_bot?: boolean;
  profile?: { display_name?: string; real_name?: string };
}

/** The name Slack's clients show: the display name, else the full name, else the handle. */
function displayName(user: SlackUserInfo, id: string): string {
  return (
    user.profile?.display_name?.trim() ||
    user.real_name?.trim() ||
    user.profile?.real_name?.trim() ||
    user.name?.trim() ||
    id
  );
}

/** A message as conversations.history / .replies give it, as far as fetchMessage reads it. */
interface SlackMessage {
  ts?: string;
  text?: string;
  user?: string;
  bot_id?: string;
  subtype?: string;
}

/** conversations.members page size: the most Slack allows is 1000; fewer calls for the big channels. */
const MEMBERS_PAGE = 1000;
/**
 * How long isMember trusts a "yes" it read: someone who just left is still taken for a member this long. A
 * "no" is never remembered, so a person who was just invited is found at once.
 */
const MEMBERS_TTL_MS = 30_000;
/** Channels whose members are remembered; the oldest is forgotten first. */
const MEMBERS_CACHE_SIZE = 200;

/** conversations.history page size: Slack recommends no more than 200. */
const HISTORY_PAGE = 200;
/** Pages findPosted reads before giving up: the outbox looks back minutes, not days. */
const HISTORY_MAX_PAGES = 5;

/** Who the bot token belongs to, as `auth.test` says: needed to skip our own messages and our own invites. */
export interface SlackIdentity {
  /** The bot user (`U…`): author of what the bot posts, never invited to a channel it creates. */
  userId: string;
  /** The bot (`B…`): what `bot_id` says on the bot's messages. */
  botId: string;
  teamId?: string;
}

/** How long resolveChannel remembers that a channel does not exist: one created later is found after this. */
const MISSING_CHANNEL_TTL_MS = 5 * 60_000;

/**
 * The Slack ChatPlatform over a WebClient. `identity` is the bot's, from `auth.test` at start-up
 * (fetchSlackIdentity in identity.ts), so no call here has to ask Slack who the bot is.
 */
export function createSlackPlatform(
  client: WebClient,
  identity: SlackIdentity,
  logger: Logger,
): ChatPlatform {
  /** Announce channels by name: an id for good, or null (not there) until `until`. */
  const channelCache = new Map<string, { id: string; until?: undefined } | { id: null; until: number }>();
  /** Channel members read lately (see MEMBERS_TTL_MS): only ever used to answer "yes". */
  const membersCache = new Map<string, { members: Set<string>; until: number }>();

  /** Every member of a channel, reading all pages; null when the bot cannot see the channel. */
  const readMembers = async (channel: string): Promise<Set<string> | null> => {
    const members = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await call(
        "conversations.members",
        () => client.conversations.members({ channel, limit: MEMBERS_PAGE, cursor }),
        { ignore: ["channel_not_found"] },
      );
      if (page instanceof Ignored) return null;
      for (const m of page.members ?? []) members.add(m);
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor);
    return members;
  };

  const rememberMembers = (channel: string, members: Set<string>) => {
    membersCache.delete(channel);
    membersCache.set(channel, { members, until: Date.now() + MEMBERS_TTL_MS });
    for (const key of membersCache.keys()) {
      if (membersCache.size <= MEMBERS_CACHE_SIZE) break;
      membersCache.delete(key);
    }
  };

  /** The message `ts` from one page of history or replies; a deleted thread parent counts as gone. */
  const pick = (messages: SlackMessage[] | undefined, ts: string) =>
    messages?.find((m) => m.ts === ts && m.subtype !== "tombstone");

  /** Reads one message: channel history first, then the thread it may be a reply in. */
  const readMessage = async (channel: string, ts: string): Promise<SlackMessage | null> => {
    const history = await call(
      "conversations.history",
      () => client.conversations.history({ channel, latest: ts, oldest: ts, inclusive: true, limit: 1 }),
      { ignore: MESSAGE_UNREADABLE },
    );
    if (history instanceof Ignored) return null;
    const top = pick(history.messages as SlackMessage[] | undefined, ts);
    if (top) return top;
    // Thread replies are not in the channel's history. conversations.replies takes a reply's ts too, and
    // always leads with the thread's parent, hence room for two.
    let cursor: string | undefined;
    for (let page = 0; page < 3; page++) {
      const replies = await call(
        "conversations.replies",
        () =>
          client.conversations.replies({
            channel,
            ts,
            latest: ts,
            oldest: ts,
            inclusive: true,
            limit: 2,
            cursor,
          }),
        { ignore: MESSAGE_UNREADABLE },
      );
      if (replies instanceof Ignored) return null;
      const found = pick(replies.messages as SlackMessage[] | undefined, ts);
      if (found) return found;
      cursor = (replies.has_more && replies.response_metadata?.next_cursor) || undefined;
      if (!cursor) return null;
    }
    return null;
  };

  /** A link to the message, or undefined: a message without its link is still worth recording. */
  const permalink = async (channel: string, ts: string): Promise<string | undefined> => {
    try {
      const res = await call("chat.getPermalink", () =>
        client.chat.getPermalink({ channel, message_ts: ts }),
      );
      return typeof res.permalink === "string" && /^https:\/\//.test(res.permalink)
        ? res.permalink
        : undefined;
    } catch (err) {
      logger.info({ err: String(err), channel, ts }, "no permalink for a fetched message");
      return undefined;
    }
  };

  /** One conversations.history page; joins a public channel once when Slack says the bot is not in it. */
  const historyPage = async (channel: string, oldest: string, cursor: string | undefined) => {
    const read = () =>
      client.conversations.history({ channel, oldest, inclusive: true, limit: HISTORY_PAGE, cursor });
    const first = await call("conversations.history", read, { ignore: ["not_in_channel"] });
    if (!(first instanceof Ignored)) return first;
    // The bot can post to public channels without being in them (chat:write.public) but reads only where it is
    // a member. Joining is what resolveChannel does for the announce channel anyway.
    await call("conversations.join", () => client.conversations.join({ channel }));
    return call("conversations.history", read);
  };

  const openDirect = async (userId: string): Promise<string> => {
    const dm = await call("conversations.open", () => client.conversations.open({ users: userId }));
    const id = (dm.channel as { id?: string } | undefined)?.id;
    if (!id) throw new PlatformError("invalid_response", "conversations.open answered without a channel id");
    return id;
  };

  const findChannel = async (name: string): Promise<string | null> => {
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
        return found.id;
      }
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor);
    return null;
  };

  return {
    platform: "slack",
    maxChannelNameLength: 80,

    async createChannel(name, options) {
      const res = await call("conversations.create", () => client.conversations.create({ name }), {
        channelName: name,
      });
      const channel = res.channel as { id: string; name: string };
      if (options.topic) {
        await call("conversations.setTopic", () =>
          client.conversations.setTopic({ channel: channel.id, topic: options.topic?.slice(0, 250) ?? "" }),
        ).catch((err: unknown) => logger.warn({ err: String(err) }, "could not set the channel topic"));
      }
      return { id: channel.id, name: channel.name };
    },

    async invite(channelId, userIds) {
      const users = userIds.filter((u) => u !== identity.userId);
      if (users.length === 0) return;
      // Everyone asked for is already there: the goal is met.
      await call(
        "conversations.invite",
        () => client.conversations.invite({ channel: channelId, users: users.join(",") }),
        { ignore: ["already_in_channel"] },
      );
      // They are members now; isMember need not ask Slack to learn it.
      const cached = membersCache.get(channelId);
      if (cached) for (const u of users) cached.members.add(u);
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
      const oldest = toSlackTs(since);
      let cursor: string | undefined;
      for (let page = 0; page < HISTORY_MAX_PAGES; page++) {
        const res = await historyPage(channelId, oldest, cursor);
        const found = (res.messages ?? []).find(
          (m) =>
            (m.user === identity.userId || m.bot_id === identity.botId) &&
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

    async update(target, message, options) {
      // chat.update replaces every block, the keyed first one too: the key is put back on the new first block.
      await call("chat.update", () =>
        client.chat.update({
          channel: target.channelId,
          ts: target.messageId,
          ...toBlockKit(message, options?.key),
        }),
      );
    },

    async pin(target) {
      await call(
        "pins.add",
        () => client.pins.add({ channel: target.channelId, timestamp: target.messageId }),
        {
          ignore: ["already_pinned"],
        },
      );
    },

    openDirect,

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
      const sent = await call(
        "chat.postEphemeral",
        () => client.chat.postEphemeral({ channel: to.conversationId, user: to.userId, ...body }),
        { ignore: EPHEMERAL_UNREACHABLE },
      );
      if (!(sent instanceof Ignored)) return;
      // The person (or the bot) is not in that conversation any more: the answer still reaches them, by DM.
      logger.info({ code: sent.code }, "ephemeral reply not possible there; sending it by DM");
      const dm = await openDirect(to.userId);
      await call("chat.postMessage", () => client.chat.postMessage({ channel: dm, ...body }));
    },

    async openForm(triggerId, form, to) {
      const view = toModal(form, to.conversationId);
      await call("views.open", () =>
        client.views.open({
          trigger_id: triggerId,
          view: view as unknown as Parameters<typeof client.views.open>[0]["view"],
        }),
      );
    },

    async resolveChannel(name) {
      const cached = channelCache.get(name);
      if (cached && (cached.id !== null || Date.now() < cached.until)) return cached.id;
      const id = await findChannel(name);
      // A miss is remembered briefly: every announcement would otherwise page through every channel again.
      channelCache.set(name, id ? { id } : { id: null, until: Date.now() + MISSING_CHANNEL_TTL_MS });
      return id;
    },

    async userInfo(userId): Promise<PlatformUser | null> {
      const res = await call("users.info", () => client.users.info({ user: userId }), {
        ignore: USER_UNKNOWN,
      });
      if (res instanceof Ignored || !res.user) return null;
      const user = res.user as SlackUserInfo;
      return {
        id: user.id ?? userId,
        name: displayName(user, userId),
        // Slackbot is a bot in every way that matters here, but users.info says is_bot: false.
        isBot: user.is_bot === true || userId === "USLACKBOT",
        deleted: user.deleted === true,
      };
    },

    async isMember(channelId, userId) {
      const cached = membersCache.get(channelId);
      if (cached && Date.now() < cached.until && cached.members.has(userId)) return true;
      const members = await readMembers(channelId);
      if (!members) {
        logger.info({ channelId }, "isMember: the bot cannot see that channel");
        return false;
      }
      rememberMembers(channelId, members);
      return members.has(userId);
    },

    async fetchMessage(channelId, messageId): Promise<FetchedMessage | null> {
      const message = await readMessage(channelId, messageId);
      if (!message?.ts) return null;
      const fetched: FetchedMessage = {
        text: fromSlackMessage(message.text ?? ""),
        at: fromSlackTs(message.ts),
      };
      // Apps and bots post with a bot_id; only a person's own message has an author to name.
      if (message.user && !message.bot_id) fetched.author = message.user;
      const link = await permalink(channelId, message.ts);
      if (link) fetched.link = link;
      return fetched;
    },
    channelUrl() {
      // Slack renders <#C…> references as links in every client; a URL would need the workspace domain.
      return null;
    },
  };
}
