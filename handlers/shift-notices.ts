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
 *    when the config file changed it, the people whose time moved are told (tellMoved) and the snapshot saved.
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
import { clipSegments, shiftMoves } from "../src/core/oncall/moves.js";
import { NO_OVERRIDES } from "../src/core/oncall/override-index.js";
import { personById } from "../src/core/oncall/people.js";
import type { DutySegment, DutySource, OncallRotation } from "../src/core/oncall/types.js";
import type { Platform } from "../src/core/platform.js";
import type { DutySourceVars, OncallNoticesVarsMap } from "../src/core/templates/registry-oncall-notices.js";
import type { HandlerContext } from "./context.js";
import { tellMoved } from "./oncall-moves.js";
import { personRef, reachOf, servedPlatforms } from "./oncall-reach.js";
import { loadOverrides } from "./oncall-state.js";

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
      await noticeShifts(ctx, rotation, now);
      await noticeConfigMoves(ctx, rotation, now);
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

async function noticeShifts(ctx: HandlerContext, rotation: OncallRotation, now: Date): Promise<void> {
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
    timezone: personById(ctx.settings, personId)?.timezone ?? ctx.settings.timezone,
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
  const channelName = rotation.channel ?? ctx.settings.announceChannel;
  const at = stretch.from.toISOString();
  for (const { name, platform } of servedPlatforms(ctx)) {
    const channelId = await platform.resolveChannel(channelName);
    if (!channelId) {
      ctx.logger.warn(
        { rotation: rotation.id, channel: channelName, platform: name },
        "on-call: the rotation's channel does not exist; create it or fix `channel` (or announce_channel) in the config",
      );
      continue;
    }
    const vars: OncallNoticesVarsMap["oncall-handoff"] = {
      rotation: rotation.name ?? rotation.id,
      ...(stretch.personId && { to: personRef(ctx, stretch.personId, name) }),
      ...(before?.personId && { from: personRef(ctx, before.personId, name) }),
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
    return { override: { kind: source.override.kind, by: personRef(ctx, source.override.by, platform) } };
  }
  if (source.kind === "layer" && rotation.layers.length > 1) {
    return { layer: rotation.layers[source.layer]?.name ?? String(source.layer + 1) };
  }
  return {};
}

// ---------------------------------------------------------------------------------------------------------
// Config changes
// ---------------------------------------------------------------------------------------------------------

/** A rotation's base schedule as stored: who is on (null: nobody) over [from, to), epoch ms. */
interface BaseSnapshot {
  v: 1;
  from: number;
  to: number;
  duty: Array<[string | null, number, number]>;
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
 * Compares the base schedule with the last snapshot over what both cover from now on, tells the people whose
 * time moved, and saves the new snapshot. The first snapshot of a rotation is saved without telling anyone:
 * there is nothing to compare with.
 */
async function noticeConfigMoves(ctx: HandlerContext, rotation: OncallRotation, now: Date): Promise<void> {
  const t = now.getTime();
  const fresh = baseSnapshot(rotation, t);
  const text = JSON.stringify(fresh);
  const storedText = await ctx.oncall.baseSnapshot(rotation.id);
  if (storedText === text) return;
  const stored = parseSnapshot(storedText);
  if (stored) {
    const from = new Date(Math.max(stored.from, fresh.from, t));
    const to = new Date(Math.min(stored.to, fresh.to));
    const moves = shiftMoves(
      clipSegments(segmentsOf(stored), from, to),
      clipSegments(segmentsOf(fresh), from, to),
    );
    if (moves.length > 0) {
      // The old snapshot is in the key too, so a rotation changed back and forth is told every time.
      const hash = createHash("sha256").update(`${storedText}\n${text}`).digest("hex").slice(0, 20);
      ctx.logger.info(
        { rotation: rotation.id, moved: moves.map((m) => m.personId) },
        "on-call: config moved shifts",
      );
      await tellMoved(ctx, rotation, moves, { kind: "config" }, `oncall/${rotation.id}/config/${hash}`);
    }
  }
  await ctx.oncall.saveBaseSnapshot(rotation.id, text);
}
