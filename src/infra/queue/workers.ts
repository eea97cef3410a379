import { DelayedError, type Job, UnrecoverableError, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { NotReadyError, PlatformError } from "../../core/errors.js";
import type { Platform } from "../../core/platform.js";
import type { ChatPlatform, Logger, TimerRef } from "../../core/ports.js";
import { createRedis } from "../redis/connection.js";
import type { Keys } from "../redis/keys.js";
import { timerJobId } from "./job-scheduler.js";
import { outboxJob, outboxJobId } from "./outbox.js";
import { deliverOne } from "./outbox-delivery.js";
import { QUEUE_NAMES, type Queues } from "./queues.js";
import { cappedBackoff, WORKER_SETTINGS } from "./worker-settings.js";

/** What the workers run; the handlers provide it (src/main wires them). */
export interface JobRunner {
  openEffects(incidentId: string): Promise<void>;
  fireTimer(timer: TimerRef): Promise<void>;
  /** Re-adds the job of every timer recorded on an open incident; returns how many it looked at. */
  reconcileTimers(): Promise<unknown>;
  /** Shift notices: DMs before shifts, handoff posts, people told when the config moved them. */
  scanShifts(): Promise<void>;
}

/** How often the safety nets run: timers recorded without a job, outbox items stored without a job. */
const RECONCILE_EVERY_MS = 30_000;
const SWEEP_EVERY_MS = 5_000;
/**
 * The periodic jobs run thousands of times a day in a Redis that must never evict: keep only the last few
 * finished ones (for a look in a queue dashboard), and failures a little longer.
 */
const SCHEDULED_JOB_RETENTION = { removeOnComplete: 10, removeOnFail: 100 };
/** Shift notices are looked for once a minute: a DM "your shift starts in 1h" may come up to a minute late. */
const SHIFT_SCAN_EVERY_MS = 60_000;
/** An outbox item this old without `markQueued` lost its producer between the two writes. */
const UNQUEUED_GRACE_MS = 5_000;

export interface WorkerDeps {
  redisUrl: string;
  keys: Keys;
  queues: Queues;
  platform(name: Platform): ChatPlatform;
  runner: JobRunner;
  logger: Logger;
  now?: () => number;
}

/**
 * Starts the three workers. Each has its own connection that retries forever and reconnects within a second
 * (RELIABILITY.md), so reminders due during a Redis outage fire right after it returns.
 */
export async function startWorkers(deps: WorkerDeps): Promise<{ close(): Promise<void> }> {
  const { keys, queues, logger } = deps;
  const now = deps.now ?? Date.now;
  const connections: Redis[] = [];
  const connect = () => {
    // Each worker reports connection trouble through its own "error" event below.
    const c = createRedis(deps.redisUrl, "worker");
    connections.push(c);
    return c;
  };
  const common = { prefix: keys.queuePrefix(), ...WORKER_SETTINGS };

  const effects = new Worker(
    QUEUE_NAMES.effects,
    async (job: Job) => {
      if (job.name !== "open-effects") throw new UnrecoverableError(`unknown job ${job.name}`);
      await failFastOnRefusal(() => deps.runner.openEffects((job.data as { incidentId: string }).incidentId));
    },
    { ...common, connection: connect(), concurrency: 8 },
  );

  const timers = new Worker(
    QUEUE_NAMES.timers,
    async (job: Job, token?: string) => {
      if (job.name === "reconcile") {
        await deps.runner.reconcileTimers();
        return;
      }
      if (job.name === "oncall-scan") {
        await deps.runner.scanShifts();
        return;
      }
      const timer = job.data as TimerRef;
      const lateMs = now() - Date.parse(timer.dueAt);
      logger.info({ incident: timer.incidentId, timer: timer.kind, gen: timer.gen, lateMs }, "timer fired");
      try {
        await deps.runner.fireTimer(timer);
      } catch (err) {
        if (!(err instanceof NotReadyError)) throw err;
        // Too early for what it needs: wait without using up an attempt.
        await job.moveToDelayed(now() + err.retryInMs, token);
        throw new DelayedError();
      }
      await queues.redis.zrem(keys.incidentTimers(timer.incidentId), timerJobId(timer));
    },
    { ...common, connection: connect(), concurrency: 8 },
  );

  const outbox = new Worker(
    QUEUE_NAMES.outbox,
    async (job: Job, token?: string) => {
      if (job.name === "sweep") return sweepUnqueued(deps, now);
      const { key } = job.data as { key: string };
      const outcome = await deliverOne(
        { store: deps.queues.outboxStore, platform: deps.platform, now, sleep, logger },
        key,
      );
      if (outcome.kind === "later") {
        // Waiting for a turn, for pacing or for Retry-After is not a failure: no attempt is used up.
        await job.moveToDelayed(outcome.at, token);
        // The item ahead may have left the head between our check and the move, and its wake-up found this
        // job still active: look once more, now that the job is delayed and can be promoted.
        if (outcome.reason === "not-head" && (await deps.queues.outboxStore.head(outcome.lane)) === key) {
          await job.promote().catch(() => undefined);
        }
        throw new DelayedError();
      }
      if (outcome.kind === "failed") {
        logger.error({ key, reason: outcome.reason }, "outbox: the platform refused a message for good");
      }
      if (outcome.next) await wake(queues, outcome.next);
    },
    {
      ...common,
      connection: connect(),
      // A job mostly waits (on the platform, or up to a second on pacing), and each waiting job holds a slot:
      // with 100 slots one worker tops out at about 100 channels posting at once, so give it room.
      concurrency: 500,
      settings: { backoffStrategy: cappedBackoff(60_000) },
    },
  );

  outbox.on("failed", (job, err) => {
    if (job?.name !== "deliver") return;
    const exhausted = job.attemptsMade >= (job.opts.attempts ?? 1);
    logger[exhausted ? "error" : "warn"](
      { key: (job.data as { key: string }).key, attempts: job.attemptsMade, err: err.message },
      exhausted ? "outbox: message given up after every retry" : "outbox: delivery failed; retrying",
    );
    if (exhausted) void giveUp(deps, (job.data as { key: string }).key);
  });
  for (const [name, worker] of Object.entries({ effects, timers, outbox })) {
    // A Redis outage raises an error at every reconnect attempt: say it once per outage, not every second.
    let quietUntil = 0;
    worker.on("error", (err) => {
      if (now() < quietUntil) return;
      quietUntil = now() + 60_000;
      logger.warn({ worker: name, err: err.message }, "worker connection problem");
    });
    if (name !== "outbox") {
      worker.on("failed", (job, err) =>
        logger.error(
          { worker: name, job: job?.id, attempts: job?.attemptsMade, err: err.message },
          "job failed; it is retried unless its attempts are used up",
        ),
      );
    }
  }

  // Idempotent: every worker process upserts the same three schedulers.
  await queues.timers.upsertJobScheduler(
    "timers-reconcile",
    { every: RECONCILE_EVERY_MS },
    { name: "reconcile", opts: SCHEDULED_JOB_RETENTION },
  );
  await queues.timers.upsertJobScheduler(
    "oncall-scan",
    { every: SHIFT_SCAN_EVERY_MS },
    { name: "oncall-scan", opts: SCHEDULED_JOB_RETENTION },
  );
  await queues.outbox.upsertJobScheduler(
    "outbox-sweep",
    { every: SWEEP_EVERY_MS },
    {
      name: "sweep",
      opts: SCHEDULED_JOB_RETENTION,
    },
  );

  return {
    async close() {
      // Graceful: each worker finishes the jobs it holds, then stops taking new ones.
      await Promise.all([effects.close(), timers.close(), outbox.close()]);
      for (const c of connections) c.disconnect();
    },
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A platform refusal that retrying cannot fix fails the job now, not after a dozen retries. */
async function failFastOnRefusal(run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (err) {
    if (err instanceof PlatformError && !err.retryable) throw new UnrecoverableError(err.message);
    throw err;
  }
}

/** Wakes the next item of a lane at once instead of at its next poll; adds its job if the producer never did. */
async function wake(queues: Queues, key: string): Promise<void> {
  const job = await queues.outbox.getJob(outboxJobId(key));
  if (!job) {
    const { name, data, opts } = outboxJob(key);
    await queues.outbox.add(name, data, opts);
    return;
  }
  if (await job.isDelayed()) await job.promote().catch(() => undefined);
}

async function sweepUnqueued(deps: WorkerDeps, now: () => number): Promise<void> {
  const keys = await deps.queues.outboxStore.unqueued(now() - UNQUEUED_GRACE_MS);
  if (keys.length === 0) return;
  deps.logger.warn({ count: keys.length }, "outbox: adding delivery jobs a producer did not add");
  await deps.queues.outbox.addBulk(keys.map(outboxJob));
  await deps.queues.outboxStore.markQueued(keys);
}

/** After every retry failed, the item is marked failed so that its lane moves on. */
async function giveUp(deps: WorkerDeps, key: string): Promise<void> {
  const stored = await deps.queues.outboxStore.load(key);
  if (stored?.state !== "pending") return;
  await deps.queues.outboxStore.finish(stored, "failed", undefined, 0);
  const next = await deps.queues.outboxStore.head(stored.lane);
  if (next) await wake(deps.queues, next);
}
