/**
 * The template helpers and the variable escaping that makes them safe.
 *
 * Every string a template receives has been through `escapeMarkup`, so user-typed text (a title, a reason)
 * can never become a mention, a broadcast or a link, whichever way the template prints it: `{{x}}` and
 * `{{{x}}}` print the same escaped text. The only way to produce markup from a variable is a helper, and each
 * helper checks its input: `{{user id}}` makes a mention only of something shaped like an id, `{{link}}` only
 * of an http(s) or mailto URL. Helpers receive escaped strings and unescape them first, because they build
 * the markup themselves.
 */
import { tz } from "@date-fns/tz";
import { format, isValid, parseISO } from "date-fns";
import { formatDuration } from "../duration.js";
import { channelRef, escapeMarkup, linkRef, userRef } from "../markup.js";
import type { TemplateHelperName } from "./registry.js";

/** The exact inverse of escapeMarkup (which escapes only `\ * _ ` < >`). */
export function unescapeMarkup(text: string): string {
  return text.replace(/\\([\\*_`<>])/g, "$1");
}

/**
 * A deep copy of the variables with every string escaped for markup. Non-plain values are flattened too:
 * a Date becomes its ISO string and functions are dropped, because Handlebars would call them.
 */
export function escapeVars(value: unknown, depth = 0): unknown {
  if (depth > 20) return undefined; // vars are small trees; anything deeper is a cycle or a mistake
  if (typeof value === "string") return escapeMarkup(value);
  if (value === null || typeof value !== "object") return typeof value === "function" ? undefined : value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "" : value.toISOString();
  if (Array.isArray(value)) return value.map((v) => escapeVars(v, depth + 1));
  // fromEntries defines own properties, so a key like "__proto__" stays plain data.
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => typeof v !== "function")
      .map(([k, v]) => [k, escapeVars(v, depth + 1)]),
  );
}

function raw(arg: unknown): string {
  if (arg === undefined || arg === null) return "";
  return unescapeMarkup(String(arg));
}

// Same shape parseMarkup accepts inside <@...> and <#...>; anything else would render as literal text anyway.
const PLATFORM_ID = /^[A-Za-z0-9._-]+$/;
const SAFE_URL = /^(https?:\/\/|mailto:)\S+$/i;

function user(id: unknown): string {
  const v = raw(id);
  if (!v) return "";
  return PLATFORM_ID.test(v) ? userRef(v) : escapeMarkup(v);
}

function channel(id: unknown): string {
  const v = raw(id);
  if (!v) return "";
  return PLATFORM_ID.test(v) ? channelRef(v) : escapeMarkup(v);
}

function link(url: unknown, label?: unknown): string {
  const u = raw(url);
  const l = raw(label) || u;
  if (!u) return escapeMarkup(l);
  return SAFE_URL.test(u) ? linkRef(u, l) : escapeMarkup(l);
}

const zoneFormats = new Map<string, { us: Intl.DateTimeFormat; gb: Intl.DateTimeFormat } | null>();

function zoneFormatsFor(zone: string) {
  let f = zoneFormats.get(zone);
  if (f === undefined) {
    try {
      const opts = { timeZone: zone, timeZoneName: "short" } as const;
      f = { us: new Intl.DateTimeFormat("en-US", opts), gb: new Intl.DateTimeFormat("en-GB", opts) };
    } catch {
      f = null; // not a zone Intl knows
    }
    zoneFormats.set(zone, f);
  }
  return f;
}

/**
 * The zone's abbreviation at that instant. en-US knows "EST"/"PDT" but says "GMT+1" for Berlin; en-GB knows
 * "CET"/"BST" but says "GMT-5" for New York. Taking the first that is a real abbreviation gives what people
 * on either side expect, and an offset ("GMT+5:30") where no abbreviation is in common use.
 */
function zoneAbbreviation(f: { us: Intl.DateTimeFormat; gb: Intl.DateTimeFormat }, date: Date): string {
  const names = [f.us, f.gb].map(
    (x) => x.formatToParts(date).find((p) => p.type === "timeZoneName")?.value ?? "",
  );
  return names.find((n) => n && !/^(GMT|UTC)[+-−]/.test(n)) ?? names[0] ?? "UTC";
}

/** "Fri 20 Nov 23:05 CET". A bad instant prints as given; an unknown zone falls back to UTC (still correct). */
export function formatTime(iso: unknown, zone?: unknown): string {
  const text = raw(iso);
  const date = parseISO(text);
  if (!text || !isValid(date)) return escapeMarkup(text);
  const wanted = raw(zone) || "UTC";
  const usable = zoneFormatsFor(wanted) ? wanted : "UTC";
  const formats = zoneFormatsFor(usable);
  const wall = format(date, "EEE d MMM HH:mm", { in: tz(usable) });
  return escapeMarkup(formats ? `${wall} ${zoneAbbreviation(formats, date)}` : wall);
}

function duration(ms: unknown): string {
  const n = typeof ms === "number" ? ms : Number(raw(ms));
  return Number.isFinite(n) && String(ms ?? "") !== "" ? formatDuration(n) : "";
}

/** Helper implementations; Handlebars appends its options object, which each wrapper drops. */
export const helperImplementations: Record<TemplateHelperName, (...args: unknown[]) => string> = {
  user: (...a) => user(a[0]),
  channel: (...a) => channel(a[0]),
  link: (...a) => (a.length > 2 ? link(a[0], a[1]) : link(a[0])),
  time: (...a) => (a.length > 2 ? formatTime(a[0], a[1]) : formatTime(a[0])),
  duration: (...a) => duration(a[0]),
};
