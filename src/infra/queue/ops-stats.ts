import type { Job } from "bullmq";
import type { OpsStats } from "../../core/ports.js";
import type { Keys } from "../redis/keys.js";
import { QUEUE_NAMES, type Queues } from "./queues.js";

/** The states /metrics reports per queue (BullMQ's names; `waiting` is its list `wait`). */
export const REPORTED_STATES = ["waiting", "delayed", "active", "failed"] as const;

/**
 * How many jobs each look at: enough to find the late ones in any healthy deployment, bounded so that a scrape
 * during a pile-up (a worker down for an hour) stays cheap. The lag it reports is then a lower bound.
 */
const TIMER_SAMPLE = 500;
const SCAN_BATCH = 500;

/** Glob characters SCAN MATCH would read in a key prefix (a hash tag's braces are not among them). */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, "\\$&");
}

/** When a timer job is due: the instant its data names (a timer), else when its delay ends (the periodic jobs). */
function dueOf(job: Job): number {
  const dueAt = typeof job.data?.dueAt === "string" ? Date.parse(job.data.dueAt) : Number.NaN;
  return Number.isNaN(dueAt) ? job.timestamp + (job.delay ?? 0) : dueAt;
}

/** What the queues look like now, read from Redis on each call. */
export function createOpsStats(queues: Queues, keys: Keys, now: () => number = Date.now): OpsStats {
  const redis = queues.redis;
  return {
    async queueDepth() {
      const rows: Array<{ queue: string; state: string; count: number }> = [];
      for (const name of Object.values(QUEUE_NAMES)) {
        const counts = await queues[name].getJobCounts(...REPORTED_STATES);
        for (const state of REPORTED_STATES) {
          rows.push({
            queue: name,
            state,
            count: counts[state] ?? (state === "waiting" ? counts.wait : 0) ?? 0,
          });
        }
      }
      return rows;
    },

    /**
     * A waiting timer job is already due (its delay ended, or it had none) and no worker has taken it yet; a
     * delayed one is late when its due time has passed (no worker promoted it, or it is retrying after a
     * failure). The earliest-scheduled delayed jobs and the waiting ones are looked at.
     */
    async timerLagMs() {
      const [delayed, waiting] = await Promise.all([
        queues.timers.getJobs(["delayed"], 0, TIMER_SAMPLE - 1, true),
        queues.timers.getJobs(["waiting", "prioritized"], 0, TIMER_SAMPLE - 1, true),
      ]);
      const at = now();
      let lag = 0;
      for (const job of [...delayed, ...waiting]) {
        if (job) lag = Math.max(lag, at - dueOf(job as Job));
      }
      return lag;
    },

    /**
     * Messages wait in lanes (one per channel or person) and go out in order within a lane, so the oldest
     * undelivered message is the head of some lane: only the heads are read.
     */
    async outboxLagMs() {
      const marker = "\u0000";
      const [before, after] = keys.outboxLanePending(marker).split(marker) as [string, string];
      const pattern = `${escapeGlob(before)}*${escapeGlob(after)}`;
      let oldest = Number.POSITIVE_INFINITY;
      let cursor = "0";
      do {
        const [next, laneKeys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", SCAN_BATCH);
        cursor = next;
        if (laneKeys.length === 0) continue;
        const heads = await Promise.all(laneKeys.map((k) => redis.zrange(k, 0, 0)));
        const itemKeys = heads.flatMap((h) => h.slice(0, 1));
        const created = await Promise.all(itemKeys.map((k) => redis.hget(keys.outboxItem(k), "createdAt")));
        for (const c of created) {
          const at = Number(c);
          if (c !== null && Number.isFinite(at)) oldest = Math.min(oldest, at);
        }
      } while (cursor !== "0");
      return Number.isFinite(oldest) ? Math.max(0, now() - oldest) : 0;
    },
  };
}
