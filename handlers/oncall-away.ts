/**
 * `/incident oncall away <from> <to>`: the asker's own unavailability, which the planner plans around. The
 * answer lists the shifts they still have inside the window (overrides applied, every rotation) and how to
 * hand them on. Refused, changing nothing: someone not in the people list, a time that does not exist, an end
 * at or before the start, a window already over or longer than 90 days, an overlap with an absence they
 * already declared.
 */
import type { CommandOf } from "../src/core/commands/schema.js";
import { UsageError } from "../src/core/errors.js";
import { dutyBetween } from "../src/core/oncall/duty.js";
import { checkWindow, dutyOf, NOTHING_CHANGED, planAway } from "../src/core/oncall/overrides.js";
import type { Away } from "../src/core/oncall/types.js";
import type { Inbound } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";
import { changeId, typedInstant } from "./oncall-changes-shared.js";
import { actorLabel, actorPerson, loadOverrides } from "./oncall-state.js";
import { reply, zoneOf } from "./outbox-items.js";

/** How many shifts the answer lists; the rest are counted. */
const SHIFTS_SHOWN = 10;

export async function declareAway(
  ctx: HandlerContext,
  inbound: Inbound,
  command: CommandOf<"oncall_away">,
): Promise<void> {
  const person = actorPerson(ctx, inbound);
  if (!person) {
    throw new UsageError(
      `You are not in the config file's \`people\` list, so Firebreak does not schedule you and has nothing to plan around. Ask an admin to add you with your ${inbound.platform} user id. ${NOTHING_CHANGED}`,
      "unknown_person",
    );
  }
  const zone = zoneOf(ctx, inbound);
  const from = typedInstant(command.from, zone);
  const to = typedInstant(command.to, zone);
  const now = ctx.clock.now();
  const window = checkWindow(from.at, to.at, now, zone);
  const away: Away = {
    id: changeId(inbound),
    personId: person.id,
    from: window.from.toISOString(),
    to: window.to.toISOString(),
    by: actorLabel(ctx, inbound),
    at: now.toISOString(),
  };
  await ctx.oncall.changeAway(person.id, now, (current) => planAway(current, away, zone));

  const shifts = (
    await Promise.all(
      ctx.settings.rotations.map(async (rotation) => {
        const overrides = await loadOverrides(ctx, rotation.id, now);
        const segments = dutyBetween(rotation, overrides, window.from, window.to);
        return dutyOf(segments, person.id).map((w) => ({
          rotation: rotation.name ?? rotation.id,
          from: w.from.toISOString(),
          to: w.to.toISOString(),
        }));
      }),
    )
  )
    .flat()
    .sort((x, y) => Date.parse(x.from) - Date.parse(y.from));
  const notes = [from.note, to.note].flatMap((text) => (text ? [{ text }] : []));
  await reply(
    ctx,
    inbound,
    ctx.render("oncall-away-made", {
      from: away.from,
      to: away.to,
      timezone: zone,
      startedNow: window.startedNow,
      shifts: shifts.slice(0, SHIFTS_SHOWN),
      omitted: Math.max(0, shifts.length - SHIFTS_SHOWN),
      ...(notes.length && { notes }),
    }),
  );
}
