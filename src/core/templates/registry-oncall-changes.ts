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
  };
  "oncall-swap-made": {
    rotation: string;
    /** `first.person`'s next shift, which `second.person` now works, and the reverse. */
    first: { person: OncallPersonVars; from: string; to: string };
    second: { person: OncallPersonVars; from: string; to: string };
    timezone: string;
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
    /** True when someone took it; false when the time it asked for is over. */
    taken: boolean;
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
  };
}

const PERSON = <N extends string>(name: N) => [`${name}.name`, `${name}.user`] as const;

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
  "oncall-cover-gone": ["rotation", ...PERSON("asker"), "taken", ...PERSON("taker")],
  "oncall-cover-closed": [...PERSON("asker"), "rotation"],
  "oncall-change-refused": ["rotation", "doing", ...PERSON("members[]"), ...PERSON("managers[]")],
  "oncall-cover-made": [...PERSON("replaces"), "rotation", "windows[].from", "windows[].to", "timezone"],
} as const satisfies {
  [N in keyof OncallChangesVarsMap]: readonly VarPath<OncallChangesVarsMap[N]>[];
};
