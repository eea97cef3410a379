/**
 * The firings of the plain timers: one deadline each, fenced by the generic code in timers.ts (which checks the
 * generation, bumps it and records `firedGen`). A firing gets the incident as it is, returns it changed with
 * the timeline events it records, every one carrying `tag` in its data (so a re-run after a crash finds them),
 * and the next deadline when the timer should fire again.
 */
import { fireConfirmationTimer } from "./confirmation.js";
import { fireHelpTimer } from "./help-calls.js";
import { fireOfferTimer } from "./offers.js";
import { firePostmortemTimer } from "./postmortem.js";
import type { FireTimer } from "./timer-firing.js";

export const TIMER_FIRINGS: Record<"offer" | "help" | "confirmation" | "postmortem", FireTimer> = {
  offer: fireOfferTimer,
  help: fireHelpTimer,
  confirmation: fireConfirmationTimer,
  postmortem: firePostmortemTimer,
};
