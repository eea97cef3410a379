import type { Redis } from "ioredis";

export interface RedisSafety {
  version?: string;
  warnings: string[];
}

const MIN_VERSION = [6, 2, 0];

/**
 * Reads the settings durable reminders depend on and says plainly what is unsafe. BullMQ loses jobs when Redis
 * evicts keys, and without an append-only file a Redis restart forgets every pending reminder.
 */
export async function checkRedisSafety(redis: Redis): Promise<RedisSafety> {
  const warnings: string[] = [];
  const info = await redis.info("server");
  const version = /redis_version:([0-9.]+)/.exec(info)?.[1];
  if (version && compareVersions(version, MIN_VERSION) < 0) {
    warnings.push(`Redis ${version} is too old: Firebreak and BullMQ need Redis 6.2 or newer.`);
  }
  const policy = await configGet(redis, "maxmemory-policy");
  if (policy === null) {
    warnings.push(
      "Could not read maxmemory-policy (CONFIG is disabled). Make sure it is noeviction, or queued reminders can be evicted.",
    );
  } else if (policy !== "noeviction") {
    warnings.push(
      `maxmemory-policy is "${policy}": Redis may evict queued reminders under memory pressure. Set it to noeviction (redis-cli CONFIG SET maxmemory-policy noeviction, and in redis.conf).`,
    );
  }
  const aof = await configGet(redis, "appendonly");
  if (aof === null) {
    warnings.push(
      "Could not read appendonly (CONFIG is disabled). Without it, a Redis restart loses pending reminders.",
    );
  } else if (aof !== "yes") {
    warnings.push(
      "appendonly is off: a Redis restart loses incidents and pending reminders written since the last snapshot. Set appendonly yes (and appendfsync everysec) in redis.conf.",
    );
  }
  return { version, warnings };
}

async function configGet(redis: Redis, name: string): Promise<string | null> {
  try {
    const reply = (await redis.config("GET", name)) as string[];
    return reply.length >= 2 ? (reply[1] as string) : null;
  } catch {
    return null;
  }
}

function compareVersions(version: string, min: number[]): number {
  const parts = version.split(".").map(Number);
  for (let i = 0; i < min.length; i++) {
    const d = (parts[i] ?? 0) - (min[i] as number);
    if (d !== 0) return d;
  }
  return 0;
}
