/** "Did you mean …" for mistyped verbs, states and sub-commands. */

/** Words people reach for that are not verbs, and the verb they mean. Only for suggestions, never accepted. */
const SYNONYMS: Readonly<Record<string, string>> = {
  acknowledge: "ack",
  assign: "commander",
  close: "resolve",
  create: "open",
  declare: "open",
  ic: "commander",
  new: "open",
  page: "oncall",
  severity: "sev",
  start: "open",
  who: "oncall",
};

// Past this a token is not a typo of a verb, and the distance is not worth computing.
const MAX_TYPO_LENGTH = 24;

/**
 * Optimal-string-alignment distance: edits plus swaps of neighbours, so `opne` is one step from `open`. With
 * `swaps: false` a swap counts as two edits (plain Levenshtein distance).
 */
export function editDistance(a: string, b: string, { swaps = true }: { swaps?: boolean } = {}): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => (d[i] as number[])[j] as number;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (swaps && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      (d[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

/** Up to three candidates close to `word`, closest first, ties in the order of `candidates`. */
export function closeMatches(word: string, candidates: readonly string[]): string[] {
  const w = word.toLowerCase();
  if (!w || w.length > MAX_TYPO_LENGTH) return [];
  // hasOwn: a typed `constructor` must not find Object's.
  const synonym = Object.hasOwn(SYNONYMS, w) ? SYNONYMS[w] : undefined;
  const scored: { c: string; score: number; order: number }[] = [];
  candidates.forEach((c, order) => {
    if (c === synonym) {
      scored.push({ c, score: -1, order });
      return;
    }
    const distance = editDistance(w, c);
    // One edit for short words; longer words tolerate more before the suggestion stops being a guess.
    const allowed = c.length <= 4 ? 1 : c.length <= 8 ? 2 : 3;
    if (distance <= allowed) scored.push({ c, score: distance, order });
    else if (w.length >= 3 && c.startsWith(w)) scored.push({ c, score: allowed, order });
  });
  return scored
    .sort((x, y) => x.score - y.score || x.order - y.order)
    .slice(0, 3)
    .map((s) => s.c);
}

/** "`a`", "`a` or `b`", "`a`, `b` or `c`". */
export function orList(words: readonly string[]): string {
  const quoted = words.map((w) => `\`${w}\``);
  if (quoted.length <= 1) return quoted.join("");
  return `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1]}`;
}
