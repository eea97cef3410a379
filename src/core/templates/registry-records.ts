/** The templates of merging, subscriptions, notes, the timeline, the incident list and card: their variables (see registry.ts for the rules). */
import { TIMELINE_EVENT_TYPES, type TimelineEventType } from "../incident/timeline.js";
import { INCIDENT, type IncidentVars, type VarPath } from "./registry-shared.js";

/** The other incident of a merge, as the messages about it name it. */
export interface MergePartnerVars {
  id: string;
  title: string;
  /** Display label, e.g. "SEV1". */
  severity: string;
  /** Its channel's id; absent when it has none. */
  channel?: string;
}

/** One timeline event as `/incident timeline` shows it; which fields are set depends on the kind. */
export interface TimelineEventVars {
  /** ISO 8601 instant it happened. */
  at: string;
  /** Platform user id of who did it; absent for the bot's own doing. */
  actor?: string;
  /** Exactly one kind is true, e.g. `is.note_added`. */
  is: Partial<Record<TimelineEventType, boolean>>;
  /** The kind in words ("help taken"), for a kind the template has no line for. */
  kind: string;
  /** What someone wrote: a note, an update, a pinned message, a call for help (shortened when long). */
  text?: string;
  summary?: string;
  reason?: string;
  /** Before and after: severity labels, states, or platform user ids, depending on the kind. */
  from?: string;
  to?: string;
  /** The other incident of a merge. */
  incident?: string;
  title?: string;
  severity?: string;
  /** A person the event is about (the commander paged, the pinned message's author), by platform user id. */
  user?: string;
  /** People it reached (invited, paged), by platform user id. */
  users?: readonly { id: string }[];
  channel?: string;
  /** A link: the pinned message, a fix. */
  link?: string;
  /** A fix: a link or a commit sha. */
  ref?: string;
  /** ISO 8601 instant: until when reminders were snoozed. */
  until?: string;
  /** How many: missed updates, escalation step (from 1). */
  count?: number;
  /** How a page went out: "channel" or "direct_message". */
  via?: string;
}

/** One open incident as `/incident list` shows it. */
export interface ListedIncidentVars {
  id: string;
  title: string;
  /** Display label, e.g. "SEV1". */
  severity: string;
  state: string;
  /** The commander's platform user id: only for an incident of the asker's platform. */
  commander?: string;
  /** The commander in plain words (their name in the config): only for an incident of another platform. */
  commanderName?: string;
  /** The incident channel's id: only for an incident of the asker's platform. */
  channel?: string;
  /** The incident channel's name ("inc-4-db"): only for an incident of another platform. */
  channelName?: string;
  /**
   * The platform the incident is followed on, as people call it ("Slack"): only when it is not the asker's, whose
   * ids would mean nothing there.
   */
  platform?: string;
  /** Milliseconds since it was opened. */
  age: number;
  /** ISO 8601 instant. */
  createdAt: string;
  /** ISO 8601 instant the next status update is due; absent when none is. */
  nextUpdateDue?: string;
  /** True for a change or guidance request. */
  request?: boolean;
}

export interface RecordsVarsMap {
  "merged-into": {
    incident: IncidentVars;
    severity: string;
    actor: string;
    target: MergePartnerVars;
  };
  "merged-in": {
    incident: IncidentVars;
    severity: string;
    actor: string;
    duplicate: MergePartnerVars;
    /** The survivor's severity before and after, when the merge raised it. */
    raised?: { from: string; to: string };
    updateEvery: number;
    nextUpdateDue?: string;
    timezone: string;
  };
  "merged-dm": {
    incident: IncidentVars;
    severity: string;
    target: MergePartnerVars;
  };
  "merge-announcement": {
    incident: IncidentVars;
    severity: string;
    actor: string;
    target: MergePartnerVars;
    raised?: { from: string; to: string };
  };
  subscribed: { incident: IncidentVars; channel?: string; already: boolean };
  unsubscribed: { incident: IncidentVars; channel?: string; wasNot: boolean };
  "note-added": { incident: IncidentVars; text: string };
  "message-pinned": {
    incident: IncidentVars;
    /** The pinned message's author, when a person wrote it. */
    author?: string;
    /** The message as text (shortened when long). */
    text: string;
    /** True when it was pinned before: nothing was added. */
    already: boolean;
    /** True when the message could not be read: nothing was added. */
    unreadable: boolean;
  };
  timeline: {
    incident: IncidentVars;
    /** The asker's IANA zone. */
    timezone: string;
    events: readonly TimelineEventVars[];
    /** How many earlier events did not fit and are not shown. */
    omitted: number;
    total: number;
  };
  "incident-list": {
    timezone: string;
    incidents: readonly ListedIncidentVars[];
    none: boolean;
    /** How many more open incidents did not fit and are not shown. */
    omitted: number;
    total: number;
  };
}

const PARTNER = <N extends string>(name: N) =>
  [`${name}.id`, `${name}.title`, `${name}.severity`, `${name}.channel`] as const;

const EVENT_KINDS = TIMELINE_EVENT_TYPES.map((t) => `events[].is.${t}` as const);

export const RECORDS_VARIABLES = {
  "merged-into": [...INCIDENT, "severity", "actor", ...PARTNER("target")],
  "merged-in": [
    ...INCIDENT,
    "severity",
    "actor",
    ...PARTNER("duplicate"),
    "raised.from",
    "raised.to",
    "updateEvery",
    "nextUpdateDue",
    "timezone",
  ],
  "merged-dm": [...INCIDENT, "severity", ...PARTNER("target")],
  "merge-announcement": [...INCIDENT, "severity", "actor", ...PARTNER("target"), "raised.from", "raised.to"],
  subscribed: [...INCIDENT, "channel", "already"],
  unsubscribed: [...INCIDENT, "channel", "wasNot"],
  "note-added": [...INCIDENT, "text"],
  "message-pinned": [...INCIDENT, "author", "text", "already", "unreadable"],
  timeline: [
    ...INCIDENT,
    "timezone",
    "omitted",
    "total",
    "events[].at",
    "events[].actor",
    "events[].kind",
    ...EVENT_KINDS,
    "events[].text",
    "events[].summary",
    "events[].reason",
    "events[].from",
    "events[].to",
    "events[].incident",
    "events[].title",
    "events[].severity",
    "events[].user",
    "events[].users[].id",
    "events[].channel",
    "events[].link",
    "events[].ref",
    "events[].until",
    "events[].count",
    "events[].via",
  ],
  "incident-list": [
    "timezone",
    "none",
    "omitted",
    "total",
    "incidents[].id",
    "incidents[].title",
    "incidents[].severity",
    "incidents[].state",
    "incidents[].commander",
    "incidents[].commanderName",
    "incidents[].channel",
    "incidents[].channelName",
    "incidents[].platform",
    "incidents[].age",
    "incidents[].createdAt",
    "incidents[].nextUpdateDue",
    "incidents[].request",
  ],
} as const satisfies {
  [N in keyof RecordsVarsMap]: readonly VarPath<RecordsVarsMap[N]>[];
};
