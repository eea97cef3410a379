import { randomUUID } from "node:crypto";
import type { Logger, TimerRef } from "../src/core/ports.js";
import { timerJobId } from "../src/infra/queue/job-scheduler.js";
import type { Queues } from "../src/infra/queue/queues.js";
import { deletePrefix, testRedis } from "../test/helpers/redis.js";
import { percentile } from "./load.js";

/** Helpers shared by the queue benchmarks (reminders, worker RSS, outbox). */

export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** A key prefix of this run only; remember `cleanupPrefix` at the end. */
export function benchPrefix(label: string): string {
  return `fbbench-${label}-${randomUUID().slice(0, 8)}`;
}

/** Deletes every key under the prefix (SCAN + UNLINK); returns how many. */
export async function cleanupPrefix(prefix: string): Promise<number> {
  const redis = testRedis();
  try {
    return await deletePrefix(redis, prefix);
  } finally {
    redis.disconnect();
  }
}

/** Logs only warnings and errors, to stderr, so the figures on stdout stay readable. */
export const quietLogger: Logger = {
  debug() {},
  info() {},
  warn(fields, msg) {
    process.stderr.write(`warn: ${msg} ${JSON.stringify(fields)}\n`);
  },
  error(fields, msg) {
    process.stderr.write(`error: ${msg} ${JSON.stringify(fields)}\n`);
  },
};

export const DAY_MS = 24 * 3600 * 1000;

/**
 * Adds `count` timer jobs due in about a day, the same shape `scheduleTimer` adds (name "timer", data the
 * TimerRef, the deterministic job id, a delay), with `addBulk` in chunks: one by one would take minutes. They
 * get no per-incident index entry; nothing here reads the index.
 */
export async function fillFarTimers(queues: Queues, count: number, chunk = 1000): Promise<number> {
  const started = performance.now();
  for (let from = 0; from < count; from += chunk) {
    const now = Date.now();
    const jobs = [];
    for (let i = from; i < Math.min(count, from + chunk); i++) {
      // Spread over an hour, a day from now, so the delayed set is not one score repeated.
      const due = now + DAY_MS + ((i * 7919) % 3_600_000);
      const timer: TimerRef = {
        incidentId: `FILL-${i}`,
        kind: "update",
        gen: 1,
        dueAt: new Date(due).toISOString(),
      };
      jobs.push({ name: "timer", data: timer, opts: { jobId: timerJobId(timer), delay: due - now } });
    }
    await queues.timers.addBulk(jobs);
  }
  return performance.now() - started;
}

export interface Summary {
  count: number;
  p50: number;
  p99: number;
  max: number;
  min: number;
}

export function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
    min: sorted[0] ?? Number.NaN,
  };
}

export const fmt = (n: number) => (Number.isNaN(n) ? "–" : Math.abs(n) < 10 ? n.toFixed(2) : n.toFixed(1));

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, not ${raw}`);
  return n;
}

/** Progress lines go to stderr, like the existing sections. */
export function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}
