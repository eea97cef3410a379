/** The shape of a plain timer's firing (see timer-firings.ts). */
import type { Settings } from "../settings.js";
import type { Incident } from "./incident.js";
import type { TimelineEvent } from "./timeline.js";

export interface TimerFiring {
  incident: Incident;
  events: TimelineEvent[];
  /** ISO 8601; absent when nothing more is due. */
  nextDueAt?: string;
}

export type FireTimer = (
  settings: Settings,
  incident: Incident,
  now: Date,
  tag: { timer: string; gen: string },
) => TimerFiring;
