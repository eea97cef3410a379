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
    lazyConnect: true,
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

/** Connects and waits until Redis answers; throws a clear error when it cannot be reached. */
export async function connectRedis(
  url: string,
  role: RedisRole,
  onError: (err: Error) => void = () => {},
): Promise<Redis> {
  const redis = new Redis(url, redisOptions(role));
  // Without a listener ioredis prints every failed reconnect with a stack trace; the caller hears of an outage
  // once, when it starts, not at every reconnect attempt.
  let lastError: Error | undefined;
  let down = false;
  redis.on("error", (err: Error) => {
    lastError = err;
    if (!down) onError(err);
    down = true;
  });
  redis.on("ready", () => {
    down = false;
  });
  try {
    await redis.connect();
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
