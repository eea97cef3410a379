/** The templates of commander designation and handoff, the communications lead, responders and calls for help: their variables (see registry.ts for the rules). */
import { INCIDENT, type IncidentVars, type LastUpdateVars, type VarPath } from "./registry-shared.js";

/** Ids are platform user ids; `handoff` tells a handoff from a designation; durations are milliseconds. */
export interface RolesVarsMap {
  /** A refusal that names a person: exactly one reason flag is set. */
  "role-refused": {
    incident: Pick<IncidentVars, "id">;
    person?: string;
    commander?: string;
    you?: boolean;
    handoff?: boolean;
    answer?: "accept" | "decline";
    state?: string;
    alreadyCommander?: boolean;
    handoffToSelf?: boolean;
    offerClosed?: boolean;
    replaced?: boolean;
    expired?: boolean;
    finished?: boolean;
    offerNotYours?: boolean;
    helpTaken?: boolean;
    alreadyComms?: boolean;
    deactivated?: boolean;
    notInChannel?: boolean;
    needsSummary?: boolean;
  };
  "commander-offer-dm": {
    incident: IncidentVars;
    severity: string;
    channel?: string;
    by: string;
    /** The commander now, when there is one. */
    from?: string;
    offer: number;
    expiresAt: string;
    /** The recipient's zone. */
    timezone: string;
  };
  "handoff-brief": {
    incident: IncidentVars;
    severity: string;
    channel?: string;
    by: string;
    offer: number;
    expiresAt: string;
    /** The incoming commander's zone. */
    timezone: string;
    summary?: string;
    tried?: string;
    ruledOut?: string;
    openActions?: string;
    /** Recent notes (`note`) and status changes (`from`, `to`), oldest first. */
    recent?: readonly { at: string; actor?: string; note?: string; from?: string; to?: string }[];
    fixes?: readonly { ref: string; isLink: boolean; deployed: boolean }[];
    lastUpdate?: LastUpdateVars;
    nextUpdateDue?: string;
    openCalls?: readonly { id: number; text: string; by: string; escalated: boolean }[];
    reporters?: readonly { id: string }[];
    subscribers?: readonly { id: string }[];
    comms?: string;
    responders?: readonly { id: string }[];
  };
  "commander-offered": {
    incident: IncidentVars;
    by: string;
    to: string;
    handoff: boolean;
    expiresAt: string;
    timezone: string;
    /** Who the pending offer this one replaces was for. */
    replacedTo?: string;
  };
  "commander-changed": {
    incident: IncidentVars;
    severity: string;
    to: string;
    from?: string;
    by: string;
    handoff: boolean;
    comms?: string;
  };
  "commander-changed-dm": {
    incident: IncidentVars;
    to: string;
    by: string;
    handoff: boolean;
    /** True for the DM to the commander who was replaced. */
    previous: boolean;
    channel?: string;
    comms?: string;
  };
  "offer-accepted-reply": {
    incident: IncidentVars;
    severity: string;
    channel?: string;
    /** The communications lead, who owes the updates instead, when there is one. */
    comms?: string;
    updateEvery: number;
    nextUpdateDue?: string;
    timezone: string;
  };
  "offer-declined": { incident: IncidentVars; to: string; by: string; handoff: boolean; reason?: string };
  "offer-declined-dm": {
    incident: IncidentVars;
    to: string;
    handoff: boolean;
    reason?: string;
    channel?: string;
  };
  "offer-declined-reply": { incident: IncidentVars; by: string; handoff: boolean };
  "offer-expired": { incident: IncidentVars; to: string; by: string; handoff: boolean; waited: number };
  "offer-expired-dm": {
    incident: IncidentVars;
    to: string;
    handoff: boolean;
    waited: number;
    channel?: string;
  };
  "comms-changed": { incident: IncidentVars; actor: string; to: string; from?: string; updateEvery: number };
  "responder-joined": { incident: IncidentVars; actor: string };
  "help-wanted": {
    incident: IncidentVars;
    severity: string;
    channel?: string;
    by: string;
    text: string;
    call: number;
    /** Until the managers are pinged. */
    dueIn: number;
    /** True for the copy in the announcement channel. */
    announcement?: boolean;
  };
  "help-taken": { incident: IncidentVars; taker: string; by: string; text: string };
  "help-taken-reply": { incident: IncidentVars; taker: string; by: string; text: string; channel?: string };
  "help-unanswered": {
    incident: IncidentVars;
    text: string;
    by: string;
    waited: number;
    /** The managers pinged; absent when none can be reached. */
    managers?: readonly { id: string }[];
    /** True when `roles.managers` names anyone (reachable on this platform or not). */
    configured: boolean;
    call: number;
  };
  "help-unanswered-dm": {
    incident: IncidentVars;
    severity: string;
    channel?: string;
    text: string;
    by: string;
    waited: number;
    call: number;
  };
}

export const ROLES_VARIABLES = {
  "role-refused": [
    "incident.id",
    "person",
    "commander",
    "you",
    "handoff",
    "answer",
    "state",
    "alreadyCommander",
    "handoffToSelf",
    "offerClosed",
    "replaced",
    "expired",
    "finished",
    "offerNotYours",
    "helpTaken",
    "alreadyComms",
    "deactivated",
    "notInChannel",
    "needsSummary",
  ],
  "commander-offer-dm": [...INCIDENT, "severity", "channel", "by", "from", "offer", "expiresAt", "timezone"],
  "handoff-brief": [
    ...INCIDENT,
    "severity",
    "channel",
    "by",
    "offer",
    "expiresAt",
    "timezone",
    "summary",
    "tried",
    "ruledOut",
    "openActions",
    "recent[].at",
    "recent[].actor",
    "recent[].note",
    "recent[].from",
    "recent[].to",
    "fixes[].ref",
    "fixes[].isLink",
    "fixes[].deployed",
    "lastUpdate.text",
    "lastUpdate.at",
    "lastUpdate.author",
    "nextUpdateDue",
    "openCalls[].id",
    "openCalls[].text",
    "openCalls[].by",
    "openCalls[].escalated",
    "reporters[].id",
    "subscribers[].id",
    "comms",
    "responders[].id",
  ],
  "commander-offered": [...INCIDENT, "by", "to", "handoff", "expiresAt", "timezone", "replacedTo"],
  "commander-changed": [...INCIDENT, "severity", "to", "from", "by", "handoff", "comms"],
  "commander-changed-dm": [...INCIDENT, "to", "by", "handoff", "previous", "channel", "comms"],
  "offer-accepted-reply": [
    ...INCIDENT,
    "severity",
    "channel",
    "comms",
    "updateEvery",
    "nextUpdateDue",
    "timezone",
  ],
  "offer-declined": [...INCIDENT, "to", "by", "handoff", "reason"],
  "offer-declined-dm": [...INCIDENT, "to", "handoff", "reason", "channel"],
  "offer-declined-reply": [...INCIDENT, "by", "handoff"],
  "offer-expired": [...INCIDENT, "to", "by", "handoff", "waited"],
  "offer-expired-dm": [...INCIDENT, "to", "handoff", "waited", "channel"],
  "comms-changed": [...INCIDENT, "actor", "to", "from", "updateEvery"],
  "responder-joined": [...INCIDENT, "actor"],
  "help-wanted": [...INCIDENT, "severity", "channel", "by", "text", "call", "dueIn", "announcement"],
  "help-taken": [...INCIDENT, "taker", "by", "text"],
  "help-taken-reply": [...INCIDENT, "taker", "by", "text", "channel"],
  "help-unanswered": [...INCIDENT, "text", "by", "waited", "managers[].id", "configured", "call"],
  "help-unanswered-dm": [...INCIDENT, "severity", "channel", "text", "by", "waited", "call"],
} as const satisfies {
  [N in keyof RolesVarsMap]: readonly VarPath<RolesVarsMap[N]>[];
};
