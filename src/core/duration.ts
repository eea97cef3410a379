/** Durations as people write them in config and commands: `30s`, `5m`, `2h`, `1d`, `1w`, or `1h30m`. */
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const PART = /(\d+)\s*([smhdw])/gy;

/** Parses a duration into milliseconds; null when the text is not a duration. */
export function parseDuration(text: string): number | null {
  const src = text.trim().toLowerCase();
  if (!src) return null;
  PART.lastIndex = 0;
  let total = 0;
  let consumed = 0;
  for (let m = PART.exec(src); m; m = PART.exec(src)) {
    total += Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
    consumed = PART.lastIndex;
  }
  if (consumed !== src.length || total <= 0 || !Number.isSafeInteger(total)) return null;
  return total;
}

/** The shortest faithful way to write a duration: 90 minutes -> "1h30m". */
export function formatDuration(ms: number): string {
  if (ms <= 0) return "0s";
  let rest = Math.round(ms / 1000) * 1000;
  let out = "";
  for (const [unit, size] of Object.entries(UNIT_MS).reverse()) {
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return out || "0s";
}
