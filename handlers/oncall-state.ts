/**
 * What every on-call handler needs first: the rotation named, the overrides in force, the person who typed
 * and their zone. Overrides live in Redis; the config file's rotations are the base schedule under them.
 */

import { indexOverrides, type OverrideBook, type OverrideIndex } from "../src/core/oncall/override-index.js";
import { personByPlatformId } from "../src/core/oncall/people.js";
import type { OncallRotation, Person } from "../src/core/oncall/types.js";
import type { Platform } from "../src/core/platform.js";
import type { Inbound } from "../src/core/ports.js";
import type { Settings } from "../src/core/settings.js";
import type { HandlerContext } from "./context.js";

export function findRotation(settings: Settings, id: string): OncallRotation | undefined {
  return settings.rotations.find((r) => r.id === id);
}

/** One rotation's overrides that end after `since`, indexed. */
export async function loadOverrides(
  ctx: HandlerContext,
  rotationId: string,
  since: Date,
): Promise<OverrideIndex> {
  return indexOverrides(await ctx.oncall.overrides(rotationId, since));
}

/** Every rotation's overrides that end after `since`, for the core's lookups (paging, services, who-is-on). */
export async function loadBook(ctx: HandlerContext, since: Date): Promise<OverrideBook> {
  const entries = await Promise.all(
    ctx.settings.rotations.map(async (r) => [r.id, await loadOverrides(ctx, r.id, since)] as const),
  );
  const byRotation = new Map(entries);
  const empty = indexOverrides([]);
  return (id) => byRotation.get(id) ?? empty;
}

/** The person who typed, when the people list knows them. */
export function actorPerson(ctx: HandlerContext, inbound: Inbound): Person | undefined {
  return personByPlatformId(ctx.settings, inbound.platform, inbound.actor);
}

/** How an override or an absence records who made it: a person id, else `<platform>:<user id>`. */
export function actorLabel(ctx: HandlerContext, inbound: Inbound): string {
  return actorPerson(ctx, inbound)?.id ?? `${inbound.platform}:${inbound.actor}`;
}

/**
 * The channel a rotation's news goes to on `platform` (its own channel, else the announcement channel), as a
 * channel id; null, with a warning for whoever runs Firebreak, when it does not exist there.
 */
export async function rotationChannel(
  ctx: HandlerContext,
  platform: Platform,
  rotation: OncallRotation,
): Promise<string | null> {
  const name = rotation.channel ?? ctx.settings.announceChannel;
  const id = await ctx.platform(platform).resolveChannel(name);
  if (!id) {
    ctx.logger.warn(
      { rotation: rotation.id, channel: name, platform },
      "on-call: the rotation's channel does not exist; create it or fix `channel` (or announce_channel) in the config",
    );
  }
  return id;
}
