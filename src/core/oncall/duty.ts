/**
 * Who is on duty in a rotation: its layers by precedence, restrictions applied, overrides on top. Pure
 * functions of the rotation, its overrides and the instants asked about (no clock, no store, no cache).
 *
 * The rules, at any instant:
 *
 * 1. An override covering the instant wins over every layer. Overrides of one rotation never overlap, so at
 *    most one covers an instant (override-index.ts); its window is half-open, [from, to).
 * 2. Otherwise the layers are asked in the order the config lists them, highest precedence first, and the
 *    first that has someone decides. A layer has nobody before its first handoff (rotation.ts) and, when it
 *    is restricted, outside its restriction windows; then the next layer down decides.
 * 3. When no layer has someone, nobody is on call: an explicit answer (`personId: null`, source "nobody"),
 *    never an error, so paging and messages can say it loudly.
 *
 * Restriction windows ("Mon–Fri 09:00–17:00") are read in the layer's zone: a window starts on each of its
 * `days` at `from` and ends at `to` the same day, or the next day when `to` is at or before `from` (22:00–06:00
 * is a night; 00:00–00:00 a whole day). Window bounds follow the handoff rule of rotation.ts: a bound inside
 * a DST gap is the transition (the first instant after the gap), a bound inside an overlap its first
 * occurrence. Windows that overlap or touch are one stretch of duty. A restricted layer's shifts keep their
 * numbering: the restriction only hides the parts of a shift outside every window.
 *
 * Segments (`dutyBetween`) tile the window asked about exactly, in order, with no gap and no overlap. Adjacent
 * pieces with the same source (the same override, or the same shift of the same layer, or nobody) are one
 * segment; the same person from two sources (their layer shift, then an override of theirs) stays two
 * segments, because the source is what messages show ("Bob (override by Alice)").
 *
 * Cost: `onCallAt` is the hot path (paging, lookups): a binary search in the override index, then per layer
 * the arithmetic shift lookup of rotation.ts and at most a few restriction windows around the instant; no
 * list of segments or shifts is built, so five years of history cost what tomorrow costs.
 */
import type { OverrideIndex } from "./override-index.js";
import { instantOfWallClock, onDutyAt, shiftByIndex, shiftsBetween, wallClockAt } from "./rotation.js";
import {
  type DutySegment,
  type DutySource,
  type Layer,
  type OncallRotation,
  type Override,
  type Restriction,
  WEEKDAYS,
} from "./types.js";

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** The earliest instant a Date can hold: where a nobody stretch that was never interrupted begins. */
const BEGINNING_OF_TIME = -8_640_000_000_000_000;
/** How far `nowAndNext` first looks back for the start of the current stretch; doubled until found. */
const FIRST_LOOKBACK_MS = DAY_MS;
/**
 * How far back a current stretch's start is looked for; one that began earlier is said to begin then ("since
 * at least"). A quarter says plenty about how long someone has been on, and bounds the walk to about 2,200
 * shifts even for a lone member on 1h shifts (a few milliseconds).
 */
export const MAX_LOOKBACK_MS = 92 * DAY_MS;

interface Interval {
  from: number;
  to: number;
}

/** One layer's person over an interval (a shift, or the part of it inside a restriction window). */
interface Piece extends Interval {
  personId: string;
  shiftIndex: number;
}

function instantOf(date: Date, what: string): number {
  const t = date instanceof Date ? date.getTime() : Number.NaN;
  if (Number.isNaN(t)) throw new RangeError(`${what} is not a valid Date`);
  return t;
}

/** "HH:mm" → minutes after midnight. Config parsing checked the format; a bad one here is a bug. */
function minutesOf(hhmm: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm);
  const minutes = m ? Number(m[1]) * 60 + Number(m[2]) : Number.NaN;
  if (!(minutes >= 0 && minutes < 24 * 60)) throw new RangeError(`restriction time "${hhmm}" is not HH:mm`);
  return minutes;
}

/** Weekday of a wall day (days since 1970-01-01, a Thursday). */
function weekdayOfDay(day: number) {
  return WEEKDAYS[(((day + 3) % 7) + 7) % 7] as (typeof WEEKDAYS)[number];
}

/** The window of one restriction that starts on wall day `day` in `zone`, as instants. */
function windowOn(zone: string, r: Restriction, day: number): Interval {
  const from = minutesOf(r.from);
  const to = minutesOf(r.to);
  const endDay = to <= from ? day + 1 : day;
  return {
    from: instantOfWallClock(zone, day * DAY_MS + from * MINUTE_MS),
    to: instantOfWallClock(zone, endDay * DAY_MS + to * MINUTE_MS),
  };
}

/** True when `instant` lies inside one of the layer's restriction windows (always, when unrestricted). */
function insideRestriction(layer: Layer, instant: number): boolean {
  const restrict = layer.restrict;
  if (!restrict) return true;
  const zone = layer.timezone;
  const wall = wallClockAt(zone, instant);
  const day = Math.floor(wall / DAY_MS);
  // A window lasts at most a day, so only windows starting the day before, that day or (when an overlap
  // repeats the hour around midnight) the day after can cover the instant, and such a window lies within a
  // day of it. When the offset is the same a day either side, no DST change is that near: wall readings and
  // instants differ by that one offset, so comparing wall readings is exact and needs no more zone lookups.
  const steady =
    wallClockAt(zone, instant - DAY_MS) === wall - DAY_MS &&
    wallClockAt(zone, instant + DAY_MS) === wall + DAY_MS;
  for (let d = day - 1; d <= day + 1; d++) {
    const weekday = weekdayOfDay(d);
    for (const r of restrict) {
      if (!r.days.includes(weekday)) continue;
      if (steady) {
        const from = minutesOf(r.from);
        const to = minutesOf(r.to);
        const start = d * DAY_MS + from * MINUTE_MS;
        const end = (to <= from ? d + 1 : d) * DAY_MS + to * MINUTE_MS;
        if (start <= wall && wall < end) return true;
        continue;
      }
      const w = windowOn(zone, r, d);
      if (w.from <= instant && instant < w.to) return true;
    }
  }
  return false;
}

/** The layer's restriction windows overlapping [from, to), clipped to it, merged where they overlap or touch. */
function windowsBetween(
  layer: Layer,
  restrict: readonly Restriction[],
  from: number,
  to: number,
): Interval[] {
  const firstDay = Math.floor(wallClockAt(layer.timezone, from) / DAY_MS) - 1;
  const lastDay = Math.floor(wallClockAt(layer.timezone, to) / DAY_MS) + 1;
  const found: Interval[] = [];
  for (let d = firstDay; d <= lastDay; d++) {
    const weekday = weekdayOfDay(d);
    for (const r of restrict) {
      if (!r.days.includes(weekday)) continue;
      const w = windowOn(layer.timezone, r, d);
      const a = Math.max(w.from, from);
      const b = Math.min(w.to, to);
      if (a < b) found.push({ from: a, to: b });
    }
  }
  found.sort((x, y) => x.from - y.from);
  const merged: Interval[] = [];
  for (const w of found) {
    const last = merged[merged.length - 1];
    if (last && w.from <= last.to) last.to = Math.max(last.to, w.to);
    else merged.push({ ...w });
  }
  return merged;
}

/** Who one layer has on over [from, to): its shifts, clipped to the window and to its restriction windows. */
function layerPieces(layer: Layer, from: number, to: number): Piece[] {
  const pieces: Piece[] = shiftsBetween(layer, new Date(from), new Date(to)).map((s) => ({
    from: Math.max(s.shiftStart.getTime(), from),
    to: Math.min(s.shiftEnd.getTime(), to),
    personId: s.personId,
    shiftIndex: s.shiftIndex,
  }));
  if (!layer.restrict) return pieces;
  const windows = windowsBetween(layer, layer.restrict, from, to);
  // Both lists are sorted and non-overlapping: intersect them in one pass.
  const out: Piece[] = [];
  let w = 0;
  for (const p of pieces) {
    while (w < windows.length && (windows[w] as Interval).to <= p.from) w++;
    for (let i = w; i < windows.length; i++) {
      const win = windows[i] as Interval;
      if (win.from >= p.to) break;
      out.push({ ...p, from: Math.max(p.from, win.from), to: Math.min(p.to, win.to) });
    }
  }
  return out;
}

/** Who one layer has on duty at `instant` (its restrictions applied), or null: nobody in this layer. */
export function layerAt(layer: Layer, instant: Date): { personId: string; shiftIndex: number } | null {
  // The window check first: it is the cheaper of the two, and outside its windows the shift does not matter.
  if (!insideRestriction(layer, instantOf(instant, "instant"))) return null;
  const shift = onDutyAt(layer, instant);
  return shift && { personId: shift.personId, shiftIndex: shift.shiftIndex };
}

const NOBODY: DutySource = { kind: "nobody" };

/**
 * Who is on duty at `instant`: the override covering it if any, else the first layer (by precedence) that has
 * someone, else explicitly nobody. The hot path of paging: O(log overrides + layers).
 */
export function onCallAt(
  rotation: OncallRotation,
  overrides: OverrideIndex,
  instant: Date,
): { personId: string | null; source: DutySource } {
  const override = overrides.at(instantOf(instant, "instant"));
  if (override) return { personId: override.personId, source: { kind: "override", override } };
  for (let layer = 0; layer < rotation.layers.length; layer++) {
    const on = layerAt(rotation.layers[layer] as Layer, instant);
    if (on) return { personId: on.personId, source: { kind: "layer", layer, shiftIndex: on.shiftIndex } };
  }
  return { personId: null, source: NOBODY };
}

function sameSource(a: DutySource, b: DutySource): boolean {
  if (a.kind === "override") return b.kind === "override" && a.override.id === b.override.id;
  if (a.kind === "layer") return b.kind === "layer" && a.layer === b.layer && a.shiftIndex === b.shiftIndex;
  return b.kind === "nobody";
}

/**
 * The duty segments tiling [from, to) exactly (the first starts at `from`, the last ends at `to`), in order.
 * Adjacent pieces with the same person and the same source (the same override, or the same layer shift) are
 * one segment; a stretch with nobody is a segment with `personId: null`. Empty when `to` is not after `from`.
 */
export function dutyBetween(
  rotation: OncallRotation,
  overrides: OverrideIndex,
  fromDate: Date,
  toDate: Date,
): DutySegment[] {
  const from = instantOf(fromDate, "from");
  const to = instantOf(toDate, "to");
  if (to <= from) return [];
  const layers = rotation.layers.map((layer) => layerPieces(layer, from, to));
  const inForce = overrides.overlapping(from, to).map((o) => ({
    override: o,
    from: Math.max(Date.parse(o.from), from),
    to: Math.min(Date.parse(o.to), to),
  }));

  // Between two consecutive cut points nothing changes: every piece and override starts and ends on one.
  const cuts = new Set<number>([from, to]);
  for (const pieces of layers) for (const p of pieces) cuts.add(p.from).add(p.to);
  for (const o of inForce) cuts.add(o.from).add(o.to);
  const points = [...cuts].sort((a, b) => a - b);

  const segments: DutySegment[] = [];
  const cursor = layers.map(() => 0);
  let o = 0;
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i] as number;
    const b = points[i + 1] as number;
    let personId: string | null = null;
    let source: DutySource = NOBODY;
    while (o < inForce.length && (inForce[o] as { to: number }).to <= a) o++;
    const override = inForce[o];
    if (override && override.from <= a) {
      personId = override.override.personId;
      source = { kind: "override", override: override.override };
    } else {
      for (let l = 0; l < layers.length; l++) {
        const pieces = layers[l] as Piece[];
        let c = cursor[l] as number;
        while (c < pieces.length && (pieces[c] as Piece).to <= a) c++;
        cursor[l] = c;
        const piece = pieces[c];
        if (piece && piece.from <= a) {
          personId = piece.personId;
          source = { kind: "layer", layer: l, shiftIndex: piece.shiftIndex };
          break;
        }
      }
    }
    const last = segments[segments.length - 1];
    if (last && sameSource(last.source, source)) last.to = new Date(b);
    else segments.push({ personId, from: new Date(a), to: new Date(b), source });
  }
  return segments;
}

/** Consecutive segments of the same person (null counts as one) joined; each keeps its first piece's source. */
export function joinByPerson(segments: readonly DutySegment[]): DutySegment[] {
  const out: DutySegment[] = [];
  for (const s of segments) {
    const last = out[out.length - 1];
    if (last && last.personId === s.personId) last.to = s.to;
    else out.push({ ...s });
  }
  return out;
}

/** Before this instant nobody was ever on: no layer had had a handoff and no override had begun. */
function dawnOf(rotation: OncallRotation, overrides: OverrideIndex): number {
  let dawn = Number.POSITIVE_INFINITY;
  for (const layer of rotation.layers) dawn = Math.min(dawn, shiftByIndex(layer, 0).shiftStart.getTime());
  const first = overrides.list[0] as Override | undefined;
  if (first) dawn = Math.min(dawn, Date.parse(first.from));
  return dawn;
}

/**
 * When the stretch of `personId` (null: nobody) that reaches up to `now` began. Walks back in windows of a
 * day, then two, four, ... (each window only once, ending where the later one began) until the stretch starts
 * inside one, or the walk reaches back past the rotation's dawn (then a nobody stretch has always been:
 * BEGINNING_OF_TIME), or back MAX_LOOKBACK_MS: then the stretch began at least that long ago and that is the
 * answer ("since at least"). Without the cap a single member with 1h shifts since years ago costs a walk over
 * every shift since, over half a second per question; with it the cost is bounded.
 */
function stretchStart(
  rotation: OncallRotation,
  overrides: OverrideIndex,
  now: number,
  personId: string | null,
): number {
  const dawn = dawnOf(rotation, overrides);
  if (now <= dawn) return BEGINNING_OF_TIME;
  const floor = Math.max(dawn - 1, now - MAX_LOOKBACK_MS);
  let windowEnd = now;
  for (let size = FIRST_LOOKBACK_MS; ; size *= 2) {
    const windowStart = Math.max(windowEnd - size, floor);
    const before = dutyBetween(rotation, overrides, new Date(windowStart), new Date(windowEnd));
    let i = before.length - 1;
    while (i >= 0 && (before[i] as DutySegment).personId === personId) i--;
    if (i >= 0) return (before[i] as DutySegment).to.getTime();
    if (windowStart <= dawn - 1) return personId === null ? BEGINNING_OF_TIME : windowStart;
    if (windowStart <= floor) return windowStart;
    windowEnd = windowStart;
  }
}

/**
 * Who is on now and who comes next: `current` is the segment covering `now` with its real bounds (it may have
 * started before `now`), `next` the following segments (up to `count`) each with a different person than the
 * one before it, looking at most `horizonMs` ahead. "Nobody" segments count as people here: a gap is news.
 *
 * A person's stretch is what people mean by "on call until": consecutive segments of the same person are one
 * (their shift running into an override of theirs), keeping the source of the piece at `now` for `current`
 * and of the first piece for each of `next`. `current.to` is capped at `now + horizonMs`: when it equals that,
 * the stretch lasts at least that long. A nobody stretch that began before anyone was ever on starts at the
 * earliest Date (-8.64e15 ms). `current.from` is likewise capped at `now − MAX_LOOKBACK_MS`: when it equals
 * that, the stretch began at least that long ago.
 */
export function nowAndNext(
  rotation: OncallRotation,
  overrides: OverrideIndex,
  now: Date,
  count: number,
  horizonMs: number,
): { current: DutySegment; next: DutySegment[] } {
  const t = instantOf(now, "now");
  const end = t + Math.max(1, horizonMs);
  const ahead = joinByPerson(dutyBetween(rotation, overrides, now, new Date(end)));
  const first = ahead[0] as DutySegment;
  const at = onCallAt(rotation, overrides, now);
  const current: DutySegment = {
    personId: first.personId,
    from: new Date(stretchStart(rotation, overrides, t, first.personId)),
    to: first.to,
    source: at.source,
  };
  return { current, next: ahead.slice(1, 1 + Math.max(0, count)) };
}
