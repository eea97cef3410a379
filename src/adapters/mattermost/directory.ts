import type { Logger } from "../../core/ports.js";
import { type MattermostClient, mattermostStatus, translateMattermostError } from "./client.js";

/**
 * Usernames ↔ user ids, and channel ids → names. Above the adapter a person is their username (what the
 * config's people map and neutral markup hold); Mattermost's API wants 26-character ids. Both directions
 * are remembered for good (an id never changes owner; a renamed person is a config change anyway), so a
 * busy incident does not ask the server who someone is on every message.
 */
export interface Directory {
  /** The user id of a username (`@` and case ignored); null when there is no such person. */
  idOf(username: string): Promise<string | null>;
  /** The username of a user id; null when there is no such user. */
  usernameOf(userId: string): Promise<string | null>;
  /** A channel's name (the `town-square` of `~town-square`), when already learnt. */
  channelName(channelId: string): string | undefined;
  /** Looks up the names of the channels not known yet, so a following `channelName` can answer. */
  learnChannelNames(ids: string[]): Promise<void>;
  /** Records a person seen elsewhere (a webhook's user, a profile read for another reason). */
  remember(user: { id: string; username: string }): void;
}

/** How long a lookup that found nobody is believed: a person added to the server is found after this. */
const MISS_TTL_MS = 60_000;
/** Channels whose names are looked up at once: a message rarely names more, and the server stays calm. */
const CHANNEL_LOOKUPS_AT_ONCE = 5;

/** A username as Mattermost stores it: lower case, without the `@` people type in front of it. */
const normalise = (username: string) => username.trim().replace(/^@/, "").toLowerCase();

interface Profile {
  id?: unknown;
  username?: unknown;
}

export function createDirectory(client: MattermostClient, logger: Logger): Directory {
  const idByName = new Map<string, string>();
  const nameById = new Map<string, string>();
  const channelNames = new Map<string, string>();
  /** Lookups that found nobody, until when that answer stands. */
  const misses = new Map<string, number>();
  /** Lookups under way: asking twice at once for the same person makes one request. */
  const inFlight = new Map<string, Promise<string | null>>();

  const remember = (user: { id: string; username: string }) => {
    const username = normalise(user.username);
    idByName.set(username, user.id);
    nameById.set(user.id, username);
    misses.delete(`name:${username}`);
    misses.delete(`id:${user.id}`);
  };

  const missed = (key: string) => {
    const until = misses.get(key);
    if (until === undefined) return false;
    if (Date.now() < until) return true;
    misses.delete(key);
    return false;
  };

  /** One profile lookup: the profile, or null when the server has no such user (404). */
  const lookUp = async (
    key: string,
    operation: string,
    read: () => Promise<unknown>,
  ): Promise<Profile | null> => {
    try {
      const profile = (await read()) as Profile | null;
      return typeof profile === "object" ? profile : null;
    } catch (err) {
      if (mattermostStatus(err) === 404) {
        misses.set(key, Date.now() + MISS_TTL_MS);
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
    profile && typeof profile.id === "string" && typeof profile.username === "string"
      ? { id: profile.id, username: profile.username }
      : null;

  return {
    async idOf(username) {
      const name = normalise(username);
      if (!name) return null;
      const cached = idByName.get(name);
      if (cached) return cached;
      const key = `name:${name}`;
      if (missed(key)) return null;
      return once(key, async () => {
        const user = known(await lookUp(key, "getUserByUsername", () => client.getUserByUsername(name)));
        if (!user) return null;
        remember(user);
        return user.id;
      });
    },

    async usernameOf(userId) {
      const cached = nameById.get(userId);
      if (cached) return cached;
      const key = `id:${userId}`;
      if (!userId || missed(key)) return null;
      return once(key, async () => {
        const user = known(await lookUp(key, "getUser", () => client.getUser(userId)));
        if (!user) return null;
        remember(user);
        return normalise(user.username);
      });
    },

    channelName(channelId) {
      return channelNames.get(channelId);
    },

    async learnChannelNames(ids) {
      const unknown = [...new Set(ids)].filter((id) => id && !channelNames.has(id) && !missed(`ch:${id}`));
      for (let i = 0; i < unknown.length; i += CHANNEL_LOOKUPS_AT_ONCE) {
        await Promise.all(
          unknown.slice(i, i + CHANNEL_LOOKUPS_AT_ONCE).map(async (id) => {
            try {
              const channel = (await client.getChannel(id)) as { name?: unknown } | null;
              if (typeof channel?.name === "string") channelNames.set(id, channel.name);
            } catch (err) {
              const status = mattermostStatus(err);
              // Gone, or private to the bot: the reference is shown as its id; nothing to retry.
              if (status === 404 || status === 403) {
                misses.set(`ch:${id}`, Date.now() + MISS_TTL_MS);
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
