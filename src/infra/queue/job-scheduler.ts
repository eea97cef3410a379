import type { Redis } from "ioredis";
import type { JobScheduler, TimerRef } from "../../core/ports.js";
import type { Keys } from "../redis/keys.js";
import type { Queues } from "./queues.js";
import { assertJobId } from "./worker-settings.js";

/** Job ids are deterministic (one per incident and effect, or per timer generation). */
function openEffectsJobId(incidentId: string): string {
  return assertJobId(`open-${incidentId}`);
}

export function timerJobId(timer: Omit<TimerRef, "dueAt">): string {
  return assertJobId(`t-${timer.incidentId}-${timer.kind}-g${timer.gen}`);
}

const DAY_SECONDS = 24 * 3600;
/** Transient failures (Redis or the platform briefly away) retry for about an hour before a job is failed. */
const JOB_RETRY = {
  attempts: 12,
  backoff: { type: "exponential", delay: 1000 },
  removeOnComplete: { age: 7 * DAY_SECONDS },
  removeOnFail: { age: 30 * DAY_SECONDS },
} as const;

const PENDING_STATES = new Set(["delayed", "waiting", "prioritized", "active", "waiting-children"]);

export function createJobScheduler(queues: Queues, keys: Keys, now: () => number = Date.now): JobScheduler {
  const redis: Redis = queues.redis;
  return {
    async enqueueOpenEffects(incidentId) {
      await queues.effects.add(
        "open-effects",
        { incidentId },
        { jobId: openEffectsJobId(incidentId), ...JOB_RETRY },
      );
    },

    async scheduleTimer(timer) {
      const jobId = timerJobId(timer);
      const due = Date.parse(timer.dueAt);
      // The index first: if the add below is lost, `pendingTimers` shows it missing and the reconciler adds it.
      await redis.zadd(keys.incidentTimers(timer.incidentId), due, jobId);
      await queues.timers.add("timer", timer, { jobId, delay: Math.max(0, due - now()), ...JOB_RETRY });
    },

    async cancelTimer(timer) {
      const jobId = timerJobId(timer);
      // A job already running cannot be removed; its generation check makes it do nothing instead.
      await queues.timers.remove(jobId).catch(() => 0);
      await redis.zrem(keys.incidentTimers(timer.incidentId), jobId);
    },

    async pendingTimers(incidentId) {
      const index = keys.incidentTimers(incidentId);
      const ids = await redis.zrange(index, 0, -1);
      const pending: TimerRef[] = [];
      for (const id of ids) {
        const job = await queues.timers.getJob(id);
        const state = job ? await job.getState() : "unknown";
        if (job && PENDING_STATES.has(state)) pending.push(job.data as TimerRef);
        else await redis.zrem(index, id);
      }
      return pending.sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt));
    },
  };
}
