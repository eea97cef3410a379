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
  /** Paged when nobody acknowledges on `policy` (or the fallback): for volunteer-run services. */
  backupPolicy?: string;
  /** Person id of who owns the service's post-mortems by default. */
  manager?: string;
}

/** Config `postmortem`. */
export interface PostmortemSettings {
  dueAfterMs: number;
  remindEveryMs: number;
}

/** Config `deploys`. */
export interface DeploySettings {
  /** Environments whose deploys make a fix live (`fix_deployed`); others are told as news only. */
  productionEnvironments: string[];
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

// ---------------------------------------------------------------------------------------------------------
// Layers, overrides and unavailability (issue: on-call)
// ---------------------------------------------------------------------------------------------------------

/**
 * A window a layer is on duty in, in its zone: e.g. working hours, Mon–Fri 09:00–17:00. Outside every window of
 * a restricted layer, that layer has nobody and the next layer down decides.
 */
export interface Restriction {
  /** Days the window starts on. */
  days: Weekday[];
  /** "HH:mm", in the layer's zone. */
  from: string;
  /** "HH:mm"; at or before `from` means the window runs past midnight into the next day. */
  to: string;
}

/** One layer of a rotation: a cycle of members (the base math of rotation.ts), optionally restricted. */
export interface Layer extends Rotation {
  /** Shown to people ("business-hours"); "base" for a rotation written without `layers`. */
  name: string;
  /** Absent: on duty at every instant of its shifts. */
  restrict?: Restriction[];
}

/**
 * A rotation as the config file defines it. Layers are listed highest precedence first: at every instant the
 * first layer that has someone decides; when none has, nobody is on (explicitly). Overrides (from Redis) win
 * over every layer inside their window.
 */
export interface OncallRotation {
  id: string;
  name?: string;
  layers: Layer[];
  /** Channel name where each handoff is posted; the announcement channel when absent. */
  channel?: string;
  /** How long before a shift starts its person gets a DM (config `notify_before`, default 1h). */
  notifyBeforeMs: number;
}

export const OVERRIDE_KINDS = ["override", "swap", "cover", "plan"] as const;
export type OverrideKind = (typeof OVERRIDE_KINDS)[number];

/**
 * Someone on duty instead of the schedule over [from, to). Overrides of one rotation never overlap (the
 * handlers refuse an overlapping one), so at most one applies at any instant.
 */
export interface Override {
  /** Unique within the rotation; stable (ids of a plan's overrides derive from the plan). */
  id: string;
  rotation: string;
  /** Person id on duty inside the window. */
  personId: string;
  /** ISO 8601 instants, from < to. */
  from: string;
  to: string;
  kind: OverrideKind;
  /** Who the schedule had on duty there when the override was made (for messages and undo); absent: nobody. */
  replaces?: string;
  /** Person id of who made it (or `<platform>:<user id>` when they are not in the people list). */
  by: string;
  /** ISO 8601: when it was made. */
  at: string;
}

/** A person's declared unavailability over [from, to): the planner never schedules them there. */
export interface Away {
  id: string;
  personId: string;
  from: string;
  to: string;
  by: string;
  at: string;
}

/** Where an on-duty answer came from. */
export type DutySource =
  | { kind: "layer"; layer: number; shiftIndex: number }
  | { kind: "override"; override: Override }
  | { kind: "nobody" };

/** Who is on duty over [from, to) in one rotation, overrides applied. `personId` null: explicitly nobody. */
export interface DutySegment {
  personId: string | null;
  from: Date;
  to: Date;
  source: DutySource;
}
