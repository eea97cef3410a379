/**
 * Shift notices, run by the worker every minute (src/infra/queue/workers.ts). One pass over every rotation:
 *
 * 1. A DM to each person whose stretch of duty starts within (now, now + notify_before]: once per stretch,
 *    by a deterministic outbox key (rotation, start instant, person). Overrides count: whoever is on after
 *    swaps and covers is told, not the base schedule's person. A stretch that already began is not told late.
 * 2. A post in the rotation's channel at each handoff (the person changes, or nobody is left) that happened at
 *    or before now and less than HANDOFF_FRESH_MS ago: a worker that was down for an hour does not post an
 *    hour of stale handoffs when it returns, and a handoff is seen by about ten scans, of which the first posts
 *    and the rest find its key taken.
 * 3. Config changes: the rotation's base schedule (layers only) for the next 8 weeks is kept as a snapshot;
 *    when the config file changed it, the people whose time on duty moved (overrides applied: a change hidden
 *    under an override moves nobody) are told (tellMoved) and the snapshot saved. Two workers running two
 *    configs during a rolling deploy do not overwrite each other's snapshot (see anotherConfigRuns).
 *
 * "Once" rests on the outbox: a key stays taken for 90 days after delivery (outbox-store.ts), far longer than
 * any window here, so every scan may re-queue the same items and nothing is sent twice.
 *
 * A stretch is what people mean by a shift: consecutive segments of the same person are one (a single-member
 * rotation is one long stretch; Bob's shift running into an override of Bob's is one), so nobody is told their
 * shift starts while they are already on.
 */
import { createHash } from "node:crypto";
import { dutyBetween, joinByPerson } from "../src/core/oncall/duty.js";
import { clipSegments, outsideWindows, shiftMoves } from "../src/core/oncall/moves.js";
import { NO_OVERRIDES, type OverrideIndex } from "../src/core/oncall/override-index.js";
import type { DutySegment, DutySource, OncallRotation } from "../src/core/oncall/types.js";
import type { Platform } from "../src/core/platform.js";
import type { DutySourceVars, OncallNoticesVarsMap } from "../src/core/templates/registry-oncall-notices.js";
import type { HandlerContext } from "./context.js";
import { tellMoved } from "./oncall-moves.js";
import { personVars, zoneOfPerson } from "./oncall-people.js";
import { reachOf, servedPlatforms } from "./oncall-reach.js";
import { loadOverrides, rotationChannel } from "./oncall-state.js";

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Handoffs older than this are not posted: see the top of the file. */
export const HANDOFF_FRESH_MS = 10 * MINUTE_MS;
/** How far ahead a shift's end is looked for, and how far the base-schedule snapshot reaches. */
export const LOOKAHEAD_MS = 14 * DAY_MS;
/**
 * How far ahead a config change is looked for: eight weeks, so a reordered rotation of 2- or 4-week shifts
 * tells the people whose turns moved a month out, not only those within the next fortnight.
 */
export const SNAPSHOT_MS = 8 * 7 * DAY_MS;

/** One pass: DMs before shifts, handoff posts, and people told when the config moved their shifts. */
export async function scanShifts(ctx: HandlerContext): Promise<void> {
  const now = ctx.clock.now();
  let failure: unknown;
  // One rotation's trouble (a store hiccup, a bad channel) must not silence the others' notices.
  for (const rotation of ctx.settings.rotations) {
    try {
      const overrides = await noticeShifts(ctx, rotation, now);
      await noticeConfigMoves(ctx, rotation, now, overrides);
    } catch (err) {
      failure ??= err;
      ctx.logger.error(
        { rotation: rotation.id, err: String(err) },
        "on-call: shift scan failed for a rotation",
      );
    }
  }
  if (failure) throw failure;
}

// ---------------------------------------------------------------------------------------------------------
// Shift DMs and handoff posts
// ---------------------------------------------------------------------------------------------------------

/** Returns the overrides it read (those ending after the handoff window's start), which the config pass reuses. */
async function noticeShifts(
  ctx: HandlerContext,
  rotation: OncallRotation,
  now: Date,
): Promise<OverrideIndex> {
  const t = now.getTime();
  const from = t - HANDOFF_FRESH_MS;
  const notifyBefore = Math.max(0, rotation.notifyBeforeMs);
  const end = t + notifyBefore + LOOKAHEAD_MS;
  const overrides = await loadOverrides(ctx, rotation.id, new Date(from));
  const stretches = joinByPerson(dutyBetween(rotation, overrides, new Date(from), new Date(end)));
  for (let i = 0; i < stretches.length; i++) {
    const s = stretches[i] as DutySegment;
    const start = s.from.getTime();
    // The first stretch starts where the window was cut, not at a handoff.
    if (start <= from) continue;
    const until = s.to.getTime() < end ? s.to.toISOString() : undefined;
    if (start <= t) await postHandoff(ctx, rotation, s, stretches[i - 1], until);
    else if (start <= t + notifyBefore && s.personId) await tellShiftSoon(ctx, rotation, s, t, until);
    else if (start > t + notifyBefore) break;
  }
  return overrides;
}

async function tellShiftSoon(
  ctx: HandlerContext,
  rotation: OncallRotation,
  stretch: DutySegment,
  now: number,
  until: string | undefined,
): Promise<void> {
  const personId = stretch.personId as string;
  const reach = reachOf(ctx, personId);
  if (!reach) {
    ctx.logger.warn(
      { rotation: rotation.id, person: personId },
      "on-call: cannot tell a person their shift starts: no account on a platform this process serves",
    );
    return;
  }
  const vars: OncallNoticesVarsMap["oncall-shift-soon-dm"] = {
    rotation: rotation.name ?? rotation.id,
    from: stretch.from.toISOString(),
    ...(until && { until }),
    horizon: LOOKAHEAD_MS,
    in: stretch.from.getTime() - now,
    timezone: zoneOfPerson(ctx, personId),
    source: sourceVars(ctx, rotation, stretch.source, reach.platform),
  };
  await ctx.outbox.send({
    key: `oncall/${rotation.id}/shift/${stretch.from.toISOString()}/${personId}`,
    platform: reach.platform,
    op: { kind: "direct", userId: reach.userId, message: ctx.render("oncall-shift-soon-dm", vars) },
  });
}

async function postHandoff(
  ctx: HandlerContext,
  rotation: OncallRotation,
  stretch: DutySegment,
  before: DutySegment | undefined,
  until: string | undefined,
): Promise<void> {
  const at = stretch.from.toISOString();
  for (const { name } of servedPlatforms(ctx)) {
    const channelId = await rotationChannel(ctx, name, rotation);
    if (!channelId) continue;
    const vars: OncallNoticesVarsMap["oncall-handoff"] = {
      rotation: rotation.name ?? rotation.id,
      ...(stretch.personId && { to: personVars(ctx, name, stretch.personId) }),
      ...(before?.personId && { from: personVars(ctx, name, before.personId) }),
      at,
      ...(until && { until }),
      timezone: rotation.layers[0]?.timezone ?? ctx.settings.timezone,
      source: sourceVars(ctx, rotation, stretch.source, name),
    };
    await ctx.outbox.send({
      key: `oncall/${rotation.id}/handoff/${at}/${stretch.personId ?? "nobody"}/${name}`,
      platform: name,
      op: { kind: "post", channelId, message: ctx.render("oncall-handoff", vars) },
    });
  }
}

/** Where duty comes from, as messages say it: the override and who made it, or the layer when there are several. */
function sourceVars(
  ctx: HandlerContext,
  rotation: OncallRotation,
  source: DutySource,
  platform: Platform,
): DutySourceVars {
  if (source.kind === "override") {
    return { override: { kind: source.override.kind, by: personVars(ctx, platform, source.override.by) } };
  }
  if (source.kind === "layer" && rotation.layers.length > 1) {
    return { layer: rotation.layers[source.layer]?.name ?? String(source.layer + 1) };
  }
  return {};
}

// ---------------------------------------------------------------------------------------------------------
// Config changes
// ---------------------------------------------------------------------------------------------------------

/** A worker saves an unchanged snapshot again this often, so others can tell it is still running. */
export const SNAPSHOT_REFRESH_MS = 5 * MINUTE_MS;
/** A snapshot saved less than this ago by a worker with another config means that worker still runs. */
export const SNAPSHOT_LIVE_MS = 3 * SNAPSHOT_REFRESH_MS;

/**
 * A rotation's base schedule as stored: who is on (null: nobody) over [from, to), epoch ms; with the hash of
 * the config that made it and when it was saved (both absent in snapshots saved before they existed).
 */
interface BaseSnapshot {
  v: 1;
  from: number;
  to: number;
  duty: Array<[string | null, number, number]>;
  config?: string;
  savedAt?: number;
}

/**
 * What this process's scanner remembers: when it first scanned (its start, as far as snapshots are concerned,
 * by the same clock it saves them with) and which rotations it has already warned about. Keyed by the context,
 * which a process builds once, so two Firebreaks in one test process are two workers.
 */
const scanners = new WeakMap<HandlerContext, { startedAt: number; warned: Set<string> }>();

function scannerOf(ctx: HandlerContext, now: number): { startedAt: number; warned: Set<string> } {
  let scanner = scanners.get(ctx);
  if (!scanner) {
    scanner = { startedAt: now, warned: new Set() };
    scanners.set(ctx, scanner);
  }
  return scanner;
}

/** The rotation's config as it decides the base schedule (its layers), hashed: equal configs, equal hashes. */
export function configHash(rotation: OncallRotation): string {
  return createHash("sha256").update(JSON.stringify(rotation.layers)).digest("hex").slice(0, 16);
}

/**
 * The base schedule from the start of the current hour for SNAPSHOT_MS. Starting on the hour keeps the
 * snapshot, and so the key of the messages it causes, the same for every scan within that hour: a scan that
 * fails between telling people and saving is retried a minute later with the same key and sends nothing twice.
 */
function baseSnapshot(rotation: OncallRotation, now: number): BaseSnapshot {
  const from = Math.floor(now / HOUR_MS) * HOUR_MS;
  const to = from + SNAPSHOT_MS;
  const segments = joinByPerson(
    dutyBetween(rotation, NO_OVERRIDES(rotation.id), new Date(from), new Date(to)),
  );
  return { v: 1, from, to, duty: segments.map((s) => [s.personId, s.from.getTime(), s.to.getTime()]) };
}

/** The schedule part of a snapshot as text (what is compared, and what message keys derive from). */
function dutyText(snapshot: BaseSnapshot): string {
  return JSON.stringify({ v: 1, from: snapshot.from, to: snapshot.to, duty: snapshot.duty });
}

function parseSnapshot(text: string | null): BaseSnapshot | null {
  if (!text) return null;
  try {
    const parsed = JSON.parse(text) as BaseSnapshot;
    return parsed?.v === 1 && Array.isArray(parsed.duty) ? parsed : null;
  } catch {
    return null; // unreadable (an older format): start afresh, silently
  }
}

function segmentsOf(snapshot: BaseSnapshot): DutySegment[] {
  return snapshot.duty.map(([personId, from, to]) => ({
    personId,
    from: new Date(from),
    to: new Date(to),
    source: { kind: "nobody" },
  }));
}

/**
 * During a rolling deploy two workers run two configs: were each to overwrite the other's snapshot, people
 * would be told "moved", "moved back", "moved" every minute. A worker therefore leaves alone a snapshot made by
 * another config that was saved after this worker started (so it is not the old config this worker replaces)
 * and recently (so its worker still runs: workers refresh their snapshot every SNAPSHOT_REFRESH_MS). Whichever
 * worker outlives the other takes over once the other's snapshot goes stale, and tells what moved then.
 */
function anotherConfigRuns(stored: BaseSnapshot, config: string, startedAt: number, now: number): boolean {
  if (stored.config === config || stored.savedAt === undefined) return false;
  return stored.savedAt > startedAt && now - stored.savedAt < SNAPSHOT_LIVE_MS;
}

/**
 * Compares the base schedule with the last snapshot over what both cover from now on, tells the people whose
 * time on duty moved, and saves the new snapshot. The first snapshot of a rotation is saved without telling
 * anyone: there is nothing to compare with.
 *
 * Moves are told on the schedule people actually work: the overrides in force win over the layers inside their
 * windows, old config or new, so the parts of every move inside an override's window are cut away (someone is
 * not told "you are now on call" for a night a swap gives to someone else).
 */
async function noticeConfigMoves(
  ctx: HandlerContext,
  rotation: OncallRotation,
  now: Date,
  overrides: OverrideIndex,
): Promise<void> {
  const t = now.getTime();
  const scanner = scannerOf(ctx, t);
  const config = configHash(rotation);
  const fresh = baseSnapshot(rotation, t);
  const stored = parseSnapshot(await ctx.oncall.baseSnapshot(rotation.id));
  if (stored && anotherConfigRuns(stored, config, scanner.startedAt, t)) {
    if (!scanner.warned.has(rotation.id)) {
      scanner.warned.add(rotation.id);
      ctx.logger.warn(
        { rotation: rotation.id, theirs: stored.config, ours: config },
        `on-call: another worker runs a different config for rotation ${rotation.id}; leaving its schedule snapshot alone (and telling nobody of moved shifts) until it stops`,
      );
    }
    return;
  }
  scanner.warned.delete(rotation.id);
  const sameDuty = stored !== null && dutyText(stored) === dutyText(fresh);
  if (sameDuty && stored.config === config && t - (stored.savedAt ?? 0) < SNAPSHOT_REFRESH_MS) return;
  if (stored && !sameDuty) await tellConfigMoves(ctx, rotation, stored, fresh, t, overrides);
  const saved: BaseSnapshot = { ...fresh, config, savedAt: t };
  await ctx.oncall.saveBaseSnapshot(rotation.id, JSON.stringify(saved));
}

async function tellConfigMoves(
  ctx: HandlerContext,
  rotation: OncallRotation,
  stored: BaseSnapshot,
  fresh: BaseSnapshot,
  now: number,
  overrides: OverrideIndex,
): Promise<void> {
  const from = new Date(Math.max(stored.from, fresh.from, now));
  const to = new Date(Math.min(stored.to, fresh.to));
  if (!(from < to)) return;
  // The scan's read covers this window: it holds every override ending after (now - HANDOFF_FRESH_MS) <= from.
  const overridden = overrides
    .overlapping(from.getTime(), to.getTime())
    .map((o) => ({ from: new Date(o.from), to: new Date(o.to) }));
  const moves = outsideWindows(
    shiftMoves(clipSegments(segmentsOf(stored), from, to), clipSegments(segmentsOf(fresh), from, to)),
    overridden,
  );
  if (moves.length === 0) return;
  // The old schedule is in the key too, so a rotation changed back and forth is told every time.
  const hash = createHash("sha256")
    .update(`${dutyText(stored)}\n${dutyText(fresh)}`)
    .digest("hex")
    .slice(0, 20);
  ctx.logger.info(
    { rotation: rotation.id, moved: moves.map((m) => m.personId) },
    "on-call: config moved shifts",
  );
  await tellMoved(ctx, rotation, moves, { kind: "config" }, `oncall/${rotation.id}/config/${hash}`);
}
