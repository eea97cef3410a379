/**
 * Shift notices, run by the worker every minute. STUB: signature fixed; body to be written.
 */
import type { HandlerContext } from "./context.js";

/** One pass: DMs before shifts, handoff posts, and people told when the config moved their shifts. */
export async function scanShifts(_ctx: HandlerContext): Promise<void> {
  throw new Error("not implemented");
}
