/**
 * `/incident oncall calendar [rotation]`: the calendar feed address of a rotation (or of the asker's rotations,
 * or of all when they are in none), answered to the asker only, because the address holds the feed's token.
 */
import type { CommandOf } from "../src/core/commands/schema.js";
import { UsageError } from "../src/core/errors.js";
import { calendarToken } from "../src/core/oncall/calendar-token.js";
import type { OncallRotation } from "../src/core/oncall/types.js";
import type { Inbound } from "../src/core/ports.js";
import type { OncallNoticesVarsMap } from "../src/core/templates/registry-oncall-notices.js";
import type { HandlerContext } from "./context.js";
import { actorPerson, findRotation } from "./oncall-state.js";
import { reply } from "./outbox-items.js";
import { webLink } from "./web-links.js";

export async function calendarCommand(
  ctx: HandlerContext,
  inbound: Inbound,
  command: CommandOf<"oncall_calendar">,
): Promise<void> {
  const all = ctx.settings.rotations;
  if (all.length === 0) {
    throw new UsageError("No on-call rotations are configured, so there is no calendar to subscribe to.");
  }
  let rotations: readonly OncallRotation[];
  let mine = false;
  if (command.rotation) {
    const rotation = findRotation(ctx.settings, command.rotation);
    if (!rotation) {
      throw new UsageError(
        `There is no rotation "${command.rotation}". Rotations: ${all.map((r) => r.id).join(", ")}. ` +
          "Try `/incident oncall calendar <rotation>` with one of them.",
      );
    }
    rotations = [rotation];
  } else {
    const me = actorPerson(ctx, inbound)?.id;
    const theirs = me ? all.filter((r) => r.layers.some((l) => l.members.includes(me))) : [];
    mine = theirs.length > 0;
    rotations = mine ? theirs : all;
  }
  const secret = await ctx.oncall.calendarSecret();
  const feeds = rotations.map((r) => {
    const url = webLink(ctx, `/oncall/${encodeURIComponent(r.id)}.ics`, calendarToken(secret, r.id));
    return { rotation: r.name ?? r.id, id: r.id, url, webcal: url.replace(/^https?:\/\//, "webcal://") };
  });
  const vars: OncallNoticesVarsMap["oncall-calendar"] = { mine, feeds };
  await reply(ctx, inbound, ctx.render("oncall-calendar", vars), "oncall-calendar");
}
