/**
 * The shared record of who was asked recently (for help on an incident, for cover, by the planner), so the
 * same person is not asked many times in a row. Pure: the store keeps the record, this orders candidates.
 *
 * STUB: signatures fixed; bodies to be written.
 */

/** How far back the record counts. */
export const ASKED_WINDOW_MS = 30 * 24 * 3_600_000;

/**
 * The candidates fairest first: fewest asks in the record, then longest since last asked (never asked first),
 * then the order given. Returns at most `n`, without duplicates.
 */
export function leastAsked(
  _candidates: readonly string[],
  _asked: Readonly<Record<string, readonly number[]>>,
  _n: number,
): string[] {
  throw new Error("not implemented");
}
