/**
 * Times typed into on-call commands. The grammar only checks that a time is real and writes it one way; the
 * handler interprets it (in the asker's zone when it carries no offset), because only it knows the person.
 */

/** The one form the grammar hands on: `YYYY-MM-DDTHH:mm`, optional `:ss`, optional `Z` or `±HH:mm`. */
export const LOCAL_TIME_FORMAT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:\d{2})?$/;

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const CLOCK = /^(\d{1,2}):(\d{2})$/;

export interface TypedTime {
  /** Normalised text, matching `LOCAL_TIME_FORMAT`. */
  text: string;
  /** How many tokens it used: 1 for ISO 8601, 2 for `YYYY-MM-DD HH:mm`. */
  tokens: 1 | 2;
  /** Minutes from the epoch of the wall-clock reading, shifted by the offset when there is one. */
  sortKey: number;
  hasOffset: boolean;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function build(
  y: string,
  mo: string,
  d: string,
  h: string,
  mi: string,
  s: string | undefined,
  offset: string | undefined,
): Omit<TypedTime, "tokens"> | null {
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s ?? "0"].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  let zone = "";
  let offsetMinutes = 0;
  if (offset) {
    if (offset.toUpperCase() === "Z") {
      zone = "Z";
    } else {
      const sign = offset[0] === "-" ? -1 : 1;
      const digits = offset.slice(1).replace(":", "");
      const oh = Number(digits.slice(0, 2));
      const om = Number(digits.slice(2) || "0");
      // Real zones span -12:00 to +14:00; anything further is a typo, not a place.
      if (oh > 14 || om > 59) return null;
      zone = `${offset[0]}${digits.slice(0, 2)}:${digits.slice(2) || "00"}`;
      offsetMinutes = sign * (oh * 60 + om);
    }
  }
  const pad = (n: number) => String(n).padStart(2, "0");
  const text = `${y}-${mo}-${d}T${pad(hour)}:${mi}${s === undefined ? "" : `:${s}`}${zone}`;
  const sortKey = Date.UTC(year, month - 1, day, hour, minute, second) / 60_000 - offsetMinutes;
  return { text, sortKey, hasOffset: offset !== undefined };
}

/**
 * Reads a time at the start of `tokens`: one ISO 8601 token (`2026-11-21T09:00`, `…:30Z`, `…+01:00`) or two
 * tokens `2026-11-21 09:00`. Null when the tokens do not start with a real time.
 */
export function readTime(tokens: readonly string[]): TypedTime | null {
  const first = tokens[0];
  if (first === undefined) return null;
  const iso = ISO.exec(first);
  if (iso) {
    const t = build(
      iso[1] as string,
      iso[2] as string,
      iso[3] as string,
      iso[4] as string,
      iso[5] as string,
      iso[6],
      iso[7],
    );
    return t && { ...t, tokens: 1 };
  }
  const date = DATE.exec(first);
  const clock = tokens[1] === undefined ? null : CLOCK.exec(tokens[1]);
  if (date && clock) {
    const hour = (clock[1] as string).padStart(2, "0");
    const t = build(
      date[1] as string,
      date[2] as string,
      date[3] as string,
      hour,
      clock[2] as string,
      undefined,
      undefined,
    );
    return t && { ...t, tokens: 2 };
  }
  return null;
}
