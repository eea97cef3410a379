/**
 * Reaching a person by DM outside any incident (shift notices, moved shifts, calls for cover): on-call people
 * are config people, and the deployment may serve several platforms.
 */
import type { Message } from "../src/core/message.js";
import { personById, platformUserId } from "../src/core/oncall/people.js";
import { PLATFORMS, type Platform } from "../src/core/platform.js";
import type { ChatPlatform } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";

/** The platforms this process serves, in the order people are looked for on them. */
export function servedPlatforms(ctx: HandlerContext): Array<{ name: Platform; platform: ChatPlatform }> {
  return PLATFORMS.flatMap((name) => {
    try {
      return [{ name, platform: ctx.platform(name) }];
    } catch {
      return []; // ctx.platform throws for a platform this process does not serve
    }
  });
}

/** Where a DM to the person goes: the first served platform they have an account on; undefined: nowhere. */
export function reachOf(
  ctx: HandlerContext,
  personId: string,
): { platform: Platform; userId: string } | undefined {
  const person = personById(ctx.settings, personId);
  if (!person) return undefined;
  for (const { name } of servedPlatforms(ctx)) {
    const userId = platformUserId(person, name);
    if (userId) return { platform: name, userId };
  }
  return undefined;
}

/**
 * Queues a DM to the person (by person id) on the first platform this process serves where they have an
 * account; `key` is the outbox idempotency key. Returns false when they cannot be reached anywhere.
 */
export async function directToPerson(
  ctx: HandlerContext,
  personId: string,
  key: string,
  message: Message,
): Promise<boolean> {
  const reach = reachOf(ctx, personId);
  if (!reach) return false;
  await ctx.outbox.send({
    key,
    platform: reach.platform,
    op: { kind: "direct", userId: reach.userId, message },
  });
  return true;
}
