import type { TimerEffects } from "./timer-effect.js";

/** TODO: replaced by the real effects before this lands. */
export const confirmationTimerEffects: TimerEffects = async () => {};
