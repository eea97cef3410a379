import type { Redis } from "ioredis";
import type { OutboxItem, PostedMessage } from "../../core/ports.js";
import type { Keys } from "../redis/keys.js";

/**
 * The outbox's own records in Redis, next to (not inside) BullMQ's: BullMQ forgets a job id once the job is
 * removed, but an outbox key must stay "already sent" for the incident's whole life (RELIABILITY.md).
 *
 * - item hash: the serialised item, its lane and sequence number, `state` (pending | delivered | failed), where
 *   it landed, and `attemptAt`, set just before a platform call whose outcome may be lost in a crash.
 * - lane hash: `seq` (last number handed out) and `nextAt` (ms; no post before it: pacing and Retry-After).
 * - lane pending zset: undelivered keys by sequence. Only the lowest may be sent, which keeps order per lane.
 * - unqueued zset: keys stored whose queue job may not exist yet (the producer died in between).
 */
export type ItemState = "pending" | "delivered" | "failed";

export interface StoredItem {
  item: OutboxItem;
  lane: string;
  seq: number;
  state: ItemState;
  /** When a platform call for it last started without a known outcome. */
  attemptAt?: number;
  /** The direct-message conversation, once opened. */
  directChannel?: string;
  posted?: PostedMessage;
}

/** An idempotency record outlives the longest incident; a delivered item is kept this long. */
const ITEM_TTL_SECONDS = 90 * 24 * 3600;

const ENQUEUE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local seq = redis.call('HINCRBY', KEYS[2], 'seq', 1)
redis.call('HSET', KEYS[1], 'data', ARGV[1], 'lane', ARGV[2], 'seq', seq, 'state', 'pending', 'createdAt', ARGV[3])
redis.call('ZADD', KEYS[3], seq, ARGV[4])
redis.call('ZADD', KEYS[4], ARGV[3], ARGV[4])
return seq`;

/** Moves a lane's `nextAt` later, never earlier (pacing and Retry-After may both want a say). */
const PACE = `
local function pace(lane, at)
  if tonumber(at) > tonumber(redis.call('HGET', lane, 'nextAt') or '0') then redis.call('HSET', lane, 'nextAt', at) end
end
`;

const HOLD = `${PACE}
pace(KEYS[1], ARGV[1])
return 1`;

/** Marks an item done (delivered or failed), unblocks its lane and paces the next post. */
const FINISH = `${PACE}
if redis.call('HGET', KEYS[1], 'state') ~= 'pending' then return 0 end
redis.call('HSET', KEYS[1], 'state', ARGV[1], 'channelId', ARGV[2], 'messageId', ARGV[3])
redis.call('HDEL', KEYS[1], 'attemptAt')
redis.call('EXPIRE', KEYS[1], ARGV[6])
redis.call('ZREM', KEYS[3], ARGV[4])
pace(KEYS[2], ARGV[5])
return 1`;

interface ScriptedRedis extends Redis {
  firebreakOutboxEnqueue(...args: string[]): Promise<number>;
  firebreakOutboxFinish(...args: string[]): Promise<number>;
  firebreakOutboxHold(...args: string[]): Promise<number>;
}

/** The lane an item waits in: order and pacing hold per lane. */
function laneOf(item: OutboxItem): string {
  const op = item.op;
  switch (op.kind) {
    case "post":
    case "update":
    case "pin":
      return `${item.platform}.${op.channelId}`;
    case "direct":
      return `${item.platform}.dm.${op.userId}`;
    case "ephemeral":
      return `${item.platform}.eph.${op.to.userId}`;
  }
}

export function createOutboxStore(client: Redis, keys: Keys) {
  if (!("firebreakOutboxEnqueue" in client)) {
    client.defineCommand("firebreakOutboxEnqueue", { numberOfKeys: 4, lua: ENQUEUE });
    client.defineCommand("firebreakOutboxFinish", { numberOfKeys: 3, lua: FINISH });
    client.defineCommand("firebreakOutboxHold", { numberOfKeys: 1, lua: HOLD });
  }
  const redis = client as ScriptedRedis;

  return {
    /** Stores an item unless its key exists; true when it was new. */
    async enqueue(item: OutboxItem, now: number): Promise<boolean> {
      const lane = laneOf(item);
      const seq = await redis.firebreakOutboxEnqueue(
        keys.outboxItem(item.key),
        keys.outboxLane(lane),
        keys.outboxLanePending(lane),
        keys.outboxUnqueued(),
        JSON.stringify(item),
        lane,
        String(now),
        item.key,
      );
      return seq !== 0;
    },

    async load(key: string): Promise<StoredItem | null> {
      const h = await redis.hgetall(keys.outboxItem(key));
      if (!h.data || !h.lane) return null;
      const stored: StoredItem = {
        item: JSON.parse(h.data) as OutboxItem,
        lane: h.lane,
        seq: Number(h.seq),
        state: (h.state ?? "pending") as ItemState,
      };
      if (h.attemptAt) stored.attemptAt = Number(h.attemptAt);
      if (h.directChannel) stored.directChannel = h.directChannel;
      if (h.channelId && h.messageId) stored.posted = { channelId: h.channelId, messageId: h.messageId };
      return stored;
    },

    /** The key at the head of a lane: the only one allowed to go out now. */
    async head(lane: string): Promise<string | null> {
      const [first] = await redis.zrange(keys.outboxLanePending(lane), 0, 0);
      return first ?? null;
    },

    async nextAt(lane: string): Promise<number> {
      return Number((await redis.hget(keys.outboxLane(lane), "nextAt")) ?? 0);
    },

    /** Holds a lane's posts back until `at` (a 429's Retry-After). Never moves the time earlier. */
    async holdLane(lane: string, at: number): Promise<void> {
      await redis.firebreakOutboxHold(keys.outboxLane(lane), String(at));
    },

    async markAttempt(key: string, at: number): Promise<void> {
      await redis.hset(keys.outboxItem(key), "attemptAt", String(at));
    },

    /** The platform answered "not done" (a refusal, a 429): there is no earlier post to look for. */
    async clearAttempt(key: string): Promise<void> {
      await redis.hdel(keys.outboxItem(key), "attemptAt");
    },

    async rememberDirectChannel(key: string, channelId: string): Promise<void> {
      await redis.hset(keys.outboxItem(key), "directChannel", channelId);
    },

    async finish(
      stored: StoredItem,
      state: "delivered" | "failed",
      posted: PostedMessage | undefined,
      paceUntil: number,
    ): Promise<void> {
      await redis.firebreakOutboxFinish(
        keys.outboxItem(stored.item.key),
        keys.outboxLane(stored.lane),
        keys.outboxLanePending(stored.lane),
        state,
        posted?.channelId ?? "",
        posted?.messageId ?? "",
        stored.item.key,
        String(paceUntil),
        String(ITEM_TTL_SECONDS),
      );
    },

    async delivered(key: string): Promise<PostedMessage | null> {
      const [state, channelId, messageId] = await redis.hmget(
        keys.outboxItem(key),
        "state",
        "channelId",
        "messageId",
      );
      return state === "delivered" && channelId && messageId ? { channelId, messageId } : null;
    },

    /** Keys whose job the producer may have failed to add, stored before `before`. */
    async unqueued(before: number, limit = 500): Promise<string[]> {
      return redis.zrangebyscore(keys.outboxUnqueued(), "-inf", String(before), "LIMIT", 0, limit);
    },

    async markQueued(itemKeys: string[]): Promise<void> {
      if (itemKeys.length > 0) await redis.zrem(keys.outboxUnqueued(), ...itemKeys);
    },
  };
}

export type OutboxStore = ReturnType<typeof createOutboxStore>;
