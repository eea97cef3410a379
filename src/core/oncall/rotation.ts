/**
 * The base on-call schedule: who a rotation puts on duty at an instant, and which shifts overlap a window.
 *
 * Everything here is a pure function of the rotation and the instants asked about (no clock, no store, no
 * cache), so overrides and layers can later be laid over the base shift list without this file knowing.
 *
 * Shifts are numbered 0, 1, 2, ... from the first handoff; shift k belongs to `members[k % members.length]` and
 * covers the half-open interval [shiftStart, shiftEnd), so consecutive shifts tile time with no gap or overlap.
 * Before the first handoff nobody is on duty: `onDutyAt` returns null, an explicit "nobody", not an error.
 *
 * Where the handoffs fall, in the rotation's time zone:
 *
 * - The first handoff is at `handoffTime` on `start`; for weekly shifts with a `handoffWeekday`, on the first
 *   such weekday on or after `start`.
 * - Shifts of whole days (1d, 3d, 1w, 2w, ...) hand off at the handoff wall-clock time every `count` calendar
 *   days. A 1d shift is 09:00 → 09:00 local even when that day has 23 or 25 hours, and a 1w shift that spans a
 *   DST change lasts 167 or 169 hours.
 * - Shifts of hours that divide 24 (1h, 2h, 3h, 4h, 6h, 8h, 12h, 24h) stay on a wall-clock grid anchored at the
 *   handoff time: 12h from 09:00 hands off at 09:00 and 21:00 local every day, so the shift that spans a DST
 *   change is an hour shorter or longer. People plan their lives around "the night shift starts at 21:00".
 * - Other hour lengths (5h, 36h, 48h, ...) have no daily grid to stay on, so they step in elapsed time from the
 *   first handoff: each shift lasts exactly that many real hours, and the local handoff time moves with DST.
 * - A handoff time that does not exist that day (inside a DST gap, e.g. 02:30 when clocks jump 02:00 → 03:00)
 *   happens at the first instant after the gap, the transition itself (03:00 local). "Hand off at 02:30" means
 *   "once the clock reads 02:30 or later", and 03:00 is the first moment it does; moving by the gap's length
 *   instead (to 03:30, as `Date` and TZDate normalise) would leave the previous person on longer for no reason.
 * - A handoff time that occurs twice (inside a DST overlap, e.g. 02:30 when clocks fall back 03:00 → 02:00)
 *   happens at the first occurrence, the earlier instant (still in summer time): the clock has shown the
 *   handoff time, so the handoff is due, and nobody hands back when the hour repeats.
 * - With 1h grid shifts, the slot that starts at a gap's start also ends at its end: a zero-length shift. It
 *   keeps its index (so members' turns stay aligned with the grid) but covers no instant, so `onDutyAt` never
 *   returns it and `shiftsBetween` leaves it out; that member simply has no shift that night.
 *
 * Zone math uses @date-fns/tz: TZDate to read an instant's wall clock, `tzOffset` for the zone's UTC offsets.
 * Turning a wall-clock time back into an instant is done here, on top of `tzOffset`, because the rule above
 * is ours to keep: TZDate's constructor (1.5.0) moves a gap time forward by the gap's length (02:30 → 03:30)
 * and picks either occurrence of an overlap time depending on the host's own zone.
 *
 * Cost: every query computes the shift index arithmetically from the wall-clock (or elapsed) distance to the
 * first handoff, then corrects it by at most a step or two for DST, so a date centuries after `start` costs
 * the same as tomorrow.
 */
import { TZDate, tzOffset } from "@date-fns/tz";
import { type Rotation, type Shift, type ShiftLength, WEEKDAYS, type Weekday } from "./types.js";

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** A shift longer than a year is surely a typo (say 400d for 400h); refusing it brings the typo to light. */
const MAX_SHIFT_DAYS = 366;

/** A rotation as written in the config file, before normalising. */
export interface RotationInput {
  id: string;
  members: readonly string[];
  /** "12h", "1d", "1w", "2w", ... */
  shift: string;
  /** "09:00", or "Mon 09:00" for weekly shifts. */
  handoff: string;
  timezone: string;
  /** "YYYY-MM-DD" */
  start: string;
}

/** `error` names the field and says how to fix it; the config loader adds the file and line. */
export type RotationParseResult = { ok: true; rotation: Rotation } | { ok: false; error: string };

// ---------------------------------------------------------------------------------------------------------
// Parsing and normalising
// ---------------------------------------------------------------------------------------------------------

const SHIFT_RE = /^(\d+)\s*([hdw])$/i;
const TIME_RE = /^(\d{1,2}):(\d{2})$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const WEEKDAY_LIST = WEEKDAYS.join(", ");

/**
 * Checks and normalises the rotation fields of the config file. Lenient where intent is clear ("mon 9:00",
 * "Monday 09:00", "1W"), strict where a guess could put the wrong person on call.
 */
export function parseRotation(input: RotationInput): RotationParseResult {
  const fail = (error: string): RotationParseResult => ({
    ok: false,
    error: input.id ? `rotation "${input.id}": ${error}` : `rotation: ${error}`,
  });

  if (typeof input.id !== "string" || !input.id.trim()) {
    return fail("id is empty; give the rotation an id such as primary.");
  }
  if (!Array.isArray(input.members) || input.members.length === 0) {
    return fail("members is empty; list the person ids in turn order, e.g. members: [alice, bob].");
  }
  const blank = input.members.findIndex((m) => typeof m !== "string" || !m.trim());
  if (blank >= 0) return fail(`members[${blank}] is blank; every member must be a person id such as alice.`);

  const shift = parseShiftLength(input.shift);
  if (typeof shift === "string") return fail(shift);

  const handoff = parseHandoff(input.handoff);
  if (typeof handoff === "string") return fail(handoff);
  const weekly = shift.unit === "days" && shift.count % 7 === 0;
  if (handoff.weekday && !weekly) {
    return fail(
      `handoff "${input.handoff}" names a weekday, but shift "${input.shift}" is not a whole number of weeks; ` +
        `write handoff: "${handoff.time}", or use a weekly shift such as 1w.`,
    );
  }

  if (!isTimeZone(input.timezone)) {
    return fail(
      `timezone "${input.timezone}" is not a known IANA time zone; use a name such as Europe/Berlin, ` +
        "America/New_York or UTC.",
    );
  }

  const start = parseCivilDate(input.start);
  if (start === null) {
    return fail(`start "${input.start}" is not a calendar date; write it as YYYY-MM-DD, e.g. 2026-11-02.`);
  }

  const rotation: Rotation = {
    id: input.id,
    members: [...input.members],
    shift,
    handoffTime: handoff.time,
    timezone: input.timezone,
    start: input.start,
  };
  // Spell out the weekday a weekly rotation hands off on, so it is shown the same way whether or not the
  // config named it.
  if (weekly) rotation.handoffWeekday = handoff.weekday ?? weekdayOf(start);
  return { ok: true, rotation };
}

/** "12h" / "1d" / "2w" → a shift length, or a message saying what is wrong with it. */
export function parseShiftLength(text: string): ShiftLength | string {
  const m = SHIFT_RE.exec(String(text).trim());
  if (!m) {
    return `shift "${text}" is not a shift length; write whole hours, days or weeks such as 12h, 1d, 1w or 2w.`;
  }
  const n = Number(m[1]);
  const unit = (m[2] as string).toLowerCase();
  if (n === 0) return `shift "${text}" is zero; a shift must last at least 1h, e.g. 12h, 1d or 1w.`;
  const length: ShiftLength =
    unit === "h" ? { unit: "hours", count: n } : { unit: "days", count: unit === "w" ? n * 7 : n };
  const days = length.unit === "hours" ? length.count / 24 : length.count;
  if (days > MAX_SHIFT_DAYS) {
    return `shift "${text}" is longer than a year; use a shorter shift such as 1w or 4w.`;
  }
  return length;
}

/** "Mon 09:00" / "09:00" → weekday (if any) and normalised "HH:mm", or a message. */
function parseHandoff(text: string): { weekday?: Weekday; time: string } | string {
  const parts = String(text).trim().split(/\s+/);
  const fix = `write "HH:mm" in 24-hour time such as "09:00", or "Mon 09:00" for weekly shifts.`;
  if (parts.length > 2 || !parts[0]) return `handoff "${text}" is not a handoff time; ${fix}`;
  const timeText = parts[parts.length - 1] as string;
  let weekday: Weekday | undefined;
  if (parts.length === 2) {
    const word = (parts[0] as string).toLowerCase();
    // "Mon", "mon" or "Monday", in any case; not "Mo" or "Mond", which might be typos of another day.
    weekday = WEEKDAYS.find((d) => word === d.toLowerCase() || word === FULL_WEEKDAY[d]);
    if (!weekday) {
      return `handoff "${text}" has an unknown weekday "${parts[0]}"; use one of ${WEEKDAY_LIST}, e.g. "Mon 09:00".`;
    }
  }
  const m = TIME_RE.exec(timeText);
  const hh = m ? Number(m[1]) : Number.NaN;
  const mm = m ? Number(m[2]) : Number.NaN;
  if (!(hh >= 0 && hh <= 23 && mm >= 0 && mm <= 59)) {
    return parts.length === 2 || /\d/.test(timeText)
      ? `handoff "${text}" has an invalid time "${timeText}"; write HH:mm in 24-hour time, from 00:00 to 23:59.`
      : `handoff "${text}" is not a handoff time; ${fix}`;
  }
  const time = `${String(hh).padStart(2, "0")}:${String(mm).padStart(2, "0")}`;
  return weekday ? { weekday, time } : { time };
}

const FULL_WEEKDAY: Record<Weekday, string> = {
  Mon: "monday",
  Tue: "tuesday",
  Wed: "wednesday",
  Thu: "thursday",
  Fri: "friday",
  Sat: "saturday",
  Sun: "sunday",
};

/**
 * IANA names only. @date-fns/tz also accepts fixed offsets such as "+01:00", but a rotation pinned to an
 * offset silently ignores the DST its members live by, which is the mistake this check exists to catch.
 */
function isTimeZone(name: string): boolean {
  if (typeof name !== "string" || !name || /^[+-]\d/.test(name)) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
  } catch {
    return false;
  }
  return !Number.isNaN(tzOffset(name, new Date(0)));
}

// ---------------------------------------------------------------------------------------------------------
// Wall-clock arithmetic
//
// A "wall" value is a wall-clock reading (date and time of day as shown on a clock in some zone) encoded as
// milliseconds with UTC fields. UTC has no DST, so adding days or hours to it is plain calendar arithmetic
// (leap days included); only `wallToInstant` and `wallOf` cross between wall readings and real instants.
// ---------------------------------------------------------------------------------------------------------

/** Days since 1970-01-01 of a YYYY-MM-DD date, or null if it is not a real date (2027-02-29, 2026-13-01). */
function parseCivilDate(text: string): number | null {
  const m = DATE_RE.exec(String(text));
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
  const wall = utcFields(y, mo, d);
  const back = new Date(wall);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo || back.getUTCDate() !== d) return null;
  return wall / DAY_MS;
}

/** Date.UTC without its quirk of reading years 0–99 as 1900–1999. */
function utcFields(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(y, mo, d);
  date.setUTCHours(h, mi, s, ms);
  return date.getTime();
}

function weekdayOf(day: number): Weekday {
  // 1970-01-01 was a Thursday; WEEKDAYS starts on Monday.
  return WEEKDAYS[(((day + 3) % 7) + 7) % 7] as Weekday;
}

/** The zone's UTC offset at an instant, in ms (tzOffset gives minutes, fractional for historic offsets). */
function offsetMs(zone: string, instant: number): number {
  return Math.round(tzOffset(zone, new Date(instant)) * MINUTE_MS);
}

/** The wall-clock reading in `zone` at `instant`. */
function wallOf(zone: string, instant: number): number {
  const d = new TZDate(instant, zone);
  return utcFields(
    d.getFullYear(),
    d.getMonth(),
    d.getDate(),
    d.getHours(),
    d.getMinutes(),
    d.getSeconds(),
    d.getMilliseconds(),
  );
}

/**
 * The instant at which clocks in `zone` read `wall`, by the rule at the top of this file: the first
 * occurrence in an overlap, the end of the gap in a gap.
 */
function wallToInstant(zone: string, wall: number): number {
  // Any zone's offset is within ±14h, so the offsets in force a day either side of the reading are the only
  // ones it can be read under (zones change offset at most once in a couple of days).
  const before = offsetMs(zone, wall - DAY_MS);
  const after = offsetMs(zone, wall + DAY_MS);
  let best = Number.POSITIVE_INFINITY;
  for (const offset of before === after ? [before] : [before, after]) {
    const instant = wall - offset;
    if (offsetMs(zone, instant) === offset && instant < best) best = instant;
  }
  if (best !== Number.POSITIVE_INFINITY) return best;

  // A gap: read with the old offset the reading lands after the change, with the new one before it, so the
  // change lies between. Binary search for it to the millisecond; tzScan would only find it to the hour,
  // which is wrong for zones that change by half an hour at :30 (Australia/Lord_Howe).
  let lo = wall - Math.max(before, after); // still on the old offset
  let hi = wall - Math.min(before, after); // already on the new offset
  const newOffset = offsetMs(zone, hi);
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (offsetMs(zone, mid) === newOffset) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * The instant at which a wall-clock date and time happen in `zone`, by the gap and overlap rule of this file.
 * Exported so overrides ("from Tue 09:00") resolve local times exactly as handoffs do.
 */
export function resolveWallClock(timeZone: string, date: string, time: string): Date {
  const day = parseCivilDate(date);
  const t = TIME_RE.exec(time);
  if (day === null || !t) throw new RangeError(`resolveWallClock: bad date "${date}" or time "${time}"`);
  return new Date(wallToInstant(timeZone, day * DAY_MS + Number(t[1]) * HOUR_MS + Number(t[2]) * MINUTE_MS));
}

/**
 * Wall-clock readings for the rest of the on-call core (restriction windows in duty.ts, typed times), in the
 * "wall" encoding above: a reading as ms with UTC fields, so `Math.floor(wall / 86_400_000)` is its calendar
 * day (days since 1970-01-01) and adding days is plain arithmetic. They use the very conversions the
 * handoffs use, so a restriction window "09:00–17:00" moves across DST exactly as a 09:00 handoff does.
 */
export function wallClockAt(timeZone: string, instant: number): number {
  return wallOf(timeZone, instant);
}

/** The instant (epoch ms) clocks in `timeZone` read `wall`, by this file's gap and overlap rule. */
export function instantOfWallClock(timeZone: string, wall: number): number {
  return wallToInstant(timeZone, wall);
}

/**
 * What a wall-clock reading is in a zone, for callers that must tell people about DST instead of applying the
 * handoff rule silently (typed times): it happens once; not at all (a gap: `at` is where the rule puts it, the
 * transition, and the offsets on either side say what the clocks did); or twice (an overlap: `at` is the
 * earlier, the rule's choice, and `later` the repeat). Offsets are in ms east of UTC.
 */
export type WallClockReading =
  | { kind: "once"; at: number; offset: number }
  | { kind: "gap"; at: number; offsetBefore: number; offsetAfter: number }
  | {
      kind: "twice";
      at: number;
      later: number;
      /** The instant clocks went back: the later offset holds from it on. */
      transition: number;
      offsetEarlier: number;
      offsetLater: number;
    };

export function readWallClock(timeZone: string, wall: number): WallClockReading {
  const before = offsetMs(timeZone, wall - DAY_MS);
  const after = offsetMs(timeZone, wall + DAY_MS);
  const readings: { at: number; offset: number }[] = [];
  for (const offset of before === after ? [before] : [before, after]) {
    const at = wall - offset;
    if (offsetMs(timeZone, at) === offset) readings.push({ at, offset });
  }
  readings.sort((a, b) => a.at - b.at);
  const [first, second] = readings;
  if (first && second) {
    // Binary search for the change, as for gaps: tzScan would only find it to the hour.
    let lo = first.at;
    let hi = second.at;
    while (hi - lo > 1) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (offsetMs(timeZone, mid) === second.offset) hi = mid;
      else lo = mid;
    }
    return {
      kind: "twice",
      at: first.at,
      later: second.at,
      transition: hi,
      offsetEarlier: first.offset,
      offsetLater: second.offset,
    };
  }
  if (first) return { kind: "once", at: first.at, offset: first.offset };
  const at = wallToInstant(timeZone, wall);
  return {
    kind: "gap",
    at,
    offsetBefore: offsetMs(timeZone, at - 1),
    offsetAfter: offsetMs(timeZone, at),
  };
}

// ---------------------------------------------------------------------------------------------------------
// The schedule
// ---------------------------------------------------------------------------------------------------------

/** What every query needs, derived from a rotation; cheap enough to derive per call. */
interface Schedule {
  members: readonly string[];
  zone: string;
  /** Wall reading of the first handoff. */
  firstWall: number;
  /** Instant of the first handoff. */
  firstStart: number;
  /** Shift length: in wall ms when `onGrid`, in elapsed ms otherwise. */
  step: number;
  /** True: handoffs stay at wall-clock times. False: they step in elapsed time. */
  onGrid: boolean;
}

function scheduleOf(rotation: Rotation): Schedule {
  const { members, shift, timezone: zone } = rotation;
  const startDay = parseCivilDate(rotation.start);
  const time = TIME_RE.exec(rotation.handoffTime);
  // A Rotation is meant to come from parseRotation; a hand-built bad one is a bug, not a config error.
  const badZone = Number.isNaN(tzOffset(zone, new Date(0)));
  if (members.length === 0 || startDay === null || !time || !(shift.count > 0) || badZone) {
    throw new RangeError(`rotation "${rotation.id}" is not a valid Rotation; build it with parseRotation`);
  }
  let firstDay = startDay;
  if (rotation.handoffWeekday) {
    if (shift.unit !== "days" || shift.count % 7 !== 0) {
      throw new RangeError(
        `rotation "${rotation.id}" has a handoff weekday but its shift is not whole weeks`,
      );
    }
    const target = WEEKDAYS.indexOf(rotation.handoffWeekday);
    const current = WEEKDAYS.indexOf(weekdayOf(startDay));
    firstDay += (target - current + 7) % 7;
  }
  const firstWall = firstDay * DAY_MS + Number(time[1]) * HOUR_MS + Number(time[2]) * MINUTE_MS;
  const onGrid = shift.unit === "days" || 24 % shift.count === 0;
  const step = shift.unit === "days" ? shift.count * DAY_MS : shift.count * HOUR_MS;
  return { members, zone, firstWall, firstStart: wallToInstant(zone, firstWall), step, onGrid };
}

/** Instant at which shift `k` starts (and shift k-1 ends). Non-decreasing in k. */
function startOf(s: Schedule, k: number): number {
  return s.onGrid ? wallToInstant(s.zone, s.firstWall + k * s.step) : s.firstStart + k * s.step;
}

/** Index of the shift covering `instant`, or -1 before the first handoff. */
function indexAt(s: Schedule, instant: number): number {
  if (instant < s.firstStart) return -1;
  if (!s.onGrid) return Math.floor((instant - s.firstStart) / s.step);
  // The wall-clock distance from the first handoff is the elapsed distance give or take the DST offset
  // changes in between, so this guess is off by at most a shift or two; walk it to the right one. The
  // forward walk also steps over zero-length shifts, which cover no instant.
  let k = Math.max(0, Math.floor((wallOf(s.zone, instant) - s.firstWall) / s.step));
  while (k > 0 && startOf(s, k) > instant) k--;
  while (startOf(s, k + 1) <= instant) k++;
  return k;
}

function shiftFrom(s: Schedule, k: number, start: number, end: number): Shift {
  return {
    personId: s.members[k % s.members.length] as string,
    shiftStart: new Date(start),
    shiftEnd: new Date(end),
    shiftIndex: k,
  };
}

function instantOf(date: Date, what: string): number {
  const t = date instanceof Date ? date.getTime() : Number.NaN;
  if (Number.isNaN(t)) throw new RangeError(`${what} is not a valid Date`);
  return t;
}

/**
 * Who the rotation's base schedule puts on duty at `instant`, with that shift's bounds; null before the
 * first handoff (nobody). Overrides are not applied here.
 */
export function onDutyAt(rotation: Rotation, instant: Date): Shift | null {
  const s = scheduleOf(rotation);
  const k = indexAt(s, instantOf(instant, "instant"));
  return k < 0 ? null : shiftFrom(s, k, startOf(s, k), startOf(s, k + 1));
}

/**
 * The base shifts overlapping [from, to), in order: the first may have begun before `from`, the last may end
 * after `to`. Zero-length shifts (see the top of the file) are left out; every instant in the window at or
 * after the first handoff is covered by exactly one listed shift. The list is as long as the window is in
 * shifts, so callers asking about years of 1h shifts should page.
 */
export function shiftsBetween(rotation: Rotation, from: Date, to: Date): Shift[] {
  const s = scheduleOf(rotation);
  const start = instantOf(from, "from");
  const end = instantOf(to, "to");
  const shifts: Shift[] = [];
  if (end <= start) return shifts;
  let k = Math.max(0, indexAt(s, start));
  let shiftStart = startOf(s, k);
  while (shiftStart < end) {
    const shiftEnd = startOf(s, k + 1);
    if (shiftEnd > shiftStart) shifts.push(shiftFrom(s, k, shiftStart, shiftEnd));
    k++;
    shiftStart = shiftEnd;
  }
  return shifts;
}

/**
 * Shift number `index` (0 = the first after `start`), whether or not it has begun; the planner and calendars
 * use it to look ahead by turns rather than by time. May be zero-length (shiftStart == shiftEnd).
 */
export function shiftByIndex(rotation: Rotation, index: number): Shift {
  if (!Number.isSafeInteger(index) || index < 0)
    throw new RangeError(`shift index ${index} is not a whole number ≥ 0`);
  const s = scheduleOf(rotation);
  return shiftFrom(s, index, startOf(s, index), startOf(s, index + 1));
}
