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

/**
 * A timer's durable state, kept on the incident so the incident's own optimistic write is the fence: a job
 * acts only when its generation is the recorded `gen`, and records `firedGen` in the same write, so a re-run
 * after a crash can tell "I already fired, finish my effects" from "I was replaced, do nothing".
 */
export interface TimerState {
  /** Bumped on every (re)schedule and every firing; the pending job carries it. */
  gen: number;
  /** When the pending job fires; absent when nothing is scheduled (acknowledged, resolved). */
  dueAt?: string;
  /** The generation whose firing was last recorded. */
  firedGen?: number;
}

export interface EscalationTimer extends TimerState {
  /** Index of the escalation-policy step paged last (0: the first page at open). */
  step: number;
  /** How many times the last step has been repeated. */
  repeats: number;
}

export interface UpdateTimer extends TimerState {
  /** Consecutive update deadlines missed since the last update. */
  misses: number;
  /** Set by a snooze: no nudge before this instant. */
  snoozedUntil?: string;
}

export interface StatusUpdate {
  at: string;
  text: string;
  /** Platform user id of the author. */
  actor: string;
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
  timers?: { escalation?: EscalationTimer; update?: UpdateTimer };
  lastUpdate?: StatusUpdate;
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
