import { PlatformError, UsageError } from "../../core/errors.js";
import type { Message } from "../../core/message.js";
import type { ChatPlatform, FetchedMessage, Logger, PlatformUser } from "../../core/ports.js";
import {
  type MattermostClient,
  mattermostErrorId,
  mattermostStatus,
  translateMattermostError,
} from "./client.js";
import { toDialog } from "./dialog.js";
import {
  DIRECTORY_CACHE_SIZE,
  type Directory,
  isMattermostId,
  normaliseUsername,
  rememberBounded,
} from "./directory.js";
import type { MattermostIdentity } from "./identity.js";
import { escapeMarkdownWithin, fromMattermostMessage, validUsername } from "./markdown.js";
import {
  carriesKey,
  channelIdsIn,
  KEY_PROP,
  type RenderContext,
  toCommandResponse,
  toMattermostPost,
} from "./post-render.js";
import { signDialogState } from "./signed-context.js";

export interface MattermostPlatformOptions {
  identity: MattermostIdentity;
  directory: Directory;
  /** The site URL people open (no trailing slash): channel and message links start with it. */
  siteUrl: string;
  /** Where Mattermost sends button clicks; a function because the public URL may be learnt after start-up. */
  actionsUrl: () => string;
  /** Where Mattermost sends dialog submissions. */
  dialogsUrl: () => string;
  /** Key of the HMAC in every button's context and dialog's state. */
  secret: string;
  logger: Logger;
}

/** Mattermost's limits on a channel (model/channel.go). */
const DISPLAY_NAME_MAX = 64;
const HEADER_MAX = 1024;
const PURPOSE_MAX = 250;

/** How long resolveChannel remembers that a channel does not exist: one created later is found after this. */
const MISSING_CHANNEL_TTL_MS = 5 * 60_000;
/**
 * How long resolveChannel trusts a channel it found and joined: after this it looks again, so a bot an
 * administrator removed from the announce channel joins it again, and a renamed channel is followed.
 */
const FOUND_CHANNEL_TTL_MS = 5 * 60_000;
/**
 * How long isMember trusts a "yes" it read: someone who just left is still taken for a member this long. A
 * "no" is never remembered, so a person who was just invited is found at once.
 */
const MEMBER_TTL_MS = 30_000;
/**
 * How long the bot trusts that it is in a channel once it saw so: that changes only when an administrator
 * removes it, and a post refused then looks again (see `post`). Asking before every post would double the calls.
 */
const BOT_MEMBER_TTL_MS = 10 * 60_000;
/** Memberships remembered; the oldest is forgotten first. */
const MEMBER_CACHE_SIZE = 2_000;

/**
 * How long an ephemeral post refused although the bot's roles granted it at start-up (an administrator has
 * since revoked it) sends replies straight to DMs; one who grants it again sees it used after this.
 */
const EPHEMERAL_DENIED_TTL_MS = 10 * 60_000;

/** The answer to "is this user in that channel?" when they are not (the channel itself exists). */
const NOT_A_MEMBER = "app.channel.get_member.missing.app_error";

/** A direct-message channel's name: the two user ids. Such a channel has no URL of its own. */
const DIRECT_CHANNEL_NAME = /^[a-z0-9]{26}__[a-z0-9]{26}$/;
/** A channel's URL name as the server accepts it in a path (`model.IsValidChannelIdentifier`). */
const CHANNEL_NAME = /^[a-z0-9]+([a-z0-9_-]+|(__)?)[a-z0-9]*$/;

/**
 * Refusals to add someone that are about the channel, not the person: nobody else could be added either, so
 * invite reports them. Anything else (not in the channel's team, left it, no such account) is that one person's.
 */
const CHANNEL_REFUSALS = new Set([
  "app.channel.get.existing.app_error",
  "api.channel.add_user_to_channel.type.app_error",
  "api.channel.add_user_to_channel.deleted.app_error",
  "api.context.invalid_url_param.app_error",
]);

/** At most `max` characters (code points, which is what Mattermost counts as runes). */
const runes = (text: string, max: number) => Array.from(text).slice(0, max).join("");

/** A post as the REST API gives it, as far as this file reads it. */
interface MattermostPostRecord {
  id: string;
  channel_id: string;
  user_id: string;
  message: string;
  type?: string;
  create_at: number;
  delete_at?: number;
  props?: Record<string, unknown> | null;
}

/** A user as the REST API gives it, as far as this file reads it. */
interface MattermostUserRecord {
  id: string;
  username: string;
  first_name?: string;
  last_name?: string;
  nickname?: string;
  is_bot?: boolean;
  delete_at?: number;
}

/** A channel as the REST API gives it, as far as this file reads it. */
interface MattermostChannelRecord {
  id: string;
  name: string;
  type: string;
  team_id?: string;
  delete_at?: number;
}

/** What `call` resolves to when Mattermost answered with one of the statuses it was told to expect. */
class Refused {
  constructor(
    readonly status: number,
    readonly errorId: string | undefined,
    readonly error: unknown,
  ) {}
}

/**
 * One Client4 call, its failure translated into our error types (see translateMattermostError); with
 * `expect`, those HTTP statuses are an answer, not a failure, and the call resolves to `Refused`.
 */
async function call<T>(operation: string, run: () => Promise<T>, channelName?: string): Promise<T>;
async function call<T>(
  operation: string,
  run: () => Promise<T>,
  channelName: string | undefined,
  expect: readonly number[],
): Promise<T | Refused>;
async function call<T>(
  operation: string,
  run: () => Promise<T>,
  channelName?: string,
  expect: readonly number[] = [],
): Promise<T | Refused> {
  try {
    return await run();
  } catch (err) {
    const status = mattermostStatus(err);
    if (status !== undefined && expect.includes(status))
      return new Refused(status, mattermostErrorId(err), err);
    return translateMattermostError(err, operation, channelName);
  }
}

/** A refusal of a dialog's trigger id: too old (30 s by default) or already used. */
const triggerRefused = (err: unknown) =>
  mattermostStatus(err) === 400 &&
  /trigger/i.test(`${mattermostErrorId(err) ?? ""} ${(err as Error).message ?? ""}`);

/** The name Mattermost's clients show when set to full names: full name, else nickname, else username. */
function displayName(user: MattermostUserRecord): string {
  const full = [user.first_name, user.last_name]
    .map((part) => part?.trim())
    .filter(Boolean)
    .join(" ");
  return full || user.nickname?.trim() || user.username;
}

/**
 * The Mattermost ChatPlatform over Client4. People are their usernames above this file; `directory` turns
 * them into user ids and back. `identity` is the bot's and its team's, from fetchMattermostIdentity at
 * start-up, so no call here has to ask the server who the bot is.
 */
export function createMattermostPlatform(
  client: MattermostClient,
  options: MattermostPlatformOptions,
): ChatPlatform {
  const { identity, directory, logger, secret } = options;
  const siteUrl = options.siteUrl.replace(/\/+$/, "");
  /** Announce channels by name: the id found (or null, not there) until `until`, when it is looked up again. */
  const channelCache = new Map<string, { id: string | null; until: number }>();
  /** Until when ephemeral posts are not tried although the roles allowed them: they were refused since. */
  let ephemeralDeniedUntil = 0;
  /** "channel|user id" → until when a "yes, a member" stands (see MEMBER_TTL_MS). */
  const memberCache = new Map<string, number>();

  const channelName = (id: string) => directory.channelName(id);
  const sawChannel = (id: string, name: string) => directory.rememberChannel(id, name);

  /** Looks up the names of the channels a message refers to, so it renders `~name` rather than ids. */
  const learnNamesFor = (message: Message) => directory.learnChannelNames(channelIdsIn(message));

  const renderContext = (): RenderContext => ({
    actionsUrl: options.actionsUrl(),
    secret,
    channelName,
  });

  /** The message rendered as a post, after learning the names of the channels it mentions. */
  const render = async (message: Message, key?: string) => {
    await learnNamesFor(message);
    return toMattermostPost(message, renderContext(), key);
  };

  const rememberMember = (channelId: string, userId: string) => {
    const ttl = userId === identity.userId ? BOT_MEMBER_TTL_MS : MEMBER_TTL_MS;
    rememberBounded(memberCache, `${channelId}|${userId}`, Date.now() + ttl, MEMBER_CACHE_SIZE);
  };
  const knownMember = (channelId: string, userId: string) => {
    const until = memberCache.get(`${channelId}|${userId}`);
    return until !== undefined && Date.now() < until;
  };

  /** The user id of a username, or a PlatformError: the person is unknown to the server. */
  const requireId = async (username: string, operation: string): Promise<string> => {
    const id = await directory.idOf(username);
    if (!id) {
      throw new PlatformError("user_not_found", `Mattermost has no user "${username}" (${operation})`);
    }
    return id;
  };

  const openDirect = async (username: string): Promise<string> => {
    const userId = await requireId(username, "openDirect");
    const channel = await call("createDirectChannel", () =>
      client.createDirectChannel([identity.userId, userId]),
    );
    if (!channel?.id) {
      throw new PlatformError("invalid_response", "createDirectChannel answered without a channel id");
    }
    // The bot is one of the two: posts there need not ask.
    rememberMember(channel.id, identity.userId);
    return channel.id;
  };

  /**
   * Adds one person to a channel (adding a member again is no error to the server); true when they are in it
   * now, else the refusal. Retryable failures are thrown.
   */
  const addMember = async (channelId: string, userId: string): Promise<Refused | true> => {
    const added = await call(
      "addToChannel",
      () => client.addToChannel(userId, channelId),
      undefined,
      [400, 403, 404],
    );
    if (added instanceof Refused) return added;
    rememberMember(channelId, userId);
    return true;
  };

  /**
   * The bot joins a public channel of its team; false (and a warning) when the server refuses it for good. A
   * failure worth retrying is thrown.
   */
  const join = async (channelId: string, name: string): Promise<boolean> => {
    try {
      await call("addToChannel", () => client.addToChannel(identity.userId, channelId));
    } catch (err) {
      if (err instanceof PlatformError && err.retryable) throw err;
      logger.warn({ err: String(err), channel: name }, "could not join the channel");
      return false;
    }
    rememberMember(channelId, identity.userId);
    return true;
  };

  /**
   * Makes sure the bot may post in a channel before it tries: a member already, or a public channel of its
   * team, which it joins. A Slack bot posts in any public channel (chat:write.public); a Mattermost bot only
   * where it is a member, and a refused post is lost to the outbox. A private channel, another team's or an
   * archived one, or people's direct messages: a PlatformError for good, without a post the server would
   * refuse. "joined" when the bot joined just now.
   */
  const ensureBotIn = async (channelId: string): Promise<"member" | "joined"> => {
    if (!isMattermostId(channelId)) {
      // Another platform's channel id: the server would refuse it with a 400.
      throw new PlatformError("channel_not_found", `${channelId} is not a Mattermost channel id`);
    }
    if (knownMember(channelId, identity.userId)) return "member";
    const member = await call(
      "getChannelMember",
      () => client.getChannelMember(channelId, identity.userId),
      undefined,
      [404],
    );
    if (!(member instanceof Refused)) {
      rememberMember(channelId, identity.userId);
      return "member";
    }
    // A channel that is not there at all is no channel to join.
    if (member.errorId !== NOT_A_MEMBER) return translateMattermostError(member.error, "getChannelMember");
    const channel = (await call("getChannel", () =>
      client.getChannel(channelId),
    )) as unknown as MattermostChannelRecord;
    sawChannel(channel.id, channel.name);
    const joinable = channel.type === "O" && channel.team_id === identity.teamId && !channel.delete_at;
    if (!joinable || !(await join(channel.id, channel.name))) {
      throw new PlatformError(
        "not_in_channel",
        `the bot is not in channel ${channel.name} (type ${channel.type}) and may not join it to post there`,
      );
    }
    return "joined";
  };

  const createPost = (channelId: string, post: { message: string; props: Record<string, unknown> }) =>
    client.createPost({ channel_id: channelId, message: post.message, props: post.props });

  /** The public channel named `name` in the team, joined so the bot can post there; null when none. */
  const findChannel = async (name: string): Promise<string | null> => {
    const found = await call(
      "getChannelByName",
      () => client.getChannelByName(identity.teamId, name),
      undefined,
      [403, 404],
    );
    if (found instanceof Refused) return null;
    const channel = found as unknown as MattermostChannelRecord;
    sawChannel(channel.id, channel.name);
    if (channel.type === "O") {
      // The bot posts only where it is a member: joined now, so the announcements find it ready.
      const member = await call(
        "getChannelMember",
        () => client.getChannelMember(channel.id, identity.userId),
        undefined,
        [404],
      );
      if (member instanceof Refused) {
        // Not joining now does not lose the channel: a post there joins it (see `post`).
        await join(channel.id, channel.name).catch((err: unknown) =>
          logger.warn({ err: String(err), channel: name }, "could not join the announce channel yet"),
        );
      }
    }
    return channel.id;
  };

  /** The slash command response URLs of this server: nothing else is sent a reply (and its content). */
  const isCommandResponseUrl = (raw: string): boolean => {
    let url: URL;
    let site: URL;
    try {
      url = new URL(raw);
      site = new URL(siteUrl);
    } catch {
      return false;
    }
    const hooks = `${site.pathname.replace(/\/+$/, "")}/hooks/commands/`;
    return (
      url.origin === site.origin &&
      url.username === "" &&
      url.password === "" &&
      url.pathname.startsWith(hooks) &&
      /^[A-Za-z0-9]+$/.test(url.pathname.slice(hooks.length))
    );
  };

  /**
   * Answers through a slash command's response_url; false when Mattermost refused it (it lives 30 minutes
   * and takes 5 replies), so the caller can reply another way.
   */
  const replyThroughResponseUrl = async (responseUrl: string, message: Message): Promise<boolean> => {
    if (!isCommandResponseUrl(responseUrl)) {
      // The URL came in the command's body; only Mattermost's own command hooks are trusted with a reply.
      logger.warn(
        { responseUrl: responseUrl.slice(0, 200) },
        "response_url is not one of this Mattermost's command hooks; replying another way",
      );
      return false;
    }
    await learnNamesFor(message);
    const body = toCommandResponse(message, renderContext());
    const res = await fetch(responseUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    }).catch((err: unknown) => {
      throw new PlatformError("unreachable", `response_url could not be reached: ${String(err)}`, true);
    });
    await res.body?.cancel();
    if (res.ok) return true;
    logger.info({ status: res.status }, "response_url refused the reply; posting it another way");
    return false;
  };

  return {
    platform: "mattermost",
    maxChannelNameLength: 64,

    async createChannel(name, { topic, displayName: wanted }) {
      const display = runes(wanted?.trim() || name, DISPLAY_NAME_MAX);
      // The header is rendered as Markdown in every client, where a Slack topic is plain: the topic (the
      // incident's title, as typed) is escaped so it shows as typed and can link, embed or mention nothing.
      const header = topic ? escapeMarkdownWithin(topic.replace(/\s+/g, " ").trim(), HEADER_MAX) : "";
      const created = await call(
        "createChannel",
        () =>
          client.createChannel({
            team_id: identity.teamId,
            name,
            display_name: display,
            type: "O",
            ...(topic ? { header, purpose: runes(topic, PURPOSE_MAX) } : {}),
          }),
        name,
      );
      sawChannel(created.id, created.name);
      // The creator is a member from the start.
      rememberMember(created.id, identity.userId);
      return { id: created.id, name: created.name };
    },

    async invite(channelId, usernames) {
      const wanted = [...new Set(usernames.map(normaliseUsername))];
      for (const username of wanted) {
        const userId = await directory.idOf(username);
        if (!userId) {
          logger.info({ channelId, username }, "invite: Mattermost has no such user; skipped");
          continue;
        }
        if (userId === identity.userId) continue;
        const added = await addMember(channelId, userId);
        if (!(added instanceof Refused)) continue;
        if (added.status === 403 || CHANNEL_REFUSALS.has(added.errorId ?? "")) {
          // The channel is the problem (gone, archived, the bot may not add people there): nobody can join it.
          throw new PlatformError(
            "invite_refused",
            `Mattermost refused to add people to channel ${channelId} (HTTP ${added.status}, ` +
              `${added.errorId ?? "no error id"})`,
          );
        }
        // One person who cannot be added (not in the channel's team, left it) must not keep the others out,
        // nor stop what the invitation goes with (a page, a kickoff): said in the log, and the others go on.
        logger.warn(
          { channelId, username, status: added.status, code: added.errorId },
          "invite: Mattermost refused to add a person; the others are added",
        );
      }
    },

    async post(channelId, message, postOptions) {
      const rendered = await render(message, postOptions?.key);
      const joined = await ensureBotIn(channelId);
      let posted = await call("createPost", () => createPost(channelId, rendered), undefined, [403]);
      if (posted instanceof Refused) {
        // The bot was taken for a member, but an administrator removed it since: looked at again, joined again
        // where it may, and the post retried once. Any other refusal (a read-only channel) stands.
        memberCache.delete(`${channelId}|${identity.userId}`);
        if (joined === "joined" || (await ensureBotIn(channelId)) !== "joined") {
          return translateMattermostError(posted.error, "createPost");
        }
        posted = await call("createPost", () => createPost(channelId, rendered));
      }
      return { channelId, messageId: posted.id };
    },

    async findPosted(channelId, key, since) {
      // The server answers posts changed after `since` (strictly); one millisecond earlier makes it inclusive.
      const list = await call("getPostsSince", () =>
        client.getPostsSince(channelId, Math.max(0, since.getTime() - 1), false),
      );
      const posts = (list?.posts ?? {}) as Record<string, MattermostPostRecord>;
      const order = list?.order?.length ? list.order : Object.keys(posts);
      for (const id of order) {
        const post = posts[id];
        if (!post || post.user_id !== identity.userId || (post.delete_at ?? 0) > 0) continue;
        if (carriesKey(post, key)) return { channelId, messageId: post.id };
      }
      return null;
    },

    async update(target, message, updateOptions) {
      // A patch replaces the props whole, so the key findPosted reads must be in them: rendered from the key the
      // post was sent with when the caller knows it, else carried over from the post as it is now.
      const key = updateOptions?.key;
      const rendered = await render(message, key);
      let props = rendered.props;
      if (key === undefined) {
        const current = (await call("getPost", () =>
          client.getPost(target.messageId),
        )) as unknown as MattermostPostRecord;
        const kept = current.props?.[KEY_PROP];
        if (kept !== undefined) props = { ...props, [KEY_PROP]: kept };
      }
      await call("patchPost", () =>
        client.patchPost({ id: target.messageId, message: rendered.message, props }),
      );
    },

    async pin(target) {
      // Pinning a pinned post is no error to the server (it patches is_pinned to true again).
      await call("pinPost", () => client.pinPost(target.messageId));
    },

    openDirect,

    async replyEphemeral(to, message) {
      if (to.responseUrl && (await replyThroughResponseUrl(to.responseUrl, message))) return;
      const rendered = await render(message);
      // Tried only when the bot's roles grant it (read at start-up): a call sure to be refused is not made.
      if (identity.canPostEphemeral && Date.now() >= ephemeralDeniedUntil) {
        const userId = await requireId(to.userId, "replyEphemeral");
        const sent = await call(
          "createPostEphemeral",
          () =>
            client.createPostEphemeral(userId, {
              channel_id: to.conversationId,
              message: rendered.message,
              props: rendered.props,
            }),
          undefined,
          [400, 403, 404],
        );
        if (!(sent instanceof Refused)) return;
        // The roles granted create_post_ephemeral at start-up, so it was revoked since: replies go by DM for a
        // while instead of asking again for each one.
        if (sent.status === 403) ephemeralDeniedUntil = Date.now() + EPHEMERAL_DENIED_TTL_MS;
        logger.info(
          { status: sent.status, code: sent.errorId },
          "ephemeral reply not possible there; sending it by DM",
        );
      }
      // The answer still reaches the person, by DM.
      const dm = await openDirect(to.userId);
      await call("createPost", () => createPost(dm, rendered));
    },

    async openForm(triggerId, form, to) {
      const state = signDialogState(secret, {
        callbackId: form.callbackId,
        conversationId: to.conversationId,
        ...(form.state !== undefined ? { state: form.state } : {}),
        user: to.userId,
      });
      try {
        await client.openDialog(triggerId, options.dialogsUrl(), toDialog(form, state));
      } catch (err) {
        if (triggerRefused(err)) {
          throw new UsageError(
            "The form took too long to open (Mattermost allows 30 seconds). Run the command or click the " +
              "button again.",
            "form_expired",
          );
        }
        translateMattermostError(err, "openDialog");
      }
    },

    async resolveChannel(name) {
      const wanted = name.trim().replace(/^[~#]/, "").toLowerCase();
      if (!CHANNEL_NAME.test(wanted)) {
        // The server would refuse the lookup itself (400): no channel can have this name.
        logger.warn({ channel: name }, "not a Mattermost channel name; check announce_channel in the config");
        return null;
      }
      const cached = channelCache.get(wanted);
      if (cached && Date.now() < cached.until) return cached.id;
      // A channel found is looked at again after a while (membership checked, joined again if need be); a miss
      // is remembered briefly too: every announcement would otherwise ask again.
      const id = await findChannel(wanted);
      const ttl = id ? FOUND_CHANNEL_TTL_MS : MISSING_CHANNEL_TTL_MS;
      rememberBounded(channelCache, wanted, { id, until: Date.now() + ttl }, DIRECTORY_CACHE_SIZE);
      return id;
    },

    async userInfo(username): Promise<PlatformUser | null> {
      const name = normaliseUsername(username);
      // Names the server cannot hold (`all`, `system`, `..`) name nobody; asking would only earn a 400.
      if (!validUsername(name)) return null;
      const found = await call(
        "getUserByUsername",
        () => client.getUserByUsername(encodeURIComponent(name)),
        undefined,
        [400, 404],
      );
      if (found instanceof Refused) return null;
      const user = found as unknown as MattermostUserRecord;
      directory.remember(user);
      return {
        id: user.username,
        name: displayName(user),
        isBot: user.is_bot === true,
        deleted: (user.delete_at ?? 0) > 0,
      };
    },

    async isMember(channelId, username) {
      // Another platform's channel id has no members here (and the server would refuse it with a 400).
      if (!isMattermostId(channelId)) return false;
      const userId = await directory.idOf(username);
      if (!userId) return false;
      if (knownMember(channelId, userId)) return true;
      const member = await call(
        "getChannelMember",
        () => client.getChannelMember(channelId, userId),
        undefined,
        [403, 404],
      );
      if (member instanceof Refused) {
        if (member.status === 403) logger.info({ channelId }, "isMember: the bot cannot see that channel");
        return false;
      }
      rememberMember(channelId, userId);
      return true;
    },

    async fetchMessage(channelId, messageId): Promise<FetchedMessage | null> {
      if (!isMattermostId(channelId) || !isMattermostId(messageId)) return null;
      const found = await call("getPost", () => client.getPost(messageId), undefined, [403, 404]);
      if (found instanceof Refused) return null;
      const post = found as unknown as MattermostPostRecord;
      if (post.channel_id !== channelId || (post.delete_at ?? 0) > 0) return null;
      const fetched: FetchedMessage = {
        text: fromMattermostMessage(post.message ?? ""),
        at: new Date(post.create_at).toISOString(),
        link: `${siteUrl}/${identity.teamName}/pl/${post.id}`,
      };
      // Integrations post under a person's account but mark it; system messages ("joined") have no author.
      const props = post.props ?? {};
      const byPerson =
        post.user_id !== identity.userId &&
        !props.from_bot &&
        !props.from_webhook &&
        !(post.type ?? "").startsWith("system_");
      if (byPerson) {
        const author = await directory.usernameOf(post.user_id);
        if (author) fetched.author = author;
      }
      return fetched;
    },

    channelUrl(channelId) {
      const name = channelName(channelId);
      if (name === undefined) {
        if (!isMattermostId(channelId)) return null;
        // Learnt for the next time: this call cannot wait for the server.
        directory
          .learnChannelNames([channelId])
          .catch((err: unknown) => logger.info({ err: String(err), channelId }, "channel name not learnt"));
        return null;
      }
      if (DIRECT_CHANNEL_NAME.test(name)) return null;
      return `${siteUrl}/${identity.teamName}/channels/${name}`;
    },
  };
}
