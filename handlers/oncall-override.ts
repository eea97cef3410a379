/**
 * `/incident oncall override @user <from> <to> [rotation]`: puts someone on call over a window, whatever the
 * schedule says. Times without an offset are read in the asker's zone. Only the rotation's members, the managers
 * and the admins may. Refused, changing nothing: an asker who may not, a person not in the people list, an
 * unknown rotation, a time that does not exist, an end at or before the start, a window already over or longer
 * than 90 days, and a window overlapping an override already there.
 */
import type { CommandOf } from "../src/core/commands/schema.js";
import { UsageError } from "../src/core/errors.js";
import {
  checkWindow,
  chooseRotation,
  NOTHING_CHANGED,
  planOverride,
  scheduledAt,
} from "../src/core/oncall/overrides.js";
import { personByPlatformId } from "../src/core/oncall/people.js";
import type { Override } from "../src/core/oncall/types.js";
import type { Inbound } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";
import {
  changeId,
  requireAllowed,
  tellMovedPeople,
  typedInstant,
  writeOverrides,
} from "./oncall-changes-shared.js";
import { toldVars } from "./oncall-moves.js";
import { personVars } from "./oncall-people.js";
import { actorPerson } from "./oncall-state.js";
import { reply, zoneOf } from "./outbox-items.js";

export async function makeOverride(
  ctx: HandlerContext,
  inbound: Inbound,
  command: CommandOf<"oncall_override">,
): Promise<void> {
  const person = personByPlatformId(ctx.settings, inbound.platform, command.user);
  if (!person) {
    throw new UsageError(
      `The person you mentioned (${command.user}) is not in the config file's \`people\` list, so they cannot be put on call. Add them there with their ${inbound.platform} user id first. ${NOTHING_CHANGED}`,
      "unknown_person",
    );
  }
  const rotation = chooseRotation(
    ctx.settings,
    command.rotation,
    [person.id],
    `oncall override @${person.name ?? person.id} ${command.from} ${command.to}`,
  );
  const by = requireAllowed(ctx, inbound, rotation, "override its schedule");
  const zone = zoneOf(ctx, inbound);
  const from = typedInstant(command.from, zone);
  const to = typedInstant(command.to, zone);
  const now = ctx.clock.now();
  const window = checkWindow(from.at, to.at, now, zone);
  const id = changeId(inbound);

  let made: Override | undefined;
  const versions = await writeOverrides(ctx, rotation, now, (current) => {
    const replaces = scheduledAt(rotation, current, window.from);
    made = {
      id,
      rotation: rotation.id,
      personId: person.id,
      from: window.from.toISOString(),
      to: window.to.toISOString(),
      kind: "override",
      ...(replaces !== null && { replaces }),
      by,
      at: now.toISOString(),
    };
    return planOverride(ctx.settings, current, made, zone);
  });
  if (!made) return;

  // Told first, so the answer names who was told and who could not be.
  const told = await tellMovedPeople(
    ctx,
    rotation,
    versions,
    window,
    { kind: "override", by },
    `oncall/${rotation.id}/${id}`,
    [actorPerson(ctx, inbound)?.id],
  );
  const notes = [from.note, to.note].flatMap((text) => (text ? [{ text }] : []));
  await reply(
    ctx,
    inbound,
    ctx.render("oncall-override-made", {
      rotation: rotation.name ?? rotation.id,
      person: personVars(ctx, inbound.platform, person.id),
      ...(made.replaces && { replaces: personVars(ctx, inbound.platform, made.replaces) }),
      from: made.from,
      to: made.to,
      timezone: zone,
      startedNow: window.startedNow,
      ...(notes.length && { notes }),
      told: toldVars(ctx, inbound.platform, told),
    }),
  );
}
