/**
 * The bot's WebSocket to Mattermost: the only way Mattermost tells a bot it was @mentioned or that someone
 * reacted to a message (there is no outgoing webhook for either that works in every channel).
 *
 * @mattermost/client's WebSocketClient does the protocol: the authentication challenge, pings, reconnecting with
 * backoff, and resuming with `connection_id` + `sequence_number`, so that events sent while the socket was down
 * are replayed by the server on reconnect. When the server cannot replay them (it restarted, or the reconnect
 * reached another node), the posts said meanwhile are read back over REST (catch-up.ts) and go the same way.
 * This file turns its events into neutral Inbounds and makes sure `stop()` leaves nothing behind (no socket, no
 * timer).
 */
import mm from "@mattermost/client";
import { WebSocket as NodeWebSocket } from "ws";
import type { Inbound, Logger } from "../../core/ports.js";
import type { MissedPost, PostedPost } from "./catch-up.js";
import type { Directory } from "./directory.js";
import type { MattermostIdentity } from "./identity.js";
import { fromMattermostCommandText, mentionCandidates } from "./markdown.js";

const { WebSocketClient } = mm;

export interface MentionListener {
  /** Connects; resolves once the server said hello, or after `connectWaitMs` while it keeps trying. */
  start(): Promise<void>;
  /** Closes the socket and cancels every pending reconnect and ping. */
  stop(): void;
}

export interface MentionListenerOptions {
  siteUrl: string;
  token: string;
  identity: MattermostIdentity;
  /** Mentions of the bot and reactions by people, as Inbounds (called synchronously, errors are logged). */
  onMention: (inbound: Inbound) => void;
  logger: Logger;
  /** Reconnect backoff; Mattermost's client grows it from `minMs` to `maxMs` after repeated failures. */
  retry?: { minMs: number; maxMs: number };
  /**
   * Names the people behind reactions (and mentions whose sender name is not a username), and tells which
   * `@name`s in a mention are people. Without it, every `@name` after the bot's stays text.
   */
  directory?: Pick<Directory, "usernameOf" | "idOf">;
  /** How long `start()` waits for the first connection before leaving it to the background retries. */
  connectWaitMs?: number;
  /**
   * The posts created after a time (server ms), oldest first: read when the server started a new connection
   * instead of resuming ours, so mentions said while the socket was down are still answered. Without it, they
   * are lost (and logged).
   */
  catchUp?: (since: number) => Promise<MissedPost[]>;
}

const DEFAULT_RETRY = { minMs: 1000, maxMs: 60_000 };
const DEFAULT_CONNECT_WAIT_MS = 10_000;
/** Failed attempts in a row after which a reconnect is worth a warning rather than an info line. */
const WARN_AFTER_FAILURES = 3;
/**
 * `@name`s looked up per mention, and lookups at once: a post may hold thousands of them, and each unknown one
 * is a request to the server. Names past the first few stay text.
 */
export const LOOKUPS_PER_MENTION = 20;
export const LOOKUPS_AT_ONCE = 5;
/** How far back a catch-up reads at most: a mention older than this is better unanswered than answered now. */
const CATCH_UP_MAX_AGE_MS = 60 * 60_000;
/** Posts remembered as delivered, so one read back and also received on the socket is delivered once. */
const DELIVERED_MEMORY = 500;

installGlobals();

/**
 * WebSocketClient reads `WebSocket` (and, on ping timeouts and sequence gaps, `CloseEvent`) from the global
 * scope. Node 20 has neither: without `WebSocket` it cannot connect, and without `CloseEvent` a missed pong or a
 * gap in the event stream would throw inside a timer and end the process instead of reconnecting.
 */
function installGlobals(): void {
  // The ws class stands in for the DOM one; the client only uses the API both share.
  globalThis.WebSocket ??= NodeWebSocket as unknown as typeof WebSocket;
  if (typeof globalThis.CloseEvent === "undefined") {
    class NodeCloseEvent extends Event {
      readonly code: number;
      readonly reason: string;
      readonly wasClean: boolean;
      constructor(type: string, init: { code?: number; reason?: string; wasClean?: boolean } = {}) {
        super(type);
        this.code = init.code ?? 0;
        this.reason = init.reason ?? "";
        this.wasClean = init.wasClean ?? false;
      }
    }
    globalThis.CloseEvent = NodeCloseEvent as unknown as typeof CloseEvent;
  }
}

/** `https://chat.example.com` → `wss://chat.example.com/api/v4/websocket`. */
export function webSocketUrl(siteUrl: string): string {
  return `${siteUrl.replace(/\/+$/, "").replace(/^http/i, "ws")}/api/v4/websocket`;
}

interface WebSocketEvent {
  event?: unknown;
  data?: Record<string, unknown>;
  broadcast?: { channel_id?: unknown };
}

export function listenForMentions(options: MentionListenerOptions): MentionListener {
  const { identity, logger, directory } = options;
  const retry = options.retry ?? DEFAULT_RETRY;
  const { namesBot, stripBotMention } = botMentionPatterns(identity.username);
  /** Every socket the client opened that has not closed yet, so `stop()` can end one still connecting. */
  const sockets = new Set<NodeWebSocket>();
  let stopped = false;
  let connectedOnce = false;
  let settleStart: (() => void) | undefined;
  let startTimer: NodeJS.Timeout | undefined;
  /** The events being read, in the order they arrived (see `handled`). */
  let inOrder: Promise<void> = Promise.resolve();
  /** Server time of the newest post seen: where a catch-up starts. Set once the socket first connects. */
  let lastSeenAt: number | undefined;
  /** Ids of the posts delivered lately, oldest first (a Set keeps insertion order). */
  const delivered = new Set<string>();

  /**
   * One event after the other: a lookup for one must not let a later one overtake it, so what a person says to
   * the bot in quick succession reaches the core in the order said.
   */
  const handled = (what: string, work: () => Promise<void>) => {
    inOrder = inOrder
      .then(work)
      .catch((err: unknown) =>
        logger.error({ err: String(err), event: what }, "mattermost: reading an event failed"),
      );
  };

  const client = new WebSocketClient({
    minWebSocketRetryTime: retry.minMs,
    maxWebSocketRetryTime: retry.maxMs,
    // Spread reconnects of several processes by up to one minimum delay (the default 2 s dwarfs short delays).
    reconnectJitterRange: retry.minMs,
    newWebSocketFn: (url) => {
      // The token on the upgrade request (not only in the challenge that follows) is what lets the server
      // recognise our connection id on a reconnect and replay the events sent while we were away.
      const socket = new NodeWebSocket(url, { headers: { Authorization: `Bearer ${options.token}` } });
      sockets.add(socket);
      socket.once("close", () => sockets.delete(socket));
      // The client's own error handler prints the whole error object to stdout (a screenful per failed
      // attempt); it is kept off this socket, and the error is one debug line here. The close that always
      // follows an error is what drives the reconnect (and is logged, with a count).
      Object.defineProperty(socket, "onerror", { configurable: true, get: () => null, set: () => {} });
      socket.on("error", (err) => logger.debug({ err: String(err) }, "mattermost: WebSocket error"));
      guardMessages(socket, (err) => {
        // Only this socket fails: the reconnect resumes the stream after the last event that was read.
        logger.warn({ err: String(err) }, "mattermost: an unreadable WebSocket frame; reconnecting");
        socket.terminate();
      });
      return socket as unknown as WebSocket;
    },
  });

  const deliver = (inbound: Inbound) => {
    // A lookup that finishes after stop() must not start work in a process that is shutting down.
    if (stopped) return;
    try {
      options.onMention(inbound);
    } catch (err) {
      logger.error(
        { err: String(err), deliveryId: inbound.deliveryId },
        "mattermost: handling an event failed",
      );
    }
  };

  /** The username of a Mattermost user id, or null (logged) when it cannot be told. */
  const usernameOf = async (userId: string): Promise<string | null> => {
    if (!directory) return null;
    try {
      return await directory.usernameOf(userId);
    } catch (err) {
      logger.warn({ err: String(err), userId }, "mattermost: could not look a user up for an event");
      return null;
    }
  };

  /**
   * The names among `candidates` that are people (those that cannot be looked up now count as nobody). Only
   * the first LOOKUPS_PER_MENTION are asked about, LOOKUPS_AT_ONCE at a time.
   */
  const peopleAmong = async (candidates: string[]): Promise<Set<string>> => {
    const people = new Set<string>();
    if (!directory) return people;
    const queue = candidates.slice(0, LOOKUPS_PER_MENTION);
    const lookUp = async () => {
      for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
        try {
          if (await directory.idOf(name)) people.add(name);
        } catch (err) {
          logger.warn({ err: String(err), name }, "mattermost: could not look a mentioned name up");
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(LOOKUPS_AT_ONCE, queue.length) }, lookUp));
    return people;
  };

  const noteSeen = (post: PostedPost) => {
    if (typeof post.create_at === "number" && post.create_at > (lastSeenAt ?? 0)) lastSeenAt = post.create_at;
  };

  /** Whether the post was delivered already; remembers it when not. */
  const deliveredBefore = (postId: string): boolean => {
    if (delivered.has(postId)) return true;
    delivered.add(postId);
    const oldest = delivered.values().next().value;
    if (delivered.size > DELIVERED_MEMORY && oldest !== undefined) delivered.delete(oldest);
    return false;
  };

  /**
   * A post that may mention the bot, from the socket or read back: a mention Inbound when it does. In a direct
   * message (`channelType` `D`) everything is addressed to the bot; anywhere else the post must name it.
   */
  const onMentioningPost = async (post: PostedPost, channelType: unknown, senderName?: unknown) => {
    // `@here`, `@channel` and `@all` put every member in `mentions`, the bot too; those are for people.
    if (channelType !== "D" && !namesBot.test(post.message)) return;
    // The bot's own posts (which may quote a mention of it) and join/leave notices never become work.
    if (post.user_id === identity.userId || (post.type ?? "").startsWith("system_")) return;
    const actor = senderUsername(senderName, post) ?? (await usernameOf(post.user_id));
    if (!actor) return;
    const said = post.message.replace(stripBotMention, "");
    // What follows the mention reaches the core as typed; only the `@name`s of real people become mentions.
    const people = await peopleAmong(mentionCandidates(said));
    // Keyed on the post: a replay, or a post read back that the socket sent too, is one delivery.
    if (stopped || deliveredBefore(post.id)) return;
    deliver({
      platform: "mattermost",
      actor,
      conversationId: post.channel_id,
      deliveryId: `mention-${post.id}`,
      body: { kind: "mention", text: fromMattermostCommandText(said, (name) => people.has(name)) },
    });
  };

  const onPosted = async (data: Record<string, unknown>) => {
    const post = parseJson(data.post) as PostedPost | undefined;
    if (!post || typeof post.id !== "string" || typeof post.message !== "string") return;
    noteSeen(post);
    const mentions = parseJson(data.mentions ?? "[]");
    if (!Array.isArray(mentions) || !mentions.includes(identity.userId)) return;
    await onMentioningPost(post, data.channel_type, data.sender_name);
  };

  /** Reads back what was said since the last post seen, when the server could not replay it. */
  const catchUpOnMissed = async () => {
    const { catchUp } = options;
    if (!catchUp || lastSeenAt === undefined) {
      logger.warn({}, "mattermost: events sent while the WebSocket was down may have been missed");
      return;
    }
    const since = Math.max(lastSeenAt, Date.now() - CATCH_UP_MAX_AGE_MS);
    let missed: MissedPost[];
    try {
      missed = await catchUp(since);
    } catch (err) {
      logger.warn(
        { err: String(err), since },
        "mattermost: could not read back what was said while the WebSocket was down; mentions may be lost",
      );
      return;
    }
    logger.info(
      { since, posts: missed.length },
      "mattermost: read back what was said while the WebSocket was down",
    );
    for (const { post, channelType } of missed) {
      if (stopped) return;
      noteSeen(post);
      await onMentioningPost(post, channelType);
    }
  };

  const onReactionAdded = async (data: Record<string, unknown>, channelId: unknown) => {
    const reaction = parseJson(data.reaction) as
      | { user_id?: unknown; post_id?: unknown; emoji_name?: unknown; create_at?: unknown }
      | undefined;
    if (!reaction || typeof reaction.user_id !== "string" || typeof reaction.post_id !== "string") return;
    if (typeof reaction.emoji_name !== "string" || typeof channelId !== "string" || channelId === "") return;
    // A reaction the bot adds itself must never turn into work for the bot.
    if (reaction.user_id === identity.userId) return;
    const actor = await usernameOf(reaction.user_id);
    if (!actor) return;
    deliver({
      platform: "mattermost",
      actor,
      conversationId: channelId,
      // Removing and adding the same emoji again is a new reaction (a new create_at); a replay is not.
      deliveryId: `reaction-${reaction.post_id}-${reaction.user_id}-${reaction.emoji_name}-${String(reaction.create_at ?? "")}`,
      body: { kind: "reaction", reaction: reaction.emoji_name, messageId: reaction.post_id },
    });
  };

  const finishStart = () => {
    if (startTimer) clearTimeout(startTimer);
    startTimer = undefined;
    settleStart?.();
    settleStart = undefined;
  };

  client.addMessageListener((message) => {
    const msg = message as unknown as WebSocketEvent;
    const data = msg.data ?? {};
    if (msg.event === "hello") {
      if (!connectedOnce) logger.info({}, "mattermost: listening for mentions");
      connectedOnce = true;
      // Nothing can have been missed before the first connection: a catch-up never reads further back.
      lastSeenAt ??= Date.now();
      finishStart();
    } else if (msg.event === "posted") {
      handled("posted", () => onPosted(data));
    } else if (msg.event === "reaction_added") {
      handled("reaction_added", () => onReactionAdded(data, msg.broadcast?.channel_id));
    }
  });
  client.addReconnectListener(() => {
    if (!stopped) logger.info({}, "mattermost: WebSocket reconnected");
  });
  client.addCloseListener((failures) => {
    if (stopped) return;
    if (failures >= WARN_AFTER_FAILURES) {
      logger.warn(
        { failures },
        "mattermost: the WebSocket keeps failing to connect; mentions and reactions wait until it does",
      );
    } else {
      logger.info({ failures }, "mattermost: WebSocket closed; reconnecting");
    }
  });
  // The server no longer had our place in the stream (it restarted, the reconnect reached another node, or we
  // were away too long) and started a new connection. Called before that connection's first event is read, so
  // what was missed reaches the core before what follows. Registering it is also what makes the client keep its
  // connection id, without which no reconnect could resume.
  client.addMissedMessageListener(() => {
    if (!stopped) handled("missed", catchUpOnMissed);
  });

  return {
    start() {
      if (stopped) return Promise.resolve();
      return new Promise<void>((resolve) => {
        settleStart = resolve;
        startTimer = setTimeout(() => {
          logger.warn(
            { siteUrl: options.siteUrl },
            "mattermost: the WebSocket is not connected yet; still trying in the background",
          );
          finishStart();
        }, options.connectWaitMs ?? DEFAULT_CONNECT_WAIT_MS);
        client.initialize(webSocketUrl(options.siteUrl), options.token);
      });
    },
    stop() {
      if (stopped) return;
      stopped = true;
      finishStart();
      // Clears the reconnect timer and the ping interval, and closes an open socket.
      client.close();
      // A socket still connecting is left alone by close(); its failure would schedule a reconnect. Cut it (and
      // any open one, without waiting for the close handshake) with its handlers removed.
      for (const socket of sockets) {
        socket.onclose = null;
        socket.onmessage = null;
        socket.onopen = null;
        socket.terminate();
      }
      sockets.clear();
    },
  };
}

/**
 * `namesBot`: `@firebreak` anywhere as a word (not `@firebreak-ops`, not `x@firebreak`); `stripBotMention`: the
 * `@firebreak`, `@firebreak:` or `@firebreak,` a message starts with.
 */
export function botMentionPatterns(username: string): { namesBot: RegExp; stripBotMention: RegExp } {
  const name = username.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");
  // A trailing `.`, `-` or `_` is punctuation, not part of the name (as Mattermost reads mentions).
  const end = "(?![a-z0-9._-]*[a-z0-9])";
  return {
    namesBot: new RegExp(`(^|[^a-z0-9._-])@${name}${end}`, "i"),
    stripBotMention: new RegExp(`^\\s*@${name}${end}[:,]?\\s*`, "i"),
  };
}

/**
 * The author's username from the event itself: Mattermost sends `@username` (GetSenderName with ShowUsername),
 * except for a webhook's post that overrides its name, whose sender name is the name it chose.
 */
function senderUsername(senderName: unknown, post: PostedPost): string | null {
  if (typeof senderName !== "string") return null;
  const overridden = post.props?.from_webhook === "true" || post.props?.override_username !== undefined;
  const match = /^@([a-z0-9._-]+)$/.exec(senderName);
  return !overridden && match ? (match[1] as string) : null;
}

/**
 * The client parses every frame with JSON.parse inside ws's message handler, where a throw is an uncaught
 * exception that ends the process (a proxy's HTML error page sent down the socket is enough). The handler it
 * sets is wrapped, so a frame it cannot read is `onFailure` for this socket instead.
 */
function guardMessages(socket: NodeWebSocket, onFailure: (err: unknown) => void): void {
  const property = Object.getOwnPropertyDescriptor(NodeWebSocket.prototype, "onmessage");
  const { get, set } = property ?? {};
  if (!get || !set)
    throw new Error("ws no longer defines WebSocket.prototype.onmessage; update guardMessages");
  type Handler = ((event: unknown) => void) | null;
  Object.defineProperty(socket, "onmessage", {
    configurable: true,
    get: () => get.call(socket),
    set: (handler: Handler) =>
      set.call(
        socket,
        handler &&
          ((event: unknown) => {
            try {
              handler(event);
            } catch (err) {
              onFailure(err);
            }
          }),
      ),
  });
}

function parseJson(raw: unknown): unknown {
  if (typeof raw !== "string") return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
