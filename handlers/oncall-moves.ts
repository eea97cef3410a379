/**
 * Telling people their shifts moved: one DM per person, with the windows they gained and lost in their own
 * zone and why, so nobody learns of a changed shift by being paged for it (or by not being paged).
 */
import type { DutyWindow, ShiftMove } from "../src/core/oncall/moves.js";
import type { OncallRotation } from "../src/core/oncall/types.js";
import type { Platform } from "../src/core/platform.js";
import type { OncallToldVars } from "../src/core/templates/registry-oncall-changes.js";
import type { OncallNoticesVarsMap, WindowVars } from "../src/core/templates/registry-oncall-notices.js";
import type { HandlerContext } from "./context.js";
import { personVars, zoneOfPerson } from "./oncall-people.js";
import { reachOf } from "./oncall-reach.js";

/** Why shifts moved, for the message: an override of some kind by someone, a plan applied, the config file. */
export type MoveReason =
  | { kind: "override" | "swap" | "cover" | "plan" | "removed"; by: string }
  | { kind: "config" };

/** A DM lists this many windows of each kind and counts the rest: a plan of 52 weeks is no message to read. */
export const MOVED_WINDOWS_SHOWN = 5;

/**
 * Who heard of a change: person ids DMed (`told`), and those whose shifts moved but who have no account on any
 * platform this process serves (`unreachable`), so the answer to whoever made the change can name them
 * instead of claiming everyone knows.
 */
export interface Told {
  told: string[];
  unreachable: string[];
}

/**
 * DMs each person in `moves` what changed in `rotation` (times in their own zone) and why. `key` makes the
 * messages idempotent (the same key twice sends nothing new): derive it from what caused the move (the
 * override id, the plan id, the config snapshot).
 *
 * Whoever made the change is not told of their own doing (they got an answer where they typed), and people
 * who cannot be reached on any platform this process serves are logged and skipped. Returns who was told
 * (queued in the outbox, which delivers with retries) and who could not be.
 */
export async function tellMoved(
  ctx: HandlerContext,
  rotation: OncallRotation,
  moves: readonly ShiftMove[],
  why: MoveReason,
  key: string,
): Promise<Told> {
  const told: string[] = [];
  const unreachable: string[] = [];
  for (const move of moves) {
    if (why.kind !== "config" && why.by === move.personId) continue;
    const reach = reachOf(ctx, move.personId);
    if (!reach) {
      ctx.logger.warn(
        { rotation: rotation.id, person: move.personId },
        "on-call: cannot tell a person their shifts moved: no account on a platform this process serves",
      );
      unreachable.push(move.personId);
      continue;
    }
    const gained = capped(move.gained);
    const lost = capped(move.lost);
    const vars: OncallNoticesVarsMap["oncall-moved-dm"] = {
      rotation: rotation.name ?? rotation.id,
      timezone: zoneOfPerson(ctx, move.personId),
      gained: gained.shown,
      gainedMore: gained.more,
      lost: lost.shown,
      lostMore: lost.more,
      why:
        why.kind === "config"
          ? { config: true }
          : { [why.kind]: true, by: personVars(ctx, reach.platform, why.by) },
    };
    await ctx.outbox.send({
      key: `${key}/moved/${move.personId}`,
      platform: reach.platform,
      op: { kind: "direct", userId: reach.userId, message: ctx.render("oncall-moved-dm", vars) },
    });
    told.push(move.personId);
  }
  return { told, unreachable };
}

/**
 * `told` as the answers to a change name people on `platform` (`told` in the templates' variables): a mention
 * where they have an account there, else their name.
 */
export function toldVars(ctx: HandlerContext, platform: Platform, told: Told): OncallToldVars {
  return {
    people: told.told.map((id) => personVars(ctx, platform, id)),
    unreachable: told.unreachable.map((id) => personVars(ctx, platform, id)),
  };
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
