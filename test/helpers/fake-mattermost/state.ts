// What the fake server holds: people, teams, channels and their members, posts, ephemerals, opened dialogs, trigger
// ids and command response URLs. Plain data plus the few invariants every route relies on; HTTP lives elsewhere.

import { newId, newTriggerId } from "./ids.js";
import type { DialogJson } from "./json.js";
import { BOT_ROLES, defaultRoles, type MmRole, PERSON_ROLES } from "./roles.js";

export interface SeedUser {
  username: string;
  displayName?: string;
  isBot?: boolean;
  deleted?: boolean;
  /** System roles, space-separated. Default `system_user` (a bot: `system_user system_post_all`). */
  roles?: string;
  /** Names of the teams the person belongs to. Default every team. */
  teams?: string[];
}

export interface SeedChannel {
  name: string;
  displayName?: string;
  /** Usernames; the bot is added when `botIsMember`. */
  members?: string[];
  botIsMember?: boolean;
  type?: "O" | "P";
  /** Team name; default the first team. */
  team?: string;
}

export interface SeedTeam {
  name: string;
  displayName?: string;
  /** Default true. A bot outside every team lets tests reach the "no team" configuration error. */
  botIsMember?: boolean;
}

export const BOT_USERNAME = "firebreak";

export const DEFAULT_USERS: readonly SeedUser[] = [
  { username: "alice", displayName: "Alice Archer" },
  { username: "bob", displayName: "Bob Baker" },
  { username: "dana", displayName: "Dana Diaz" },
];

/**
 * Like a fresh team: town-square holds everybody (Mattermost adds every team member to it, bots included);
 * `general` is where people talk and the bot was never invited; `incidents` is a channel the bot was added to.
 */
export const DEFAULT_CHANNELS: readonly SeedChannel[] = [
  { name: "town-square", displayName: "Town Square", members: ["alice", "bob", "dana"], botIsMember: true },
  { name: "general", displayName: "General", members: ["alice", "bob", "dana"] },
  { name: "incidents", displayName: "Incidents", members: ["alice", "bob", "dana"], botIsMember: true },
];

export interface MmUser {
  id: string;
  /** The teams (by name) the person was seeded into; undefined for every team. */
  teamNames?: readonly string[];
  username: string;
  firstName: string;
  lastName: string;
  email: string;
  isBot: boolean;
  /** System roles, space-separated, as `users/me` gives them; what system-wide permission checks read. */
  roles: string;
  createAt: number;
  deleteAt: number;
}

export interface MmTeam {
  id: string;
  name: string;
  displayName: string;
  createAt: number;
  members: Set<string>;
}

export type ChannelType = "O" | "P" | "D" | "G";

export interface MmChannel {
  id: string;
  teamId: string;
  type: ChannelType;
  name: string;
  displayName: string;
  header: string;
  purpose: string;
  creatorId: string;
  createAt: number;
  updateAt: number;
  lastPostAt: number;
  /**
   * When the channel was archived (0 or absent: it is not). Only the bot's channel list reads it (an archived
   * channel is left out unless asked for); tests set it to archive a channel.
   */
  deleteAt?: number;
  /** User ids. */
  members: Set<string>;
}

export interface StoredPost {
  id: string;
  channelId: string;
  userId: string;
  message: string;
  props: Record<string, unknown>;
  rootId: string;
  isPinned: boolean;
  createAt: number;
  updateAt: number;
  editAt: number;
  deleteAt: number;
  /** "" for people and bots; `system_join_channel`, `system_add_to_channel`... for the server's own notices. */
  type: string;
  fileIds: string[];
  hasReactions: boolean;
}

export interface EphemeralPost {
  userId: string;
  channelId: string;
  message: string;
  props: Record<string, unknown>;
  /** How it was sent: a command reply, a response URL, a button's `ephemeral_text`, or POST /posts/ephemeral. */
  via: "command" | "response_url" | "action" | "api";
  at: number;
}

export interface OpenedDialog {
  triggerId: string;
  url: string;
  /** As Mattermost decoded it into `model.Dialog` and sends it to the client. */
  dialog: DialogJson;
  userId: string;
  /** Where the trigger was minted: the channel Mattermost reports on submission. */
  channelId: string;
  openedAt: number;
  /** What `OpenDialogRequest.IsValid` logs; Mattermost opens the dialog anyway. */
  issues: string[];
}

export interface Trigger {
  id: string;
  userId: string;
  channelId: string;
  mintedAt: number;
  used: boolean;
}

export interface CommandHook {
  id: string;
  url: string;
  userId: string;
  channelId: string;
  rootId: string;
  createdAt: number;
  uses: number;
  /** Every POST made to it, accepted or not. */
  posts: Array<{ body: unknown; status: number; at: number }>;
}

export interface Reaction {
  userId: string;
  postId: string;
  emojiName: string;
  createAt: number;
}

export class World {
  readonly users = new Map<string, MmUser>();
  readonly teams = new Map<string, MmTeam>();
  readonly channels = new Map<string, MmChannel>();
  readonly posts = new Map<string, StoredPost>();
  readonly ephemerals: EphemeralPost[] = [];
  readonly dialogs: OpenedDialog[] = [];
  readonly triggers = new Map<string, Trigger>();
  readonly hooks = new Map<string, CommandHook>();
  readonly reactions: Reaction[] = [];
  /** The built-in roles, by name. */
  readonly roles: Map<string, MmRole>;
  private lastStamp = 0;

  constructor(readonly now: () => number) {
    this.roles = defaultRoles(now());
  }

  /** A creation time strictly after the previous one, so `since` queries and newest-first order are exact. */
  stamp(): number {
    this.lastStamp = Math.max(this.now(), this.lastStamp + 1);
    return this.lastStamp;
  }

  // --- people ----------------------------------------------------------------------------------------------

  addUser(seed: SeedUser): MmUser {
    if (!/^[a-z0-9.\-_]{1,64}$/.test(seed.username)) {
      throw new Error(`fake-mattermost: ${JSON.stringify(seed.username)} is not a valid Mattermost username`);
    }
    if (this.userByName(seed.username)) throw new Error(`fake-mattermost: @${seed.username} already exists`);
    const [first = "", ...rest] = (seed.displayName ?? "").split(" ");
    const at = this.stamp();
    const user: MmUser = {
      id: newId(),
      username: seed.username,
      firstName: first,
      lastName: rest.join(" "),
      email: `${seed.username}@example.com`,
      isBot: seed.isBot === true,
      roles: seed.roles ?? (seed.isBot ? BOT_ROLES : PERSON_ROLES),
      createAt: at,
      deleteAt: seed.deleted ? at : 0,
      ...(seed.teams ? { teamNames: [...seed.teams] } : {}),
    };
    this.users.set(user.id, user);
    for (const team of this.teams.values()) if (belongsTo(user, team.name)) team.members.add(user.id);
    return user;
  }

  userByName(username: string): MmUser | undefined {
    const name = username.replace(/^@/, "").toLowerCase();
    for (const u of this.users.values()) if (u.username === name) return u;
    return undefined;
  }

  mustUser(username: string): MmUser {
    const u = this.userByName(username);
    if (!u) throw new Error(`fake-mattermost: no user @${username}`);
    return u;
  }

  // --- teams and channels ----------------------------------------------------------------------------------

  addTeam(seed: SeedTeam, botId: string): MmTeam {
    const team: MmTeam = {
      id: newId(),
      name: seed.name,
      displayName: seed.displayName ?? seed.name.replace(/^./, (c) => c.toUpperCase()),
      createAt: this.stamp(),
      members: new Set(
        [...this.users.values()].filter((u) => u.id !== botId && belongsTo(u, seed.name)).map((u) => u.id),
      ),
    };
    if (seed.botIsMember !== false) team.members.add(botId);
    this.teams.set(team.id, team);
    return team;
  }

  teamByName(name: string): MmTeam | undefined {
    for (const t of this.teams.values()) if (t.name === name) return t;
    return undefined;
  }

  insertChannel(c: Omit<MmChannel, "id" | "createAt" | "updateAt" | "lastPostAt" | "members">): MmChannel {
    const at = this.stamp();
    const channel: MmChannel = {
      ...c,
      id: newId(),
      createAt: at,
      updateAt: at,
      lastPostAt: at,
      members: new Set(),
    };
    this.channels.set(channel.id, channel);
    return channel;
  }

  channelByName(teamId: string, name: string): MmChannel | undefined {
    for (const c of this.channels.values()) if (c.teamId === teamId && c.name === name) return c;
    return undefined;
  }

  /** By id or by `name` (any team); no side effects. */
  lookupChannel(ref: string): MmChannel | undefined {
    const byId = this.channels.get(ref);
    if (byId) return byId;
    for (const c of this.channels.values()) if (c.name === ref && c.type !== "D") return c;
    return undefined;
  }

  /** As `lookupChannel`, or `@username` for the bot's direct channel with that person (opened if needed). */
  findChannel(ref: string, botId: string): MmChannel | undefined {
    if (ref.startsWith("@")) return this.directChannel(botId, this.mustUser(ref).id);
    return this.lookupChannel(ref);
  }

  /** The direct channel of two people, created on first use as `POST /channels/direct` does. */
  directChannel(a: string, b: string): MmChannel {
    const name = a < b ? `${a}__${b}` : `${b}__${a}`;
    for (const c of this.channels.values()) if (c.type === "D" && c.name === name) return c;
    const channel = this.insertChannel({
      teamId: "",
      type: "D",
      name,
      displayName: "",
      header: "",
      purpose: "",
      creatorId: a,
    });
    channel.members.add(a);
    channel.members.add(b);
    return channel;
  }

  // --- posts -----------------------------------------------------------------------------------------------

  insertPost(
    p: Pick<StoredPost, "channelId" | "userId" | "message" | "props"> & Partial<StoredPost>,
  ): StoredPost {
    const at = this.stamp();
    const post: StoredPost = {
      rootId: "",
      isPinned: false,
      editAt: 0,
      deleteAt: 0,
      type: "",
      fileIds: [],
      hasReactions: false,
      ...p,
      id: newId(),
      createAt: at,
      updateAt: at,
    };
    this.posts.set(post.id, post);
    const channel = this.channels.get(post.channelId);
    if (channel) channel.lastPostAt = at;
    return post;
  }

  /** Oldest first. */
  postsIn(channelId: string): StoredPost[] {
    return [...this.posts.values()]
      .filter((p) => p.channelId === channelId)
      .sort((a, b) => a.createAt - b.createAt);
  }

  // --- triggers and response URLs --------------------------------------------------------------------------

  mintTrigger(userId: string, channelId: string): Trigger {
    const mintedAt = this.now();
    const trigger: Trigger = { id: newTriggerId(userId, mintedAt), userId, channelId, mintedAt, used: false };
    this.triggers.set(trigger.id, trigger);
    return trigger;
  }

  mintHook(siteUrl: string, userId: string, channelId: string): CommandHook {
    const id = newId();
    const hook: CommandHook = {
      id,
      url: `${siteUrl}/hooks/commands/${id}`,
      userId,
      channelId,
      rootId: "",
      createdAt: this.now(),
      uses: 0,
      posts: [],
    };
    this.hooks.set(id, hook);
    return hook;
  }
}

/** Whether a person seeded with `teams` (or without, for every team) is a member of the team named `team`. */
function belongsTo(user: MmUser, team: string): boolean {
  return user.teamNames === undefined || user.teamNames.includes(team);
}
