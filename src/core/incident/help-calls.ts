import type { FireTimer } from "./timer-firing.js";

/** The deadline of calls for help. TODO: replaced by the real rule before this lands. */
export const fireHelpTimer: FireTimer = (_settings, incident) => ({ incident, events: [] });
