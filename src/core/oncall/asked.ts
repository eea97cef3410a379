/**
 * The shared record of who was asked recently (for help on an incident, for cover, by the planner), so the
 * same person is not asked many times in a row. Pure: the store keeps the record, this orders candidates.
 */

/** How far back the record counts. */
export const ASKED_WINDOW_MS = 30 * 24 * 3_600_000;

/** How many times each person was asked in the record (0 for people it does not name). */
export function askCount(asked: Readonly<Record<string, readonly number[]>>, personId: string): number {
  return Object.hasOwn(asked, personId) ? (asked[personId]?.length ?? 0) : 0;
}

/** When the person was last asked (epoch ms), or -Infinity when never: never asked sorts as longest ago. */
function lastAsked(asked: Readonly<Record<string, readonly number[]>>, personId: string): number {
  const times = Object.hasOwn(asked, personId) ? asked[personId] : undefined;
  // The store keeps them oldest first, but taking the maximum costs nothing and trusts no order.
  return times && times.length > 0 ? Math.max(...times) : Number.NEGATIVE_INFINITY;
}

/**
 * The candidates fairest first: fewest asks in the record, then longest since last asked (never asked first),
 * then the order given. Returns at most `n`, without duplicates.
 */
export function leastAsked(
  candidates: readonly string[],
  asked: Readonly<Record<string, readonly number[]>>,
  n: number,
): string[] {
  const unique = [...new Set(candidates)];
  const ranked = unique.map((id, order) => ({
    id,
    order,
    count: askCount(asked, id),
    last: lastAsked(asked, id),
  }));
  ranked.sort((a, b) => a.count - b.count || a.last - b.last || a.order - b.order);
  return ranked.slice(0, Math.max(0, Math.floor(n))).map((r) => r.id);
}
