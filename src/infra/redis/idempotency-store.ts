import type { Redis } from "ioredis";
import type { IdempotencyStore } from "../../core/ports.js";
import type { Keys } from "./keys.js";

/** How long a remembered effect is kept: longer than any incident lives, and bounded so Redis stays tidy. */
const EFFECT_TTL_SECONDS = 90 * 24 * 3600;

export function createRedisIdempotencyStore(redis: Redis, keys: Keys): IdempotencyStore {
  return {
    async claim(key, ttlMs) {
      return (await redis.set(keys.delivery(key), "1", "PX", ttlMs, "NX")) === "OK";
    },
    async remember(scope, step, value) {
      const key = keys.effects(scope);
      await redis.multi().hset(key, step, value).expire(key, EFFECT_TTL_SECONDS).exec();
    },
    async recall(scope, step) {
      return redis.hget(keys.effects(scope), step);
    },
  };
}
