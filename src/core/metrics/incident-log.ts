/**
 * The incident log API's query language and its two formats. Filters (all optional, each may list several
 * values separated by commas):
 * - `from`, `to`: the opening time, inclusive. A date (`2026-11-01`) is a whole day in the configured time zone
 *   (`to=2026-11-30` includes the 30th); a timestamp needs its offset (`2026-11-01T08:00:00Z`).
 * - `service`, `severity` (`sev1`…`sev4`, any case), `state`, `kind`.
 * Anything else, or a value that names nothing, is refused with a reason (400), never silently ignored: a typo
 * in a filter must not look like "no incidents".
 */
import { INCIDENT_KINDS, INCIDENT_STATES, SEVERITIES } from "../incident/incident.js";
import { resolveWallClock } from "../oncall/rotation.js";
import { type CsvCell, toCsv } from "./csv.js";
import type { CommanderRef, IncidentTimes } from "./incident-times.js";

export interface LogFilter {
  from?: number;
  to?: number;
  services?: string[];
  severities?: string[];
  states?: string[];
  kinds?: string[];
}

export type FilterResult = { ok: true; filter: LogFilter } | { ok: false; reason: string };

/** Query parameters the API takes that are not filters (the token may travel in the query). */
const NOT_FILTERS = new Set(["token"]);
const FILTERS = ["from", "to", "service", "severity", "state", "kind"] as const;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

class Refused extends Error {}

/** The calendar date after `date` (YYYY-MM-DD), whatever the zone: 2026-12-31 → 2027-01-01. */
export function nextDate(date: string): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const next = new Date(0);
  next.setUTCFullYear(y, m - 1, d + 1); // not Date.UTC, which reads the years 0–99 as 1900–1999
  return `${String(next.getUTCFullYear()).padStart(4, "0")}-${String(next.getUTCMonth() + 1).padStart(2, "0")}-${String(next.getUTCDate()).padStart(2, "0")}`;
}

/** The instant a `from`/`to` value stands for: a date's first instant (from) or its next day's (to, exclusive). */
function instant(name: "from" | "to", text: string, zone: string): number {
  if (TIMESTAMP.test(text)) {
    const at = Date.parse(text);
    if (!Number.isNaN(at)) return at;
  } else if (DATE_ONLY.test(text)) {
    try {
      const start = resolveWallClock(zone, text, "00:00").getTime();
      if (name === "from") return start;
      // Up to the next calendar day's start, exclusive. The next date is counted on the calendar itself, not
      // from an instant: a UTC date near `start` is the wrong day in zones far from UTC (UTC+13, UTC+14).
      return resolveWallClock(zone, nextDate(text), "00:00").getTime() - 1;
    } catch {
      // an impossible date such as 2026-02-30: refused below
    }
  }
  throw new Refused(
    `"${name}" must be a date like 2026-11-01 or a timestamp with its offset like 2026-11-01T08:00:00Z, not "${text}".`,
  );
}

function list(
  name: string,
  text: string,
  allowed: readonly string[],
  normalise = (v: string) => v,
): string[] {
  const values = text
    .split(",")
    .map((v) => normalise(v.trim()))
    .filter(Boolean);
  if (values.length === 0) throw new Refused(`"${name}" is empty; leave it out to include every ${name}.`);
  for (const value of values) {
    if (!allowed.includes(value)) {
      throw new Refused(`There is no ${name} "${value}". Use one of: ${allowed.join(", ")}.`);
    }
  }
  return values;
}

/**
 * Reads the query string. `services` are the ones a filter may name: the configured ones and any an incident
 * was opened for (a service removed from the config still has its incidents).
 */
export function parseLogFilter(
  query: Record<string, unknown>,
  zone: string,
  services: readonly string[],
): FilterResult {
  try {
    const text: Partial<Record<(typeof FILTERS)[number], string>> = {};
    for (const [name, value] of Object.entries(query)) {
      if (NOT_FILTERS.has(name)) continue;
      if (!(FILTERS as readonly string[]).includes(name)) {
        throw new Refused(`Unknown filter "${name}". Filters: ${FILTERS.join(", ")}.`);
      }
      if (typeof value !== "string") {
        throw new Refused(`"${name}" is given more than once; list several values with commas instead.`);
      }
      text[name as (typeof FILTERS)[number]] = value;
    }
    const filter: LogFilter = {};
    if (text.from !== undefined) filter.from = instant("from", text.from.trim(), zone);
    if (text.to !== undefined) filter.to = instant("to", text.to.trim(), zone);
    if (filter.from !== undefined && filter.to !== undefined && filter.from > filter.to) {
      throw new Refused(`"from" (${text.from}) is after "to" (${text.to}).`);
    }
    if (text.service !== undefined) filter.services = list("service", text.service, services);
    if (text.severity !== undefined) {
      filter.severities = list("severity", text.severity, SEVERITIES, (v) => v.toLowerCase());
    }
    if (text.state !== undefined)
      filter.states = list("state", text.state, INCIDENT_STATES, (v) => v.toLowerCase());
    if (text.kind !== undefined)
      filter.kinds = list("kind", text.kind, INCIDENT_KINDS, (v) => v.toLowerCase());
    return { ok: true, filter };
  } catch (err) {
    if (err instanceof Refused) return { ok: false, reason: err.message };
    throw err;
  }
}

export function matchesFilter(row: IncidentTimes, filter: LogFilter): boolean {
  const opened = Date.parse(row.opened);
  if (filter.from !== undefined && opened < filter.from) return false;
  if (filter.to !== undefined && opened > filter.to) return false;
  if (filter.services && !filter.services.includes(row.service ?? "")) return false;
  if (filter.severities && !filter.severities.includes(row.severity)) return false;
  if (filter.states && !filter.states.includes(row.state)) return false;
  if (filter.kinds && !filter.kinds.includes(row.kind)) return false;
  return true;
}

// ---- the CSV -----------------------------------------------------------------------------------------------

/** One commander as a CSV cell: the person id when known, else the platform id. */
const nameOf = (c: CommanderRef) => c.personId ?? c.platformUserId;

const COLUMNS: ReadonlyArray<[string, (r: IncidentTimes) => CsvCell]> = [
  ["id", (r) => r.id],
  ["title", (r) => r.title],
  ["kind", (r) => r.kind],
  ["severity", (r) => r.severity.toUpperCase()],
  ["service", (r) => r.service],
  ["state", (r) => r.state],
  ["private", (r) => r.private],
  ["commander", (r) => (r.commander ? nameOf(r.commander) : null)],
  ["commanders", (r) => r.commanders.map(nameOf).join(" ")],
  ["opened", (r) => r.opened],
  ["acknowledged", (r) => r.acknowledged],
  ["mitigated", (r) => r.mitigated],
  ["fix_deployed", (r) => r.fixDeployed],
  ["resolved", (r) => r.resolved],
  ["confirmed", (r) => r.confirmed],
  ["seconds_to_acknowledge", (r) => r.seconds.acknowledge],
  ["seconds_to_mitigate", (r) => r.seconds.mitigate],
  ["seconds_to_resolve", (r) => r.seconds.resolve],
  ["seconds_to_confirm", (r) => r.seconds.confirm],
];

export function incidentLogCsv(rows: readonly IncidentTimes[]): string {
  return toCsv(
    COLUMNS.map(([name]) => name),
    rows.map((row) => COLUMNS.map(([, cell]) => cell(row))),
  );
}
