/**
 * One rotation's duty as an iCalendar feed: one event per stretch of duty with a person, overrides applied,
 * from 30 days back to 180 days ahead. ical-generator does the standard's escaping and line folding.
 *
 * Choices, each for calendar apps' sake:
 * - UIDs are `<rotation>-<start ms>-<person>@firebreak`: the same shift keeps its UID from one fetch to the
 *   next (so an app updates it in place when an override shortens it), and a changed person is a new event.
 *   The window is whole UTC days, so the events cut by its ends keep their UID (and their bounds) for a day.
 * - Times are UTC instants: every app shows them in its own zone, and DST never shifts them.
 * - Events are TRANSPARENT (free): being on call does not block meetings in free/busy lookups.
 * - The refresh hint (REFRESH-INTERVAL and X-PUBLISHED-TTL) is an hour; Apple and Outlook honour it, Google
 *   polls on its own schedule (several hours).
 */
import ical, { ICalEventTransparency } from "ical-generator";
import { dutyBetween } from "../core/oncall/duty.js";
import type { OverrideIndex } from "../core/oncall/override-index.js";
import { personById } from "../core/oncall/people.js";
import type { DutySource, OncallRotation } from "../core/oncall/types.js";
import type { Settings } from "../core/settings.js";

const DAY_MS = 86_400_000;
export const FEED_PAST_DAYS = 30;
export const FEED_FUTURE_DAYS = 180;
const REFRESH_SECONDS = 3600;

/**
 * The window a feed covers at `now`: from the start of the UTC day 30 days back to the start of the UTC day
 * 180 days ahead. Whole days keep the feed byte-for-byte the same for a day, cut events included.
 */
export function feedWindow(now: Date): { from: Date; to: Date } {
  const day = (t: number) => new Date(Math.floor(t / DAY_MS) * DAY_MS);
  return {
    from: day(now.getTime() - FEED_PAST_DAYS * DAY_MS),
    to: day(now.getTime() + FEED_FUTURE_DAYS * DAY_MS),
  };
}

export function calendarFeed(
  settings: Settings,
  rotation: OncallRotation,
  overrides: OverrideIndex,
  now: Date,
): string {
  const label = rotation.name ?? rotation.id;
  const nameOf = (id: string) => personById(settings, id)?.name ?? id;
  const calendar = ical({
    name: `On call: ${label}`,
    description: `Who is on call for ${label}, overrides included (Firebreak).`,
    prodId: { company: "Firebreak", product: "On-call", language: "EN" },
    ttl: REFRESH_SECONDS,
  });
  const { from, to } = feedWindow(now);
  for (const segment of dutyBetween(rotation, overrides, from, to)) {
    if (!segment.personId) continue;
    calendar.createEvent({
      id: `${rotation.id}-${segment.from.getTime()}-${segment.personId}@firebreak`,
      start: segment.from,
      end: segment.to,
      stamp: now,
      summary: `On call: ${nameOf(segment.personId)} (${label})`,
      description: describeSource(rotation, segment.source, nameOf),
      transparency: ICalEventTransparency.TRANSPARENT,
    });
  }
  return calendar.toString();
}

/** Where a stretch of duty comes from, for the event's description. */
function describeSource(
  rotation: OncallRotation,
  source: DutySource,
  nameOf: (id: string) => string,
): string {
  const label = rotation.name ?? rotation.id;
  if (source.kind === "override") {
    const o = source.override;
    const made = `${o.at.slice(0, 16).replace("T", " ")} UTC`;
    const instead = o.replaces ? ` instead of ${nameOf(o.replaces)}` : "";
    return `${capitalise(o.kind)} by ${nameOf(o.by)} (made ${made})${instead}, in ${label}.`;
  }
  if (source.kind === "layer") {
    const layer = rotation.layers[source.layer];
    return `Scheduled by layer "${layer?.name ?? source.layer + 1}" of ${label}.`;
  }
  return `Nobody is on call for ${label}.`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
