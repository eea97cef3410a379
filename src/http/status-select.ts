/**
 * Which incidents the public status page shows, and in what order. Pure: the router loads, this picks.
 *
 * Only incidents proper are public: change and guidance requests are internal paperwork, and an incident
 * marked private (`visibility:private`) never appears, not even in a count. A duplicate merged into another
 * incident is left out too: its survivor tells the story, and the same outage twice would look like two.
 */
import { type Incident, SEVERITIES } from "../core/incident/incident.js";

export const RESOLVED_WINDOW_DAYS = 30;
const DAY_MS = 86_400_000;

/** May this incident appear on the public pages at all? */
export function isPublic(incident: Incident): boolean {
  return incident.kind === "incident" && !incident.private;
}

/** Resolved or closed: over, as far as the public is concerned (the reporter's confirmation is internal). */
export function isOver(incident: Incident): boolean {
  return incident.state === "resolved" || incident.state === "closed";
}

/** When it was (last) resolved: the resolution, else the first time it reached resolved or closed. */
export function resolvedAt(incident: Incident): string | undefined {
  return incident.resolution?.at ?? incident.milestones?.resolved ?? incident.milestones?.closed;
}

/** When it closed, for a closed incident (the milestone is the first time: an incident reopened later is not closed). */
export function closedAt(incident: Incident): string | undefined {
  return incident.state === "closed" ? incident.milestones?.closed : undefined;
}

const rank = (i: Incident) => SEVERITIES.indexOf(i.severity);

/** The ongoing public incidents, most severe first, then the newest first within a severity. */
export function ongoing(incidents: readonly Incident[]): Incident[] {
  return incidents
    .filter((i) => isPublic(i) && !i.duplicateOf && !isOver(i))
    .sort((a, b) => rank(a) - rank(b) || b.createdAt.localeCompare(a.createdAt));
}

/** The public incidents resolved within the last 30 days, the most recently resolved first. */
export function recentlyResolved(incidents: readonly Incident[], now: Date): Incident[] {
  const since = now.getTime() - RESOLVED_WINDOW_DAYS * DAY_MS;
  return incidents
    .filter((i) => isPublic(i) && !i.duplicateOf && isOver(i))
    .filter((i) => Date.parse(resolvedAt(i) ?? "") >= since)
    .sort((a, b) => (resolvedAt(b) ?? "").localeCompare(resolvedAt(a) ?? ""));
}

/**
 * The incidents /status may show, picked from a copy of every incident that may be a few seconds old
 * (incident-cache.ts): real incidents that are ongoing or were resolved within the window, whatever their
 * privacy or merging said then. The page re-reads these few and applies `ongoing` and `recentlyResolved` to
 * the fresh copies, so a change of privacy, state or update shows at once; only an incident opened within the
 * cache's lifetime waits for the next refresh.
 */
export function candidates(incidents: readonly Incident[], now: Date): Incident[] {
  const since = now.getTime() - RESOLVED_WINDOW_DAYS * DAY_MS;
  return incidents.filter(
    (i) => i.kind === "incident" && (!isOver(i) || Date.parse(resolvedAt(i) ?? "") >= since),
  );
}
