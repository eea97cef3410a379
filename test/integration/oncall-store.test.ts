import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { UsageError } from "../../src/core/errors.js";
import type { Away, Override } from "../../src/core/oncall/types.js";
import type { OncallStore } from "../../src/core/ports.js";
import { createKeys, type Keys } from "../../src/infra/redis/keys.js";
import { createRedisOncallStore, isoInstantMs } from "../../src/infra/redis/oncall-store.js";
import { deletePrefix, testRedis, uniquePrefix } from "../helpers/redis.js";

/**
 * The Redis on-call store on the real Redis, one prefix per test (cleaned up after each): optimistic changes
 * under concurrency, `since` filtering, pruning, drafts taken once, the asked record and the calendar secret.
 */
let redis: Redis;
let prefix: string;
let keys: Keys;
let store: OncallStore;

beforeAll(() => {
  redis = testRedis();
});
afterEach(async () => {
  await deletePrefix(redis, prefix);
});
afterAll(() => redis.disconnect());

function fresh(label: string): OncallStore {
  prefix = uniquePrefix(`oncall-${label}`);
  keys = createKeys(prefix);
  store = createRedisOncallStore(redis, keys);
  return store;
}

const DAY = 24 * 3600 * 1000;
const NOW = new Date("2026-03-29T12:00:00.000Z");
const iso = (ms: number) => new Date(ms).toISOString();

function override(id: string, fromMs: number, toMs: number, extra: Partial<Override> = {}): Override {
  return {
    id,
    rotation: "primary",
    personId: "alice",
    from: iso(fromMs),
    to: iso(toMs),
    kind: "override",
    by: "bob",
    at: NOW.toISOString(),
    ...extra,
  };
}

function away(id: string, personId: string, fromMs: number, toMs: number): Away {
  return { id, personId, from: iso(fromMs), to: iso(toMs), by: personId, at: NOW.toISOString() };
}

const t = NOW.getTime();
const ids = (list: { id: string }[]) => list.map((e) => e.id);

/** Every key under the prefix with its full contents, to prove a refused change wrote nothing at all. */
async function dump(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const key of (await redis.keys(`${prefix}:*`)).sort()) {
    const type = await redis.type(key);
    if (type === "hash") out[key] = await redis.hgetall(key);
    else if (type === "zset") out[key] = await redis.zrange(key, 0, -1, "WITHSCORES");
    else out[key] = await redis.get(key);
  }
  return out;
}

describe("overrides", () => {
  it("round-trip, sorted by start, only those ending after `since`, per rotation", async () => {
    fresh("ovr-read");
    const written = await store.changeOverrides("primary", NOW, () => ({
      add: [
        override("late", t + 5 * DAY, t + 6 * DAY),
        override("ended", t - 2 * DAY, t - DAY),
        override("ends-at-since", t - DAY, t),
        override("running", t, t + 3600_000, { replaces: "carol", kind: "swap" }),
        override("soon", t + DAY, t + 2 * DAY),
      ],
    }));
    expect(ids(written)).toEqual(["running", "soon", "late"]);
    expect(await store.overrides("primary", NOW)).toEqual(written);
    expect((await store.overrides("primary", NOW))[0]).toEqual(
      override("running", t, t + 3600_000, { replaces: "carol", kind: "swap" }),
    );
    // An earlier `since` sees what had not ended then, in order of start.
    expect(ids(await store.overrides("primary", new Date(t - 1.5 * DAY)))).toEqual([
      "ended",
      "ends-at-since",
      "running",
      "soon",
      "late",
    ]);
    expect(await store.overrides("secondary", NOW)).toEqual([]);
  });

  it("change sees the current overrides; removes and adds apply together; null writes nothing", async () => {
    fresh("ovr-change");
    await store.changeOverrides("primary", NOW, () => ({
      add: [override("a", t, t + DAY), override("b", t + DAY, t + 2 * DAY)],
    }));
    let seen: string[] = [];
    const after = await store.changeOverrides("primary", NOW, (current) => {
      seen = ids(current);
      // Replacing "a" under the same id, with someone else, and dropping "b".
      return { remove: ["a", "b"], add: [override("a", t, t + DAY, { personId: "dana" })] };
    });
    expect(seen).toEqual(["a", "b"]);
    expect(after).toEqual([override("a", t, t + DAY, { personId: "dana" })]);
    expect(await store.overrides("primary", NOW)).toEqual(after);

    const before = await dump();
    expect(await store.changeOverrides("primary", NOW, () => null)).toEqual(after);
    expect(await dump()).toEqual(before);
  });

  it("a change that throws propagates its error and writes nothing", async () => {
    fresh("ovr-throw");
    await store.changeOverrides("primary", NOW, () => ({ add: [override("a", t, t + DAY)] }));
    const before = await dump();
    await expect(
      store.changeOverrides("primary", NOW, () => {
        throw new UsageError("That overlaps an override. Nothing was changed.");
      }),
    ).rejects.toThrow(UsageError);
    expect(await dump()).toEqual(before);
  });

  it.each<[string, (current: Override[]) => { add?: Override[]; remove?: string[] }, RegExp]>([
    ["an end before the start", () => ({ add: [override("x", t + DAY, t)] }), /from is not before to/],
    ["an empty window", () => ({ add: [override("x", t, t)] }), /from is not before to/],
    [
      "a date that does not exist",
      () => ({ add: [override("x", t, t + DAY, { to: "2026-02-30T10:00:00Z" })] }),
      /to is not an ISO 8601 instant/,
    ],
    [
      "a time without a zone",
      () => ({ add: [override("x", t, t + DAY, { from: "2026-03-29T10:00:00" })] }),
      /from is not an ISO 8601 instant/,
    ],
    [
      "a recorded-at that is not a time",
      () => ({ add: [override("x", t, t + DAY, { at: "yesterday" })] }),
      /at is not an ISO 8601 instant/,
    ],
    [
      "an id used twice",
      () => ({ add: [override("x", t, t + 1), override("x", t + 2, t + 3)] }),
      /used twice/,
    ],
    ["an id already stored", () => ({ add: [override("kept", t + 3 * DAY, t + 4 * DAY)] }), /used twice/],
    [
      "an id stored but already ended",
      () => ({ add: [override("ended", t + 3 * DAY, t + 4 * DAY)] }),
      /"ended" already exists/,
    ],
    ["an empty id", () => ({ add: [override("", t, t + 1)] }), /id must be a non-empty string/],
    [
      "another rotation's override",
      () => ({ add: [override("x", t, t + 1, { rotation: "secondary" })] }),
      /names rotation "secondary"/,
    ],
    [
      "an unknown kind",
      () => ({ add: [override("x", t, t + 1, { kind: "vacation" as Override["kind"] })] }),
      /kind is unknown/,
    ],
    ["no author", () => ({ add: [override("x", t, t + 1, { by: "" })] }), /by must be a non-empty string/],
    [
      "an overlap with a stored override",
      () => ({ add: [override("x", t + 12 * 3600_000, t + 3 * DAY)] }),
      /kept and x overlap/,
    ],
  ])("refuses %s with an Error and writes nothing", async (_label, change, message) => {
    fresh("ovr-garbage");
    await store.changeOverrides("primary", NOW, () => ({
      add: [override("ended", t - 2 * DAY, t - DAY), override("kept", t, t + DAY)],
    }));
    const before = await dump();
    const refusal = store.changeOverrides("primary", NOW, change);
    await expect(refusal).rejects.toThrow(message);
    await expect(refusal).rejects.not.toBeInstanceOf(UsageError);
    expect(await dump()).toEqual(before);
  });

  it("prunes overrides that ended more than 400 days before `since` when writing", async () => {
    fresh("ovr-prune");
    const longAgo = new Date(t - 500 * DAY);
    await store.changeOverrides("primary", longAgo, () => ({
      add: [
        override("401-days", t - 402 * DAY, t - 401 * DAY),
        override("399-days", t - 400 * DAY, t - 399 * DAY),
      ],
    }));
    expect(await redis.hlen(keys.oncallOverrides("primary"))).toBe(2);
    // Reading prunes nothing; a write with `since` = now drops what ended over 400 days before now.
    await store.overrides("primary", NOW);
    expect(await redis.hlen(keys.oncallOverrides("primary"))).toBe(2);
    await store.changeOverrides("primary", NOW, () => ({ add: [override("new", t, t + DAY)] }));
    expect((await redis.hkeys(keys.oncallOverrides("primary"))).sort()).toEqual(["399-days", "new"]);
    expect(await redis.zrange(keys.oncallOverrideEnds("primary"), 0, -1)).toEqual(["399-days", "new"]);
    expect(ids(await store.overrides("primary", longAgo))).toEqual(["399-days", "new"]);
  });

  it("of 20 concurrent changes each refusing an overlap, exactly one lands", async () => {
    fresh("ovr-race");
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        store.changeOverrides("primary", NOW, (current) => {
          const mine = override(`o${i}`, t + 3600_000 * i, t + DAY + 3600_000 * i, { personId: `p${i}` });
          const clash = current.find(
            (o) => Date.parse(o.from) < Date.parse(mine.to) && Date.parse(o.to) > Date.parse(mine.from),
          );
          if (clash) throw new UsageError(`That overlaps ${clash.id}. Nothing was changed.`);
          return { add: [mine] };
        }),
      ),
    );
    const landed = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r) => r.status === "rejected");
    expect(landed).toHaveLength(1);
    expect(refused).toHaveLength(19);
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(UsageError);
    const stored = await store.overrides("primary", NOW);
    expect(stored).toHaveLength(1);
    expect((landed[0] as PromiseFulfilledResult<Override[]>).value).toEqual(stored);
  });

  it("loses no change among 20 concurrent non-conflicting ones", async () => {
    fresh("ovr-many");
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.changeOverrides("primary", NOW, () => ({
          add: [override(`o${i}`, t + i * DAY, t + (i + 1) * DAY)],
        })),
      ),
    );
    expect(ids(await store.overrides("primary", NOW))).toEqual(Array.from({ length: 20 }, (_, i) => `o${i}`));
  });
});

describe("unavailability", () => {
  it("is changed per person and read for everyone, sorted by start, ending after `since`", async () => {
    fresh("away");
    await store.changeAway("alice", NOW, () => ({
      add: [away("a1", "alice", t + 2 * DAY, t + 4 * DAY), away("old", "alice", t - 3 * DAY, t - DAY)],
    }));
    // The same id for another person is another entry: ids are unique per person.
    await store.changeAway("bob", NOW, () => ({ add: [away("a1", "bob", t + DAY, t + 3 * DAY)] }));
    expect((await store.away(NOW)).map((a) => `${a.personId}/${a.id}`)).toEqual(["bob/a1", "alice/a1"]);
    expect((await store.away(new Date(t - 2 * DAY))).map((a) => `${a.personId}/${a.id}`)).toEqual([
      "alice/old",
      "bob/a1",
      "alice/a1",
    ]);

    let seen: string[] = [];
    const left = await store.changeAway("bob", NOW, (current) => {
      seen = current.map((a) => `${a.personId}/${a.id}`);
      // Bob removing "a1" removes his own, never Alice's.
      return { remove: ["a1"] };
    });
    expect(seen).toEqual(["bob/a1"]);
    expect(left).toEqual([]);
    expect(await store.away(NOW)).toEqual([away("a1", "alice", t + 2 * DAY, t + 4 * DAY)]);
  });

  it("refuses someone else's entry or a bad window, writing nothing; a throwing change writes nothing", async () => {
    fresh("away-garbage");
    await store.changeAway("alice", NOW, () => ({ add: [away("a1", "alice", t, t + DAY)] }));
    const before = await dump();
    await expect(
      store.changeAway("alice", NOW, () => ({ add: [away("a2", "bob", t, t + DAY)] })),
    ).rejects.toThrow(/belongs to "bob"/);
    await expect(
      store.changeAway("alice", NOW, () => ({ add: [away("a2", "alice", t, t - 1)] })),
    ).rejects.toThrow(/from is not before to/);
    await expect(
      store.changeAway("alice", NOW, () => ({ add: [away("a1", "alice", t, t + 1)] })),
    ).rejects.toThrow(/used twice/);
    await expect(
      store.changeAway("alice", NOW, () => {
        throw new UsageError("You are already away then. Nothing was changed.");
      }),
    ).rejects.toThrow(UsageError);
    expect(await dump()).toEqual(before);
  });

  it("prunes everyone's absences that ended more than 400 days before `since` when writing", async () => {
    fresh("away-prune");
    const longAgo = new Date(t - 500 * DAY);
    await store.changeAway("alice", longAgo, () => ({
      add: [away("gone", "alice", t - 402 * DAY, t - 401 * DAY)],
    }));
    await store.changeAway("bob", longAgo, () => ({
      add: [away("kept", "bob", t - 400 * DAY, t - 399 * DAY)],
    }));
    await store.changeAway("carol", NOW, () => ({ add: [away("new", "carol", t, t + DAY)] }));
    expect((await store.away(longAgo)).map((a) => a.id)).toEqual(["kept", "new"]);
    expect(await redis.hlen(keys.oncallAway())).toBe(2);
  });

  it("concurrent changes of one person's absences lose nothing", async () => {
    fresh("away-race");
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.changeAway("alice", NOW, () => ({
          add: [away(`a${i}`, "alice", t + i * DAY, t + (i + 1) * DAY)],
        })),
      ),
    );
    expect((await store.away(NOW)).map((a) => a.id)).toEqual(Array.from({ length: 20 }, (_, i) => `a${i}`));
  });
});

describe("drafts", () => {
  it("are stored, peeked and taken once", async () => {
    fresh("draft");
    await store.putDraft("plan", "p1", '{"weeks":4}', 60_000);
    expect(await store.peekDraft("plan", "p1")).toBe('{"weeks":4}');
    expect(await store.peekDraft("cover", "p1")).toBeNull();
    expect(await store.takeDraft("plan", "p1")).toBe('{"weeks":4}');
    expect(await store.takeDraft("plan", "p1")).toBeNull();
    expect(await store.peekDraft("plan", "p1")).toBeNull();
  });

  it("of 20 concurrent takers exactly one gets it", async () => {
    fresh("draft-race");
    await store.putDraft("cover", "c1", '{"hours":2}', 60_000);
    const taken = await Promise.all(Array.from({ length: 20 }, () => store.takeDraft("cover", "c1")));
    expect(taken.filter((d) => d !== null)).toEqual(['{"hours":2}']);
  });

  it("expire after their TTL", async () => {
    fresh("draft-ttl");
    await store.putDraft("plan", "p2", "{}", 100);
    expect(await store.peekDraft("plan", "p2")).toBe("{}");
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await store.peekDraft("plan", "p2")).toBeNull();
    expect(await store.takeDraft("plan", "p2")).toBeNull();
    await expect(store.putDraft("plan", "p3", "{}", 0)).rejects.toThrow(/positive/);
  });
});

describe("who was asked", () => {
  it("records people per instant, oldest first, from `since` on, pruning what is over 45 days old", async () => {
    fresh("asked");
    await store.recordAsked(["alice", "bob"], new Date(t - 50 * DAY));
    expect(await store.askedSince(new Date(t - 60 * DAY))).toEqual({
      alice: [t - 50 * DAY],
      bob: [t - 50 * DAY],
    });
    await store.recordAsked(["alice"], new Date(t - 2 * DAY));
    await store.recordAsked(["bob", "alice", "bob"], new Date(t - DAY));
    await store.recordAsked(["__proto__"], NOW);
    await store.recordAsked([], NOW);
    // The record from 50 days ago was pruned by the later writes, even for a `since` that reaches it.
    expect(await store.askedSince(new Date(t - 60 * DAY))).toEqual({
      alice: [t - 2 * DAY, t - DAY],
      bob: [t - DAY],
      ["__proto__"]: [t],
    });
    // `since` is inclusive.
    expect(await store.askedSince(new Date(t - DAY))).toEqual({
      alice: [t - DAY],
      bob: [t - DAY],
      ["__proto__"]: [t],
    });
    expect(await store.askedSince(new Date(t + 1))).toEqual({});
    const ttl = await redis.pttl(keys.oncallAsked());
    expect(ttl).toBeGreaterThan(44 * DAY);
    expect(ttl).toBeLessThanOrEqual(45 * DAY);
  });
});

describe("base snapshots and the calendar secret", () => {
  it("keeps a base snapshot per rotation", async () => {
    fresh("snapshot");
    expect(await store.baseSnapshot("primary")).toBeNull();
    await store.saveBaseSnapshot("primary", "alice 2026-03-30T07:00Z\nbob 2026-04-06T07:00Z");
    await store.saveBaseSnapshot("secondary", "carol");
    expect(await store.baseSnapshot("primary")).toBe("alice 2026-03-30T07:00Z\nbob 2026-04-06T07:00Z");
    expect(await store.baseSnapshot("secondary")).toBe("carol");
  });

  it("creates the calendar secret once: the same for every store and connection", async () => {
    fresh("secret");
    const other = testRedis();
    try {
      const stores = [store, createRedisOncallStore(redis, keys), createRedisOncallStore(other, keys)];
      const secrets = await Promise.all(stores.flatMap((s) => [s.calendarSecret(), s.calendarSecret()]));
      expect(new Set(secrets).size).toBe(1);
      expect(secrets[0]).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(secrets[0] as string, "base64url")).toHaveLength(32);
      expect(await createRedisOncallStore(other, keys).calendarSecret()).toBe(secrets[0]);
      // Another deployment (prefix) has its own.
      expect(
        await createRedisOncallStore(redis, createKeys(`${prefix}:elsewhere`)).calendarSecret(),
      ).not.toBe(secrets[0]);
    } finally {
      other.disconnect();
    }
  });
});

describe("keys", () => {
  it("every key the store touches is under its prefix", async () => {
    fresh("keys");
    // A connection of its own, so MONITOR can tell its commands from those of every other test.
    const own = testRedis();
    const watcher = testRedis();
    const touched: string[] = [];
    try {
      await own.ping();
      const source = `${own.stream.localAddress}:${own.stream.localPort}`;
      const monitor = await watcher.monitor();
      monitor.on("monitor", (_time: string, args: string[], from: string) => {
        if (from !== source) return;
        const [command = "", ...rest] = args.map(String);
        const name = command.toLowerCase();
        if (["multi", "exec", "ping", "info", "script", "client", "select"].includes(name)) return;
        if (name === "evalsha" || name === "eval") touched.push(...rest.slice(2, 2 + Number(rest[1])));
        else touched.push(rest[0] ?? "");
      });
      const s = createRedisOncallStore(own, keys);
      await s.changeOverrides("primary", NOW, () => ({ add: [override("a", t, t + DAY)] }));
      await s.overrides("primary", NOW);
      await s.changeAway("alice", NOW, () => ({ add: [away("a", "alice", t, t + DAY)] }));
      await s.away(NOW);
      await s.putDraft("plan", "p", "{}", 60_000);
      await s.peekDraft("plan", "p");
      await s.takeDraft("plan", "p");
      await s.recordAsked(["alice"], NOW);
      await s.askedSince(NOW);
      await s.saveBaseSnapshot("primary", "x");
      await s.baseSnapshot("primary");
      await s.calendarSecret();
      await own.ping();
      // MONITOR lags a little behind the commands it reports.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(touched.length).toBeGreaterThan(12);
      for (const key of touched) expect(key.startsWith(`${prefix}:`), key).toBe(true);
    } finally {
      own.disconnect();
      watcher.disconnect();
    }
  });
});

describe("isoInstantMs", () => {
  it.each<[string, number | null]>([
    ["2026-03-29T01:00:00.000Z", Date.UTC(2026, 2, 29, 1)],
    ["2026-03-29T03:00+02:00", Date.UTC(2026, 2, 29, 1)],
    ["2028-02-29T00:00:00Z", Date.UTC(2028, 1, 29)],
    ["2026-03-29T06:30:00.5+05:30", Date.UTC(2026, 2, 29, 1, 0, 0, 500)],
    ["2026-02-29T00:00:00Z", null],
    ["2026-02-30T00:00:00Z", null],
    ["2026-03-29T24:00:00Z", null],
    ["2026-03-29T10:00:00", null],
    ["2026-03-29", null],
    ["2026-03-29T10:00:00+25:00", null],
  ])("%s → %s", (text, expected) => {
    expect(isoInstantMs(text)).toBe(expected);
  });
});
