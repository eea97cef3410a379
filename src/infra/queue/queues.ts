import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { type RedisRole, redisOptions } from "../redis/connection.js";
import type { Keys } from "../redis/keys.js";

/**
 * The three queues, kept apart so that one kind of work cannot starve another: a flood of outbox retries
 * during a Slack outage must not delay an escalation.
 * - effects: the chat side of opening an incident (one job per incident).
 * - timers: escalations and update reminders (delayed jobs), plus a periodic reconciler.
 * - outbox: every chat message, one job per message, plus a periodic sweeper.
 */
export const QUEUE_NAMES = { effects: "effects", timers: "timers", outbox: "outbox" } as const;

export interface Queues {
  effects: Queue;
  timers: Queue;
  outbox: Queue;
  /** The producer's own connection, also used for the outbox and timer bookkeeping keys. */
  redis: Redis;
  close(): Promise<void>;
}

/**
 * Producer side. On the request path (`request`) the connection fails fast when Redis is down, so a command
 * is answered "cannot act right now" instead of hanging; inside workers (`worker`) it waits for Redis instead.
 */
export function createQueues(redisUrl: string, keys: Keys, role: RedisRole = "request"): Queues {
  const redis = new Redis(redisUrl, { ...redisOptions(role), lazyConnect: false });
  redis.on("error", () => {
    // Reported by the runtime's own connection; without a listener ioredis would print stack traces.
  });
  const options = { connection: redis, prefix: keys.queuePrefix() };
  const queues = {
    effects: new Queue(QUEUE_NAMES.effects, options),
    timers: new Queue(QUEUE_NAMES.timers, options),
    outbox: new Queue(QUEUE_NAMES.outbox, options),
  };
  for (const queue of Object.values(queues)) {
    // BullMQ re-emits connection errors on each queue and prints a stack trace when nobody listens.
    queue.on("error", () => {});
  }
  return {
    ...queues,
    redis,
    async close() {
      await Promise.all(Object.values(queues).map((q) => q.close()));
      redis.disconnect();
    },
  };
}
