/**
 * Taking back an override or an absence from chat. Pure: the handlers run `planRemoval` INSIDE the store's
 * atomic change, so a removal and a concurrent change (or a second click) cannot both act on the same entry.
 *
 * What has already happened stays true: an entry that is in progress is not deleted but cut at `now` (replaced
 * by a copy ending now, under an id derived from its own, since ids stay unique), so who-was-on for the past,
 * the calendar and the planner's record of past load do not change. One that has not started is deleted.
 */
import type { ListChange } from "../ports.js";

/** What overrides and absences share for this purpose. */
export interface DatedEntry {
  id: string;
  /** ISO 8601 instants, from < to. */
  from: string;
  to: string;
}

export interface Removal<T extends DatedEntry> {
  change: ListChange<T>;
  /** The entry as it was before the removal. */
  removed: T;
  /** When it was in progress: the part kept, ending at `now`. */
  kept?: T;
}

/** The id of the part of `id` that is kept when it is cut short. */
export function cutId(id: string): string {
  return `${id}.cut`;
}

/**
 * Removes the entry `id` from `current` as of `now`. Null when there is none that ends after `now` (removed
 * already, or over): nothing is to be written, and the caller says which.
 */
export function planRemoval<T extends DatedEntry>(
  current: readonly T[],
  id: string,
  now: Date,
): Removal<T> | null {
  const at = now.getTime();
  const removed = current.find((e) => e.id === id && Date.parse(e.to) > at);
  if (!removed) return null;
  if (Date.parse(removed.from) >= at) return { change: { remove: [id] }, removed };
  const kept: T = { ...removed, id: cutId(id), to: now.toISOString() };
  return { change: { remove: [id], add: [kept] }, removed, kept };
}

/**
 * A Remove button's value, "<owner> <id>" (the rotation or the person, then the entry's id); null when it is
 * not one (a value from an older message, or forged).
 */
export function parseRemoveValue(value: string | undefined): { owner: string; id: string } | null {
  const m = /^(\S+) (\S+)$/.exec(value ?? "");
  return m ? { owner: m[1] as string, id: m[2] as string } : null;
}
