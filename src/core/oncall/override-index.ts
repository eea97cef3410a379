/**
 * A rotation's overrides, sorted for lookups by instant. Overrides of one rotation never overlap (handlers
 * refuse an overlapping one), so the one covering an instant, if any, is the last that starts at or before it:
 * a binary search, O(log n), whatever the history.
 */
import type { Override } from "./types.js";

export interface OverrideIndex {
  /** Sorted by start. */
  readonly list: readonly Override[];
  /** The override covering `instant` (epoch ms), if any. */
  at(instant: number): Override | undefined;
  /** Overrides overlapping [from, to) (epoch ms), in order. */
  overlapping(from: number, to: number): Override[];
}

/** Overrides by rotation id: the core asks it; handlers build it from the store. */
export type OverrideBook = (rotationId: string) => OverrideIndex;

export function indexOverrides(overrides: readonly Override[]): OverrideIndex {
  const list = [...overrides].sort((a, b) => Date.parse(a.from) - Date.parse(b.from));
  const starts = list.map((o) => Date.parse(o.from));
  const ends = list.map((o) => Date.parse(o.to));
  /** Index of the last override starting at or before `instant`, or -1. */
  const lastStartingBy = (instant: number): number => {
    let lo = 0;
    let hi = starts.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((starts[mid] as number) <= instant) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
  return {
    list,
    at(instant) {
      const i = lastStartingBy(instant);
      return i >= 0 && (ends[i] as number) > instant ? list[i] : undefined;
    },
    overlapping(from, to) {
      const out: Override[] = [];
      for (let i = Math.max(0, lastStartingBy(from)); i < list.length; i++) {
        if ((starts[i] as number) >= to) break;
        if ((ends[i] as number) > from) out.push(list[i] as Override);
      }
      return out;
    },
  };
}

const EMPTY = indexOverrides([]);

/** No overrides anywhere: the base schedule alone. */
export const NO_OVERRIDES: OverrideBook = () => EMPTY;
