/**
 * Turns a time the grammar accepted (`LOCAL_TIME_FORMAT`: `2026-11-21T09:00`, with or without an offset) into
 * an instant. A time without an offset is read in the asker's zone. A wall-clock time that does not exist
 * there (inside a DST gap) is refused with a message saying why and what to type instead; one that exists
 * twice (inside a DST overlap) is the earlier occurrence, as for handoffs (rotation.ts), and says so.
 *
 * Why refuse a gap time when handoffs quietly move to the transition: a handoff is configured once, for every
 * day, and must happen somewhere; a typed time is one person's intent for one moment, and "02:30" on the night
 * the clocks skip it is more likely a slip than a wish for 03:00. Saying so costs one retype; guessing wrong
 * can put the wrong person on call.
 */
import { readWallClock } from "./rotation.js";

export type TypedInstant =
  | {
      ok: true;
      at: Date /** Set when the time was ambiguous: what was chosen, for the reply. */;
      note?: string;
    }
  | { ok: false; message: string };

const TYPED = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:\d{2})?$/;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const HOW = "Write times as 2026-11-21T09:00 or 2026-11-21 09:00.";
/** The widest offset any zone uses (Kiribati, +14:00; the most negative is -12:00, ±14:00 is the ISO limit). */
const MAX_OFFSET_MINUTES = 14 * 60;

/** Date.UTC without its quirk of reading years 0–99 as 1900–1999. */
function utcFields(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, 0);
  return date.getTime();
}

const pad = (n: number) => String(n).padStart(2, "0");

/** "+01:00" for an offset in ms east of UTC. */
function offsetText(offsetMs: number): string {
  const minutes = Math.round(Math.abs(offsetMs) / MINUTE_MS);
  return `${offsetMs < 0 ? "-" : "+"}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

/** A wall reading (ms with UTC fields) as "HH:mm", with its date in front when it is not on `day`. */
function wallText(wall: number, day: number): string {
  const d = new Date(wall);
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  return Math.floor(wall / DAY_MS) === day ? time : `${d.toISOString().slice(0, 10)} ${time}`;
}

function knownZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function resolveTypedTime(text: string, zone: string): TypedInstant {
  const m = TYPED.exec(String(text));
  if (!m) return { ok: false, message: `"${text}" is not a time I can read. ${HOW}` };
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? "0"].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const wall = utcFields(y, mo, d, h, mi, s);
  const back = new Date(wall);
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    return { ok: false, message: `"${text}" is not a real date and time. ${HOW}` };
  }

  const offset = m[7];
  if (offset) {
    if (offset === "Z") return { ok: true, at: new Date(wall) };
    const sign = offset.startsWith("-") ? -1 : 1;
    const offsetMinutes = Number(offset.slice(4, 6));
    const minutes = Number(offset.slice(1, 3)) * 60 + offsetMinutes;
    // The pattern takes any two digits; "+99:99" would otherwise silently shift the time by four days.
    if (offsetMinutes > 59 || minutes > MAX_OFFSET_MINUTES) {
      return {
        ok: false,
        message: `"${text}" has the offset ${offset}, which is not a real UTC offset: offsets run from -14:00 to +14:00, with minutes from 00 to 59 (such as +05:30). ${HOW}`,
      };
    }
    return { ok: true, at: new Date(wall - sign * minutes * MINUTE_MS) };
  }

  if (!knownZone(zone)) {
    return { ok: false, message: `"${zone}" is not a time zone I know, so I cannot read ${text} in it.` };
  }
  const seconds = m[6] ? `:${m[6]}` : "";
  const typed = `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}${seconds}`;
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}${seconds}`;
  const day = Math.floor(wall / DAY_MS);
  const reading = readWallClock(zone, wall);
  switch (reading.kind) {
    case "once":
      return { ok: true, at: new Date(reading.at) };
    case "gap": {
      const from = wallText(reading.at + reading.offsetBefore, day);
      const to = wallText(reading.at + reading.offsetAfter, day);
      return {
        ok: false,
        message:
          `${typed} does not exist in ${zone}: clocks go from ${from} straight to ${to} that night. ` +
          `Use ${to} or later, or give an offset such as ${iso}${offsetText(reading.offsetBefore)}.`,
      };
    }
    case "twice": {
      const from = wallText(reading.transition + reading.offsetEarlier, day);
      const to = wallText(reading.transition + reading.offsetLater, day);
      return {
        ok: true,
        at: new Date(reading.at),
        note:
          `${typed} happens twice in ${zone}: clocks go back from ${from} to ${to} that night. ` +
          `I took the first, ${iso}${offsetText(reading.offsetEarlier)}; ` +
          `for the second, write ${iso}${offsetText(reading.offsetLater)}.`,
      };
    }
  }
}
