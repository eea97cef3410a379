import { Redis, type RedisOptions } from "ioredis";
import { UnavailableError } from "../../core/errors.js";

/**
 * Two kinds of connection, tuned per RELIABILITY.md:
 * - `request`: on the path of a person's command. No offline queue and one retry, so an outage fails fast and
 *   the person hears "cannot act right now" instead of waiting.
 * - `worker`: BullMQ workers and background jobs. Retries forever (BullMQ requires maxRetriesPerRequest null),
 *   reconnecting within 1 s so that reminders due during an outage fire promptly when Redis returns.
 */
export type RedisRole = "request" | "worker";

export function redisOptions(role: RedisRole): RedisOptions {
  const base: RedisOptions = {
    connectionName: `firebreak-${role}`,
    retryStrategy: (attempt) => Math.min(100 * 2 ** attempt, role === "worker" ? 1000 : 2000),
  };
  return role === "request"
    ? {
        ...base,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        connectTimeout: 2000,
        commandTimeout: 2000,
      }
    : { ...base, maxRetriesPerRequest: null, enableReadyCheck: true };
}

/**
 * A client that reports an outage once, when it starts, not at every reconnect attempt (without a listener
 * ioredis would print each failed reconnect with a stack trace).
 */
export function createRedis(url: string, role: RedisRole, onOutage: (err: Error) => void = () => {}): Redis {
  const redis = new Redis(url, { ...redisOptions(role), lazyConnect: true });
  let down = false;
  redis.on("error", (err: Error) => {
    if (!down) onOutage(err);
    down = true;
  });
  redis.on("ready", () => {
    down = false;
  });
  redis.connect().catch(() => {
    // Reported through "error" above; the client keeps reconnecting by itself.
  });
  return redis;
}

/** Connects and waits until Redis answers; throws a clear error when it cannot be reached. */
export async function connectRedis(
  url: string,
  role: RedisRole,
  onOutage: (err: Error) => void = () => {},
): Promise<Redis> {
  let lastError: Error | undefined;
  const redis = createRedis(url, role, (err) => {
    lastError = err;
    onOutage(err);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      if (redis.status === "ready") return resolve();
      redis.once("ready", resolve);
      redis.once("error", reject);
    });
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    const where = url.replace(/\/\/[^@]*@/, "//***@");
    throw new UnavailableError(
      `Cannot reach Redis at ${where} (${(lastError ?? (err as Error)).message}). Start Redis (redis-server) or set REDIS_URL.`,
    );
  }
  return redis;
}
