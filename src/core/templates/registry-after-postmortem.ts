/** The templates of post-mortems (`/incident postmortem`, `postmortem done`, the owner's reminders): their variables. */
import { INCIDENT, type IncidentVars, type VarPath } from "./registry-shared.js";

/** What every post-mortem message knows about it. */
interface PostmortemBase {
  incident: IncidentVars;
  /** Platform user id of the post-mortem's owner. */
  owner: string;
  /** ISO 8601: when it is due. */
  due: string;
  /** The draft's address (absent when the incident is private: the draft is not served then). */
  url?: string;
  /** The reader's IANA zone (the config zone for channel posts). */
  timezone: string;
}

export interface AfterPostmortemVarsMap {
  /** Posted in the incident channel when the post-mortem is opened. */
  "postmortem-created": PostmortemBase & {
    /** Who opened it. */
    actor: string;
    /** The owner is the service's manager (rather than whoever asked). */
    byManager: boolean;
    /** Reminders go to the owner this often (ms). */
    remindEvery: number;
  };
  /** DM to the owner when someone else opened it. */
  "postmortem-owner-dm": PostmortemBase & { actor: string; channel?: string };
  /** Answer to `postmortem` when it exists already. */
  "postmortem-exists": PostmortemBase & { done: boolean; doneAt?: string; doneBy?: string };
  /** DM to the owner at each reminder. */
  "postmortem-reminder-dm": PostmortemBase & { overdue: boolean; channel?: string };
  /** Posted in the incident channel on the due date while it is not done. */
  "postmortem-overdue": PostmortemBase;
  /** Posted in the incident channel when someone hands it to a new owner (`postmortem @owner`). */
  "postmortem-owner-changed": PostmortemBase & { actor: string };
  /** Posted in the incident channel when it is marked done. */
  "postmortem-done": PostmortemBase & { actor: string };
  /** Refusal of `postmortem done` or `postmortem @owner` by someone who may not (it names who may). */
  "postmortem-not-allowed": {
    incident: IncidentVars;
    owner: string;
    commander?: string;
    managers: readonly { id: string }[];
    admins: readonly { id: string }[];
  };
}

const BASE = [...INCIDENT, "owner", "due", "url", "timezone"] as const;

export const AFTER_POSTMORTEM_VARIABLES = {
  "postmortem-created": [...BASE, "actor", "byManager", "remindEvery"],
  "postmortem-owner-dm": [...BASE, "actor", "channel"],
  "postmortem-exists": [...BASE, "done", "doneAt", "doneBy"],
  "postmortem-reminder-dm": [...BASE, "overdue", "channel"],
  "postmortem-overdue": [...BASE],
  "postmortem-owner-changed": [...BASE, "actor"],
  "postmortem-done": [...BASE, "actor"],
  "postmortem-not-allowed": [
    ...INCIDENT,
    "owner",
    "commander",
    "managers[]",
    "managers[].id",
    "admins[]",
    "admins[].id",
  ],
} as const satisfies {
  [N in keyof AfterPostmortemVarsMap]: readonly VarPath<AfterPostmortemVarsMap[N]>[];
};
