import type { OpsStats } from "../../core/ports.js";
import type { Keys } from "../redis/keys.js";
import type { Queues } from "./queues.js";

/** STUB: what the queues look like now, read from Redis. */
export function createOpsStats(_queues: Queues, _keys: Keys): OpsStats {
  return {
    queueDepth: async () => [],
    timerLagMs: async () => 0,
    outboxLagMs: async () => 0,
  };
}
