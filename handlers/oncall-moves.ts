/**
 * Telling people their shifts moved. STUB: signature fixed; body to be written.
 */
import type { ShiftMove } from "../src/core/oncall/moves.js";
import type { OncallRotation } from "../src/core/oncall/types.js";
import type { HandlerContext } from "./context.js";

/** Why shifts moved, for the message: an override of some kind by someone, a plan applied, the config file. */
export type MoveReason = { kind: "override" | "swap" | "cover" | "plan"; by: string } | { kind: "config" };

/**
 * DMs each person in `moves` what changed in `rotation` (times in their own zone) and why. `key` makes the
 * messages idempotent (the same key twice sends nothing new): derive it from what caused the move (the
 * override id, the plan id, the config snapshot).
 */
export async function tellMoved(
  _ctx: HandlerContext,
  _rotation: OncallRotation,
  _moves: readonly ShiftMove[],
  _why: MoveReason,
  _key: string,
): Promise<void> {
  throw new Error("not implemented");
}
