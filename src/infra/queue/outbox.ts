import { createHash } from "node:crypto";
import type { Outbox, OutboxItem } from "../../core/ports.js";
import type { Queues } from "./queues.js";
import { assertJobId } from "./worker-settings.js";

/** One job per message; the id is a hash because keys are free text (and may contain ':'). */
export function outboxJobId(key: string): string {
  return assertJobId(`o-${createHash("sha1").update(key).digest("hex")}`);
}

/**
 * A platform outage may last hours: transient failures retry with capped backoff (see the worker) for about
 * two days before a message is given up, and waiting for a turn or a Retry-After does not count as an attempt.
 */
const OUTBOX_JOB_OPTIONS = {
  attempts: 3000,
  backoff: { type: "outbox" },
  removeOnComplete: { age: 3600 },
  removeOnFail: { age: 30 * 24 * 3600 },
} as const;

export function outboxJob(key: string) {
  return { name: "deliver", data: { key }, opts: { jobId: outboxJobId(key), ...OUTBOX_JOB_OPTIONS } };
}

/** The producer side: store each item (once per key), then add its delivery job. */
export function createOutbox(queues: Queues, now: () => number = Date.now): Outbox {
  const store = queues.outboxStore;
  return {
    async send(...items: OutboxItem[]) {
      const fresh: string[] = [];
      // One at a time: sequence numbers are handed out in call order, which is the delivery order per lane.
      for (const item of items) {
        if (await store.enqueue(item, now())) fresh.push(item.key);
      }
      if (fresh.length === 0) return;
      await queues.outbox.addBulk(fresh.map(outboxJob));
      await store.markQueued(fresh);
    },
    delivered: (key) => store.delivered(key),
  };
}
