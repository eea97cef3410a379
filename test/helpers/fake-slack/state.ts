// In-memory workspace of the fake: users, conversations, messages, pins, opened views, trigger ids and
// response URLs. Ids are deterministic per fake instance (counters, not randomness) so failing tests print
// stable values; only trigger ids and response URLs carry random parts, as real ones are unguessable.

import { randomBytes } from "node:crypto";
import type { ConversationType } from "./catalog.js";

export interface SeedUser {
  id: string;
  name: string;
  realName?: string;
  displayName?: string;
  email?: string;
  /** IANA zone; default Europe/Berlin (the example config's zone). */
  tz?: string;
  isBot?: boolean;
  deleted?: boolean;
  /** A person the bot may not look up (another organisation's, in a shared channel): user_not_visible. */
  hidden?: boolean;
}

export interface SeedChannel {
  id?: string;
  name: string;
  isPrivate?: boolean;
  /** Human members; the bot is added when `botIsMember` is true. */
  members?: string[];
  botIsMember?: boolean;
  topic?: string;
  archived?: boolean;
}

export interface SlackUser extends Required<Omit<SeedUser, "email" | "displayName">> {
  email: string | undefined;
  displayName: string;
}

export interface StoredMessage {
  ts: string;
  channel: string;
  user: string;
  /** Set for messages the bot (or its response URLs) posted. */
  botId?: string;
  text: string;
  blocks?: unknown[];
  attachments?: unknown[];
  threadTs?: string;
  replyBroadcast?: boolean;
  metadata?: unknown;
  edited?: { user: string; ts: string };
}

export interface EphemeralMessage {
  channel: string;
  user: string;
  messageTs: string;
  text: string;
  blocks?: unknown[];
  via: "chat.postEphemeral" | "response_url";
}

export interface Conversation {
  id: string;
  name: string;
  type: ConversationType;
  creator: string;
  created: number;
  members: Set<string>;
  topic: { value: string; creator: string; last_set: number };
  purpose: { value: string; creator: string; last_set: number };
  archived: boolean;
  messages: StoredMessage[];
  pins: Set<string>;
}

export interface OpenedView {
  id: string;
  triggerId: string;
  /** The view as Slack stores it (what views.open returns and view_submission carries). */
  view: Record<string, unknown>;
  openedAt: number;
  /** The user the trigger belonged to. */
  user: string | undefined;
}

export interface Trigger {
  id: string;
  mintedAt: number;
  user: string | undefined;
  exchangedAt?: number;
}

export interface ResponseUrlPost {
  at: number;
  body: unknown;
  status: number;
  /** Slack's answer, e.g. `{ok:true}` or `{ok:false,error:"used_url"}`. */
  response: Record<string, unknown>;
}

export interface ResponseUrl {
  id: string;
  url: string;
  mintedAt: number;
  channel: string | undefined;
  user: string | undefined;
  /** For block_actions on a message: the message `replace_original` / `delete_original` act on. */
  originalTs: string | undefined;
  posts: ResponseUrlPost[];
}

export interface WorkspaceIdentity {
  teamId: string;
  teamDomain: string;
  teamName: string;
  botUserId: string;
  botId: string;
  appId: string;
  botName: string;
}

export const DEFAULT_USERS: readonly SeedUser[] = [
  { id: "U0ALICE", name: "alice", realName: "Alice Archer", email: "alice@example.com" },
  { id: "U0BOB", name: "bob", realName: "Bob Baker", email: "bob@example.com" },
  { id: "U0DANA", name: "dana", realName: "Dana Diaz", email: "dana@example.com" },
];

export const DEFAULT_CHANNELS: readonly SeedChannel[] = [
  // Like every workspace, a #general everybody is in; the bot is not (it only joins what it creates or is told).
  { name: "general", members: ["U0ALICE", "U0BOB", "U0DANA"] },
];

export class Workspace {
  readonly users = new Map<string, SlackUser>();
  readonly conversations = new Map<string, Conversation>();
  readonly ephemerals: EphemeralMessage[] = [];
  readonly views = new Map<string, OpenedView>();
  readonly triggers = new Map<string, Trigger>();
  readonly responseUrls = new Map<string, ResponseUrl>();
  private readonly ims = new Map<string, string>();
  private counter = 0;
  private lastTsMicros = 0;

  constructor(
    readonly identity: WorkspaceIdentity,
    private readonly now: () => number,
  ) {}

  nextId(prefix: string): string {
    this.counter += 1;
    return `${prefix}0FB${this.counter.toString(36).toUpperCase().padStart(6, "0")}`;
  }

  /** A message ts: `<epoch seconds>.<6 digits>`, strictly increasing across the workspace like Slack's. */
  nextTs(): string {
    const micros = Math.max(Math.floor(this.now() * 1000), this.lastTsMicros + 1);
    this.lastTsMicros = micros;
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, "0")}`;
  }

  nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  addUser(seed: SeedUser): SlackUser {
    const user: SlackUser = {
      id: seed.id,
      name: seed.name,
      realName: seed.realName ?? seed.name,
      displayName: seed.displayName ?? seed.name,
      email: seed.email,
      tz: seed.tz ?? "Europe/Berlin",
      isBot: seed.isBot ?? false,
      deleted: seed.deleted ?? false,
      hidden: seed.hidden ?? false,
    };
    this.users.set(user.id, user);
    return user;
  }

  addConversation(seed: SeedChannel, creator = this.identity.botUserId): Conversation {
    const id = seed.id ?? this.nextId("C");
    const members = new Set(seed.members ?? []);
    if (seed.botIsMember) members.add(this.identity.botUserId);
    for (const m of members) {
      if (!this.users.has(m)) throw new Error(`fake-slack: channel #${seed.name} seeds unknown user ${m}`);
    }
    const now = this.nowSeconds();
    const conv: Conversation = {
      id,
      name: seed.name,
      type: seed.isPrivate ? "private" : "public",
      creator,
      created: now,
      members,
      topic: { value: seed.topic ?? "", creator: seed.topic ? creator : "", last_set: seed.topic ? now : 0 },
      purpose: { value: "", creator: "", last_set: 0 },
      archived: seed.archived ?? false,
      messages: [],
      pins: new Set(),
    };
    this.conversations.set(id, conv);
    return conv;
  }

  /** The IM between the bot and `userId`, created on first use (conversations.open / posting to a user id). */
  imWith(userId: string): Conversation {
    const existing = this.ims.get(userId);
    if (existing) return this.conversations.get(existing) as Conversation;
    const conv = this.addConversation({
      id: this.nextId("D"),
      name: userId,
      members: [userId],
      botIsMember: true,
    });
    conv.type = "im";
    this.ims.set(userId, conv.id);
    return conv;
  }

  hasImWith(userId: string): boolean {
    return this.ims.has(userId);
  }

  byName(name: string): Conversation | undefined {
    const wanted = name.replace(/^#/, "").toLowerCase();
    for (const c of this.conversations.values()) {
      if ((c.type === "public" || c.type === "private") && c.name.toLowerCase() === wanted) return c;
    }
    return undefined;
  }

  /**
   * Resolves a `channel` argument the way chat.postMessage does: a conversation id, a user id (the bot's IM with
   * that user) or a `#name`/`name` of a channel. Other methods only take ids (`idsOnly`).
   */
  resolve(arg: string, idsOnly = false): Conversation | undefined {
    const byId = this.conversations.get(arg);
    if (byId) return byId;
    if (idsOnly) return undefined;
    if (/^[UW][A-Z0-9]+$/.test(arg) && this.users.has(arg)) return this.imWith(arg);
    return this.byName(arg);
  }

  /** Whether the bot may see the conversation at all (private ones it is not in are invisible). */
  botCanSee(c: Conversation): boolean {
    return c.type === "public" || c.members.has(this.identity.botUserId);
  }

  findMessage(c: Conversation, ts: string): StoredMessage | undefined {
    return c.messages.find((m) => m.ts === ts);
  }

  /** Replies to the message `ts` of `c` (its thread without the parent), oldest first. */
  repliesTo(c: Conversation, ts: string): StoredMessage[] {
    return c.messages.filter((m) => m.threadTs === ts && m.ts !== ts);
  }

  mintTrigger(user?: string): Trigger {
    // Shape of real trigger ids: "<digits>.<digits>.<hex>".
    const t: Trigger = {
      id: `${this.nowSeconds()}.${++this.counter}.${randomBytes(16).toString("hex")}`,
      mintedAt: this.now(),
      user,
    };
    this.triggers.set(t.id, t);
    return t;
  }

  mintResponseUrl(
    baseUrl: string,
    opts: { channel?: string; user?: string; originalTs?: string } = {},
  ): ResponseUrl {
    const id = randomBytes(12).toString("hex");
    const r: ResponseUrl = {
      id,
      url: `${baseUrl}/response/${id}`,
      mintedAt: this.now(),
      channel: opts.channel,
      user: opts.user,
      originalTs: opts.originalTs,
      posts: [],
    };
    this.responseUrls.set(id, r);
    return r;
  }

  // --- JSON shapes as the Web API returns them -------------------------------------------------------------

  conversationJson(c: Conversation, extra: { includeNumMembers?: boolean } = {}): Record<string, unknown> {
    const isMember = c.members.has(this.identity.botUserId);
    if (c.type === "im") {
      const user = [...c.members].find((m) => m !== this.identity.botUserId) ?? "";
      return {
        id: c.id,
        created: c.created,
        is_im: true,
        is_org_shared: false,
        user,
        is_user_deleted: this.users.get(user)?.deleted ?? false,
        priority: 0,
        is_open: true,
      };
    }
    const json: Record<string, unknown> = {
      id: c.id,
      name: c.name,
      is_channel: c.type === "public",
      is_group: c.type === "private",
      is_im: false,
      is_mpim: c.type === "mpim",
      is_private: c.type !== "public",
      created: c.created,
      is_archived: c.archived,
      is_general: c.name === "general",
      unlinked: 0,
      name_normalized: c.name,
      is_shared: false,
      is_org_shared: false,
      is_ext_shared: false,
      is_pending_ext_shared: false,
      pending_shared: [],
      context_team_id: this.identity.teamId,
      updated: c.created * 1000,
      parent_conversation: null,
      creator: c.creator,
      shared_team_ids: [this.identity.teamId],
      is_member: isMember,
      topic: c.topic,
      purpose: c.purpose,
      previous_names: [],
    };
    if (extra.includeNumMembers) json.num_members = c.members.size;
    return json;
  }

  userJson(u: SlackUser, opts: { includeEmail: boolean }): Record<string, unknown> {
    const offset = tzOffsetSeconds(u.tz, this.now());
    const profile: Record<string, unknown> = {
      real_name: u.realName,
      real_name_normalized: u.realName,
      display_name: u.displayName,
      display_name_normalized: u.displayName,
      status_text: "",
      status_emoji: "",
      avatar_hash: "g0000000000",
      image_24: `https://avatars.example.com/${u.id}_24.png`,
      image_48: `https://avatars.example.com/${u.id}_48.png`,
      image_72: `https://avatars.example.com/${u.id}_72.png`,
      team: this.identity.teamId,
    };
    // Slack only returns the address with users:read.email, which Firebreak does not request.
    if (opts.includeEmail && u.email) profile.email = u.email;
    if (u.isBot && u.id === this.identity.botUserId) {
      profile.bot_id = this.identity.botId;
      profile.api_app_id = this.identity.appId;
      profile.always_active = false;
    }
    return {
      id: u.id,
      team_id: this.identity.teamId,
      name: u.name,
      deleted: u.deleted,
      color: "9f69e7",
      real_name: u.realName,
      tz: u.tz,
      tz_label: u.tz,
      tz_offset: offset,
      profile,
      is_admin: false,
      is_owner: false,
      is_primary_owner: false,
      is_restricted: false,
      is_ultra_restricted: false,
      is_bot: u.isBot,
      is_app_user: false,
      updated: this.nowSeconds(),
      is_email_confirmed: !u.isBot,
    };
  }

  messageJson(m: StoredMessage): Record<string, unknown> {
    const json: Record<string, unknown> = {
      type: "message",
      text: m.text,
      user: m.user,
      ts: m.ts,
      team: this.identity.teamId,
    };
    if (m.botId) {
      json.bot_id = m.botId;
      json.app_id = this.identity.appId;
      json.bot_profile = {
        id: m.botId,
        app_id: this.identity.appId,
        name: this.identity.botName,
        deleted: false,
        team_id: this.identity.teamId,
        updated: this.nowSeconds(),
        icons: { image_36: "", image_48: "", image_72: "" },
      };
    }
    if (m.blocks) json.blocks = m.blocks;
    if (m.attachments) json.attachments = m.attachments;
    const c = this.conversations.get(m.channel);
    const replies = c && !m.threadTs ? this.repliesTo(c, m.ts) : [];
    const latestReply = replies.at(-1);
    if (latestReply) {
      // A thread's parent, as Slack describes it in history and replies.
      const users = [...new Set(replies.map((r) => r.user))];
      Object.assign(json, {
        thread_ts: m.ts,
        reply_count: replies.length,
        reply_users_count: users.length,
        latest_reply: latestReply.ts,
        reply_users: users,
        is_locked: false,
        subscribed: false,
      });
    }
    if (m.threadTs) {
      json.thread_ts = m.threadTs;
      const parent = c ? this.findMessage(c, m.threadTs) : undefined;
      if (parent) json.parent_user_id = parent.user;
    }
    if (m.metadata !== undefined) json.metadata = m.metadata;
    if (m.edited) json.edited = m.edited;
    return json;
  }
}

function tzOffsetSeconds(timeZone: string, at: number): number {
  // Offset = wall-clock time in the zone minus UTC, derived from Intl so DST is right without a tz database.
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(at));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const wall = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return Math.round((wall - Math.floor(at / 1000) * 1000) / 1000);
}
