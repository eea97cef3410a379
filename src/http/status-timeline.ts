/**
 * An incident's public history, from its timeline: the status updates people posted (their whole text) and
 * the changes the public cares about (status, severity) as short lines. Notes, pages, invitations, who holds
 * which role and everything else stay internal: the timeline records them for the team, not for readers.
 */
import { INCIDENT_STATES, type IncidentState } from "../core/incident/incident.js";
import type { TimelineEvent } from "../core/incident/timeline.js";
import { type PublicEntry, STATE_WORDS } from "./status-html.js";

const isState = (s: string | undefined): s is IncidentState =>
  (INCIDENT_STATES as readonly string[]).includes(s ?? "");

function entryOf(event: TimelineEvent): PublicEntry | null {
  const d = event.data;
  switch (event.type) {
    case "incident_opened":
      return { at: event.at, kind: "change", words: "Incident reported." };
    case "acknowledged":
      return { at: event.at, kind: "change", words: "Acknowledged: someone is on it." };
    case "status_update_posted":
      return d.text ? { at: event.at, kind: "update", text: d.text } : null;
    case "status_changed":
      return isState(d.to) ? { at: event.at, kind: "change", words: `Status: ${STATE_WORDS[d.to]}.` } : null;
    case "severity_changed":
      return d.from && d.to
        ? { at: event.at, kind: "change", words: `Severity changed from ${d.from} to ${d.to}.` }
        : null;
    default:
      return null;
  }
}

/** The public entries of a timeline, oldest first, without a change line repeating the one before it. */
export function publicEntries(events: readonly TimelineEvent[]): PublicEntry[] {
  const entries: PublicEntry[] = [];
  for (const event of [...events].sort((a, b) => a.at.localeCompare(b.at))) {
    const entry = entryOf(event);
    const last = entries[entries.length - 1];
    if (!entry) continue;
    if (entry.kind === "change" && last?.kind === "change" && last.words === entry.words) continue;
    entries.push(entry);
  }
  return entries;
}
