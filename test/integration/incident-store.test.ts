import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Incident } from "../../src/core/incident/incident.js";
import type { TimelineEvent } from "../../src/core/incident/timeline.js";
import { createRedisIdempotencyStore } from "../../src/infra/redis/idempotency-store.js";
import { createRedisIncidentStore } from "../../src/infra/redis/incident-store.js";
import { createKeys } from "../../src/infra/redis/keys.js";
import { checkRedisSafety } from "../../src/infra/redis/safety-check.js";
import { deletePrefix, testRedis, uniquePrefix } from "../helpers/redis.js";

const prefix = uniquePrefix("store");
const keys = createKeys(prefix);
let redis: Redis;

beforeAll(() => {
  redis = testRedis();
});
afterAll(async () => {
  await deletePrefix(redis, prefix);
  expect(await redis.keys(`${prefix}:*`)).toEqual([]);
  redis.disconnect();
});

function incident(n: number, overrides: Partial<Incident> = {}): Incident {
  return {
    id: `INC-${n}`,
    number: n,
    title: "Search is down",
    kind: "incident",
    severity: "sev1",
    state: "triggered",
    platform: "slack",
    origin: { conversationId: "C1" },
    reporters: [{ platformUserId: "U0ALICE", personId: "alice" }],
    createdAt: "2026-11-20T10:00:00.000Z",
    updatedAt: "2026-11-20T10:00:00.000Z",
    ...overrides,
  };
}
const event = (type: TimelineEvent["type"], data: Record<string, string> = {}): TimelineEvent => ({
  type,
  at: "2026-11-20T10:00:00.000Z",
  recordedAt: "2026-11-20T10:00:01.000Z",
  actor: "U0ALICE",
  data,
});

describe("RedisIncidentStore", () => {
  it("allocates INC numbers atomically under concurrency", async () => {
    const store = createRedisIncidentStore(redis, keys);
    const numbers = await Promise.all(Array.from({ length: 200 }, () => store.nextNumber()));
    expect(new Set(numbers).size).toBe(200);
    expect(Math.min(...numbers)).toBe(1);
    expect(Math.max(...numbers)).toBe(200);
  });

  it("stores an incident with its first timeline event and lists it as open", async () => {
    const store = createRedisIncidentStore(redis, keys);
    await store.create(incident(1001), event("incident_opened", { title: "Search is down" }));
    expect(await store.get("INC-1001")).toEqual(incident(1001));
    expect(await store.timeline("INC-1001")).toEqual([event("incident_opened", { title: "Search is down" })]);
    expect(await store.listOpen()).toContain("INC-1001");
    await expect(store.create(incident(1001), event("incident_opened"))).rejects.toThrow(/already exists/);
    expect(await store.get("INC-404")).toBeNull();
  });

  it("applies concurrent updates without losing any and records their events", async () => {
    const store = createRedisIncidentStore(redis, keys);
    await store.create(incident(1002), event("incident_opened"));
    await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        store.update("INC-1002", (current) => ({
          incident: { ...current, title: `${current.title}+` },
          events: [event("note_added", { n: String(i) })],
        })),
      ),
    );
    expect((await store.get("INC-1002"))?.title).toBe(`Search is down${"+".repeat(25)}`);
    expect((await store.timeline("INC-1002")).filter((e) => e.type === "note_added")).toHaveLength(25);
  });

  it("leaves the incident untouched when a change declines, and drops closed ones from the open list", async () => {
    const store = createRedisIncidentStore(redis, keys);
    await store.create(incident(1003), event("incident_opened"));
    expect((await store.update("INC-1003", () => null)).changed).toBe(false);
    await store.update("INC-1003", (c) => ({ incident: { ...c, state: "closed" } }));
    expect(await store.listOpen()).not.toContain("INC-1003");
    await expect(store.update("INC-404", (c) => ({ incident: c }))).rejects.toThrow(/does not exist/);
  });

  it("lists the incidents with a timer due, closed ones included, for the reconciler", async () => {
    const store = createRedisIncidentStore(redis, keys);
    const due = { gen: 1, dueAt: "2026-11-21T10:00:00.000Z" };
    await store.create(
      incident(1004, { timers: { update: { ...due, misses: 0 } } }),
      event("incident_opened"),
    );
    expect(await store.listTimed()).toContain("INC-1004");
    // Closed with a post-mortem reminder still due: no longer open, still looked after.
    await store.update("INC-1004", (c) => ({
      incident: { ...c, state: "closed", timers: { postmortem: due } },
    }));
    expect(await store.listOpen()).not.toContain("INC-1004");
    expect(await store.listTimed()).toContain("INC-1004");
    // Nothing due any more (the reminders stopped): off the index.
    await store.update("INC-1004", (c) => ({
      incident: { ...c, timers: { postmortem: { gen: 2, firedGen: 1 } } },
    }));
    expect(await store.listTimed()).not.toContain("INC-1004");
  });

  it("finds an incident by its channel", async () => {
    const store = createRedisIncidentStore(redis, keys);
    await store.linkChannel("INC-1001", "slack", "C123");
    expect(await store.findByChannel("slack", "C123")).toBe("INC-1001");
    expect(await store.findByChannel("playground", "C123")).toBeNull();
  });

  it("keeps every key under the prefix", async () => {
    const all = await redis.keys(`${prefix}:*`);
    expect(all.length).toBeGreaterThan(0);
    expect(all.every((k) => k.startsWith(`${prefix}:`))).toBe(true);
  });
});

describe("idempotency", () => {
  it("claims a delivery once and remembers effects", async () => {
    const idem = createRedisIdempotencyStore(redis, keys);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => idem.claim("slack-command-T1", 60_000)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await idem.recall("INC-1", "kickoff")).toBeNull();
    await idem.remember("INC-1", "kickoff", "1700000000.000100");
    expect(await idem.recall("INC-1", "kickoff")).toBe("1700000000.000100");
  });
});

describe("Redis safety check", () => {
  it("reads the version and warns about unsafe settings in plain words", async () => {
    const result = await checkRedisSafety(redis);
    expect(result.version).toMatch(/^\d+\.\d+/);
    const [, aof] = (await redis.config("GET", "appendonly")) as string[];
    const [, policy] = (await redis.config("GET", "maxmemory-policy")) as string[];
    expect(result.warnings.some((w) => w.includes("appendonly is off"))).toBe(aof !== "yes");
    expect(result.warnings.some((w) => w.includes("maxmemory-policy"))).toBe(policy !== "noeviction");
  });
});
