/**
 * What the bot's WebSocket missed when the server could not replay it: after a server restart (or a reconnect
 * that reached another cluster node, or an absence longer than the server's replay buffer) the socket starts
 * afresh, and the posts said meanwhile are never sent. They are read back here, over REST, so that a mention
 * said during the gap is still answered.
 *
 * The work is bounded: one call lists the bot's channels (with each one's last post time), and only the most
 * recently active channels among those with a post since the gap began are read.
 */
import type { Logger } from "../../core/ports.js";
import type { MattermostClient } from "./client.js";

/** A post as the WebSocket's `posted` event carries it (its fields Firebreak reads). */
export interface PostedPost {
  id: string;
  channel_id: string;
  user_id: string;
  message: string;
  type?: string;
  props?: Record<string, unknown>;
  create_at?: number;
}

/** A post read back, with what catching up needs. */
export interface MissedPost {
  post: PostedPost & { create_at: number };
  /** `O`, `P`, `D` or `G`, as the `posted` event's `channel_type`. */
  channelType: string;
}

/**
 * Channels read per catch-up. A gap is normally seconds long; a mention in a channel beyond this many busier
 * ones is the price of never turning one reconnect into hundreds of requests.
 */
export const CATCH_UP_CHANNELS_MAX = 20;

/**
 * The posts created at or after `since` (server time, ms) in the bot's channels of the team and its direct and
 * group messages, oldest first. Posts share milliseconds, so the last one seen may come back: better than one
 * said in the same millisecond lost, and the caller knows what it delivered. A channel that cannot be read is
 * logged and skipped; failing to list the channels rejects (nothing can be read then).
 */
export async function postsSince(
  client: Pick<MattermostClient, "getMyChannels" | "getPostsSince">,
  teamId: string,
  since: number,
  logger: Logger,
  maxChannels = CATCH_UP_CHANNELS_MAX,
): Promise<MissedPost[]> {
  // The team's channels the bot belongs to; Mattermost lists direct and group messages with every team's.
  const channels = await client.getMyChannels(teamId);
  const active = channels
    .filter((c) => c.delete_at === 0 && c.last_post_at >= since)
    .sort((a, b) => b.last_post_at - a.last_post_at);
  if (active.length > maxChannels) {
    logger.warn(
      { channels: active.length, read: maxChannels },
      "mattermost: catching up on the busiest channels only; mentions in the others may be lost",
    );
  }
  const missed: MissedPost[] = [];
  // One channel after the other: a reconnect is no reason to hit the server with a burst.
  for (const channel of active.slice(0, maxChannels)) {
    try {
      // Without the threads' older posts: only what was said since matters.
      // The server's `since` means "changed after".
      const list = await client.getPostsSince(channel.id, since - 1, false);
      for (const id of list.order) {
        const post = list.posts[id];
        if (post === undefined) continue;
        // `since` also returns older posts edited since; an edit is not something said during the gap.
        if (post.delete_at !== 0 || post.create_at < since) continue;
        missed.push({ post, channelType: channel.type });
      }
    } catch (err) {
      logger.warn({ err: String(err), channelId: channel.id }, "mattermost: could not catch up on a channel");
    }
  }
  return missed.sort((a, b) => a.post.create_at - b.post.create_at);
}
