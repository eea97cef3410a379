/** The templates of status changes, fixes, deploys, resolving and the reporters' confirmation: their variables (see registry.ts for the rules). */
import { INCIDENT, type IncidentVars, type VarPath } from "./registry-shared.js";

/** A person, by platform user id, in a list a template walks with `{{#each}}`. */
interface PersonVars {
  id: string;
}

/** A fix as a message shows it: the link or sha as typed. */
interface FixVars {
  ref: string;
  isLink: boolean;
}

export interface LifecycleVarsMap {
  "status-changed": {
    incident: IncidentVars;
    severity: string;
    actor: string;
    from: string;
    to: string;
    /** True when the new state is mitigated: the post says how to resolve from there. */
    mitigated?: boolean;
  };
  "fix-recorded": {
    incident: IncidentVars;
    severity: string;
    actor: string;
    from: string;
    ref: string;
    isLink: boolean;
  };
  "fix-deployed": {
    incident: IncidentVars;
    severity: string;
    /** Who said so; absent when a deploy webhook did. */
    actor?: string;
    version?: string;
    environment?: string;
    /** The service a deploy webhook named. */
    service?: string;
    fixes: readonly FixVars[];
  };
  "incident-resolved": {
    incident: IncidentVars;
    severity: string;
    actor: string;
    summary?: string;
    /** The reporters asked to confirm. */
    asked: readonly PersonVars[];
    /** ISO 8601 instant the window ends. */
    confirmBy: string;
    timezone: string;
  };
  "confirm-request": {
    incident: IncidentVars;
    severity: string;
    actor: string;
    summary?: string;
    confirmBy: string;
    timezone: string;
    channel?: string;
  };
  "reporter-confirmed": {
    incident: IncidentVars;
    actor: string;
    waitingFor: readonly PersonVars[];
  };
  "incident-closed": {
    incident: IncidentVars;
    severity: string;
    /** True when the window ended without every answer; false when the last reporter confirmed. */
    timedOut: boolean;
    confirmedBy: readonly PersonVars[];
    /** Who never answered (on a timeout). */
    waitingFor: readonly PersonVars[];
  };
  "confirm-thanks": {
    incident: IncidentVars;
    closed: boolean;
    waitingFor: readonly PersonVars[];
    channel?: string;
  };
  "already-confirmed": { incident: IncidentVars };
  "still-broken": {
    incident: IncidentVars;
    severity: string;
    actor: string;
    note: string;
    /** Who is asked to take it up: the communications lead or the commander. */
    owner?: string;
  };
  "still-broken-dm": {
    incident: IncidentVars;
    severity: string;
    actor: string;
    note: string;
    channel?: string;
  };
  "still-broken-thanks": { incident: IncidentVars; channel?: string; owner?: string };
  reopened: { incident: IncidentVars; severity: string; actor: string; from: string };
  "lifecycle-announcement": {
    incident: IncidentVars;
    severity: string;
    /** Who did it; absent when the confirmation window closed it. */
    actor?: string;
    /** The state it is in now. */
    to: string;
    channel?: string;
    summary?: string;
    note?: string;
  };
}

export const LIFECYCLE_VARIABLES = {
  "status-changed": [...INCIDENT, "severity", "actor", "from", "to", "mitigated"],
  "fix-recorded": [...INCIDENT, "severity", "actor", "from", "ref", "isLink"],
  "fix-deployed": [
    ...INCIDENT,
    "severity",
    "actor",
    "version",
    "environment",
    "service",
    "fixes[].ref",
    "fixes[].isLink",
  ],
  "incident-resolved": [...INCIDENT, "severity", "actor", "summary", "asked[].id", "confirmBy", "timezone"],
  "confirm-request": [...INCIDENT, "severity", "actor", "summary", "confirmBy", "timezone", "channel"],
  "reporter-confirmed": [...INCIDENT, "actor", "waitingFor[].id"],
  "incident-closed": [...INCIDENT, "severity", "timedOut", "confirmedBy[].id", "waitingFor[].id"],
  "confirm-thanks": [...INCIDENT, "closed", "waitingFor[].id", "channel"],
  "already-confirmed": [...INCIDENT],
  "still-broken": [...INCIDENT, "severity", "actor", "note", "owner"],
  "still-broken-dm": [...INCIDENT, "severity", "actor", "note", "channel"],
  "still-broken-thanks": [...INCIDENT, "channel", "owner"],
  reopened: [...INCIDENT, "severity", "actor", "from"],
  "lifecycle-announcement": [...INCIDENT, "severity", "actor", "to", "channel", "summary", "note"],
} as const satisfies {
  [N in keyof LifecycleVarsMap]: readonly VarPath<LifecycleVarsMap[N]>[];
};
