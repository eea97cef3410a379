import type { Platform } from "../platform.js";

export const SEVERITIES = ["sev1", "sev2", "sev3", "sev4"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const INCIDENT_KINDS = ["incident", "change_request", "guidance_request"] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

/** The lifecycle states of DESIGN.md §4; the transition table arrives with the lifecycle work. */
export const INCIDENT_STATES = [
  "triggered",
  "acknowledged",
  "investigating",
  "identified",
  "mitigated",
  "fix_merged",
  "fix_deployed",
  "resolved",
  "closed",
  "reopened",
] as const;
export type IncidentState = (typeof INCIDENT_STATES)[number];

/** Someone taking part in an incident, as the platform knows them and, when the config maps them, as a person. */
export interface Participant {
  platformUserId: string;
  personId?: string;
}

export interface IncidentChannel {
  id: string;
  name: string;
}

export interface Incident {
  id: string; // "INC-12"
  number: number;
  title: string;
  description?: string;
  kind: IncidentKind;
  severity: Severity;
  service?: string;
  state: IncidentState;
  platform: Platform;
  /** Where the reporter typed the command (for replies that are not in the incident channel). */
  origin: { conversationId: string; responseUrl?: string };
  reporters: Participant[];
  commander?: Participant;
  /** Why no commander could be found, when none was. */
  commanderMissingReason?: string;
  channel?: IncidentChannel;
  createdAt: string; // ISO 8601
  updatedAt: string;
}

export function incidentId(n: number): string {
  return `INC-${n}`;
}

const ID = /^INC-([1-9][0-9]{0,9})$/i;

export function parseIncidentId(text: string): number | null {
  const m = ID.exec(text.trim());
  return m ? Number(m[1]) : null;
}

export function severityLabel(s: Severity): string {
  return s.toUpperCase();
}
