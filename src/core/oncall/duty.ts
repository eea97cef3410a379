/**
 * Who is on duty in a rotation: its layers by precedence, restrictions applied, overrides on top. Pure
 * functions of the rotation, its overrides and the instants asked about.
 *
 * STUB: signatures fixed; bodies to be written.
 */
import type { OverrideIndex } from "./override-index.js";
import type { DutySegment, DutySource, Layer, OncallRotation } from "./types.js";

/** Who one layer has on duty at `instant` (its restrictions applied), or null: nobody in this layer. */
export function layerAt(_layer: Layer, _instant: Date): { personId: string; shiftIndex: number } | null {
  throw new Error("not implemented");
}

/**
 * Who is on duty at `instant`: the override covering it if any, else the first layer (by precedence) that has
 * someone, else explicitly nobody. The hot path of paging: O(log overrides + layers).
 */
export function onCallAt(
  _rotation: OncallRotation,
  _overrides: OverrideIndex,
  _instant: Date,
): { personId: string | null; source: DutySource } {
  throw new Error("not implemented");
}

/**
 * The duty segments tiling [from, to) exactly (the first starts at `from`, the last ends at `to`), in order.
 * Adjacent pieces with the same person and the same source (the same override, or the same layer shift) are
 * one segment; a stretch with nobody is a segment with `personId: null`.
 */
export function dutyBetween(
  _rotation: OncallRotation,
  _overrides: OverrideIndex,
  _from: Date,
  _to: Date,
): DutySegment[] {
  throw new Error("not implemented");
}

/**
 * Who is on now and who comes next: `current` is the segment covering `now` with its real bounds (it may have
 * started before `now`), `next` the following segments (up to `count`) each with a different person than the
 * one before it, looking at most `horizonMs` ahead. "Nobody" segments count as people here: a gap is news.
 */
export function nowAndNext(
  _rotation: OncallRotation,
  _overrides: OverrideIndex,
  _now: Date,
  _count: number,
  _horizonMs: number,
): { current: DutySegment; next: DutySegment[] } {
  throw new Error("not implemented");
}
