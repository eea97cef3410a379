/**
 * `/incident oncall swap @a @b [rotation]`: the next shift of each goes to the other (two overrides of kind
 * "swap", written in one atomic change). Both must be config people and members of the rotation: the one
 * named, else the only rotation they share. Only the rotation's members, the managers and the admins may swap.
 * Refused, changing nothing: an asker who may not, a swap with oneself, an unknown person or rotation, someone
 * with no upcoming shift, a shift that already has an override.
 */
import type { CommandOf } from "../src/core/commands/schema.js";
import { UsageError } from "../src/core/errors.js";
import {
  chooseRotation,
  displayName,
  NOTHING_CHANGED,
  planSwap,
  rotationMembers,
  type SwapPlan,
} from "../src/core/oncall/overrides.js";
import { personByPlatformId } from "../src/core/oncall/people.js";
import type { Person } from "../src/core/oncall/types.js";
import type { Inbound } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";
import { changeId, requireAllowed, tellMovedPeople, writeOverrides } from "./oncall-changes-shared.js";
import { toldVars } from "./oncall-moves.js";
import { personVars } from "./oncall-people.js";
import { actorPerson } from "./oncall-state.js";
import { reply, zoneOf } from "./outbox-items.js";

function mentioned(ctx: HandlerContext, inbound: Inbound, userId: string, which: string): Person {
  const person = personByPlatformId(ctx.settings, inbound.platform, userId);
  if (!person) {
    throw new UsageError(
      `The ${which} person you mentioned (${userId}) is not in the config file's \`people\` list, so they have no shifts to swap. ${NOTHING_CHANGED}`,
      "unknown_person",
    );
  }
  return person;
}

export async function swapShifts(
  ctx: HandlerContext,
  inbound: Inbound,
  command: CommandOf<"oncall_swap">,
): Promise<void> {
  const a = mentioned(ctx, inbound, command.users[0], "first");
  const b = mentioned(ctx, inbound, command.users[1], "second");
  if (a.id === b.id) {
    throw new UsageError(
      `Swapping needs two different people; both mentions are ${displayName(ctx.settings, a.id)}. ${NOTHING_CHANGED}`,
      "swap_self",
    );
  }
  const rotation = chooseRotation(ctx.settings, command.rotation, [a.id, b.id], "oncall swap @a @b");
  const members = rotationMembers(rotation);
  const outsider = [a, b].find((p) => !members.includes(p.id));
  if (outsider) {
    throw new UsageError(
      `${displayName(ctx.settings, outsider.id)} is not a member of ${rotation.id} (members: ${members.map((m) => displayName(ctx.settings, m)).join(", ")}), so they have no shift there to swap. Use \`oncall override\` to put them on. ${NOTHING_CHANGED}`,
      "swap_not_member",
    );
  }
  const by = requireAllowed(ctx, inbound, rotation, "swap shifts in it");
  const zone = zoneOf(ctx, inbound);
  const now = ctx.clock.now();
  const id = changeId(inbound);

  let plan: SwapPlan | undefined;
  const versions = await writeOverrides(ctx, rotation, now, (current) => {
    plan = planSwap(ctx.settings, rotation, current, [a.id, b.id], {
      ids: [`${id}.1`, `${id}.2`],
      by,
      at: now,
      zone,
    });
    return plan.change;
  });
  if (!plan) return;

  const { first, second } = plan;
  const window = {
    from: new Date(Math.min(first.from.getTime(), second.from.getTime())),
    to: new Date(Math.max(first.to.getTime(), second.to.getTime())),
  };
  // Told first, so the answer names who was told and who could not be.
  const told = await tellMovedPeople(
    ctx,
    rotation,
    versions,
    window,
    { kind: "swap", by },
    `oncall/${rotation.id}/${id}`,
    [actorPerson(ctx, inbound)?.id],
  );
  await reply(
    ctx,
    inbound,
    ctx.render("oncall-swap-made", {
      rotation: rotation.name ?? rotation.id,
      first: {
        person: personVars(ctx, inbound.platform, first.personId),
        from: first.from.toISOString(),
        to: first.to.toISOString(),
      },
      second: {
        person: personVars(ctx, inbound.platform, second.personId),
        from: second.from.toISOString(),
        to: second.to.toISOString(),
      },
      timezone: zone,
      told: toldVars(ctx, inbound.platform, told),
    }),
  );
}
