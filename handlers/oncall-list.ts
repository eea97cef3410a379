/**
 * Undoing schedule changes from chat: `/incident oncall overrides [rotation]` lists the overrides in force now
 * and ahead, and bare `/incident oncall away` the asker's own absences, each with a Remove button. Without it a
 * mistaken override could only be fixed in Redis, since a new one over it is refused as an overlap.
 *
 * A removal is one atomic change of the store (a second click, or a concurrent change, finds it gone and is
 * told so). An entry already in progress is cut at the click instead of deleted (see core/oncall/removals.ts),
 * so the past stays true. Overrides: the rotation's members, managers and admins may remove them, and whoever's
 * shifts move is told by DM. Absences: only the person themselves, or a manager or admin.
 */
import type { CommandOf } from "../src/core/commands/schema.js";
import { UsageError } from "../src/core/errors.js";
import type { Message } from "../src/core/message.js";
import { displayName, NOTHING_CHANGED, rotationMembers, showTime } from "../src/core/oncall/overrides.js";
import { parseRemoveValue, planRemoval, type Removal } from "../src/core/oncall/removals.js";
import type { Away, OncallRotation, Override } from "../src/core/oncall/types.js";
import type { Inbound } from "../src/core/ports.js";
import { fitMessage } from "../src/core/templates/index.js";
import type { HandlerContext } from "./context.js";
import { itemsThatFit } from "./fit-items.js";
import { requireAllowed, tellMovedPeople, writeOverrides } from "./oncall-changes-shared.js";
import { toldVars } from "./oncall-moves.js";
import { personVars } from "./oncall-people.js";
import { actorLabel, actorPerson, findRotation } from "./oncall-state.js";
import { reply, zoneOf } from "./outbox-items.js";
import type { ActionRoute } from "./routes.js";

/**
 * Items one list shows: each is a section and a row of buttons, and Slack takes at most 50 blocks a message.
 * The rest (the furthest ahead) are counted, and appear once some are removed or one rotation is named.
 */
const ITEMS_SHOWN = 20;

/**
 * A head message followed by one item message per entry, as one message (the renderer's limits applied). The
 * items' buttons are gathered into one row under the list, in order: the Slack adapter numbers buttons only
 * within their row, so identical Remove buttons in rows of their own would share one action id, and a client
 * that finds the clicked button by action id alone would take the first. The items number themselves so each
 * button can name its item.
 */
function listMessage(head: Message, items: readonly Message[]): Message {
  const blocks = items.flatMap((m) => m.blocks);
  const buttons = blocks.flatMap((b) => (b.type === "actions" ? b.buttons : []));
  return fitMessage({
    text: head.text,
    blocks: [
      ...head.blocks,
      ...blocks.filter((b) => b.type !== "actions"),
      ...(buttons.length > 0 ? [{ type: "actions" as const, buttons }] : []),
    ],
  });
}

/** The first entries (in order) that fit in one list, at most ITEMS_SHOWN. */
function shownOf<T>(entries: readonly T[], render: (shown: readonly T[], omitted: number) => Message): T[] {
  const capped = entries.slice(0, ITEMS_SHOWN);
  return capped.slice(0, itemsThatFit(capped, render));
}

// ---------------------------------------------------------------------------------------------------------
// Overrides
// ---------------------------------------------------------------------------------------------------------

/**
 * The rotations `oncall overrides` looks at: the one named; else the only one; else those the asker is a
 * member of; else all.
 */
function rotationsToList(ctx: HandlerContext, inbound: Inbound, named: string | undefined): OncallRotation[] {
  const all = ctx.settings.rotations;
  if (named !== undefined) {
    const found = findRotation(ctx.settings, named);
    if (found) return [found];
    const known = all.length
      ? `Known rotations: ${all.map((r) => r.id).join(", ")}.`
      : "No rotation is configured.";
    throw new UsageError(`There is no rotation "${named}". ${known}`, "unknown_rotation");
  }
  if (all.length === 0) {
    throw new UsageError(
      "No rotation is configured yet, so there are no overrides: add one under `rotations` in the config file.",
      "no_rotation",
    );
  }
  const me = actorPerson(ctx, inbound)?.id;
  const mine = me === undefined ? [] : all.filter((r) => rotationMembers(r).includes(me));
  return mine.length > 0 ? mine : [...all];
}

export async function listOverrides(
  ctx: HandlerContext,
  inbound: Inbound,
  command: CommandOf<"oncall_overrides">,
): Promise<void> {
  const rotations = rotationsToList(ctx, inbound, command.rotation);
  const now = ctx.clock.now();
  const zone = zoneOf(ctx, inbound);
  const order = new Map(rotations.map((r, i) => [r.id, i]));
  const lists = await Promise.all(rotations.map((r) => ctx.oncall.overrides(r.id, now)));
  const overrides = lists
    .flat()
    .filter((o) => Date.parse(o.to) > now.getTime())
    .sort(
      (a, b) =>
        Date.parse(a.from) - Date.parse(b.from) ||
        (order.get(a.rotation) ?? 0) - (order.get(b.rotation) ?? 0),
    );

  const item = (o: Override, i: number): Message => {
    const rotation = findRotation(ctx.settings, o.rotation);
    return ctx.render("oncall-overrides-item", {
      number: i + 1,
      rotation: rotation?.name ?? o.rotation,
      person: personVars(ctx, inbound.platform, o.personId),
      ...(o.replaces && { replaces: personVars(ctx, inbound.platform, o.replaces) }),
      from: o.from,
      to: o.to,
      kind: o.kind,
      inForce: Date.parse(o.from) <= now.getTime(),
      by: personVars(ctx, inbound.platform, o.by),
      at: o.at,
      timezone: zone,
      button: `${o.rotation} ${o.id}`,
    });
  };
  const render = (shown: readonly Override[], omitted: number): Message =>
    listMessage(
      ctx.render("oncall-overrides", {
        rotations: rotations.map((r) => r.name ?? r.id),
        timezone: zone,
        none: overrides.length === 0,
        total: overrides.length,
        omitted,
      }),
      shown.map(item),
    );
  const shown = shownOf(overrides, render);
  await reply(ctx, inbound, render(shown, overrides.length - shown.length));
}

/** Why an override is no longer there to remove: it ended, or someone removed (or cut) it first. */
async function overrideGone(
  ctx: HandlerContext,
  rotation: OncallRotation,
  id: string,
  zone: string,
): Promise<UsageError> {
  const past = (await ctx.oncall.overrides(rotation.id, new Date(0))).find((o) => o.id === id);
  if (past) {
    const who = displayName(ctx.settings, past.personId);
    return new UsageError(
      `That override in ${rotation.id} has already ended: ${who} was on from ${showTime(past.from, zone)} to ${showTime(past.to, zone)}, and what is past stays on record. ${NOTHING_CHANGED}`,
      "override_ended",
    );
  }
  return new UsageError(
    `That override has already been removed from ${rotation.id}. See what is left with \`/incident oncall overrides ${rotation.id}\`. ${NOTHING_CHANGED}`,
    "override_removed",
  );
}

/** "Remove" beside an override: takes it away (or ends it now, when in force) and tells whoever's shifts move. */
export const removeOverrideClick: ActionRoute = async (ctx, inbound, value) => {
  const ref = parseRemoveValue(value);
  if (!ref) {
    ctx.logger.warn({ value }, "on-call: a Remove button with a value that is not <rotation> <override id>");
    return;
  }
  const rotation = findRotation(ctx.settings, ref.owner);
  if (!rotation) {
    throw new UsageError(
      `There is no rotation "${ref.owner}" in the config file any more, so its overrides no longer apply. ${NOTHING_CHANGED}`,
      "unknown_rotation",
    );
  }
  const by = requireAllowed(ctx, inbound, rotation, "remove its overrides");
  const now = ctx.clock.now();
  const zone = zoneOf(ctx, inbound);

  let removal: Removal<Override> | null | undefined;
  const versions = await writeOverrides(ctx, rotation, now, (current) => {
    removal = planRemoval(current, ref.id, now);
    return removal?.change ?? null;
  });
  if (!removal) throw await overrideGone(ctx, rotation, ref.id, zone);
  const { removed, kept } = removal;

  const told = await tellMovedPeople(
    ctx,
    rotation,
    versions,
    { from: new Date(Math.max(now.getTime(), Date.parse(removed.from))), to: new Date(removed.to) },
    { kind: "removed", by },
    `oncall/${rotation.id}/remove/${removed.id}`,
    [actorPerson(ctx, inbound)?.id],
  );
  await reply(
    ctx,
    inbound,
    ctx.render("oncall-override-removed", {
      rotation: rotation.name ?? rotation.id,
      person: personVars(ctx, inbound.platform, removed.personId),
      ...(removed.replaces && { replaces: personVars(ctx, inbound.platform, removed.replaces) }),
      from: removed.from,
      to: removed.to,
      kind: removed.kind,
      ...(kept && { cutAt: kept.to }),
      timezone: zone,
      told: toldVars(ctx, inbound.platform, told),
    }),
  );
};

// ---------------------------------------------------------------------------------------------------------
// Absences
// ---------------------------------------------------------------------------------------------------------

export async function listAway(
  ctx: HandlerContext,
  inbound: Inbound,
  _command: CommandOf<"oncall_away_list">,
): Promise<void> {
  const person = actorPerson(ctx, inbound);
  if (!person) {
    throw new UsageError(
      `You are not in the config file's \`people\` list, so Firebreak does not schedule you and you have no absences to list. Ask an admin to add you with your ${inbound.platform} user id.`,
      "unknown_person",
    );
  }
  const now = ctx.clock.now();
  const zone = zoneOf(ctx, inbound);
  const mine = (await ctx.oncall.away(now))
    .filter((a) => a.personId === person.id && Date.parse(a.to) > now.getTime())
    .sort((a, b) => Date.parse(a.from) - Date.parse(b.from));

  const item = (a: Away, i: number): Message =>
    ctx.render("oncall-away-item", {
      number: i + 1,
      from: a.from,
      to: a.to,
      inForce: Date.parse(a.from) <= now.getTime(),
      at: a.at,
      timezone: zone,
      button: `${a.personId} ${a.id}`,
    });
  const render = (shown: readonly Away[], omitted: number): Message =>
    listMessage(
      ctx.render("oncall-away-list", {
        timezone: zone,
        none: mine.length === 0,
        total: mine.length,
        omitted,
      }),
      shown.map(item),
    );
  const shown = shownOf(mine, render);
  await reply(ctx, inbound, render(shown, mine.length - shown.length));
}

/** Only the person whose absence it is, a manager or an admin may remove it. */
function requireMayRemoveAway(ctx: HandlerContext, inbound: Inbound, personId: string): void {
  const who = actorLabel(ctx, inbound);
  const managers = [...new Set([...ctx.settings.roles.managers, ...ctx.settings.roles.admins])];
  if (who === personId || managers.includes(who)) return;
  const name = displayName(ctx.settings, personId);
  const names = managers.map((id) => displayName(ctx.settings, id));
  throw new UsageError(
    `Only ${name}, whose absence it is${names.length ? `, or a manager or admin (${names.join(", ")})` : ""}, can remove it. ${NOTHING_CHANGED}`,
    "not_allowed",
  );
}

/** Why an absence is no longer there to remove: it ended, or it was removed first. */
async function awayGone(
  ctx: HandlerContext,
  personId: string,
  id: string,
  zone: string,
): Promise<UsageError> {
  const past = (await ctx.oncall.away(new Date(0))).find((a) => a.personId === personId && a.id === id);
  if (past) {
    return new UsageError(
      `That absence has already ended (away from ${showTime(past.from, zone)} to ${showTime(past.to, zone)}); what is past stays on record. ${NOTHING_CHANGED}`,
      "away_ended",
    );
  }
  return new UsageError(
    `That absence has already been removed. See what is left with \`/incident oncall away\`. ${NOTHING_CHANGED}`,
    "away_removed",
  );
}

/** "Remove" beside an absence: takes it back (or ends it now, when it has begun). */
export const removeAwayClick: ActionRoute = async (ctx, inbound, value) => {
  const ref = parseRemoveValue(value);
  if (!ref) {
    ctx.logger.warn({ value }, "on-call: a Remove button with a value that is not <person id> <away id>");
    return;
  }
  const personId = ref.owner;
  requireMayRemoveAway(ctx, inbound, personId);
  const now = ctx.clock.now();
  const zone = zoneOf(ctx, inbound);

  let removal: Removal<Away> | null | undefined;
  await ctx.oncall.changeAway(personId, now, (current) => {
    removal = planRemoval(
      current.filter((a) => a.personId === personId),
      ref.id,
      now,
    );
    return removal?.change ?? null;
  });
  if (!removal) throw await awayGone(ctx, personId, ref.id, zone);
  const { removed, kept } = removal;
  await reply(
    ctx,
    inbound,
    ctx.render("oncall-away-removed", {
      ...(personId !== actorPerson(ctx, inbound)?.id && {
        person: personVars(ctx, inbound.platform, personId),
      }),
      from: removed.from,
      to: removed.to,
      ...(kept && { cutAt: kept.to }),
      timezone: zone,
    }),
  );
};
