/**
 * Who follows an incident by DM (`/incident subscribe`, `/incident unsubscribe`, the "Subscribe" button). Pure
 * steps run inside the incident's write: each returns the changed incident and its event, or null when the
 * person already is (or already is not) subscribed, so a second click changes nothing.
 */
import { type Incident, subscribersOf } from "./incident.js";
import { type TimelineEvent, timelineEvent } from "./timeline.js";

type Change = { incident: Incident; events: TimelineEvent[] } | null;

export function isSubscribed(incident: Pick<Incident, "subscribers" | "reporters">, user: string): boolean {
  return subscribersOf(incident).includes(user);
}

export function subscribe(incident: Incident, user: string, now: Date): Change {
  if (isSubscribed(incident, user)) return null;
  return {
    incident: { ...incident, subscribers: [...subscribersOf(incident), user], updatedAt: now.toISOString() },
    events: [timelineEvent("subscribed", now, {}, user)],
  };
}

export function unsubscribe(incident: Incident, user: string, now: Date): Change {
  if (!isSubscribed(incident, user)) return null;
  return {
    incident: {
      ...incident,
      subscribers: subscribersOf(incident).filter((u) => u !== user),
      updatedAt: now.toISOString(),
    },
    events: [timelineEvent("unsubscribed", now, {}, user)],
  };
}
