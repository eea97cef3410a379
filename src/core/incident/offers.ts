import type { FireTimer } from "./timer-firing.js";

/** The deadline of commander offers. TODO: replaced by the real rule before this lands. */
export const fireOfferTimer: FireTimer = (_settings, incident) => ({ incident, events: [] });
