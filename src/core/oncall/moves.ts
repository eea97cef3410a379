/**
 * Whose duty changed between two versions of a rotation's schedule over the same window (an override made, a
 * plan applied, the config file edited), so exactly those people can be told.
 *
 * STUB: signatures fixed; bodies to be written.
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

/**
 * People whose duty differs between `before` and `after` (segments over the same window, from `dutyBetween`),
 * in first-change order. Who took over from whom does not matter here: only each person's own windows.
 */
export function shiftMoves(_before: readonly DutySegment[], _after: readonly DutySegment[]): ShiftMove[] {
  throw new Error("not implemented");
}
