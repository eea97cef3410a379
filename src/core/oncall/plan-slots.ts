/**
 * What the planner is given for a rotation, worked out from its schedule and overrides: the slots to fill (the
 * shifts of its first layer starting in the next weeks) and each person's past load (the shifts they served
 * over the last 12 weeks, overrides included). Pure.
 *
 * The planner plans the FIRST layer only, the one with the highest precedence: it is the one that decides
 * wherever it has someone, so its turns are the ones people feel. Lower layers (backstops, nights) keep their
 * own cycle.
 */
import { dutyBetween } from "./duty.js";
import type { OverrideIndex } from "./override-index.js";
import type { PlanSlot } from "./planner.js";
import { shiftsBetween } from "./rotation.js";
import type { DutySegment, Layer, OncallRotation, Shift } from "./types.js";

const WEEK_MS = 7 * 86_400_000;
/** How far back past load counts. */
export const PAST_LOAD_WEEKS = 12;

export interface PlanFrame {
  layer: Layer;
  slots: PlanSlot[];
  /** Shifts of the first layer each person held over the last 12 weeks (the one running now included). */
  pastLoad: Record<string, number>;
  /** When each person's last such shift ended (epoch ms). */
  lastShiftEnd: Record<string, number>;
  /**
   * Who holds the shift just before the first slot (the one running now, overrides included), or null: the
   * planner keeps them off slot 0 where it can, so nobody gets the next shift straight after this one.
   */
  previous: string | null;
}

/**
 * The slots of the first layer's shifts starting in [now, now + weeks) (zero-length ones never appear), and
 * the past load. A slot is fixed when an override overlaps any part of it: the plan keeps it as it is and
 * counts it for whoever holds most of it.
 */
export function planFrame(
  rotation: OncallRotation,
  overrides: OverrideIndex,
  now: Date,
  weeks: number,
): PlanFrame {
  const layer = rotation.layers[0];
  if (!layer) throw new RangeError(`rotation "${rotation.id}" has no layer`);
  const t = now.getTime();
  const pastFrom = new Date(t - PAST_LOAD_WEEKS * WEEK_MS);
  const past = shiftsBetween(layer, pastFrom, now).filter((s) => s.shiftStart >= pastFrom);
  const future = shiftsBetween(layer, now, new Date(t + weeks * WEEK_MS)).filter((s) => s.shiftStart >= now);
  const all = [...past, ...future];
  const first = all[0];
  const last = all[all.length - 1];
  const segments =
    first && last ? dutyBetween(rotation, overrides, first.shiftStart, last.shiftEnd) : ([] as DutySegment[]);
  const holders = holdersOf(all, segments);

  const pastLoad: Record<string, number> = {};
  const lastShiftEnd: Record<string, number> = {};
  past.forEach((shift, i) => {
    const holder = holders[i];
    if (!holder) return;
    pastLoad[holder] = (pastLoad[holder] ?? 0) + 1;
    lastShiftEnd[holder] = Math.max(lastShiftEnd[holder] ?? 0, shift.shiftEnd.getTime());
  });
  const slots = future.map((shift, i): PlanSlot => {
    const from = shift.shiftStart.getTime();
    const to = shift.shiftEnd.getTime();
    const fixed = overrides.overlapping(from, to).length > 0;
    return {
      index: shift.shiftIndex,
      from,
      to,
      current: fixed ? (holders[past.length + i] ?? null) : shift.personId,
      fixed,
    };
  });
  // Shifts are back to back, so the last past one (the one running now) is the one right before slot 0.
  const previous = past.length > 0 ? (holders[past.length - 1] ?? null) : null;
  return { layer, slots, pastLoad, lastShiftEnd, previous };
}

/**
 * Who held each shift: the person on duty for the longest part of it through the first layer or an override
 * (time a lower layer fills, outside a restricted first layer's windows, is not this layer's turn). Ties go to
 * whoever came first; null when nobody held any of it. Shifts and segments are both in time order, so one
 * sweep does it.
 */
function holdersOf(shifts: readonly Shift[], segments: readonly DutySegment[]): (string | null)[] {
  let s = 0;
  return shifts.map((shift) => {
    const from = shift.shiftStart.getTime();
    const to = shift.shiftEnd.getTime();
    while (s < segments.length && (segments[s] as DutySegment).to.getTime() <= from) s++;
    const time = new Map<string, number>();
    for (let k = s; k < segments.length; k++) {
      const seg = segments[k] as DutySegment;
      if (seg.from.getTime() >= to) break;
      const counts =
        seg.source.kind === "override" || (seg.source.kind === "layer" && seg.source.layer === 0);
      if (!counts || seg.personId === null) continue;
      const overlap = Math.min(to, seg.to.getTime()) - Math.max(from, seg.from.getTime());
      time.set(seg.personId, (time.get(seg.personId) ?? 0) + overlap);
    }
    let best: string | null = null;
    for (const [person, ms] of time) if (best === null || ms > (time.get(best) ?? 0)) best = person;
    return best;
  });
}
