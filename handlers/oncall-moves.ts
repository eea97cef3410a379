/**
 * Telling people their shifts moved: one DM per person, with the windows they gained and lost in their own
 * zone and why, so nobody learns of a changed shift by being paged for it (or by not being paged).
 */
import type { DutyWindow, ShiftMove } from "../src/core/oncall/moves.js";
import { personById } from "../src/core/oncall/people.js";
import type { OncallRotation } from "../src/core/oncall/types.js";
import type { OncallNoticesVarsMap, WindowVars } from "../src/core/templates/registry-oncall-notices.js";
import type { HandlerContext } from "./context.js";
import { personRef, reachOf } from "./oncall-reach.js";

/** Why shifts moved, for the message: an override of some kind by someone, a plan applied, the config file. */
export type MoveReason = { kind: "override" | "swap" | "cover" | "plan"; by: string } | { kind: "config" };

/** A DM lists this many windows of each kind and counts the rest: a plan of 52 weeks is no message to read. */
export const MOVED_WINDOWS_SHOWN = 5;

/**
 * DMs each person in `moves` what changed in `rotation` (times in their own zone) and why. `key` makes the
 * messages idempotent (the same key twice sends nothing new): derive it from what caused the move (the
 * override id, the plan id, the config snapshot).
 *
 * Whoever made the change is not told of their own doing (they got an answer where they typed), and people
 * who cannot be reached on any platform this process serves are logged and skipped.
 */
export async function tellMoved(
  ctx: HandlerContext,
  rotation: OncallRotation,
  moves: readonly ShiftMove[],
  why: MoveReason,
  key: string,
): Promise<void> {
  for (const move of moves) {
    if (why.kind !== "config" && why.by === move.personId) continue;
    const reach = reachOf(ctx, move.personId);
    if (!reach) {
      ctx.logger.warn(
        { rotation: rotation.id, person: move.personId },
        "on-call: cannot tell a person their shifts moved: no account on a platform this process serves",
      );
      continue;
    }
    const gained = capped(move.gained);
    const lost = capped(move.lost);
    const vars: OncallNoticesVarsMap["oncall-moved-dm"] = {
      rotation: rotation.name ?? rotation.id,
      timezone: personById(ctx.settings, move.personId)?.timezone ?? ctx.settings.timezone,
      gained: gained.shown,
      gainedMore: gained.more,
      lost: lost.shown,
      lostMore: lost.more,
      why:
        why.kind === "config"
          ? { config: true }
          : { [why.kind]: true, by: personRef(ctx, why.by, reach.platform) },
    };
    await ctx.outbox.send({
      key: `${key}/moved/${move.personId}`,
      platform: reach.platform,
      op: { kind: "direct", userId: reach.userId, message: ctx.render("oncall-moved-dm", vars) },
    });
  }
}

function capped(windows: readonly DutyWindow[]): { shown: WindowVars[]; more: number } {
  return {
    shown: windows.slice(0, MOVED_WINDOWS_SHOWN).map((w) => ({
      from: w.from.toISOString(),
      to: w.to.toISOString(),
    })),
    more: Math.max(0, windows.length - MOVED_WINDOWS_SHOWN),
  };
}
