/**
 * The templates of shift notices, moved shifts and calendar feeds (see registry.ts for the rules): their
 * variables.
 */
import type { VarPath } from "./registry-shared.js";

/**
 * A person as a message names them: `user` (a platform user id, for the `user` helper) when they have an
 * account on the platform the message goes to, and `name` always (their name, person id or how they were
 * recorded), for the text when there is no account to mention.
 */
export interface PersonRefVars {
  user?: string;
  name: string;
}

/** Where someone's duty comes from, when it is not the rotation's only layer. */
export interface DutySourceVars {
  /** The layer's name, when the rotation has several. */
  layer?: string;
  /** An override: its kind ("override", "swap", "cover", "plan") and who made it. */
  override?: { kind: string; by: PersonRefVars };
}

/** A window of duty: ISO 8601 instants, [from, to). */
export interface WindowVars {
  from: string;
  to: string;
}

export interface OncallNoticesVarsMap {
  "oncall-shift-soon-dm": {
    /** The rotation's display name. */
    rotation: string;
    /** ISO 8601: when the shift starts. */
    from: string;
    /** ISO 8601: when it ends; absent when no handoff is planned within `horizon`. */
    until?: string;
    /** Milliseconds looked ahead for the end. */
    horizon: number;
    /** Milliseconds from now until it starts. */
    in: number;
    /** The person's IANA zone. */
    timezone: string;
    source: DutySourceVars;
  };
  "oncall-handoff": {
    rotation: string;
    /** Who takes over; absent: nobody is on call. */
    to?: PersonRefVars;
    /** Who was on before; absent: nobody was. */
    from?: PersonRefVars;
    /** ISO 8601 of the handoff. */
    at: string;
    /** ISO 8601 of the next handoff; absent when none is planned within the look-ahead. */
    until?: string;
    /** The rotation's IANA zone. */
    timezone: string;
    source: DutySourceVars;
  };
  "oncall-moved-dm": {
    rotation: string;
    /** The person's IANA zone. */
    timezone: string;
    /** Windows they are now on duty in and were not, first ones only; `gainedMore` more not listed. */
    gained: readonly WindowVars[];
    gainedMore: number;
    lost: readonly WindowVars[];
    lostMore: number;
    /** Exactly one kind is true; `by` is set for all but `config`. */
    why: {
      override?: boolean;
      swap?: boolean;
      cover?: boolean;
      plan?: boolean;
      /** An override was removed (`oncall overrides` → Remove). */
      removed?: boolean;
      config?: boolean;
      by?: PersonRefVars;
    };
  };
  "oncall-calendar": {
    /** True when the list holds only the rotations the asker is a member of. */
    mine: boolean;
    feeds: readonly {
      /** The rotation's display name. */
      rotation: string;
      id: string;
      /** The feed's https (or http) address, token included. */
      url: string;
      /** The same address as webcal://, which Apple Calendar and Outlook open as a subscription. */
      webcal: string;
    }[];
  };
}

const PERSON = <N extends string>(name: N) => [`${name}.user`, `${name}.name`] as const;
const SOURCE = ["source.layer", "source.override.kind", ...PERSON("source.override.by")] as const;

export const ONCALL_NOTICES_VARIABLES = {
  "oncall-shift-soon-dm": ["rotation", "from", "until", "horizon", "in", "timezone", ...SOURCE],
  "oncall-handoff": ["rotation", ...PERSON("to"), ...PERSON("from"), "at", "until", "timezone", ...SOURCE],
  "oncall-moved-dm": [
    "rotation",
    "timezone",
    "gained[].from",
    "gained[].to",
    "gainedMore",
    "lost[].from",
    "lost[].to",
    "lostMore",
    "why.override",
    "why.swap",
    "why.cover",
    "why.plan",
    "why.removed",
    "why.config",
    ...PERSON("why.by"),
  ],
  "oncall-calendar": ["mine", "feeds[].rotation", "feeds[].id", "feeds[].url", "feeds[].webcal"],
} as const satisfies {
  [N in keyof OncallNoticesVarsMap]: readonly VarPath<OncallNoticesVarsMap[N]>[];
};
