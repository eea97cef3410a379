/**
 * The chat side of the plain timers' firings (see core/incident/timer-firings.ts): each gets the incident as
 * written and the events its firing recorded, and sends what they call for through the outbox, with keys made
 * from the events' `timer` and `gen` tags so a re-run after a crash sends nothing twice.
 */
import type { PlainTimerKind } from "../src/core/incident/timers.js";
import { confirmationTimerEffects } from "./confirmation-timer.js";
import { helpTimerEffects } from "./help-timer.js";
import { offerTimerEffects } from "./offer-timer.js";
import { postmortemTimerEffects } from "./postmortem-timer.js";
import type { TimerEffects } from "./timer-effect.js";

export const PLAIN_TIMER_EFFECTS: Record<PlainTimerKind, TimerEffects> = {
  offer: offerTimerEffects,
  help: helpTimerEffects,
  confirmation: confirmationTimerEffects,
  postmortem: postmortemTimerEffects,
};
