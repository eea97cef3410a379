/**
 * Whose duty changed between two versions of a rotation's schedule over the same window (an override made, a
 * plan applied, the config file edited), so exactly those people can be told.
 *
 * Only each person's own time on duty counts, not where it came from: a shift that moves from layer 2 to an
 * override of the same person over the same hours is no news to them, so it is no move.
 */
import type { DutySegment } from "./types.js";

export interface DutyWindow {
  from: Date;
  to: Date;
}

/** One person's change: windows they are now on duty in and were not (`gained`), and the reverse (`lost`). */
export interface ShiftMove {
  personId: string;
  gained: DutyWindow[];
  lost: DutyWindow[];
}

/** Half-open [from, to) in epoch ms; sorted, disjoint and never touching once merged. */
type Span = readonly [number, number];

/**
 * People whose duty differs between `before` and `after` (segments over the same window, from `dutyBetween`),
 * in first-change order. Who took over from whom does not matter here: only each person's own windows.
 */
export function shiftMoves(before: readonly DutySegment[], after: readonly DutySegment[]): ShiftMove[] {
  const was = spansByPerson(before);
  const is = spansByPerson(after);
  const people = [...new Set([...was.keys(), ...is.keys()])];
  const moves: Array<ShiftMove & { first: number }> = [];
  for (const personId of people) {
    const old = was.get(personId) ?? [];
    const now = is.get(personId) ?? [];
    const gained = subtract(now, old);
    const lost = subtract(old, now);
    if (gained.length === 0 && lost.length === 0) continue;
    const first = Math.min(gained[0]?.[0] ?? Infinity, lost[0]?.[0] ?? Infinity);
    moves.push({ personId, gained: gained.map(toWindow), lost: lost.map(toWindow), first });
  }
  // Ties (two people trading the same window) go by id, so the order never depends on map iteration.
  moves.sort((a, b) => a.first - b.first || (a.personId < b.personId ? -1 : 1));
  return moves.map(({ first: _first, ...move }) => move);
}

/**
 * The segments cut to [from, to): those outside left out, those across an edge shortened. Two schedules
 * compared by `shiftMoves` must cover the same window; a stored snapshot and a fresh one may not.
 */
export function clipSegments(segments: readonly DutySegment[], from: Date, to: Date): DutySegment[] {
  const lo = from.getTime();
  const hi = to.getTime();
  return segments.flatMap((s) => {
    const a = Math.max(s.from.getTime(), lo);
    const b = Math.min(s.to.getTime(), hi);
    return a < b ? [{ ...s, from: new Date(a), to: new Date(b) }] : [];
  });
}

/**
 * The moves with every window cut by `windows` (any order, may overlap), and moves left empty dropped. Used to
 * tell a config change on the schedule people actually work: inside an override's window the override's
 * person is on whatever the layers say, so a change of the layers there moves nobody.
 */
export function outsideWindows(moves: readonly ShiftMove[], windows: readonly DutyWindow[]): ShiftMove[] {
  const minus = mergeSpans(
    windows.map((w) => [w.from.getTime(), w.to.getTime()] as const).filter(([a, b]) => a < b),
  );
  if (minus.length === 0) return [...moves];
  const cut = (list: readonly DutyWindow[]) =>
    subtract(mergeSpans(list.map((w) => [w.from.getTime(), w.to.getTime()] as const)), minus).map(toWindow);
  return moves.flatMap((move) => {
    const gained = cut(move.gained);
    const lost = cut(move.lost);
    return gained.length || lost.length ? [{ personId: move.personId, gained, lost }] : [];
  });
}

/** Each person's time on duty, merged: adjacent segments of one person from different sources are one span. */
function spansByPerson(segments: readonly DutySegment[]): Map<string, Span[]> {
  const raw = new Map<string, Span[]>();
  for (const s of segments) {
    if (s.personId === null) continue;
    const a = s.from.getTime();
    const b = s.to.getTime();
    if (!(a < b)) continue;
    const list = raw.get(s.personId) ?? [];
    list.push([a, b]);
    raw.set(s.personId, list);
  }
  const merged = new Map<string, Span[]>();
  for (const [person, list] of raw) merged.set(person, mergeSpans(list));
  return merged;
}

export function mergeSpans(spans: readonly Span[]): Span[] {
  const sorted = [...spans].sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** The parts of `spans` not covered by `minus` (both merged). */
function subtract(spans: readonly Span[], minus: readonly Span[]): Span[] {
  const out: Span[] = [];
  let j = 0;
  for (const [start, end] of spans) {
    let a = start;
    while (j < minus.length && (minus[j] as Span)[1] <= a) j++;
    let k = j;
    while (a < end && k < minus.length && (minus[k] as Span)[0] < end) {
      const [ma, mb] = minus[k] as Span;
      if (ma > a) out.push([a, ma]);
      a = Math.max(a, mb);
      k++;
    }
    if (a < end) out.push([a, end]);
  }
  return out;
}

function toWindow([a, b]: Span): DutyWindow {
  return { from: new Date(a), to: new Date(b) };
}
