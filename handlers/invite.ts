import type { Incident } from "../src/core/incident/incident.js";
import type { HandlerContext } from "./context.js";

/**
 * Invites people to the incident channel unless they were invited before. Platforms refuse an invitation of
 * someone already there (Slack: `already_in_channel`), so the incident remembers whom it invited.
 */
export async function inviteOnce(
  ctx: HandlerContext,
  incident: Incident,
  userIds: string[],
): Promise<string[]> {
  if (!incident.channel) return [];
  const fresh: string[] = [];
  for (const user of new Set(userIds)) {
    if ((await ctx.idempotency.recall(incident.id, `member-${user}`)) === null) fresh.push(user);
  }
  if (fresh.length === 0) return [];
  await ctx.platform(incident.platform).invite(incident.channel.id, fresh);
  for (const user of fresh) await ctx.idempotency.remember(incident.id, `member-${user}`, "1");
  return fresh;
}
