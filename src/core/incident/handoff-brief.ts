/**
 * The handoff brief: what the incoming commander needs to take over without asking around. What the outgoing
 * commander wrote in the handoff form (summary, tried, ruled out, open actions) comes with what the incident
 * itself records: its state and severity, the recent notes and status changes, the fixes, the last update and
 * when the next is due, the calls for help nobody took, and who has a stake in it.
 */
import { untakenCalls } from "./help-calls.js";
import type { Fix, HandoffBrief, Incident, StatusUpdate } from "./incident.js";
import type { TimelineEvent } from "./timeline.js";
import { isFinished } from "./timers.js";

/** How many recent notes and status changes the brief shows: enough for the story, short enough to read. */
export const BRIEF_RECENT_MAX = 8;

/** A note (`note`) or a status change (`from` → `to`) from the timeline. */
export interface BriefEntry {
  at: string;
  actor?: string;
  note?: string;
  from?: string;
  to?: string;
}

export interface HandoffBriefContent extends HandoffBrief {
  recent: BriefEntry[];
  fixes: { ref: string; isLink: boolean; deployed: boolean }[];
  lastUpdate?: { text: string; at: string; author: string };
  /** ISO 8601; absent when no update is due (the incident is over). */
  nextUpdateDue?: string;
  /** Calls for help nobody took; `escalated` once the managers were pinged. */
  openCalls: { id: number; text: string; by: string; escalated: boolean }[];
  reporters: { id: string }[];
  /** Subscribers who are not reporters. */
  subscribers: { id: string }[];
  comms?: string;
  responders: { id: string }[];
}

/** A fix as the brief and the status card show it. */
export function fixView(f: Fix): { ref: string; isLink: boolean; deployed: boolean } {
  return { ref: f.ref, isLink: f.refKind === "link", deployed: Boolean(f.deployedAt) };
}

/** The last status update as the brief and the status card show it. */
export function lastUpdateView(u: StatusUpdate): { text: string; at: string; author: string } {
  return { text: u.text, at: u.at, author: u.actor };
}

function entryOf(e: TimelineEvent): BriefEntry | null {
  const actor = e.actor ? { actor: e.actor } : {};
  if (e.type === "note_added" && e.data.text) return { at: e.at, ...actor, note: e.data.text };
  if (e.type === "status_changed" && e.data.to) {
    return { at: e.at, ...actor, ...(e.data.from && { from: e.data.from }), to: e.data.to };
  }
  return null;
}

export function handoffBrief(
  incident: Incident,
  timeline: readonly TimelineEvent[],
  brief: HandoffBrief = {},
): HandoffBriefContent {
  const recent = timeline
    .map(entryOf)
    .filter((e): e is BriefEntry => e !== null)
    .slice(-BRIEF_RECENT_MAX);
  const reporters = incident.reporters.map((r) => r.platformUserId);
  const due = incident.timers?.update?.dueAt;
  return {
    ...brief,
    recent,
    fixes: (incident.fixes ?? []).map(fixView),
    ...(incident.lastUpdate && { lastUpdate: lastUpdateView(incident.lastUpdate) }),
    ...(due && !isFinished(incident) && { nextUpdateDue: due }),
    openCalls: untakenCalls(incident).map((c) => ({
      id: c.id,
      text: c.text,
      by: c.by,
      escalated: Boolean(c.escalatedAt),
    })),
    reporters: reporters.map((id) => ({ id })),
    subscribers: (incident.subscribers ?? []).filter((s) => !reporters.includes(s)).map((id) => ({ id })),
    ...(incident.comms && { comms: incident.comms.platformUserId }),
    responders: (incident.responders ?? []).map((r) => ({ id: r.platformUserId })),
  };
}
