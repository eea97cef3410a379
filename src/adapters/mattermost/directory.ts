import type { Logger } from "../../core/ports.js";
import { type MattermostClient, mattermostStatus, translateMattermostError } from "./client.js";
import { validUsername } from "./markdown.js";

/**
 * Usernames ↔ user ids, and channel ids → names. Above the adapter a person is their username (what the
 * config's people map and neutral markup hold); Mattermost's API wants 26-character ids. Answers are kept (an
 * id never changes owner; a renamed person is a config change anyway), so a busy incident does not ask the
 * server who someone is on every message, but only the most recent ones: text people type can name any number
 * of strangers, and memory must not grow with it.
 */
export interface Directory {
  /** The user id of a username (`@` and case ignored); null when there is no such person. */
  idOf(username: string): Promise<string | null>;
  /** The username of a user id; null when there is no such user. */
  usernameOf(userId: string): Promise<string | null>;
  /** A channel's name (the `town-square` of `~town-square`), when already learnt. */
  channelName(channelId: string): string | undefined;
  /**
   * Looks up the names of the channels not known yet, so a following `channelName` can answer. Ids that cannot
   * be Mattermost's (another platform's channel in a message listing incidents everywhere) are not asked about.
   */
  learnChannelNames(ids: string[]): Promise<void>;
  /** Records a person seen elsewhere (a webhook's user, a profile read for another reason). */
  remember(user: { id: unknown; username: unknown }): void;
  /** Records a channel's name seen elsewhere (one the bot created or found by name). */
  rememberChannel(channelId: string, name: string): void;
}

/** How long a lookup that found nobody is believed: a person added to the server is found after this. */
const MISS_TTL_MS = 60_000;
/** Channels whose names are looked up at once: a message rarely names more, and the server stays calm. */
const CHANNEL_LOOKUPS_AT_ONCE = 5;
/** Entries each cache keeps; the least recently stored is forgotten first. */
export const DIRECTORY_CACHE_SIZE = 2_000;

/** `model.IsValidId`: what the server accepts as a user, channel, post or team id in a URL. */
const MATTERMOST_ID = /^[a-z0-9]{26}$/;

/** Whether `id` is shaped like a Mattermost id (26 lower-case letters and digits). */
export function isMattermostId(id: unknown): id is string {
  return typeof id === "string" && MATTERMOST_ID.test(id);
}

/**
 * A username as Mattermost stores it: trimmed, lower case, without the `@` people type in front of it. The one
 * normaliser of the adapter: whatever compares or looks up usernames goes through it.
 */
export function normaliseUsername(username: string): string {
  return username.trim().replace(/^@/, "").toLowerCase();
}

/**
 * Stores `key` → `value` as the newest entry of `map`, then forgets the oldest entries beyond `max`: a Map
 * iterates in insertion order, so deleting before setting makes it least-recently-stored first.
 */
export function rememberBounded<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  for (const oldest of map.keys()) {
    if (map.size <= max) break;
    map.delete(oldest);
  }
}

/** Lookups that found nobody, each believed until its expiry; at most DIRECTORY_CACHE_SIZE of them. */
class Misses {
  private readonly until = new Map<string, number>();

  add(key: string): void {
    const now = Date.now();
    // Every miss lives as long, so insertion order is expiry order: the expired ones are at the front.
    for (const [oldest, expires] of this.until) {
      if (expires > now) break;
      this.until.delete(oldest);
    }
    rememberBounded(this.until, key, now + MISS_TTL_MS, DIRECTORY_CACHE_SIZE);
  }

  has(key: string): boolean {
    const expires = this.until.get(key);
    if (expires === undefined) return false;
    if (Date.now() < expires) return true;
    this.until.delete(key);
    return false;
  }

  delete(key: string): void {
    this.until.delete(key);
  }
}

interface Profile {
  id?: unknown;
  username?: unknown;
}

/**
 * The statuses that mean "no such user or channel": 404, and the 400 the server gives a malformed id or name
 * (`api.context.invalid_url_param.app_error`), which names nobody either.
 */
const nobodyThere = (status: number | undefined) => status === 404 || status === 400;

export function createDirectory(client: MattermostClient, logger: Logger): Directory {
  const idByName = new Map<string, string>();
  const nameById = new Map<string, string>();
  const channelNames = new Map<string, string>();
  const misses = new Misses();
  /** Lookups under way: asking twice at once for the same person makes one request. */
  const inFlight = new Map<string, Promise<string | null>>();

  const remember = (user: { id: unknown; username: unknown }) => {
    if (!isMattermostId(user.id) || typeof user.username !== "string") return;
    const username = normaliseUsername(user.username);
    if (!validUsername(username)) return;
    rememberBounded(idByName, username, user.id, DIRECTORY_CACHE_SIZE);
    rememberBounded(nameById, user.id, username, DIRECTORY_CACHE_SIZE);
    misses.delete(`name:${username}`);
    misses.delete(`id:${user.id}`);
  };

  /** One profile lookup: the profile, or null when the server has no such user. */
  const lookUp = async (
    key: string,
    operation: string,
    read: () => Promise<unknown>,
  ): Promise<Profile | null> => {
    try {
      const profile = (await read()) as Profile | null;
      return typeof profile === "object" ? profile : null;
    } catch (err) {
      if (nobodyThere(mattermostStatus(err))) {
        misses.add(key);
        return null;
      }
      return translateMattermostError(err, operation);
    }
  };

  const once = (key: string, find: () => Promise<string | null>): Promise<string | null> => {
    const running = inFlight.get(key);
    if (running) return running;
    const started = find().finally(() => inFlight.delete(key));
    inFlight.set(key, started);
    return started;
  };

  const known = (profile: Profile | null): { id: string; username: string } | null =>
    profile && isMattermostId(profile.id) && typeof profile.username === "string"
      ? { id: profile.id, username: normaliseUsername(profile.username) }
      : null;

  return {
    async idOf(username) {
      const name = normaliseUsername(username);
      // A name the server cannot hold names nobody: asking would only earn a 400 (or, for `..`, another URL).
      if (!validUsername(name)) return null;
      const cached = idByName.get(name);
      if (cached) return cached;
      const key = `name:${name}`;
      if (misses.has(key)) return null;
      return once(key, async () => {
        const user = known(
          await lookUp(key, "getUserByUsername", () => client.getUserByUsername(encodeURIComponent(name))),
        );
        if (!user) return null;
        remember(user);
        return user.id;
      });
    },

    async usernameOf(userId) {
      if (!isMattermostId(userId)) return null;
      const cached = nameById.get(userId);
      if (cached) return cached;
      const key = `id:${userId}`;
      if (misses.has(key)) return null;
      return once(key, async () => {
        const user = known(await lookUp(key, "getUser", () => client.getUser(encodeURIComponent(userId))));
        if (!user) return null;
        remember(user);
        return user.username;
      });
    },

    channelName(channelId) {
      return channelNames.get(channelId);
    },

    rememberChannel(channelId, name) {
      rememberBounded(channelNames, channelId, name, DIRECTORY_CACHE_SIZE);
    },

    async learnChannelNames(ids) {
      const unknown = [...new Set(ids)].filter(
        (id) => isMattermostId(id) && !channelNames.has(id) && !misses.has(`ch:${id}`),
      );
      for (let i = 0; i < unknown.length; i += CHANNEL_LOOKUPS_AT_ONCE) {
        await Promise.all(
          unknown.slice(i, i + CHANNEL_LOOKUPS_AT_ONCE).map(async (id) => {
            try {
              const channel = (await client.getChannel(id)) as { name?: unknown } | null;
              if (typeof channel?.name === "string") {
                rememberBounded(channelNames, id, channel.name, DIRECTORY_CACHE_SIZE);
              }
            } catch (err) {
              const status = mattermostStatus(err);
              // Gone, private to the bot, or not an id the server knows: the reference is shown as its id.
              if (nobodyThere(status) || status === 403) {
                misses.add(`ch:${id}`);
                logger.info({ channelId: id, status }, "channel name unknown; it is shown as its id");
                return;
              }
              translateMattermostError(err, "getChannel");
            }
          }),
        );
      }
    },

    remember,
  };
}
