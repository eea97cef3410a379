import type { Incident } from "../src/core/incident/incident.js";
import type { TimelineEvent } from "../src/core/incident/timeline.js";
import type { HandlerContext } from "./context.js";

/** The chat side of one plain timer's firing (see timer-effects.ts). */
export type TimerEffects = (
  ctx: HandlerContext,
  incident: Incident,
  events: TimelineEvent[],
) => Promise<void>;
