/**
 * What a deploy does to the incidents (the deploy webhook, src/http/deploy-hook.ts, hands it here): every open
 * incident whose recorded fix is among the deploy's commits records the deploy, and is told.
 *
 * - Production, and the incident may move: it becomes fix_deployed; the channel hears which version went where
 *   (fix-deployed, the same news `/incident deployed` gives), the card shows the fixes live, and the reporters
 *   who follow it get one DM saying the fix they waited for is live, so they can check it and say so before
 *   they are asked to confirm at resolve. The other subscribers get the usual DM of the news.
 * - Production, but it stays (another fix still waits, or the state allows no deploy): the fixes are marked
 *   live, and the channel hears it and why nothing moved (deploy-reached).
 * - Another environment: the channel hears the fix reached staging (deploy-reached); nothing is live.
 *
 * Every change is one write per incident (the record, the fixes, the state); a deploy already recorded on the
 * incident writes and says nothing, so a webhook sent twice is harmless.
 */
import {
  carriedFixes,
  commitsCarrying,
  type Deploy,
  type DeployChange,
  type DeployResult,
  deployReaches,
  isProduction,
} from "../src/core/incident/deploy-match.js";
import { type Fix, type Incident, subscribersOf } from "../src/core/incident/incident.js";
import type { HandlerContext } from "./context.js";
import { incidentVars } from "./incident-vars.js";
import { stateChangeKeys } from "./lifecycle-news.js";
import { directItem, incidentNews, newsKeys } from "./outbox-items.js";
import { updateIncident } from "./timers.js";

export async function applyDeploy(ctx: HandlerContext, deploy: Deploy): Promise<DeployResult> {
  const production = isProduction(deploy.environment, ctx.settings.deploys.productionEnvironments);
  const matched: string[] = [];
  const reaching = new Set<string>();
  for (const id of await ctx.store.listOpen()) {
    const found = await ctx.store.get(id);
    // Most open incidents wait for no fix of this deploy: only those that do are written.
    if (!found || carriedFixes(found, deploy.commits).length === 0) continue;
    let change = null as DeployChange | null;
    const { incident, changed } = await updateIncident(ctx, id, (current) => {
      change = deployReaches(current, deploy, { production, now: ctx.clock.now() });
      return change && { incident: change.incident, events: change.events };
    });
    if (!changed || !change) continue;
    matched.push(id);
    for (const commit of commitsCarrying(change.carried, deploy.commits)) reaching.add(commit);
    await tell(ctx, incident, deploy, change);
  }
  return { matched, ignored: deploy.commits.filter((c) => !reaching.has(c)).length };
}

const fixVars = (fixes: readonly Fix[]) => fixes.map((f) => ({ ref: f.ref, isLink: f.refKind === "link" }));

async function tell(ctx: HandlerContext, incident: Incident, deploy: Deploy, change: DeployChange) {
  const where = {
    version: deploy.version,
    environment: deploy.environment,
    service: deploy.service,
  };
  if (change.reach !== "moved") {
    const post = ctx.render("deploy-reached", {
      ...incidentVars(ctx, incident),
      ...where,
      production: change.reach === "live",
      fixes: fixVars(change.carried),
      waiting: fixVars(change.waiting),
    });
    // Keyed by the record's place on the incident: each deploy that reached it is told once.
    const keys = newsKeys(incident, `deploy-${incident.deploys?.length ?? 0}`);
    await ctx.outbox.send(...(await incidentNews(ctx, incident, keys, { post })));
    return;
  }
  const keys = stateChangeKeys(incident);
  const post = ctx.render("fix-deployed", {
    ...incidentVars(ctx, incident),
    ...where,
    fixes: fixVars(change.carried),
  });
  // Reporters who still follow it get the news as a note to them instead of the subscribers' copy.
  const following = new Set(subscribersOf(incident));
  const reporters = incident.reporters.map((r) => r.platformUserId).filter((u) => following.has(u));
  const dm = ctx.render("deploy-live-dm", {
    ...incidentVars(ctx, incident),
    ...where,
    fixes: fixVars(change.carried),
  });
  await ctx.outbox.send(
    ...(await incidentNews(ctx, incident, keys, { post, notify: { except: reporters } })),
    ...reporters.map((user) => directItem(incident, `${keys.post}-reporter-${user}`, user, dm)),
  );
}
