import type { Incident } from "../src/core/incident/incident.js";
import type { HandlerContext } from "./context.js";

/**
 * Invites people to the incident channel unless they were invited before. Platforms refuse an invitation of
 * someone already there (Slack: `already_in_channel`), so the incident remembers whom it invited. The store
 * has no batch call, so the look-ups (and the notes afterwards) go out together rather than one by one.
 */
export async function inviteOnce(
  ctx: HandlerContext,
  incident: Incident,
  userIds: string[],
): Promise<string[]> {
  if (!incident.channel) return [];
  const people = [...new Set(userIds)];
  const known = await Promise.all(
    people.map((user) => ctx.idempotency.recall(incident.id, `member-${user}`)),
  );
  const fresh = people.filter((_, i) => known[i] === null);
  if (fresh.length === 0) return [];
  await ctx.platform(incident.platform).invite(incident.channel.id, fresh);
  await Promise.all(fresh.map((user) => ctx.idempotency.remember(incident.id, `member-${user}`, "1")));
  return fresh;
}

/**
 * `inviteOnce` where the invitation matters less than what it goes with (a page, a new role, a call for help
 * taken): a refusal is logged as a warning ("could not invite `what`") and never thrown.
 */
export async function inviteQuietly(
  ctx: HandlerContext,
  incident: Incident,
  userIds: string[],
  what: string,
): Promise<void> {
  try {
    await inviteOnce(ctx, incident, userIds);
  } catch (err) {
    ctx.logger.warn({ incident: incident.id, err: String(err) }, `could not invite ${what}`);
  }
}
