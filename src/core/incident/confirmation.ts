/**
 * The reporters' confirmation (seed 000: a reporter's story ends when the problem stops presenting to them, not
 * when a fix ships). Resolving asks every reporter "fixed for you?"; the incident closes when all of them said
 * so, or, with a note, when the window (`lifecycle.confirm_within`) ends without their answer. Pure: the
 * handlers run these inside the incident's write.
 */
import type { Confirmation, Incident } from "./incident.js";
import { enterState, transition } from "./lifecycle.js";
import { idList, type TimelineEvent, timelineEvent } from "./timeline.js";
import type { FireTimer } from "./timer-firing.js";

/** The platform user ids of the reporters, once each, in the order they reported. */
export function reporterIds(incident: Pick<Incident, "reporters">): string[] {
  return [...new Set(incident.reporters.map((r) => r.platformUserId).filter(Boolean))];
}

/** Who was asked and has not confirmed yet. */
export function waitingFor(confirmation: Pick<Confirmation, "asked" | "confirmed">): string[] {
  return confirmation.asked.filter((id) => !confirmation.confirmed.includes(id));
}

/** Whether `actor` is one of the reporters asked to confirm the current resolution. */
export function wasAsked(incident: Pick<Incident, "confirmation">, actor: string): boolean {
  return incident.confirmation?.asked.includes(actor) ?? false;
}

/**
 * The deadline of the reporters' window: a resolved incident closes with the note of who never answered
 * (`confirmation_timed_out`). An incident that is no longer resolved (reopened, or closed by the last
 * confirmation a moment earlier) has nothing to close: the firing records nothing and the timer stops.
 */
export const fireConfirmationTimer: FireTimer = (_settings, incident, now, tag) => {
  const close = transition(incident, "confirm_timeout");
  if (!close.ok) return { incident, events: [] };
  const silent = incident.confirmation ? waitingFor(incident.confirmation) : [];
  const confirmed = incident.confirmation?.confirmed ?? [];
  return {
    incident: { ...enterState(incident, close.to, now), closeReason: "timeout" },
    events: [
      timelineEvent("confirmation_timed_out", now, {
        ...tag,
        waitingFor: silent.join(","),
        confirmed: confirmed.join(","),
      }),
      timelineEvent("status_changed", now, { ...tag, from: close.from, to: close.to, reason: "timeout" }),
    ],
  };
};

/** What a `confirmation_timed_out` event says: the reporters who never answered and those who confirmed. */
export function timedOutWith(event: TimelineEvent): { waitingFor: string[]; confirmed: string[] } {
  return { waitingFor: idList(event.data.waitingFor), confirmed: idList(event.data.confirmed) };
}
