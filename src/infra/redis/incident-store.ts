import type { Redis } from "ioredis";
import { NotFoundError } from "../../core/errors.js";
import type { Incident } from "../../core/incident/incident.js";
import { TIMELINE_EVENT_TYPES, type TimelineEvent } from "../../core/incident/timeline.js";
import type { IncidentStore } from "../../core/ports.js";
import type { Keys } from "./keys.js";

/**
 * Incidents in Redis. Each incident is a hash `{data: <json>, v: <version>}`; its timeline is a stream. Writes go
 * through Lua scripts so that the record, its timeline events and the open-incident index change together or
 * not at all, and an update applies only to the version it read (optimistic concurrency, retried). A second
 * index, of incidents with a timer due, changes in the same script: the reconciler visits those, closed ones
 * included, so a post-mortem reminder on a closed incident is repaired like any other timer.
 */
const CREATE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'data', ARGV[1], 'v', 1)
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[3])
if ARGV[4] == '1' then redis.call('SADD', KEYS[4], ARGV[3]) end
for i = 5, #ARGV, 5 do
  redis.call('XADD', KEYS[2], '*', 'type', ARGV[i], 'at', ARGV[i+1], 'recordedAt', ARGV[i+2], 'actor', ARGV[i+3], 'data', ARGV[i+4])
end
return 1`;

const UPDATE = `
if redis.call('HGET', KEYS[1], 'v') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'data', ARGV[2], 'v', tonumber(ARGV[1]) + 1)
if ARGV[3] == '1' then redis.call('ZADD', KEYS[3], ARGV[4], ARGV[5]) else redis.call('ZREM', KEYS[3], ARGV[5]) end
if ARGV[6] == '1' then redis.call('SADD', KEYS[4], ARGV[5]) else redis.call('SREM', KEYS[4], ARGV[5]) end
for i = 7, #ARGV, 5 do
  redis.call('XADD', KEYS[2], '*', 'type', ARGV[i], 'at', ARGV[i+1], 'recordedAt', ARGV[i+2], 'actor', ARGV[i+3], 'data', ARGV[i+4])
end
return 1`;

const MAX_UPDATE_ATTEMPTS = 50;

function eventArgs(events: TimelineEvent[]): string[] {
  return events.flatMap((e) => [e.type, e.at, e.recordedAt, e.actor ?? "", JSON.stringify(e.data)]);
}

function isOpen(incident: Incident): boolean {
  return incident.state !== "closed";
}

/** Whether any of the incident's timers has a job due (the reconciler's index). */
function isTimed(incident: Incident): boolean {
  return Object.values(incident.timers ?? {}).some((t) => t?.dueAt !== undefined);
}

const flag = (yes: boolean) => (yes ? "1" : "0");

interface ScriptedRedis extends Redis {
  firebreakCreateIncident(...args: string[]): Promise<number>;
  firebreakUpdateIncident(...args: string[]): Promise<number>;
}

export function createRedisIncidentStore(client: Redis, keys: Keys): IncidentStore {
  // Defined once per connection: ioredis then sends EVALSHA, not the script text, on every write.
  if (!("firebreakCreateIncident" in client)) {
    client.defineCommand("firebreakCreateIncident", { numberOfKeys: 4, lua: CREATE });
    client.defineCommand("firebreakUpdateIncident", { numberOfKeys: 4, lua: UPDATE });
  }
  const redis = client as ScriptedRedis;
  const keysFor = (id: string) => [
    keys.incident(id),
    keys.timeline(id),
    keys.openIncidents(),
    keys.timedIncidents(),
  ];

  const read = async (id: string): Promise<{ incident: Incident; version: string } | null> => {
    const [data, version] = await redis.hmget(keys.incident(id), "data", "v");
    if (data === null || version === null) return null;
    return { incident: JSON.parse(data) as Incident, version };
  };

  return {
    async nextNumber() {
      return redis.incr(keys.incidentSequence());
    },

    async create(incident, opened) {
      const created = await redis.firebreakCreateIncident(
        ...keysFor(incident.id),
        JSON.stringify(incident),
        String(Date.parse(incident.createdAt)),
        incident.id,
        flag(isTimed(incident)),
        ...eventArgs([opened]),
      );
      if (created !== 1) throw new Error(`Incident ${incident.id} already exists`);
    },

    async get(id) {
      return (await read(id))?.incident ?? null;
    },

    async update(id, change) {
      for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
        const current = await read(id);
        if (!current) throw new NotFoundError(`Incident ${id} does not exist.`);
        const result = change(current.incident);
        if (!result) return { incident: current.incident, changed: false };
        const next = result.incident;
        const events = result.events ?? [];
        const done = await redis.firebreakUpdateIncident(
          ...keysFor(id),
          current.version,
          JSON.stringify(next),
          flag(isOpen(next)),
          String(Date.parse(next.createdAt)),
          id,
          flag(isTimed(next)),
          ...eventArgs(events),
        );
        if (done === 1) return { incident: next, changed: true };
        // Someone else wrote first: back off a little, with jitter, so contenders stop colliding.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 4 * (attempt + 1)));
      }
      throw new Error(`Incident ${id} changed too often concurrently; try again`);
    },

    async appendEvent(id, event) {
      await redis.xadd(
        keys.timeline(id),
        "*",
        ...eventArgs([event]).flatMap((v, i) => [FIELDS[i] as string, v]),
      );
    },

    async timeline(id) {
      const entries = await redis.xrange(keys.timeline(id), "-", "+");
      return entries.flatMap(([, fields]) => {
        const f = Object.fromEntries(pairs(fields));
        if (!(TIMELINE_EVENT_TYPES as readonly string[]).includes(f.type ?? "")) return [];
        const event: TimelineEvent = {
          type: f.type as TimelineEvent["type"],
          at: f.at ?? "",
          recordedAt: f.recordedAt ?? "",
          data: JSON.parse(f.data || "{}") as Record<string, string>,
        };
        if (f.actor) event.actor = f.actor;
        return [event];
      });
    },

    async listOpen() {
      return redis.zrevrange(keys.openIncidents(), 0, -1);
    },

    async listTimed() {
      return redis.smembers(keys.timedIncidents());
    },

    async all() {
      // Ids are INC-1 … INC-<sequence>; a number taken by a failed open has no record and is skipped. Read in
      // pipelined pages so ten thousand incidents are a few round trips, not ten thousand.
      const last = Number((await redis.get(keys.incidentSequence())) ?? "0");
      const out: Incident[] = [];
      const PAGE = 500;
      for (let from = 1; from <= last; from += PAGE) {
        const pipeline = redis.pipeline();
        for (let n = from; n < Math.min(from + PAGE, last + 1); n++)
          pipeline.hget(keys.incident(`INC-${n}`), "data");
        for (const [err, data] of (await pipeline.exec()) ?? []) {
          if (err) throw err;
          if (typeof data === "string") out.push(JSON.parse(data) as Incident);
        }
      }
      return out;
    },

    async linkChannel(id, platform, channelId) {
      await redis.hset(keys.channelIndex(), `${platform}:${channelId}`, id);
    },

    async findByChannel(platform, channelId) {
      return redis.hget(keys.channelIndex(), `${platform}:${channelId}`);
    },
  };
}

const FIELDS = ["type", "at", "recordedAt", "actor", "data"];

function pairs(fields: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < fields.length; i += 2) out.push([fields[i] as string, fields[i + 1] as string]);
  return out;
}
