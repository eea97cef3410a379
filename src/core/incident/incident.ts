import type { Platform } from "../platform.js";

export const SEVERITIES = ["sev1", "sev2", "sev3", "sev4"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const INCIDENT_KINDS = ["incident", "change_request", "guidance_request"] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

/** The lifecycle states of DESIGN.md §4; which command moves between which is the table in lifecycle.ts. */
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

/** A fix recorded with `/incident fix <link or sha>`; `deployedAt` once it is live. */
export interface Fix {
  ref: string;
  refKind: "link" | "sha";
  at: string;
  /** Platform user id of who recorded it. */
  actor: string;
  deployedAt?: string;
}

/** What the outgoing commander tells the incoming one (the handoff brief); every field is free text. */
export interface HandoffBrief {
  summary?: string;
  tried?: string;
  ruledOut?: string;
  openActions?: string;
}

/**
 * A pending offer of the commander role: a designation (`/incident commander @user`) or a handoff
 * (`/incident handoff @user`). At most one is pending; a new one replaces it. `id` grows with every offer, and
 * the Accept / Decline buttons carry it, so a click on a replaced or expired offer does nothing.
 */
export interface CommanderOffer {
  id: number;
  kind: "designation" | "handoff";
  /** Who is asked to take command. */
  to: Participant;
  /** Platform user id of who made the offer. */
  by: string;
  /** The commander when the offer was made (absent when there was none). */
  from?: string;
  brief?: HandoffBrief;
  at: string;
  expiresAt: string;
}

/** A call for takers (`/incident help-wanted <text>`); the managers are pinged when nobody takes it in time. */
export interface HelpCall {
  id: number;
  text: string;
  by: string;
  at: string;
  dueAt: string;
  takenBy?: string;
  takenAt?: string;
  /** When the managers were pinged because nobody took it. */
  escalatedAt?: string;
}

/** The reporters' confirmation asked for on `resolved`: closed when every one asked has confirmed, or at `dueAt`. */
export interface Confirmation {
  /** Platform user ids asked. */
  asked: string[];
  confirmed: string[];
  askedAt: string;
  dueAt: string;
}

/** A task that came out of the incident (`/incident followup`), listed on it and in its post-mortem. */
export interface Followup {
  /** 1, 2, 3 … within the incident; what `followup done <n>` names. */
  n: number;
  text: string;
  /** Platform user id of who owns it, when someone does. */
  owner?: string;
  state: "open" | "done";
  /** Platform user id of who recorded it, and when (ISO 8601). */
  by: string;
  at: string;
  /** When and by whom it was marked done (cleared on reopen). */
  doneAt?: string;
  doneBy?: string;
}

/** The post-mortem of a resolved incident: its draft is served at `/incidents/INC-n/postmortem.md`. */
export interface Postmortem {
  /** ISO 8601 and platform user id of who asked for it. */
  createdAt: string;
  by: string;
  /** Platform user id of its owner (the service's manager by default, else whoever asked). */
  owner: string;
  /** ISO 8601: when it is due; the owner is reminded until it is done. */
  dueAt: string;
  done?: { at: string; by: string };
}

/** A deploy that reached the incident (its recorded fix was among the deploy's commits). */
export interface DeployRecord {
  service: string;
  environment: string;
  version: string;
  /** ISO 8601: when the hook was received. */
  at: string;
  /** The incident's fix refs found among the deploy's commits. */
  fixes: string[];
}

export type CloseReason = "confirmed" | "timeout" | "duplicate" | "done";

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
  timers?: {
    escalation?: EscalationTimer;
    update?: UpdateTimer;
    /** Expiry of the pending commander offer. */
    offer?: TimerState;
    /** The earliest deadline of the open calls for help. */
    help?: TimerState;
    /** The end of the reporters' confirmation window. */
    confirmation?: TimerState;
    /** The next reminder to the post-mortem's owner (stops once it is done). */
    postmortem?: TimerState;
  };
  lastUpdate?: StatusUpdate;
  /** The communications lead: receives the update nudges instead of the commander when set. */
  comms?: Participant;
  /** People who joined to work on it (`/incident join`), in the order they joined. */
  responders?: Participant[];
  /** Platform user ids told by DM of every state change and update. Reporters are subscribed when added. */
  subscribers?: string[];
  fixes?: Fix[];
  /** Kept off the public status page and its feeds (`visibility:private`, `/incident visibility`). */
  private?: boolean;
  followups?: Followup[];
  postmortem?: Postmortem;
  /** Deploys that carried a recorded fix, in the order they came. */
  deploys?: DeployRecord[];
  offer?: CommanderOffer;
  /** The last offer id handed out (offer ids never repeat within an incident). */
  offerSeq?: number;
  helpCalls?: HelpCall[];
  confirmation?: Confirmation;
  resolution?: { at: string; actor: string; summary?: string };
  closeReason?: CloseReason;
  /** Set when this incident was merged into another as its duplicate. */
  duplicateOf?: string;
  /** Incidents merged into this one. */
  mergedFrom?: string[];
  /** The first time each state was reached (ISO 8601), for the incident log and its metrics. */
  milestones?: Partial<Record<IncidentState, string>>;
  /**
   * How many state changes the incident has gone through (`enterState` counts them). The news of the n-th is
   * keyed by n, so every change is told once and a retry of the same one sends nothing twice.
   */
  stateChanges?: number;
  /**
   * Where a change or guidance request is tracked instead of a channel: the conversation it was opened in and
   * the outbox key of its card there.
   */
  thread?: { conversationId: string; key: string };
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

/** Who is told of every change: the recorded subscribers, or the reporters for incidents stored before them. */
export function subscribersOf(incident: Pick<Incident, "subscribers" | "reporters">): string[] {
  return incident.subscribers ?? incident.reporters.map((r) => r.platformUserId);
}

/** Whoever is nudged for status updates: the communications lead when there is one, else the commander. */
export function updateOwner(incident: Pick<Incident, "comms" | "commander">): Participant | undefined {
  return incident.comms ?? incident.commander;
}
