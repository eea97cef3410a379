import type { TimerRef } from "../src/core/ports.js";
import { createJobScheduler, timerJobId } from "../src/infra/queue/job-scheduler.js";
import { createQueues, type Queues } from "../src/infra/queue/queues.js";
import { startWorkers } from "../src/infra/queue/workers.js";
import { createRedis } from "../src/infra/redis/connection.js";
import { createKeys } from "../src/infra/redis/keys.js";
import {
  benchPrefix,
  cleanupPrefix,
  fillFarTimers,
  progress,
  quietLogger,
  REDIS_URL,
  type Summary,
  sleep,
  summarize,
} from "./common.js";

/**
 * Reminder firing drift through the real plumbing: delayed BullMQ jobs added by `createJobScheduler`, fired by
 * the timers worker of `startWorkers`, with a runner whose `fireTimer` records fired − due and does one small
 * Redis write. The measured reminders sit among `pending` pending ones (the rest due in a day).
 */

export interface DriftResult extends Summary {
  pending: number;
  /** Drift < 0: a reminder fired before it was due. */
  early: number;
  /** Fired more than once (same job id). */
  repeats: number;
  /** Measured reminders that never fired before the deadline. */
  missing: number;
  fillMs: number;
  scheduleMs: number;
}

export interface BurstResult extends DriftResult {
  /** From the start of the due second until the last reminder fired. */
  lastFiredAfterMs: number;
}

interface Harness {
  prefix: string;
  queues: Queues;
  scheduler: ReturnType<typeof createJobScheduler>;
  fired: Map<string, number[]>;
  close(): Promise<void>;
}

const MEASURED_PREFIX = "BENCH-";

async function startHarness(label: string, filler: number): Promise<Harness & { fillMs: number }> {
  const prefix = benchPrefix(label);
  const keys = createKeys(prefix);
  const queues = createQueues(createRedis(REDIS_URL, "worker"), keys);
  let workers: { close(): Promise<void> } | undefined;
  const close = async () => {
    await workers?.close();
    await queues.close();
    queues.redis.disconnect();
    await cleanupPrefix(prefix);
  };
  try {
    const fillMs = await fillFarTimers(queues, filler);
    const fired = new Map<string, number[]>();
    const firedKey = `${prefix}:bench:fired`;
    workers = await startWorkers({
      redisUrl: REDIS_URL,
      keys,
      queues,
      platform: () => {
        throw new Error("the reminder benchmark sends no messages");
      },
      runner: {
        async openEffects() {},
        async scanShifts() {},
        async fireTimer(timer) {
          const drift = Date.now() - Date.parse(timer.dueAt);
          if (!timer.incidentId.startsWith(MEASURED_PREFIX)) return;
          const id = timerJobId(timer);
          const list = fired.get(id) ?? [];
          list.push(drift);
          fired.set(id, list);
          // About the smallest write a real handler makes (it records its effect under a fencing check).
          await queues.redis.hset(firedKey, id, String(drift));
        },
        async reconcileTimers() {},
      },
      logger: quietLogger,
    });
    // Let the workers connect and reach their blocking wait before anything is due.
    await sleep(1000);
    return { prefix, queues, scheduler: createJobScheduler(queues, keys), fired, close, fillMs };
  } catch (err) {
    await close();
    throw err;
  }
}

/** scheduleTimer for each, a few at a time (the producer's connection pipelines them). */
async function scheduleAll(harness: Harness, timers: TimerRef[], parallel = 16): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < timers.length) {
        const timer = timers[next++] as TimerRef;
        await harness.scheduler.scheduleTimer(timer);
      }
    }),
  );
  return performance.now() - started;
}

async function waitFired(harness: Harness, timers: TimerRef[], deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    if (harness.fired.size >= timers.length) {
      // A short grace to catch a second firing of any of them.
      await sleep(1000);
      return;
    }
    await sleep(50);
  }
}

function collect(harness: Harness, timers: TimerRef[], pending: number, fillMs: number, scheduleMs: number) {
  const drifts: number[] = [];
  let repeats = 0;
  for (const timer of timers) {
    const list = harness.fired.get(timerJobId(timer));
    if (!list) continue;
    drifts.push(...list);
    repeats += list.length - 1;
  }
  return {
    ...summarize(drifts),
    pending,
    early: drifts.filter((d) => d < 0).length,
    repeats,
    missing: timers.filter((t) => !harness.fired.has(timerJobId(t))).length,
    fillMs,
    scheduleMs,
  };
}

const measuredTimer = (i: number, due: number): TimerRef => ({
  incidentId: `${MEASURED_PREFIX}${i}`,
  kind: "update",
  gen: 1,
  dueAt: new Date(due).toISOString(),
});

/**
 * `measured` reminders due evenly over `spreadMs`, starting `leadMs` from now (enough to schedule them all), among
 * `pending` pending reminders in total.
 */
export async function measureDrift(opts: {
  pending: number;
  measured: number;
  leadMs?: number;
  spreadMs?: number;
}): Promise<DriftResult> {
  const leadMs = opts.leadMs ?? 5000;
  const spreadMs = opts.spreadMs ?? 15_000;
  const measured = Math.min(opts.measured, opts.pending);
  const harness = await startHarness(`drift${opts.pending}`, opts.pending - measured);
  try {
    const start = Date.now() + leadMs;
    // Shuffled, so the delayed set is not filled in due order.
    const timers = Array.from({ length: measured }, (_, i) =>
      measuredTimer(i, start + Math.floor((i * spreadMs) / measured)),
    ).sort(() => Math.random() - 0.5);
    const scheduleMs = await scheduleAll(harness, timers);
    if (Date.now() > start)
      progress(`  warning: scheduling took ${scheduleMs.toFixed(0)} ms, past the first due time`);
    await waitFired(harness, timers, start + spreadMs + 30_000);
    return collect(harness, timers, opts.pending, harness.fillMs, scheduleMs);
  } finally {
    await harness.close();
  }
}

/** `count` reminders due within one second (spread over its 1,000 ms), among `pending` pending in total. */
export async function measureBurst(opts: {
  pending: number;
  count: number;
  leadMs?: number;
}): Promise<BurstResult> {
  const leadMs = opts.leadMs ?? 5000;
  const harness = await startHarness(`burst${opts.pending}`, Math.max(0, opts.pending - opts.count));
  try {
    const second = Math.ceil((Date.now() + leadMs) / 1000) * 1000;
    const timers = Array.from({ length: opts.count }, (_, i) =>
      measuredTimer(i, second + Math.floor((i * 1000) / opts.count)),
    ).sort(() => Math.random() - 0.5);
    const scheduleMs = await scheduleAll(harness, timers);
    if (Date.now() > second)
      progress(`  warning: scheduling took ${scheduleMs.toFixed(0)} ms, past the due second`);
    await waitFired(harness, timers, second + 60_000);
    const result = collect(harness, timers, Math.max(opts.pending, opts.count), harness.fillMs, scheduleMs);
    // fired − second = drift + (due − second), for each firing.
    let last = Number.NEGATIVE_INFINITY;
    for (const timer of timers) {
      const offset = Date.parse(timer.dueAt) - second;
      for (const drift of harness.fired.get(timerJobId(timer)) ?? []) last = Math.max(last, drift + offset);
    }
    return { ...result, lastFiredAfterMs: Number.isFinite(last) ? last : Number.NaN };
  } finally {
    await harness.close();
  }
}
