import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { UnavailableError } from "../../core/errors.js";
import { type Away, OVERRIDE_KINDS, type Override } from "../../core/oncall/types.js";
import type { ListChange, OncallStore } from "../../core/ports.js";
import type { Keys } from "./keys.js";

/**
 * On-call state in Redis. Overrides and unavailability are "dated lists": a hash of entry → JSON beside a sorted
 * set of the same entries scored by their end, so a read fetches only what has not ended (one script, one round
 * trip, however long the history) and a write prunes what ended long ago. A version counter makes changes
 * optimistic, as for incidents: a write applies only to the version it read, else it is re-run.
 *
 * Overrides are one list per rotation. Unavailability is one list for everyone (the planner reads everyone's at
 * once) whose fields start with the person (`<length>:<person id>:`), with a version per person so that people
 * changing their own absences never contend with each other.
 */

/**
 * KEYS: hash, ends, version. ARGV: since (epoch ms; entries ending strictly after it), field prefix ("" for all).
 * Returns the version read ("0" before the first write) followed by the entries' JSON.
 */
const READ = `
local out = { redis.call('GET', KEYS[3]) or '0' }
local fields = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. ARGV[1], '+inf')
local prefix = ARGV[2]
if prefix ~= '' then
  local mine = {}
  for _, f in ipairs(fields) do
    if string.sub(f, 1, #prefix) == prefix then mine[#mine + 1] = f end
  end
  fields = mine
end
for i = 1, #fields, 500 do
  for _, json in ipairs(redis.call('HMGET', KEYS[1], unpack(fields, i, math.min(i + 499, #fields)))) do
    if json then out[#out + 1] = json end
  end
end
return out`;

/**
 * KEYS: hash, ends, version. ARGV: expected version, prune before (epoch ms), number of removals, the fields to
 * remove, then (field, end epoch ms, JSON) for each entry to add. Returns 1 when written, 0 when the version
 * moved (nothing written), or the field of an added entry that already exists and is not being removed (nothing
 * written either: every check comes before the first write, since a script is not rolled back).
 */
const WRITE = `
if (redis.call('GET', KEYS[3]) or '0') ~= ARGV[1] then return 0 end
local removals = tonumber(ARGV[3])
local removing = {}
for i = 4, 3 + removals do removing[ARGV[i]] = true end
local first = 4 + removals
for i = first, #ARGV, 3 do
  if not removing[ARGV[i]] and redis.call('HEXISTS', KEYS[1], ARGV[i]) == 1 then return ARGV[i] end
end
for i = 4, 3 + removals do
  redis.call('HDEL', KEYS[1], ARGV[i])
  redis.call('ZREM', KEYS[2], ARGV[i])
end
for i = first, #ARGV, 3 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 2])
  redis.call('ZADD', KEYS[2], ARGV[i + 1], ARGV[i])
end
local old = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[2])
for i = 1, #old, 500 do
  redis.call('HDEL', KEYS[1], unpack(old, i, math.min(i + 499, #old)))
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[2])
redis.call('INCR', KEYS[3])
return 1`;

const DAY_MS = 24 * 3600 * 1000;
/** Overrides and absences that ended this long before the `since` of a write are deleted by it. */
export const ONCALL_HISTORY_MS = 400 * DAY_MS;
/** How long the record of who was asked reaches back; older entries are pruned on each write. */
export const ASKED_HISTORY_MS = 45 * DAY_MS;
const MAX_CHANGE_ATTEMPTS = 50;

interface ScriptedRedis extends Redis {
  firebreakOncallRead(...args: string[]): Promise<string[]>;
  firebreakOncallWrite(...args: string[]): Promise<number | string>;
}

/** What overrides and absences share: an id and a window [from, to). */
interface Dated {
  id: string;
  from: string;
  to: string;
}

/** One dated list: where it lives, how an entry is named in it, and how an entry is checked before writing. */
interface ListSpec<T extends Dated> {
  keys: [hash: string, ends: string, version: string];
  /** Only fields starting with this belong to the list ("" for all). */
  fieldPrefix: string;
  /** Names the list in errors ("overrides of rotation primary"). */
  label: string;
  /** Throws an Error describing what is wrong with `entry`, when anything is. */
  check(entry: T): void;
  /** Checks the list as it would be after the write (e.g. overrides never overlap). */
  checkList?(entries: T[]): void;
}

export function createRedisOncallStore(client: Redis, keys: Keys): OncallStore {
  // Defined once per connection: ioredis then sends EVALSHA, not the script text, on every call.
  if (!("firebreakOncallRead" in client)) {
    client.defineCommand("firebreakOncallRead", { numberOfKeys: 3, lua: READ });
    client.defineCommand("firebreakOncallWrite", { numberOfKeys: 3, lua: WRITE });
  }
  const redis = client as ScriptedRedis;

  const read = async <T extends Dated>(
    spec: ListSpec<T>,
    since: Date,
  ): Promise<{ version: string; entries: T[] }> => {
    const [version = "0", ...jsons] = await redis.firebreakOncallRead(
      ...spec.keys,
      String(instantMs(since, "since")),
      spec.fieldPrefix,
    );
    return { version, entries: byStart(jsons.map((json) => JSON.parse(json) as T)) };
  };

  const change = async <T extends Dated>(
    spec: ListSpec<T>,
    since: Date,
    changer: (current: T[]) => ListChange<T> | null,
  ): Promise<T[]> => {
    const sinceMs = instantMs(since, "since");
    for (let attempt = 0; attempt < MAX_CHANGE_ATTEMPTS; attempt++) {
      const current = await read<T>(spec, since);
      // `changer` may throw to refuse: the error propagates and nothing has been written.
      const result = changer(current.entries);
      if (!result) return current.entries;
      const next = applyChange(spec, current.entries, result);
      const add = result.add ?? [];
      const remove = result.remove ?? [];
      const written = await redis.firebreakOncallWrite(
        ...spec.keys,
        current.version,
        String(sinceMs - ONCALL_HISTORY_MS),
        String(remove.length),
        ...remove.map((id) => spec.fieldPrefix + id),
        ...add.flatMap((e) => [spec.fieldPrefix + e.id, String(Date.parse(e.to)), JSON.stringify(e)]),
      );
      if (typeof written === "string") {
        throw new Error(
          `Refusing to write ${spec.label}: an entry with id ${JSON.stringify(written.slice(spec.fieldPrefix.length))} already exists (remove it in the same change to replace it)`,
        );
      }
      if (written === 1) return byStart(next.filter((e) => Date.parse(e.to) > sinceMs));
      // Someone else wrote first: back off a little, with jitter, so contenders stop colliding.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 4 * (attempt + 1)));
    }
    throw new UnavailableError(
      `The on-call schedule (${spec.label}) was being changed by many people at once, so nothing was changed. Try again in a moment.`,
    );
  };

  const overridesSpec = (rotation: string): ListSpec<Override> => ({
    keys: [
      keys.oncallOverrides(rotation),
      keys.oncallOverrideEnds(rotation),
      keys.oncallOverridesVersion(rotation),
    ],
    fieldPrefix: "",
    label: `overrides of rotation ${rotation}`,
    check: (o) => checkOverride(o, rotation),
    checkList: checkNoOverlap,
  });
  const awaySpec = (personId: string): ListSpec<Away> => ({
    keys: [keys.oncallAway(), keys.oncallAwayEnds(), keys.oncallAwayVersion(personId)],
    fieldPrefix: `${personId.length}:${personId}:`,
    label: `unavailability of ${personId}`,
    check: (a) => checkAway(a, personId),
  });
  // Everyone's unavailability: the whole list, no person prefix; only read (its version is not used).
  const everyoneAway: ListSpec<Away> = { ...awaySpec("everyone"), fieldPrefix: "", label: "unavailability" };

  return {
    async overrides(rotation, since) {
      return (await read<Override>(overridesSpec(rotation), since)).entries;
    },

    async changeOverrides(rotation, since, changer) {
      return change(overridesSpec(rotation), since, changer);
    },

    async away(since) {
      return (await read<Away>(everyoneAway, since)).entries;
    },

    async changeAway(personId, since, changer) {
      requireText(personId, "person id");
      return change(awaySpec(personId), since, changer);
    },

    async putDraft(kind, id, json, ttlMs) {
      if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0)
        throw new Error(`Draft TTL must be a positive integer of ms, not ${ttlMs}`);
      await redis.set(keys.oncallDraft(kind, requireText(id, "draft id")), json, "PX", ttlMs);
    },

    async peekDraft(kind, id) {
      return redis.get(keys.oncallDraft(kind, id));
    },

    async takeDraft(kind, id) {
      // GETDEL is atomic: of any number of concurrent takers, exactly one gets the text.
      return redis.getdel(keys.oncallDraft(kind, id));
    },

    async recordAsked(personIds, at) {
      const atMs = instantMs(at, "at");
      if (personIds.length === 0) return;
      const key = keys.oncallAsked();
      // The same person asked twice at the same instant is one entry (a retried delivery records nothing new).
      const members = [...new Set(personIds.map((p) => requireText(p, "person id")))].flatMap((p) => [
        atMs,
        `${atMs} ${p}`,
      ]);
      await redis
        .multi()
        .zadd(key, ...members)
        .zremrangebyscore(key, "-inf", `(${atMs - ASKED_HISTORY_MS}`)
        // Nobody asked for the whole window: every entry would be pruned anyway, so let the key go.
        .pexpire(key, ASKED_HISTORY_MS)
        .exec();
    },

    async askedSince(since) {
      const members = await redis.zrangebyscore(keys.oncallAsked(), instantMs(since, "since"), "+inf");
      // A Map, not an object literal: a person id is data and may be any string ("__proto__" included).
      const byPerson = new Map<string, number[]>();
      for (const member of members) {
        const space = member.indexOf(" ");
        const personId = member.slice(space + 1);
        const times = byPerson.get(personId) ?? [];
        times.push(Number(member.slice(0, space)));
        byPerson.set(personId, times);
      }
      return Object.fromEntries(byPerson);
    },

    async baseSnapshot(rotation) {
      return redis.get(keys.oncallBaseSnapshot(rotation));
    },

    async saveBaseSnapshot(rotation, snapshot) {
      await redis.set(keys.oncallBaseSnapshot(rotation), snapshot);
    },

    async calendarSecret() {
      // Not cached in memory: should the key ever be deleted (to revoke every feed URL), every process then
      // agrees on the one new secret the first of them creates.
      const key = keys.oncallCalendarSecret();
      const fresh = randomBytes(32).toString("base64url");
      if ((await redis.set(key, fresh, "NX")) === "OK") return fresh;
      const existing = await redis.get(key);
      if (existing) return existing;
      // Deleted between the two calls: try once more, from the top.
      if ((await redis.set(key, fresh, "NX")) === "OK") return fresh;
      return (await redis.get(key)) ?? fresh;
    },
  };
}

/** The list as `change` would leave it, checked; throws an Error (a bug in the caller) when it is not sound. */
function applyChange<T extends Dated>(spec: ListSpec<T>, current: T[], change: ListChange<T>): T[] {
  const add = change.add ?? [];
  const removing = new Set(change.remove ?? []);
  for (const id of removing) requireText(id, `id to remove from ${spec.label}`);
  const kept = current.filter((e) => !removing.has(e.id));
  const ids = new Set(kept.map((e) => e.id));
  for (const entry of add) {
    try {
      spec.check(entry);
    } catch (err) {
      throw new Error(`Refusing to write ${spec.label}: ${(err as Error).message}: ${JSON.stringify(entry)}`);
    }
    if (ids.has(entry.id)) {
      throw new Error(`Refusing to write ${spec.label}: the id ${JSON.stringify(entry.id)} is used twice`);
    }
    ids.add(entry.id);
  }
  const next = [...kept, ...add];
  spec.checkList?.(byStart(next));
  return next;
}

function checkOverride(o: Override, rotation: string): void {
  checkDated(o);
  if (o.rotation !== rotation) throw new Error(`it names rotation ${JSON.stringify(o.rotation)}`);
  requireText(o.personId, "personId");
  if (!(OVERRIDE_KINDS as readonly string[]).includes(o.kind)) throw new Error("its kind is unknown");
  if (o.replaces !== undefined) requireText(o.replaces, "replaces");
}

function checkAway(a: Away, personId: string): void {
  checkDated(a);
  if (a.personId !== personId) throw new Error(`it belongs to ${JSON.stringify(a.personId)}`);
}

function checkDated(e: { id: string; from: string; to: string; by: string; at: string }): void {
  requireText(e.id, "id");
  requireText(e.by, "by");
  for (const field of ["from", "to", "at"] as const) {
    if (isoInstantMs(e[field]) === null) throw new Error(`${field} is not an ISO 8601 instant`);
  }
  if (Date.parse(e.from) >= Date.parse(e.to)) throw new Error("from is not before to");
}

/** Overrides of one rotation never overlap: lookups rely on it (override-index.ts). `sorted` by start. */
function checkNoOverlap(sorted: Override[]): void {
  for (let i = 1; i < sorted.length; i++) {
    const before = sorted[i - 1] as Override;
    const after = sorted[i] as Override;
    if (Date.parse(after.from) < Date.parse(before.to)) {
      throw new Error(
        `Refusing to write overrides of rotation ${after.rotation}: ${before.id} and ${after.id} overlap`,
      );
    }
  }
}

function requireText(value: unknown, what: string): string {
  if (typeof value !== "string" || value === "") throw new Error(`${what} must be a non-empty string`);
  return value;
}

function instantMs(date: Date, what: string): number {
  const ms = date instanceof Date ? date.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw new Error(`${what} must be a valid Date`);
  return ms;
}

function byStart<T extends Dated>(entries: T[]): T[] {
  return entries
    .map((e) => ({ e, start: Date.parse(e.from) }))
    .sort((a, b) => a.start - b.start || (a.e.id < b.e.id ? -1 : a.e.id > b.e.id ? 1 : 0))
    .map(({ e }) => e);
}

const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * Epoch ms of an ISO 8601 instant with a zone (`Z` or `±HH:mm`), or null. Stricter than Date.parse, which
 * quietly rolls "2026-02-30" over into March: every field must be in range for its calendar date.
 */
export function isoInstantMs(text: unknown): number | null {
  if (typeof text !== "string") return null;
  const m = ISO_INSTANT.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s = "0", frac = "0", sign, oh = "0", om = "0"] = m.slice(1);
  const local = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const check = new Date(local);
  if (
    check.getUTCFullYear() !== Number(y) ||
    check.getUTCMonth() !== Number(mo) - 1 ||
    check.getUTCDate() !== Number(d) ||
    check.getUTCHours() !== Number(h) ||
    check.getUTCMinutes() !== Number(mi) ||
    check.getUTCSeconds() !== Number(s) ||
    Number(oh) > 23 ||
    Number(om) > 59
  ) {
    return null;
  }
  const offsetMs = (sign === "-" ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60_000;
  return local + Math.floor(Number(`0.${frac}`) * 1000) - offsetMs;
}
