/** The templates of follow-ups (`/incident followup`, `followup done|reopen`, `followups`): their variables. */
import { INCIDENT, type IncidentVars, type VarPath } from "./registry-shared.js";

/** One follow-up as the messages about it show it. */
export interface FollowupVars {
  /** Its number within the incident (what `followup done <n>` names). */
  n: number;
  /** What is to be done, as typed. */
  text: string;
  /** Platform user id of its owner; absent when nobody owns it. */
  owner?: string;
  /** Exactly one of these is true. */
  open: boolean;
  done: boolean;
  /** Platform user id of who recorded it, and when (ISO 8601). */
  by: string;
  at: string;
  /** Who marked it done and when (ISO 8601); absent while open. */
  doneBy?: string;
  doneAt?: string;
}

export interface AfterFollowupsVarsMap {
  "followup-added": {
    incident: IncidentVars;
    severity: string;
    followup: FollowupVars;
    /** How many follow-ups are open now, this one included. */
    openCount: number;
  };
  "followup-owner-dm": {
    incident: IncidentVars;
    severity: string;
    followup: FollowupVars;
    /** The incident channel's id; absent when it has none. */
    channel?: string;
  };
  "followup-changed": {
    incident: IncidentVars;
    followup: FollowupVars;
    /** Who marked it done or reopened it. */
    actor: string;
    openCount: number;
  };
  "followup-already": {
    incident: IncidentVars;
    followup: FollowupVars;
    /** The reader's IANA zone. */
    timezone: string;
  };
  followups: {
    incident: IncidentVars;
    /** The reader's IANA zone. */
    timezone: string;
    /** Open ones first, then done ones, each by number. */
    followups: readonly FollowupVars[];
    none: boolean;
    total: number;
    openCount: number;
    /** How many did not fit in one message (the last done ones). */
    omitted: number;
    /** The incident this one was merged into, when it was (new follow-ups go there). */
    duplicateOf?: string;
  };
}

const FOLLOWUP = <N extends string>(name: N) =>
  [
    `${name}.n`,
    `${name}.text`,
    `${name}.owner`,
    `${name}.open`,
    `${name}.done`,
    `${name}.by`,
    `${name}.at`,
    `${name}.doneBy`,
    `${name}.doneAt`,
  ] as const;

export const AFTER_FOLLOWUPS_VARIABLES = {
  "followup-added": [...INCIDENT, "severity", ...FOLLOWUP("followup"), "openCount"],
  "followup-owner-dm": [...INCIDENT, "severity", ...FOLLOWUP("followup"), "channel"],
  "followup-changed": [...INCIDENT, ...FOLLOWUP("followup"), "actor", "openCount"],
  "followup-already": [...INCIDENT, ...FOLLOWUP("followup"), "timezone"],
  followups: [
    ...INCIDENT,
    "timezone",
    ...FOLLOWUP("followups[]"),
    "none",
    "total",
    "openCount",
    "omitted",
    "duplicateOf",
  ],
} as const satisfies {
  [N in keyof AfterFollowupsVarsMap]: readonly VarPath<AfterFollowupsVarsMap[N]>[];
};
