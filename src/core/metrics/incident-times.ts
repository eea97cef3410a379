/**
 * The incident log's view of one incident: when it reached each milestone and how long each took from the
 * moment it was opened, plus medians of those durations per severity, service and ISO week. Pure: the API,
 * the CSV, the Prometheus metrics and the charts all read these, so they never disagree on a number.
 *
 * Where the times come from: `milestones` (the first time each state was reached, never rewritten), so a
 * reopened incident keeps its first acknowledgement and first resolution. Durations run from `triggered`.
 * - acknowledged: the first `acknowledged`.
 * - mitigated: the first time the harm was known to have stopped: `mitigated`, or failing that the fix going
 *   live (`fix_deployed`) or the resolution, whichever came first (a fix deployed straight away is also the
 *   mitigation; not counting it would leave those incidents out of "time to mitigate").
 * - confirmed: closed with the reporters' confirmation (`closeReason: confirmed`); a close by timeout or merge
 *   is no confirmation.
 */

import type { Incident, IncidentKind, IncidentState, Participant, Severity } from "../incident/incident.js";
import { SEVERITIES } from "../incident/incident.js";
import type { TimelineEvent } from "../incident/timeline.js";

/** A commander as the log names them: their platform id and, when the config maps them, their person id. */
export interface CommanderRef {
  platformUserId: string;
  personId?: string;
}

/** The four measures, in the order they are shown everywhere. */
export const MEASURES = ["acknowledge", "mitigate", "resolve", "confirm"] as const;
export type Measure = (typeof MEASURES)[number];

export type Durations = Record<Measure, number | null>;

export interface IncidentTimes {
  id: string;
  number: number;
  title: string;
  kind: IncidentKind;
  severity: Severity;
  service: string | null;
  state: IncidentState;
  private: boolean;
  /** The current commander, if any. */
  commander: CommanderRef | null;
  /** Everyone who commanded it, in the order they took command (the current one included). */
  commanders: CommanderRef[];
  opened: string;
  acknowledged: string | null;
  mitigated: string | null;
  fixDeployed: string | null;
  resolved: string | null;
  confirmed: string | null;
  /** Seconds from opened to each milestone; null when it was not (yet) reached. */
  seconds: Durations;
}

/** Maps a platform user id to the config's person id, when one is known. */
export type PersonOf = (platformUserId: string) => string | undefined;

const noPerson: PersonOf = () => undefined;

/** When the incident was opened: its `triggered` milestone, or its creation for incidents stored before them. */
export function openedAt(incident: Incident): string {
  return incident.milestones?.triggered ?? incident.createdAt;
}

function earliest(...isos: Array<string | undefined>): string | null {
  const times = isos.filter((t): t is string => t !== undefined && !Number.isNaN(Date.parse(t)));
  if (times.length === 0) return null;
  return times.reduce((a, b) => (Date.parse(b) < Date.parse(a) ? b : a));
}

function secondsBetween(from: string, to: string | null): number | null {
  if (to === null) return null;
  const ms = Date.parse(to) - Date.parse(from);
  // A milestone before the opening can only be a clock skew between processes: count it as instant.
  return Number.isNaN(ms) ? null : Math.max(0, ms) / 1000;
}

/** The milestones of one incident and the durations from its opening (see the header for the rules). */
export function milestoneTimes(
  incident: Incident,
): Pick<
  IncidentTimes,
  "opened" | "acknowledged" | "mitigated" | "fixDeployed" | "resolved" | "confirmed" | "seconds"
> {
  const m = incident.milestones ?? {};
  const opened = openedAt(incident);
  const acknowledged = earliest(m.acknowledged);
  const fixDeployed = earliest(m.fix_deployed);
  const resolved = earliest(m.resolved);
  const mitigated = earliest(m.mitigated, m.fix_deployed, m.resolved);
  const confirmed = incident.closeReason === "confirmed" ? earliest(m.closed) : null;
  return {
    opened,
    acknowledged,
    mitigated,
    fixDeployed,
    resolved,
    confirmed,
    seconds: {
      acknowledge: secondsBetween(opened, acknowledged),
      mitigate: secondsBetween(opened, mitigated),
      resolve: secondsBetween(opened, resolved),
      confirm: secondsBetween(opened, confirmed),
    },
  };
}

function ref(user: string, personOf: PersonOf, known?: Participant): CommanderRef {
  const personId = known?.platformUserId === user ? (known.personId ?? personOf(user)) : personOf(user);
  return personId ? { platformUserId: user, personId } : { platformUserId: user };
}

/**
 * Everyone who commanded the incident, in order: the commander before each `commander_changed` and the one
 * after it, then the current commander (who may have been set without an event, e.g. on open).
 */
export function commandersOf(
  incident: Incident,
  events: readonly TimelineEvent[],
  personOf: PersonOf,
): CommanderRef[] {
  const seen: string[] = [];
  const add = (user: string | undefined) => {
    if (user && !seen.includes(user)) seen.push(user);
  };
  for (const event of events) {
    if (event.type !== "commander_changed") continue;
    add(event.data.from);
    add(event.data.to);
  }
  add(incident.commander?.platformUserId);
  return seen.map((user) => ref(user, personOf, incident.commander));
}

/** One incident as the log shows it; `events` (its timeline) only adds the earlier commanders. */
export function incidentTimes(
  incident: Incident,
  events: readonly TimelineEvent[] = [],
  personOf: PersonOf = noPerson,
): IncidentTimes {
  const current = incident.commander;
  return {
    id: incident.id,
    number: incident.number,
    title: incident.title,
    kind: incident.kind,
    severity: incident.severity,
    service: incident.service ?? null,
    state: incident.state,
    private: incident.private === true,
    commander: current ? ref(current.platformUserId, personOf, current) : null,
    commanders: commandersOf(incident, events, personOf),
    ...milestoneTimes(incident),
  };
}

/** Newest first: by opening time, then by number (two opened within the same millisecond). */
export function newestFirst(a: IncidentTimes, b: IncidentTimes): number {
  return Date.parse(b.opened) - Date.parse(a.opened) || b.number - a.number;
}

// ---- aggregates --------------------------------------------------------------------------------------------

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export interface Aggregate {
  key: string;
  /** Incidents in the group. */
  count: number;
  /** The median of each measure over the incidents that reached it (null when none did). */
  medians: Durations;
  /** How many incidents reached each measure (what each median is taken over). */
  reached: Record<Measure, number>;
}

function aggregate(key: string, rows: readonly Pick<IncidentTimes, "seconds">[]): Aggregate {
  const medians = {} as Durations;
  const reached = {} as Record<Measure, number>;
  for (const measure of MEASURES) {
    const values = rows.map((r) => r.seconds[measure]).filter((v): v is number => v !== null);
    medians[measure] = median(values);
    reached[measure] = values.length;
  }
  return { key, count: rows.length, medians, reached };
}

/** Groups rows by a key and aggregates each group; groups come in the order of `keys` when given, else sorted. */
export function aggregateBy<R extends Pick<IncidentTimes, "seconds">>(
  rows: readonly R[],
  keyOf: (row: R) => string,
  keys?: readonly string[],
): Aggregate[] {
  const groups = new Map<string, R[]>();
  for (const key of keys ?? []) groups.set(key, []);
  for (const row of rows) {
    const key = keyOf(row);
    if (keys && !keys.includes(key)) continue;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const order = keys ?? [...groups.keys()].sort();
  return order.map((key) => aggregate(key, groups.get(key) ?? []));
}

/** Label of incidents without a service (Prometheus treats an empty label as a missing one). */
export const NO_SERVICE = "none";

export function bySeverity(rows: readonly IncidentTimes[]): Aggregate[] {
  return aggregateBy(rows, (r) => r.severity, SEVERITIES);
}

export function byService(rows: readonly IncidentTimes[]): Aggregate[] {
  return aggregateBy(rows, (r) => r.service ?? NO_SERVICE);
}

/** Per ISO week of the opening (in `zone`), for the given weeks (see `lastIsoWeeks`). */
export function byIsoWeek(
  rows: readonly IncidentTimes[],
  weeks: readonly string[],
  zone = "UTC",
): Aggregate[] {
  return aggregateBy(rows, (r) => isoWeek(new Date(r.opened), zone), weeks);
}

// ---- ISO weeks ---------------------------------------------------------------------------------------------

const DAY_MS = 86_400_000;
const civilFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar date of an instant in a zone, as days since 1970-01-01. */
function civilDay(at: Date, zone: string): number {
  let format = civilFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", {
      timeZone: zone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    });
    civilFormats.set(zone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
  return Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day)) / DAY_MS;
}

function isoWeekOfDay(day: number): string {
  const date = new Date(day * DAY_MS);
  const weekday = (date.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  // The ISO year is the year of the week's Thursday.
  const thursday = new Date((day - weekday + 3) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const firstThursday = Date.UTC(year, 0, 1) / DAY_MS;
  const week = Math.floor((day - weekday + 3 - firstThursday) / 7) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/** The ISO week ("2026-W47") an instant falls in, by its calendar date in `zone`. */
export function isoWeek(at: Date, zone = "UTC"): string {
  return isoWeekOfDay(civilDay(at, zone));
}

/** The `count` ISO weeks up to and including the one holding `now`, oldest first. */
export function lastIsoWeeks(now: Date, count: number, zone = "UTC"): string[] {
  const today = civilDay(now, zone);
  const weeks: string[] = [];
  for (let i = count - 1; i >= 0; i--) weeks.push(isoWeekOfDay(today - 7 * i));
  return weeks;
}
