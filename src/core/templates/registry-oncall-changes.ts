/**
 * The templates of schedule changes from chat (`oncall override`, `swap`, `away`, `cover`): their variables
 * (see registry.ts for the rules).
 */
import type { VarPath } from "./registry-shared.js";

/**
 * A person as these messages name them: `user` (their platform user id, for a real mention) when they have an
 * account where the message goes, else `name` (from the people list, or their id).
 */
export interface OncallPersonVars {
  name: string;
  user?: string;
}

/**
 * Who was told by direct message that their shifts moved (`people`), and whose shifts moved but who have no
 * chat account Firebreak can reach (`unreachable`): the answer to a change names both rather than claiming
 * everyone knows. Absent from a message's variables: the message says nothing about who was told.
 */
export interface OncallToldVars {
  people: readonly OncallPersonVars[];
  unreachable: readonly OncallPersonVars[];
}

/** A stretch of time, as ISO 8601 instants; show them with `{{time from timezone}}`. */
export interface OncallWindowVars {
  from: string;
  to: string;
}

export interface OncallChangesVarsMap {
  "oncall-override-made": {
    rotation: string;
    person: OncallPersonVars;
    /** Who the schedule had at the start; absent when nobody was on. */
    replaces?: OncallPersonVars;
    from: string;
    to: string;
    /** The asker's IANA zone. */
    timezone: string;
    /** True when the typed start had passed, so the override begins now. */
    startedNow: boolean;
    /** Notes about the typed times (a time that occurs twice on a DST change: which one was taken). */
    notes?: readonly { text: string }[];
    told?: OncallToldVars;
  };
  "oncall-swap-made": {
    rotation: string;
    /** `first.person`'s next shift, which `second.person` now works, and the reverse. */
    first: { person: OncallPersonVars; from: string; to: string };
    second: { person: OncallPersonVars; from: string; to: string };
    timezone: string;
    told?: OncallToldVars;
  };
  "oncall-away-made": {
    from: string;
    to: string;
    timezone: string;
    startedNow: boolean;
    /** The asker's shifts inside the window (overrides applied), every rotation. */
    shifts: readonly { rotation: string; from: string; to: string }[];
    /** How many more shifts did not fit. */
    omitted: number;
    notes?: readonly { text: string }[];
  };
  "oncall-cover-call": {
    asker: OncallPersonVars;
    rotation: string;
    from: string;
    to: string;
    /** Milliseconds. */
    duration: number;
    /** The reader's zone: the channel's (config `timezone`) or the DM reader's own. */
    timezone: string;
    /** True for the copy sent by direct message. */
    direct: boolean;
    /** The "I'll cover" button's value: what a click needs even once the call is gone. */
    button: string;
  };
  "oncall-cover-asked": {
    rotation: string;
    from: string;
    to: string;
    duration: number;
    timezone: string;
    /** Channel id the call was posted in; absent when it could not be posted. */
    channel?: string;
    /** Who was asked by direct message. */
    asked: readonly OncallPersonVars[];
  };
  "oncall-cover-taken": {
    asker: OncallPersonVars;
    taker: OncallPersonVars;
    rotation: string;
    windows: readonly OncallWindowVars[];
    timezone: string;
  };
  "oncall-cover-taken-reply": {
    asker: OncallPersonVars;
    rotation: string;
    windows: readonly OncallWindowVars[];
    timezone: string;
  };
  "oncall-cover-taken-dm": {
    taker: OncallPersonVars;
    rotation: string;
    windows: readonly OncallWindowVars[];
    timezone: string;
  };
  "oncall-cover-gone": {
    rotation: string;
    asker?: OncallPersonVars;
    /** True when someone took it; false when the time it asked for is over (or it was closed: `closed`). */
    taken: boolean;
    /** True when the call was closed because the asker was no longer on duty then: nobody can take it. */
    closed?: boolean;
    /** Who took it, when known. */
    taker?: OncallPersonVars;
  };
  "oncall-cover-closed": {
    asker: OncallPersonVars;
    rotation: string;
  };
  "oncall-change-refused": {
    rotation: string;
    /** What was refused, completing "can …": "apply this plan", "swap shifts in it". */
    doing: string;
    members: readonly OncallPersonVars[];
    /** The managers and admins; may be empty. */
    managers: readonly OncallPersonVars[];
  };
  "oncall-cover-made": {
    rotation: string;
    /** Who was on and is now covered; absent when nobody was. */
    replaces?: OncallPersonVars;
    windows: readonly OncallWindowVars[];
    timezone: string;
    told?: OncallToldVars;
  };
  /** The head of `oncall overrides`; one `oncall-overrides-item` per override follows it in the same message. */
  "oncall-overrides": {
    /** The rotations looked at (names), in config order. */
    rotations: readonly string[];
    /** The asker's IANA zone. */
    timezone: string;
    /** True when no override is in force or ahead in them. */
    none: boolean;
    /** How many there are, shown or not. */
    total: number;
    /** How many did not fit in one message (the furthest ahead). */
    omitted: number;
  };
  /** One override in the `oncall overrides` list, with its Remove button. */
  "oncall-overrides-item": {
    /** Its place in the list, from 1: the Remove buttons are gathered under the list and name it. */
    number: number;
    rotation: string;
    /** Who is on during it. */
    person: OncallPersonVars;
    /** Who the schedule had when it was made; absent: nobody. */
    replaces?: OncallPersonVars;
    from: string;
    to: string;
    /** override, swap, cover or plan. */
    kind: string;
    /** True when it has started: removing it ends it now. */
    inForce: boolean;
    /** Who made it, and when (ISO 8601). */
    by: OncallPersonVars;
    at: string;
    timezone: string;
    /** The Remove button's value. */
    button: string;
  };
  /** Shown only to whoever clicked Remove on an override. */
  "oncall-override-removed": {
    rotation: string;
    person: OncallPersonVars;
    replaces?: OncallPersonVars;
    /** The override's window as it was (ISO 8601). */
    from: string;
    to: string;
    kind: string;
    /** When it was in progress: the instant it now ends (the part already past is kept). */
    cutAt?: string;
    timezone: string;
    told?: OncallToldVars;
  };
  /** The head of bare `oncall away`; one `oncall-away-item` per absence follows it in the same message. */
  "oncall-away-list": {
    timezone: string;
    none: boolean;
    total: number;
    omitted: number;
  };
  /** One absence in the bare `oncall away` list, with its Remove button. */
  "oncall-away-item": {
    /** Its place in the list, from 1 (see oncall-overrides-item). */
    number: number;
    from: string;
    to: string;
    /** True when it has started: removing it ends it now. */
    inForce: boolean;
    /** When it was declared (ISO 8601). */
    at: string;
    timezone: string;
    button: string;
  };
  /** Shown only to whoever clicked Remove on an absence. */
  "oncall-away-removed": {
    /** Whose absence it was, when not the clicker's own (a manager removing it). */
    person?: OncallPersonVars;
    from: string;
    to: string;
    cutAt?: string;
    timezone: string;
  };
}

const PERSON = <N extends string>(name: N) => [`${name}.name`, `${name}.user`] as const;
/** The variable paths of `told` (OncallToldVars). */
export const TOLD = [...PERSON("told.people[]"), ...PERSON("told.unreachable[]")] as const;

export const ONCALL_CHANGES_VARIABLES = {
  "oncall-override-made": [
    "rotation",
    ...PERSON("person"),
    ...PERSON("replaces"),
    "from",
    "to",
    "timezone",
    "startedNow",
    "notes[].text",
    ...TOLD,
  ],
  "oncall-swap-made": [
    "rotation",
    ...PERSON("first.person"),
    "first.from",
    "first.to",
    ...PERSON("second.person"),
    "second.from",
    "second.to",
    "timezone",
    ...TOLD,
  ],
  "oncall-away-made": [
    "from",
    "to",
    "timezone",
    "startedNow",
    "shifts[].rotation",
    "shifts[].from",
    "shifts[].to",
    "omitted",
    "notes[].text",
  ],
  "oncall-cover-call": [
    ...PERSON("asker"),
    "rotation",
    "from",
    "to",
    "duration",
    "timezone",
    "direct",
    "button",
  ],
  "oncall-cover-asked": [
    "rotation",
    "from",
    "to",
    "duration",
    "timezone",
    "channel",
    "asked[].name",
    "asked[].user",
  ],
  "oncall-cover-taken": [
    ...PERSON("asker"),
    ...PERSON("taker"),
    "rotation",
    "windows[].from",
    "windows[].to",
    "timezone",
  ],
  "oncall-cover-taken-reply": [...PERSON("asker"), "rotation", "windows[].from", "windows[].to", "timezone"],
  "oncall-cover-taken-dm": [...PERSON("taker"), "rotation", "windows[].from", "windows[].to", "timezone"],
  "oncall-cover-gone": ["rotation", ...PERSON("asker"), "taken", "closed", ...PERSON("taker")],
  "oncall-cover-closed": [...PERSON("asker"), "rotation"],
  "oncall-change-refused": ["rotation", "doing", ...PERSON("members[]"), ...PERSON("managers[]")],
  "oncall-cover-made": [
    ...PERSON("replaces"),
    "rotation",
    "windows[].from",
    "windows[].to",
    "timezone",
    ...TOLD,
  ],
  "oncall-overrides": ["rotations[]", "timezone", "none", "total", "omitted"],
  "oncall-overrides-item": [
    "number",
    "rotation",
    ...PERSON("person"),
    ...PERSON("replaces"),
    "from",
    "to",
    "kind",
    "inForce",
    ...PERSON("by"),
    "at",
    "timezone",
    "button",
  ],
  "oncall-override-removed": [
    "rotation",
    ...PERSON("person"),
    ...PERSON("replaces"),
    "from",
    "to",
    "kind",
    "cutAt",
    "timezone",
    ...TOLD,
  ],
  "oncall-away-list": ["timezone", "none", "total", "omitted"],
  "oncall-away-item": ["number", "from", "to", "inForce", "at", "timezone", "button"],
  "oncall-away-removed": [...PERSON("person"), "from", "to", "cutAt", "timezone"],
} as const satisfies {
  [N in keyof OncallChangesVarsMap]: readonly VarPath<OncallChangesVarsMap[N]>[];
};
