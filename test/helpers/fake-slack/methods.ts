// Handlers of the Web API methods the fake implements. Arguments arrive already checked against the spec's
// required flags and types (server.ts); what remains here is what Slack checks against the workspace and the
// method-specific rules. Each rejection names a Slack error code from CATALOG[method].errors.

import {
  CATALOG,
  CONVERSATION_SCOPES,
  type ConversationScopeFamily,
  type ConversationType,
} from "./catalog.js";
import { SlackApiError } from "./records.js";
import { checkBlocks, checkModalView, LIMITS, withGeneratedIds } from "./rules/block-kit.js";
import { checkChannelName } from "./rules/channel-name.js";
import type { Conversation, StoredMessage, Workspace } from "./state.js";

/** Slack truncates message text beyond this (changelog 2018-04); it is not an error. */
export const MESSAGE_TEXT_LIMIT = 40_000;
const TOPIC_LIMIT = 250;
const INVITE_LIMIT = 1000;
const MPIM_LIMIT = 8;
const ATTACHMENTS_LIMIT = 100;
const LIST_MAX = 1000;

export interface MethodEnv {
  ws: Workspace;
  scopes: ReadonlySet<string>;
  now: () => number;
  triggerTtlMs: number;
  /** Caps conversations.list pages below `limit`, as Slack may ("fewer than the requested number"). */
  maxPageSize: number;
  warn: (message: string) => void;
}

export type Args = Record<string, unknown>;
export type Handler = (args: Args, env: MethodEnv) => Record<string, unknown>;

// --- small helpers ---------------------------------------------------------------------------------------

const str = (args: Args, name: string): string | undefined => {
  const v = args[name];
  if (v === undefined || v === null || v === "") return undefined;
  return typeof v === "string" ? v : String(v);
};

const bool = (args: Args, name: string): boolean => {
  const v = args[name];
  return v === true || v === "true" || v === "1" || v === 1;
};

const invalid = (error: string, rule: string, message: string, extra: Record<string, unknown> = {}) =>
  new SlackApiError(error, "invalid_request", rule, message, extra);

const state = (error: string, rule: string, message: string, extra: Record<string, unknown> = {}) =>
  new SlackApiError(error, "state", rule, message, extra);

function requireScope(env: MethodEnv, accepted: readonly string[]): void {
  if (accepted.length === 0 || accepted.some((s) => env.scopes.has(s))) return;
  throw new SlackApiError(
    "missing_scope",
    "scope",
    "missing_scope",
    `needs one of ${accepted.join(", ")}; the app has ${[...env.scopes].join(", ")}`,
    { needed: accepted.join(","), provided: [...env.scopes].join(",") },
  );
}

function requireConversationScope(env: MethodEnv, family: ConversationScopeFamily, type: ConversationType) {
  requireScope(env, CONVERSATION_SCOPES[family][type]);
}

/** A conversation the bot can see, or channel_not_found (Slack hides private channels the bot is not in). */
function visible(env: MethodEnv, arg: string | undefined, opts: { idsOnly?: boolean } = {}): Conversation {
  if (arg === undefined) throw invalid("channel_not_found", "missing_argument", "no `channel` given");
  const c = env.ws.resolve(arg, opts.idsOnly ?? true);
  if (!c || !env.ws.botCanSee(c)) {
    throw state("channel_not_found", "unknown_channel", `no conversation ${arg} visible to the bot`);
  }
  return c;
}

function requireBotMember(env: MethodEnv, c: Conversation): void {
  if (!c.members.has(env.ws.identity.botUserId)) {
    throw state("not_in_channel", "bot_not_in_channel", `the bot is not a member of ${c.id} (#${c.name})`);
  }
}

function notArchived(c: Conversation): void {
  if (c.archived) throw state("is_archived", "archived", `${c.id} is archived`);
}

/** Posting needs membership, except to public channels with chat:write.public (which Firebreak requests). */
function requireCanPost(env: MethodEnv, c: Conversation): void {
  if (c.members.has(env.ws.identity.botUserId)) return;
  if (c.type === "public" && env.scopes.has("chat:write.public")) return;
  throw state(
    "not_in_channel",
    "bot_not_in_channel",
    c.type === "public"
      ? `the bot is not in #${c.name} and lacks chat:write.public`
      : `the bot is not a member of ${c.id}`,
  );
}

function decodeJson(v: unknown): { ok: true; value: unknown } | { ok: false } {
  if (typeof v !== "string") return { ok: true, value: v };
  try {
    return { ok: true, value: JSON.parse(v) };
  } catch {
    return { ok: false };
  }
}

function blockErrors(issues: { message: string }[]) {
  return {
    errors: issues.map((i) => i.message),
    response_metadata: { messages: issues.map((i) => `[ERROR] ${i.message}`) },
  };
}

/** Decodes and checks `blocks` of a message: invalid_blocks_format when not an array, invalid_blocks on rules. */
export function messageBlocks(args: Args): unknown[] | undefined {
  if (args.blocks === undefined || args.blocks === "") return undefined;
  const decoded = decodeJson(args.blocks);
  if (!decoded.ok || !Array.isArray(decoded.value)) {
    throw invalid("invalid_blocks_format", "blocks_format", "`blocks` must be a JSON array of block objects");
  }
  const issues = checkBlocks(decoded.value, "message");
  const first = issues[0];
  if (first) throw invalid("invalid_blocks", first.rule, first.message, blockErrors(issues));
  return withGeneratedIds(decoded.value);
}

function messageAttachments(args: Args): unknown[] | undefined {
  if (args.attachments === undefined || args.attachments === "") return undefined;
  const decoded = decodeJson(args.attachments);
  if (!decoded.ok || !Array.isArray(decoded.value)) {
    throw invalid("invalid_arguments", "attachments_format", "`attachments` must be a JSON array", {
      response_metadata: { messages: ["[ERROR] must provide an array [json-pointer:/attachments]"] },
    });
  }
  if (decoded.value.length > ATTACHMENTS_LIMIT) {
    throw invalid(
      "too_many_attachments",
      "too_many_attachments",
      `more than ${ATTACHMENTS_LIMIT} attachments`,
    );
  }
  return decoded.value;
}

interface Content {
  text: string;
  blocks: unknown[] | undefined;
  attachments: unknown[] | undefined;
}

function messageContent(args: Args, env: MethodEnv): Content {
  const blocks = messageBlocks(args);
  const attachments = messageAttachments(args);
  let text = str(args, "text") ?? str(args, "markdown_text") ?? "";
  if (!text && !blocks?.length && !attachments?.length) {
    throw invalid("no_text", "no_text", "a message needs text, blocks or attachments");
  }
  if (blocks?.length && !text) {
    // Not an error, but Slack uses `text` for notifications and screen readers.
    env.warn("blocks without a top-level `text` fallback (notifications and screen readers show nothing)");
  }
  if ([...text].length > MESSAGE_TEXT_LIMIT) {
    env.warn(`text longer than ${MESSAGE_TEXT_LIMIT} characters was truncated, as Slack does`);
    text = [...text].slice(0, MESSAGE_TEXT_LIMIT).join("");
  }
  return { text, blocks, attachments };
}

const userList = (raw: string | undefined): string[] =>
  (raw ?? "")
    .split(",")
    .map((u) => u.trim())
    .filter(Boolean);

function encodeCursor(offset: number): string {
  return Buffer.from(`fake-slack:${offset}`).toString("base64");
}

function decodeCursor(cursor: string): number | undefined {
  const m = /^fake-slack:(\d+)$/.exec(Buffer.from(cursor, "base64").toString("utf8"));
  return m ? Number(m[1]) : undefined;
}

/** conversations.history: "Maximum of 999" (docs.slack.dev); larger limits are capped, not refused. */
const HISTORY_MAX = 999;

/** A message ts (or a number of seconds) as integer microseconds, exact where a float would round. */
function tsMicros(ts: string): number | undefined {
  const m = /^(\d+)(?:\.(\d{0,6})\d*)?$/.exec(ts.trim());
  if (m) return Number(m[1]) * 1e6 + Number((m[2] ?? "").padEnd(6, "0"));
  const n = Number(ts);
  return Number.isFinite(n) && n >= 0 ? Math.round(n * 1e6) : undefined;
}

/** `latest` / `oldest` of conversations.history: a ts, or undefined when absent. */
function tsArg(args: Args, name: "latest" | "oldest"): number | undefined {
  const raw = str(args, name);
  if (raw === undefined) return undefined;
  const micros = tsMicros(raw);
  if (micros === undefined)
    throw invalid(`invalid_ts_${name}`, "invalid_ts", `\`${name}\` ${raw} is not a ts`);
  return micros;
}

/** Slack's history cursors are base64 of `next_ts:<ts without the dot>`; the fake issues the same shape. */
function encodeHistoryCursor(ts: string): string {
  return Buffer.from(`next_ts:${ts.replace(".", "")}`).toString("base64");
}

function decodeHistoryCursor(cursor: string): number | undefined {
  const m = /^next_ts:(\d{7,})$/.exec(Buffer.from(cursor, "base64").toString("utf8"));
  return m ? Number(m[1]) : undefined;
}

const LIST_TYPES: Record<string, ConversationType> = {
  public_channel: "public",
  private_channel: "private",
  im: "im",
  mpim: "mpim",
};

// --- the methods -----------------------------------------------------------------------------------------

export const HANDLERS: Record<string, Handler> = {
  "auth.test": (_args, { ws }) => ({
    url: `https://${ws.identity.teamDomain}.slack.com/`,
    team: ws.identity.teamName,
    user: ws.identity.botName,
    team_id: ws.identity.teamId,
    user_id: ws.identity.botUserId,
    bot_id: ws.identity.botId,
    is_enterprise_install: false,
  }),

  "conversations.create": (args, env) => {
    const isPrivate = bool(args, "is_private");
    requireConversationScope(env, "write", isPrivate ? "private" : "public");
    const name = str(args, "name");
    const nameError = checkChannelName(name);
    if (nameError) throw invalid(nameError, "channel_name", `channel name ${JSON.stringify(name ?? "")}`);
    // Names are unique across public, private and archived channels, whether or not the bot can see them.
    if (env.ws.byName(name as string)) throw state("name_taken", "name_taken", `#${name} already exists`);
    const c = env.ws.addConversation({ name: name as string, isPrivate, botIsMember: true });
    return { channel: env.ws.conversationJson(c) };
  },

  "conversations.invite": (args, env) => {
    const c = visible(env, str(args, "channel"));
    if (c.type === "im") {
      throw invalid("method_not_supported_for_channel_type", "channel_type", "cannot invite into an IM");
    }
    requireConversationScope(env, "write", c.type);
    notArchived(c);
    requireBotMember(env, c);
    const users = userList(str(args, "users"));
    if (users.length === 0) throw invalid("no_user", "missing_argument", "no `users` given");
    if (users.length > INVITE_LIMIT)
      throw invalid("too_many_users", "too_many_users", `over ${INVITE_LIMIT}`);
    const force = bool(args, "force");
    const failures: { user: string; ok: false; error: string }[] = [];
    const toAdd: string[] = [];
    for (const u of users) {
      if (u === env.ws.identity.botUserId) failures.push({ user: u, ok: false, error: "cant_invite_self" });
      else if (!env.ws.users.has(u)) failures.push({ user: u, ok: false, error: "user_not_found" });
      else if (!c.members.has(u) && !toAdd.includes(u)) toAdd.push(u);
    }
    const firstFailure = failures[0];
    if (firstFailure && (!force || toAdd.length === 0)) {
      const kind = firstFailure.error === "cant_invite_self" ? "invalid_request" : "state";
      throw new SlackApiError(
        firstFailure.error,
        kind,
        firstFailure.error,
        `cannot invite ${firstFailure.user}`,
        {
          errors: failures,
        },
      );
    }
    if (toAdd.length === 0) {
      // Slack answers already_in_channel only when *every* invitee is a member; a mix just invites the rest.
      throw state(
        "already_in_channel",
        "already_in_channel",
        `all of ${users.join(",")} are already in ${c.id}`,
        {
          errors: users.map((user) => ({ user, ok: false, error: "already_in_channel" })),
        },
      );
    }
    for (const u of toAdd) c.members.add(u);
    const body: Record<string, unknown> = { channel: env.ws.conversationJson(c) };
    if (failures.length) body.errors = failures;
    return body;
  },

  "conversations.join": (args, env) => {
    const c = visible(env, str(args, "channel"));
    if (c.type !== "public") {
      throw invalid(
        "method_not_supported_for_channel_type",
        "channel_type",
        "only public channels can be joined",
      );
    }
    requireScope(env, ["channels:join"]);
    notArchived(c);
    const body: Record<string, unknown> = {};
    if (c.members.has(env.ws.identity.botUserId)) {
      body.warning = "already_in_channel";
      body.response_metadata = { warnings: ["already_in_channel"] };
    }
    c.members.add(env.ws.identity.botUserId);
    body.channel = env.ws.conversationJson(c);
    return body;
  },

  "conversations.info": (args, env) => {
    const c = visible(env, str(args, "channel"));
    requireConversationScope(env, "read", c.type);
    return {
      channel: env.ws.conversationJson(c, { includeNumMembers: bool(args, "include_num_members") }),
    };
  },

  "conversations.open": (args, env) => {
    const channelArg = str(args, "channel");
    if (channelArg) {
      const c = env.ws.conversations.get(channelArg);
      if (!c || (c.type !== "im" && c.type !== "mpim") || !env.ws.botCanSee(c)) {
        throw state("channel_not_found", "unknown_channel", `no IM/MPIM ${channelArg}`);
      }
      return { no_op: true, already_open: true, channel: env.ws.conversationJson(c) };
    }
    const users = userList(str(args, "users")).filter((u) => u !== env.ws.identity.botUserId);
    if (users.length === 0) throw invalid("users_list_not_supplied", "missing_argument", "no `users` given");
    if (users.length > MPIM_LIMIT) throw invalid("too_many_users", "too_many_users", `over ${MPIM_LIMIT}`);
    for (const u of users) {
      if (!env.ws.users.has(u)) throw state("user_not_found", "unknown_user", `no user ${u}`);
    }
    const returnFull = bool(args, "return_im");
    if (users.length === 1) {
      requireConversationScope(env, "write", "im");
      const user = users[0] as string;
      const existed = env.ws.hasImWith(user);
      const c = env.ws.imWith(user);
      const body: Record<string, unknown> = {
        channel: returnFull ? env.ws.conversationJson(c) : { id: c.id },
      };
      if (existed) Object.assign(body, { no_op: true, already_open: true });
      return body;
    }
    requireConversationScope(env, "write", "mpim");
    const names = users.map((u) => env.ws.users.get(u)?.name ?? u);
    const c = env.ws.addConversation({
      id: env.ws.nextId("C"),
      name: `mpdm-${names.join("--")}-1`,
      members: users,
      botIsMember: true,
    });
    c.type = "mpim";
    return { channel: returnFull ? env.ws.conversationJson(c) : { id: c.id } };
  },

  "conversations.setTopic": (args, env) => {
    const c = visible(env, str(args, "channel"));
    requireConversationScope(env, "topic", c.type);
    notArchived(c);
    requireBotMember(env, c);
    const topic = str(args, "topic") ?? "";
    if ([...topic].length > TOPIC_LIMIT)
      throw invalid("too_long", "topic_too_long", `over ${TOPIC_LIMIT} chars`);
    c.topic = { value: topic, creator: env.ws.identity.botUserId, last_set: env.ws.nowSeconds() };
    return { channel: env.ws.conversationJson(c) };
  },

  "conversations.list": (args, env) => {
    const types = (str(args, "types") ?? "public_channel").split(",").map((t) => t.trim());
    const wanted = new Set<ConversationType>();
    for (const t of types) {
      const type = LIST_TYPES[t];
      if (!type) throw invalid("invalid_arguments", "invalid_types", `unknown conversation type ${t}`);
      requireConversationScope(env, "read", type);
      wanted.add(type);
    }
    const limitArg = args.limit === undefined ? 100 : Number(args.limit);
    const limit = Math.min(limitArg <= 0 ? 100 : limitArg, LIST_MAX, env.maxPageSize);
    const cursor = str(args, "cursor");
    const offset = cursor === undefined ? 0 : decodeCursor(cursor);
    if (offset === undefined)
      throw invalid("invalid_cursor", "invalid_cursor", `cursor ${cursor} was not issued`);
    const all = [...env.ws.conversations.values()].filter(
      (c) => wanted.has(c.type) && env.ws.botCanSee(c) && !(bool(args, "exclude_archived") && c.archived),
    );
    const page = all.slice(offset, offset + limit);
    const next = offset + limit < all.length ? encodeCursor(offset + limit) : "";
    return {
      channels: page.map((c) => env.ws.conversationJson(c)),
      response_metadata: { next_cursor: next },
    };
  },

  "conversations.history": (args, env) => {
    // `channel` is optional in the spec, but without one Slack answers channel_not_found.
    const c = visible(env, str(args, "channel"));
    requireConversationScope(env, "history", c.type);
    // Bot tokens read only conversations the bot is a member of, even public ones.
    requireBotMember(env, c);
    const latest = tsArg(args, "latest");
    const oldest = tsArg(args, "oldest");
    const inclusive = bool(args, "inclusive");
    const limitArg = args.limit === undefined ? 100 : Number(args.limit);
    const limit = Math.min(limitArg <= 0 ? 100 : limitArg, HISTORY_MAX, env.maxPageSize);
    const cursor = str(args, "cursor");
    const before = cursor === undefined ? undefined : decodeHistoryCursor(cursor);
    if (cursor !== undefined && before === undefined) {
      throw invalid("invalid_cursor", "invalid_cursor", `cursor ${cursor} was not issued`);
    }
    const inWindow = (m: StoredMessage) => {
      const at = tsMicros(m.ts) as number;
      if (oldest !== undefined && (inclusive ? at < oldest : at <= oldest)) return false;
      if (latest !== undefined && (inclusive ? at > latest : at >= latest)) return false;
      return before === undefined || at < before;
    };
    // Thread replies live in conversations.replies, except those also sent to the channel.
    const topLevel = (m: StoredMessage) => !m.threadTs || m.threadTs === m.ts || m.replyBroadcast === true;
    const matching = c.messages.filter((m) => topLevel(m) && inWindow(m)).reverse(); // newest first
    const page = matching.slice(0, limit);
    const hasMore = matching.length > page.length;
    const last = page.at(-1);
    return {
      messages: page.map((m) => env.ws.messageJson(m)),
      has_more: hasMore,
      pin_count: c.pins.size,
      channel_actions_ts: null,
      channel_actions_count: 0,
      response_metadata: { next_cursor: hasMore && last ? encodeHistoryCursor(last.ts) : "" },
    };
  },

  "conversations.members": (args, env) => {
    // `channel` is optional in the spec, but without one Slack answers channel_not_found.
    const c = visible(env, str(args, "channel"));
    requireConversationScope(env, "read", c.type);
    const limitArg = args.limit === undefined ? 100 : Number(args.limit);
    if (limitArg < 0) throw invalid("invalid_limit", "invalid_limit", `limit ${limitArg} is negative`);
    const limit = Math.min(limitArg === 0 ? 100 : limitArg, LIST_MAX, env.maxPageSize);
    const cursor = str(args, "cursor");
    const offset = cursor === undefined ? 0 : decodeCursor(cursor);
    if (offset === undefined)
      throw invalid("invalid_cursor", "invalid_cursor", `cursor ${cursor} was not issued`);
    const all = [...c.members];
    const next = offset + limit < all.length ? encodeCursor(offset + limit) : "";
    return { members: all.slice(offset, offset + limit), response_metadata: { next_cursor: next } };
  },

  "conversations.replies": (args, env) => {
    // `channel` and `ts` are optional in the spec; Slack answers channel_not_found / an argument error without.
    const c = visible(env, str(args, "channel"));
    requireConversationScope(env, "history", c.type);
    requireBotMember(env, c);
    const ts = str(args, "ts");
    if (ts === undefined)
      throw invalid("invalid_arguments", "missing_argument", "conversations.replies needs `ts`");
    // `ts` may name the parent or any reply of the thread; either way the whole thread is answered.
    const named = env.ws.findMessage(c, ts);
    if (!named) throw state("thread_not_found", "unknown_thread", `no message ${ts} in ${c.id}`);
    const parent = named.threadTs ? env.ws.findMessage(c, named.threadTs) : named;
    if (!parent) throw state("thread_not_found", "unknown_thread", `the thread of ${ts} is gone`);
    const latest = tsArg(args, "latest");
    const oldest = tsArg(args, "oldest");
    const inclusive = bool(args, "inclusive");
    const limitArg = args.limit === undefined ? 1000 : Number(args.limit);
    const limit = Math.max(1, Math.min(limitArg <= 0 ? 1000 : limitArg, LIST_MAX, env.maxPageSize));
    const cursor = str(args, "cursor");
    const after = cursor === undefined ? undefined : decodeHistoryCursor(cursor);
    if (cursor !== undefined && after === undefined) {
      throw invalid("invalid_cursor", "invalid_cursor", `cursor ${cursor} was not issued`);
    }
    const inWindow = (m: StoredMessage) => {
      const at = tsMicros(m.ts) as number;
      if (oldest !== undefined && (inclusive ? at < oldest : at <= oldest)) return false;
      if (latest !== undefined && (inclusive ? at > latest : at >= latest)) return false;
      return after === undefined || at >= after;
    };
    // Oldest first; the parent leads the first page whatever the window says, as on Slack.
    const replies = env.ws.repliesTo(c, parent.ts).filter(inWindow);
    const all = after === undefined ? [parent, ...replies] : replies;
    const page = all.slice(0, limit);
    const following = all[page.length];
    return {
      messages: page.map((m) => env.ws.messageJson(m)),
      has_more: following !== undefined,
      response_metadata: { next_cursor: following ? encodeHistoryCursor(following.ts) : "" },
    };
  },

  "chat.postMessage": (args, env) => {
    const arg = str(args, "channel") as string;
    const c = env.ws.resolve(arg);
    if (!c || !env.ws.botCanSee(c)) throw state("channel_not_found", "unknown_channel", `no channel ${arg}`);
    requireScope(env, ["chat:write"]);
    notArchived(c);
    requireCanPost(env, c);
    const content = messageContent(args, env);
    const threadTs = str(args, "thread_ts");
    if (threadTs && !env.ws.findMessage(c, threadTs)) {
      env.warn(`thread_ts ${threadTs} is not a message in ${c.id}; Slack would post it unthreaded`);
    }
    const metadata = args.metadata === undefined ? undefined : decodeJson(args.metadata);
    const msg: StoredMessage = {
      ts: env.ws.nextTs(),
      channel: c.id,
      user: env.ws.identity.botUserId,
      botId: env.ws.identity.botId,
      ...content,
      threadTs: threadTs && env.ws.findMessage(c, threadTs) ? threadTs : undefined,
      replyBroadcast: bool(args, "reply_broadcast") || undefined,
      metadata: metadata?.ok ? metadata.value : undefined,
    };
    c.messages.push(msg);
    return { channel: c.id, ts: msg.ts, message: env.ws.messageJson(msg) };
  },

  "chat.postEphemeral": (args, env) => {
    const arg = str(args, "channel") as string;
    const c = env.ws.resolve(arg);
    if (!c || !env.ws.botCanSee(c)) throw state("channel_not_found", "unknown_channel", `no channel ${arg}`);
    requireScope(env, ["chat:write"]);
    notArchived(c);
    requireCanPost(env, c);
    const user = str(args, "user") as string;
    if (!c.members.has(user)) {
      throw state("user_not_in_channel", "user_not_in_channel", `${user} is not a member of ${c.id}`);
    }
    const content = messageContent(args, env);
    const messageTs = env.ws.nextTs();
    env.ws.ephemerals.push({
      channel: c.id,
      user,
      messageTs,
      text: content.text,
      blocks: content.blocks,
      via: "chat.postEphemeral",
    });
    return { message_ts: messageTs };
  },

  "chat.update": (args, env) => {
    const c = visible(env, str(args, "channel"));
    requireScope(env, ["chat:write"]);
    const ts = str(args, "ts") as string;
    const msg = env.ws.findMessage(c, ts);
    if (!msg) throw state("message_not_found", "unknown_message", `no message ${ts} in ${c.id}`);
    if (msg.botId !== env.ws.identity.botId) {
      throw state("cant_update_message", "not_own_message", `message ${ts} was not posted by the bot`);
    }
    const blocks = messageBlocks(args);
    const attachments = messageAttachments(args);
    const text = str(args, "text");
    if (text === undefined && blocks === undefined && attachments === undefined) {
      throw invalid("no_text", "no_text", "chat.update needs text, blocks or attachments");
    }
    if (text !== undefined) msg.text = [...text].slice(0, MESSAGE_TEXT_LIMIT).join("");
    if (blocks !== undefined) msg.blocks = blocks;
    if (attachments !== undefined) msg.attachments = attachments;
    msg.edited = { user: env.ws.identity.botUserId, ts: env.ws.nextTs() };
    return { channel: c.id, ts, text: msg.text, message: env.ws.messageJson(msg) };
  },

  "chat.getPermalink": (args, env) => {
    const c = visible(env, str(args, "channel"));
    const ts = str(args, "message_ts") as string;
    const msg = env.ws.findMessage(c, ts);
    if (!msg) throw state("message_not_found", "unknown_message", `no message ${ts} in ${c.id}`);
    const base = `https://${env.ws.identity.teamDomain}.slack.com/archives/${c.id}/p${ts.replace(".", "")}`;
    const permalink = msg.threadTs ? `${base}?thread_ts=${msg.threadTs}&cid=${c.id}` : base;
    return { channel: c.id, permalink };
  },

  "pins.add": (args, env) => {
    const c = visible(env, str(args, "channel"));
    requireScope(env, ["pins:write"]);
    requireBotMember(env, c);
    const ts = str(args, "timestamp");
    if (!ts) throw invalid("no_item_specified", "missing_argument", "pins.add needs `timestamp`");
    if (!env.ws.findMessage(c, ts)) throw state("message_not_found", "unknown_message", `no message ${ts}`);
    if (c.pins.has(ts)) throw state("already_pinned", "already_pinned", `${ts} is already pinned in ${c.id}`);
    c.pins.add(ts);
    return {};
  },

  "views.open": (args, env) => {
    const decoded = decodeJson(args.view);
    if (!decoded.ok) {
      throw invalid("invalid_arguments", "view_format", "`view` is not JSON", {
        response_metadata: { messages: ["[ERROR] failed to parse view [json-pointer:/view]"] },
      });
    }
    if (JSON.stringify(decoded.value).length > LIMITS.viewBytes) {
      throw invalid("view_too_large", "view_too_large", `view over ${LIMITS.viewBytes} bytes`);
    }
    const issues = checkModalView(decoded.value);
    const first = issues[0];
    if (first) {
      throw invalid("invalid_arguments", first.rule, first.message, {
        response_metadata: { messages: issues.map((i) => `[ERROR] ${i.message}`) },
      });
    }
    const triggerId = str(args, "trigger_id") as string;
    const trigger = env.ws.triggers.get(triggerId);
    if (!trigger)
      throw invalid("invalid_trigger_id", "invalid_trigger_id", `trigger ${triggerId} was never issued`);
    if (trigger.exchangedAt !== undefined) {
      throw state("exchanged_trigger_id", "exchanged_trigger_id", "trigger_id already used once");
    }
    const age = env.now() - trigger.mintedAt;
    if (age > env.triggerTtlMs) {
      throw state("expired_trigger_id", "expired_trigger_id", `trigger_id used after ${age} ms (limit 3 s)`);
    }
    trigger.exchangedAt = env.now();
    const view = decoded.value as Record<string, unknown>;
    view.blocks = withGeneratedIds(view.blocks as unknown[]);
    const id = env.ws.nextId("V");
    const stored: Record<string, unknown> = {
      id,
      team_id: env.ws.identity.teamId,
      type: "modal",
      private_metadata: "",
      callback_id: "",
      external_id: "",
      clear_on_close: false,
      notify_on_close: false,
      submit_disabled: false,
      close: null,
      submit: null,
      ...view,
      state: { values: {} },
      hash: `${env.ws.nowSeconds()}.${id}`,
      root_view_id: id,
      previous_view_id: null,
      app_id: env.ws.identity.appId,
      app_installed_team_id: env.ws.identity.teamId,
      bot_id: env.ws.identity.botId,
    };
    env.ws.views.set(id, { id, triggerId, view: stored, openedAt: env.now(), user: trigger.user });
    return { view: stored };
  },

  "users.info": (args, env) => {
    requireScope(env, ["users:read"]);
    const id = str(args, "user");
    if (id === undefined) throw invalid("user_not_found", "missing_argument", "users.info needs `user`");
    const user = env.ws.users.get(id);
    if (!user) throw state("user_not_found", "unknown_user", `no user ${id}`);
    if (user.hidden) throw state("user_not_visible", "user_not_visible", `the bot may not look up ${id}`);
    return { user: env.ws.userJson(user, { includeEmail: env.scopes.has("users:read.email") }) };
  },
};

// Every handler must belong to the catalogue (and vice versa); fail loudly at import if someone adds one side.
for (const m of Object.keys(HANDLERS))
  if (!CATALOG[m]) throw new Error(`fake-slack: ${m} has no catalogue entry`);
for (const m of Object.keys(CATALOG)) if (!HANDLERS[m]) throw new Error(`fake-slack: ${m} has no handler`);
