import { type DeployedBy, fixesGoLive } from "../src/core/incident/deploy-match.js";
import type { Fix, Incident } from "../src/core/incident/incident.js";
import type { Inbound, OutboxItem } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";
import { incidentIdInConversation } from "./incident-lookup.js";
import { incidentVars } from "./incident-vars.js";
import { stateChangeKeys } from "./lifecycle-news.js";
import { requireTransition } from "./lifecycle-refusal.js";
import { incidentNews, type NewsKeys } from "./outbox-items.js";
import { updateIncident } from "./timers.js";

export type { DeployedBy };

/**
 * `/incident deployed`: the fixes waiting for their deploy are live. Each is marked `deployedAt` and the incident
 * moves to fix_deployed, from where it may be resolved; it is refused (no fix waiting, nobody acknowledged yet)
 * as the lifecycle says. The deploy webhook (handlers/deploy-hook.ts) decides for itself, in
 * core/incident/deploy-match.ts, because it marks only the fixes it carried and never refuses; when its deploy
 * moves the incident, it goes through the same step (`fixesGoLive`) and tells the same news (`fixDeployedNews`).
 */
export async function markFixDeployed(
  ctx: HandlerContext,
  incidentId: string,
  by: DeployedBy,
): Promise<Incident> {
  const now = ctx.clock.now();
  const { incident: updated, before } = await updateIncident(ctx, incidentId, (current) => {
    const step = fixesGoLive(current, requireTransition(current, "deployed"), now, by);
    return { incident: step.incident, events: step.events };
  });
  const live = (before.fixes ?? []).filter((f) => !f.deployedAt);
  await ctx.outbox.send(...(await fixDeployedNews(ctx, updated, stateChangeKeys(updated), by, live)));
  return updated;
}

/**
 * The news that `fixes` went live and the incident is fix_deployed: the fix-deployed post in its channel, its
 * card, and a DM to every subscriber but whoever said so and `except` (told another way).
 */
export async function fixDeployedNews(
  ctx: HandlerContext,
  incident: Incident,
  keys: NewsKeys,
  by: DeployedBy & { service?: string },
  fixes: readonly Fix[],
  except: readonly string[] = [],
): Promise<OutboxItem[]> {
  const post = ctx.render("fix-deployed", {
    ...incidentVars(ctx, incident),
    actor: by.actor,
    version: by.version,
    environment: by.environment,
    service: by.service,
    fixes: fixes.map((f) => ({ ref: f.ref, isLink: f.refKind === "link" })),
  });
  return incidentNews(ctx, incident, keys, { post, notify: { actor: by.actor, except } });
}

/** `/incident deployed`, typed in the incident channel. */
export async function deployedCommand(ctx: HandlerContext, inbound: Inbound): Promise<void> {
  const id = await incidentIdInConversation(ctx, inbound, "deployed");
  await markFixDeployed(ctx, id, { actor: inbound.actor });
}
