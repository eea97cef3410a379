/**
 * The closed set of timeline event types. The timeline is append-only: an event records what happened
 * (`at`) and when the bot wrote it down (`recordedAt`), which differ when a delayed job records a past fact.
 */
export const TIMELINE_EVENT_TYPES = [
  "incident_opened",
  "channel_created",
  "channel_creation_failed",
  "participants_invited",
  "kickoff_posted",
  "commander_paged",
  "commander_missing",
  "announced",
  "acknowledged",
  "status_update_posted",
  "update_overdue",
  "commander_changed",
  "severity_changed",
  "status_changed",
  "escalated",
  "page_repeated",
  "escalation_exhausted",
  "reminder_snoozed",
  "merged",
  "note_added",
  // the lifecycle
  "fix_recorded",
  "fix_deployed",
  "confirmation_requested",
  "reporter_confirmed",
  "reporter_still_broken",
  "confirmation_timed_out",
  // roles
  "commander_offered",
  "commander_offer_declined",
  "commander_offer_expired",
  "comms_changed",
  "responder_joined",
  "help_wanted",
  "help_taken",
  "help_unanswered",
  // records
  "duplicate_merged_in",
  "subscribed",
  "unsubscribed",
  "message_pinned",
  "promoted",
  // after the incident
  "deploy_received",
  "visibility_changed",
  "followup_added",
  "followup_done",
  "followup_reopened",
  "postmortem_created",
  "postmortem_done",
] as const;
export type TimelineEventType = (typeof TIMELINE_EVENT_TYPES)[number];

export interface TimelineEvent {
  type: TimelineEventType;
  at: string; // ISO 8601
  recordedAt: string;
  /** Platform user id of whoever caused it; absent for the bot's own actions. */
  actor?: string;
  /** Event-specific facts, flat strings so they fit a Redis stream entry. */
  data: Record<string, string>;
}

/** An event that is recorded as it happens (`at` and `recordedAt` are the same instant). */
export function timelineEvent(
  type: TimelineEventType,
  now: Date,
  data: Record<string, string> = {},
  actor?: string,
): TimelineEvent {
  const at = now.toISOString();
  return actor ? { type, at, recordedAt: at, actor, data } : { type, at, recordedAt: at, data };
}

// ---- reading back what events record (the decoders beside each writer use these) ---------------------------

/** A list of platform user ids recorded as one comma-separated value (`join(",")`), empty entries dropped. */
export function idList(value: string | undefined): string[] {
  return (value ?? "").split(",").filter(Boolean);
}

/**
 * The milliseconds from one instant an event recorded to another (`from` and `to` name the fields), 0 when
 * negative or unreadable; a field missing counts as the time of the event itself.
 */
export function recordedSpan(event: TimelineEvent, from: string, to: string): number {
  return Math.max(0, Date.parse(event.data[to] ?? event.at) - Date.parse(event.data[from] ?? event.at)) || 0;
}
