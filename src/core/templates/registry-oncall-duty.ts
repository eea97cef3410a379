/** The on-call templates of "who is on duty" (`oncall [service|rotation]`): their variables (see registry.ts). */
import type { VarPath } from "./registry-shared.js";

/**
 * A person as these messages name them: `user` (their platform user id, for a real mention) when they have an
 * account where the message goes, else `name` (from the people list, or their id).
 */
export interface DutyPersonVars {
  name: string;
  user?: string;
}

/** One stretch of duty: someone (or nobody) from `from` to `to` (ISO 8601). */
export interface DutyStretchVars {
  /** True when nobody is on call over it. */
  nobody: boolean;
  /** Absent when `nobody`. */
  person?: DutyPersonVars;
  from: string;
  to: string;
  /** The layer that puts them there, when the rotation has more than one ("business-hours"). */
  layer?: string;
  /** Set when an override puts them there: who made it, and its kind (override, swap, cover or plan). */
  override?: { by: DutyPersonVars; kind: string; planned: boolean };
}

/** One rotation: who is on now and the next changes of person. */
export interface RotationDutyVars {
  id: string;
  name?: string;
  now: DutyStretchVars;
  next: readonly DutyStretchVars[];
  /** How far ahead was looked, in milliseconds. */
  horizon: number;
  /** True when nobody changes within the horizon: `now.to` is where the looking stopped, not a handoff. */
  steady: boolean;
}

const STRETCH = <A extends string>(at: A) =>
  [
    `${at}.nobody`,
    `${at}.person.name`,
    `${at}.person.user`,
    `${at}.from`,
    `${at}.to`,
    `${at}.layer`,
    `${at}.override.by.name`,
    `${at}.override.by.user`,
    `${at}.override.kind`,
    `${at}.override.planned`,
  ] as const;

const ROTATION = <A extends string>(at: A) =>
  [
    `${at}.id`,
    `${at}.name`,
    ...STRETCH(`${at}.now`),
    ...STRETCH(`${at}.next[]`),
    `${at}.horizon`,
    `${at}.steady`,
  ] as const;

export interface OncallDutyVarsMap {
  "oncall-who": {
    /** The asker's IANA zone. */
    timezone: string;
    /** True when one rotation was asked about (more of what comes next is shown). */
    single: boolean;
    /** True when the config has no rotations. */
    none: boolean;
    rotations: readonly RotationDutyVars[];
    /** How many rotations did not fit in one message. */
    omitted: number;
  };
  "oncall-who-service": {
    timezone: string;
    service: { id: string; name?: string; owner?: string };
    /** The policy that pages it: its own, else fallback_policy; absent when neither exists. */
    policy?: string;
    /** True when the service has no policy of its own and falls to fallback_policy. */
    fallback: boolean;
    /** Who the policy's first step reaches: a rotation (now and next) or a person (always). */
    targets: readonly { rotation?: RotationDutyVars; person?: DutyPersonVars }[];
    /** True when the first step reaches nobody right now. */
    nobody: boolean;
  };
}

export const ONCALL_DUTY_VARIABLES = {
  "oncall-who": ["timezone", "single", "none", "omitted", ...ROTATION("rotations[]")],
  "oncall-who-service": [
    "timezone",
    "service.id",
    "service.name",
    "service.owner",
    "policy",
    "fallback",
    "nobody",
    ...ROTATION("targets[].rotation"),
    "targets[].person.name",
    "targets[].person.user",
  ],
} as const satisfies {
  [N in keyof OncallDutyVarsMap]: readonly VarPath<OncallDutyVarsMap[N]>[];
};
