import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { Keys } from "../redis/keys.js";
import { createOutboxStore, type OutboxStore } from "./outbox-store.js";

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
  /** The connection the queues share with the outbox's own records and the timer index. */
  redis: Redis;
  outboxStore: OutboxStore;
  /** Closes the queues; the connection belongs to whoever made it. */
  close(): Promise<void>;
}

/**
 * Producer side, on a connection of the caller's: on the request path one that fails fast when Redis is down
 * (a command is answered "cannot act right now" instead of hanging), inside workers one that waits for Redis.
 */
export function createQueues(redis: Redis, keys: Keys): Queues {
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
    outboxStore: createOutboxStore(redis, keys),
    async close() {
      await Promise.all(Object.values(queues).map((q) => q.close()));
    },
  };
}
