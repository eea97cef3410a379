/** On-call domain types. Config parsing (src/config) validates the file and produces these. */

export const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface Person {
  id: string;
  name?: string;
  slack?: string;
  mattermost?: string;
  /** Where they live; times shown to them use it. */
  timezone: string;
}

export interface Rotation {
  id: string;
  /** Person ids, in turn order. */
  members: string[];
  /** Shift length in milliseconds of *wall-clock* time: a 1d shift is one calendar day even across DST. */
  shift: ShiftLength;
  /** Weekday of the first handoff after `start` (only meaningful for shifts that are whole weeks). */
  handoffWeekday?: Weekday;
  /** Handoff wall-clock time "HH:mm" in `timezone`. */
  handoffTime: string;
  timezone: string;
  /** Calendar date (YYYY-MM-DD) in `timezone` from which the rotation runs; members[0] takes the first shift. */
  start: string;
}

/** Shift length in calendar units, so that "1d" stays 09:00 → 09:00 across a DST change. */
export type ShiftLength = { unit: "hours"; count: number } | { unit: "days"; count: number };

export type EscalationTarget = { kind: "rotation"; id: string } | { kind: "person"; id: string };

export interface EscalationStep {
  notify: EscalationTarget[];
  /** Delay after the previous step, in ms (0 for the first). */
  afterMs: number;
}

export interface EscalationPolicy {
  id: string;
  steps: EscalationStep[];
}

export interface Service {
  id: string;
  name?: string;
  owner?: string;
  policy?: string;
}

export interface SeverityPolicy {
  updateEveryMs: number;
  ackWithinMs: number;
}
