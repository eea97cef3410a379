/**
 * What the schedule-changing commands (override, swap, away, cover) share: ids derived from the delivery, typed
 * times read in the asker's zone, people as messages name them, and the write that tells whoever's shifts moved.
 */
import { TemplatedRefusal, UsageError } from "../src/core/errors.js";
import { dutyBetween } from "../src/core/oncall/duty.js";
import { shiftMoves } from "../src/core/oncall/moves.js";
import { indexOverrides } from "../src/core/oncall/override-index.js";
import { NOTHING_CHANGED, rotationMembers } from "../src/core/oncall/overrides.js";
import { resolveTypedTime } from "../src/core/oncall/typed-time.js";
import type { OncallRotation, Override, OverrideKind } from "../src/core/oncall/types.js";
import type { Inbound, ListChange } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";
import { type Told, tellMoved } from "./oncall-moves.js";
import { personVars } from "./oncall-people.js";
import { actorLabel } from "./oncall-state.js";

/**
 * A change's id, from the delivery that asked for it: unique, and the same if the delivery is retried, so the
 * override ids and the outbox keys derived from it never send or store anything twice.
 */
export function changeId(inbound: Inbound): string {
  return `${inbound.platform}-${inbound.deliveryId}`.replace(/[^A-Za-z0-9.-]/g, "").slice(-100);
}

/**
 * Who may change a rotation's schedule (override, swap, take over or cover, apply or discard a plan): its
 * members (any layer), the managers and the admins. Anyone else is refused, naming who may, so a stranger
 * cannot put someone on call for 90 days or trade two other people's weeks. Returns how the change records
 * who made it (`actorLabel`). `doing` completes "can …" ("apply this plan", "swap shifts in it").
 */
export function requireAllowed(
  ctx: HandlerContext,
  inbound: Inbound,
  rotation: OncallRotation,
  doing: string,
): string {
  const who = actorLabel(ctx, inbound);
  const members = rotationMembers(rotation);
  const managers = [...new Set([...ctx.settings.roles.managers, ...ctx.settings.roles.admins])];
  if (members.includes(who) || managers.includes(who)) return who;
  const people = (ids: readonly string[]) => ids.map((id) => personVars(ctx, inbound.platform, id));
  throw new TemplatedRefusal(
    "oncall-change-refused",
    { rotation: rotation.name ?? rotation.id, doing, members: people(members), managers: people(managers) },
    `Only the members of ${rotation.id} (${members.join(", ")})${managers.length ? ` or a manager or admin (${managers.join(", ")})` : ""} can ${doing}. ${NOTHING_CHANGED}`,
    "not_allowed",
  );
}

/** A time the grammar accepted, read in `zone`; a time that does not exist there is refused. */
export function typedInstant(text: string, zone: string): { at: Date; note?: string } {
  const r = resolveTypedTime(text, zone);
  if (!r.ok) {
    throw new UsageError(
      r.message.includes(NOTHING_CHANGED) ? r.message : `${r.message} ${NOTHING_CHANGED}`,
      "time_does_not_exist",
    );
  }
  return r.note ? { at: r.at, note: r.note } : { at: r.at };
}

/** How messages name people now lives in oncall-people.ts; kept here for the handlers that import it from here. */

/** The overrides a write was based on (the last run of `change`) and those stored after it. */
export interface WrittenOverrides {
  seen: Override[];
  written: Override[];
}

/**
 * Changes a rotation's overrides through the store's atomic change (`change` is pure and may throw to
 * refuse), remembering what it saw, so the moves told afterwards compare the exact before and after.
 */
export async function writeOverrides(
  ctx: HandlerContext,
  rotation: OncallRotation,
  since: Date,
  change: (current: Override[]) => ListChange<Override> | null,
): Promise<WrittenOverrides> {
  let seen: Override[] = [];
  const written = await ctx.oncall.changeOverrides(rotation.id, since, (current) => {
    seen = current;
    return change(current);
  });
  return { seen, written };
}

/**
 * Tells the people whose duty in [from, to) differs between the two versions, but those in `except` (who made
 * the change, and anyone told by a message of its own). `key` makes the messages idempotent. Returns who was
 * told and who could not be (no account where this process serves), for the answer to name them: call it
 * before rendering that answer and pass `toldVars(ctx, inbound.platform, told)` as its `told`.
 */
export async function tellMovedPeople(
  ctx: HandlerContext,
  rotation: OncallRotation,
  versions: WrittenOverrides,
  window: { from: Date; to: Date },
  why: { kind: OverrideKind | "removed"; by: string },
  key: string,
  except: readonly (string | undefined)[] = [],
): Promise<Told> {
  const before = dutyBetween(rotation, indexOverrides(versions.seen), window.from, window.to);
  const after = dutyBetween(rotation, indexOverrides(versions.written), window.from, window.to);
  const moves = shiftMoves(before, after).filter((m) => !except.includes(m.personId));
  if (moves.length === 0) return { told: [], unreachable: [] };
  return tellMoved(ctx, rotation, moves, why, key);
}
