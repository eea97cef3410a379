import type { Redis } from "ioredis";
import type { OncallStore } from "../../core/ports.js";
import type { Keys } from "./keys.js";

/** STUB: the Redis OncallStore; every method to be written. */
export function createRedisOncallStore(_redis: Redis, _keys: Keys): OncallStore {
  const todo = (): never => {
    throw new Error("not implemented");
  };
  return {
    overrides: async () => todo(),
    changeOverrides: async () => todo(),
    away: async () => todo(),
    changeAway: async () => todo(),
    putDraft: async () => todo(),
    peekDraft: async () => todo(),
    takeDraft: async () => todo(),
    recordAsked: async () => todo(),
    askedSince: async () => todo(),
    baseSnapshot: async () => todo(),
    saveBaseSnapshot: async () => todo(),
    calendarSecret: async () => todo(),
  };
}
