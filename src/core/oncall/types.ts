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
  /** Person ids, in turn order: shift k belongs to `members[k % members.length]`. */
  members: string[];
  /**
   * How long one shift lasts, in calendar units so that "1d" stays 09:00 → 09:00 local across a DST change.
   * `rotation.ts` explains how each kind steps across DST.
   */
  shift: ShiftLength;
  /**
   * Weekday of the first handoff on or after `start`. Only for shifts of whole weeks (`days` a multiple of 7);
   * when absent on such a shift, the weekday of `start` is meant.
   */
  handoffWeekday?: Weekday;
  /** Handoff wall-clock time "HH:mm" (24-hour) in `timezone`. */
  handoffTime: string;
  /** IANA time zone name, e.g. "Europe/Berlin". */
  timezone: string;
  /** Calendar date (YYYY-MM-DD) in `timezone` from which the rotation runs; members[0] takes the first shift. */
  start: string;
}

/**
 * Shift length in calendar units. Weeks are written as days (1w = 7 days): a shift is "weekly" when its day
 * count is a multiple of 7, and only weekly shifts may name a handoff weekday.
 */
export type ShiftLength = { unit: "hours"; count: number } | { unit: "days"; count: number };

/**
 * One shift of a rotation's base schedule: `personId` is on duty over the half-open interval
 * [shiftStart, shiftEnd). Overrides and layers are applied on top of these, so this is the rotation alone.
 */
export interface Shift {
  personId: string;
  shiftStart: Date;
  shiftEnd: Date;
  /** 0 for the first shift after `start`; the member is `members[shiftIndex % members.length]`. */
  shiftIndex: number;
}

export type EscalationTarget = { kind: "rotation"; id: string } | { kind: "person"; id: string };

export interface EscalationStep {
  notify: EscalationTarget[];
  /** Delay after the previous step, in ms (0 for the first). */
  afterMs: number;
}

export interface EscalationPolicy {
  id: string;
  steps: EscalationStep[];
  /**
   * How many more times the last step is paged (each after the same delay as the last step) before the
   * escalation is exhausted. Config `repeat_last`, default 2.
   */
  repeatLast: number;
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

/** Config `reminders`: how far a missed status update reaches. */
export interface ReminderSettings {
  /** From this many consecutive missed updates on, the nudge is also sent by DM (default 2). */
  dmAfterMisses: number;
  /** Every this many consecutive missed updates, the policy's next step is paged (default 3). */
  escalateAfterMisses: number;
}

/** Config `roles`: person ids with authority on every incident. */
export interface RoleSettings {
  /**
   * May resolve, change severity, designate, hand off, assign the communications lead and merge on any
   * incident; pinged when a call for help goes untaken.
   */
  managers: string[];
  /** May do everything managers may. */
  admins: string[];
}

/** Config `lifecycle`: how long the incident waits for people. */
export interface LifecycleSettings {
  /** A designation or handoff nobody answers is withdrawn after this, and whoever offered it is told. */
  offerExpiresMs: number;
  /** A call for help nobody takes within this pings the managers. */
  helpWantedMs: number;
  /** Reporters who have not confirmed the fix within this: the incident closes with a note. */
  confirmWithinMs: number;
}
