import type { WorkerOptions } from "bullmq";

/**
 * Settings from RELIABILITY.md: a job whose worker died (kill -9) is picked up again within about 15 s
 * instead of about a minute, and a job that crashed a worker is retried three times before it is failed.
 */
export const WORKER_SETTINGS = {
  lockDuration: 10_000,
  stalledInterval: 5_000,
  maxStalledCount: 3,
} as const satisfies Partial<WorkerOptions>;

/** Exponential backoff from 1 s, capped, with jitter so that many retries after an outage do not align. */
export function cappedBackoff(capMs: number): (attemptsMade: number) => number {
  return (attemptsMade) => {
    const base = Math.min(capMs, 1000 * 2 ** Math.max(0, attemptsMade - 1));
    return Math.round(base * (0.8 + Math.random() * 0.4));
  };
}

/** BullMQ job ids must not contain ':' and must not be all digits (RELIABILITY.md). */
export function assertJobId(id: string): string {
  if (id.includes(":") || /^\d+$/.test(id)) throw new Error(`invalid job id ${id}`);
  return id;
}
