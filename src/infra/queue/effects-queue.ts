import { type Job, Queue, UnrecoverableError, Worker } from "bullmq";
import { Redis } from "ioredis";
import { PlatformError } from "../../core/errors.js";
import type { JobScheduler, Logger } from "../../core/ports.js";
import { redisOptions } from "../redis/connection.js";
import type { Keys } from "../redis/keys.js";

/** The queue for chat work that must happen exactly once per incident, whatever crashes in between. */
export const EFFECTS_QUEUE = "effects";

export type EffectsJob = { name: "open-effects"; data: { incidentId: string } };

export interface EffectsRunner {
  openEffects(incidentId: string): Promise<void>;
}

/** Job ids are deterministic (one job per incident and effect), never contain ':' and are never all digits. */
export function openEffectsJobId(incidentId: string): string {
  return `open-${incidentId}`;
}

export function createEffectsProducer(
  redisUrl: string,
  keys: Keys,
): JobScheduler & { close(): Promise<void> } {
  const connection = new Redis(redisUrl, { ...redisOptions("request"), lazyConnect: false });
  const queue = new Queue(EFFECTS_QUEUE, { connection, prefix: keys.queuePrefix() });
  return {
    async enqueueOpenEffects(incidentId) {
      await queue.add(
        "open-effects",
        { incidentId },
        {
          jobId: openEffectsJobId(incidentId),
          attempts: 12,
          backoff: { type: "exponential", delay: 1000 },
          removeOnComplete: { age: 7 * 24 * 3600 },
          removeOnFail: { age: 30 * 24 * 3600 },
        },
      );
    },
    async close() {
      await queue.close();
      connection.disconnect();
    },
  };
}

/** Settings from RELIABILITY.md: a job whose worker died re-runs within ~15 s instead of ~60 s. */
export const WORKER_SETTINGS = { lockDuration: 10_000, stalledInterval: 5_000, maxStalledCount: 3 } as const;

export function createEffectsWorker(
  redisUrl: string,
  keys: Keys,
  runner: EffectsRunner,
  logger: Logger,
  concurrency = 8,
): { worker: Worker; close(): Promise<void> } {
  const connection = new Redis(redisUrl, { ...redisOptions("worker"), lazyConnect: false });
  const worker = new Worker(
    EFFECTS_QUEUE,
    async (job: Job) => {
      const { incidentId } = job.data as EffectsJob["data"];
      try {
        if (job.name === "open-effects") await runner.openEffects(incidentId);
        else throw new UnrecoverableError(`unknown job ${job.name}`);
      } catch (err) {
        // A platform refusal that retrying cannot fix should fail now, not after a dozen retries.
        if (err instanceof PlatformError && !err.retryable) throw new UnrecoverableError(err.message);
        throw err;
      }
    },
    { connection, prefix: keys.queuePrefix(), concurrency, ...WORKER_SETTINGS },
  );
  worker.on("failed", (job, err) => {
    logger.error(
      { job: job?.id, attempts: job?.attemptsMade, err: err.message },
      "effects job failed; it will be retried unless attempts are used up",
    );
  });
  worker.on("error", (err) => logger.warn({ err: err.message }, "effects worker connection problem"));
  return {
    worker,
    async close() {
      await worker.close();
      connection.disconnect();
    },
  };
}
