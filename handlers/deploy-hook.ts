/**
 * What a deploy does to the incidents (the deploy webhook, src/http/deploy-hook.ts, hands it here): every open
 * incident whose recorded fix is among the deploy's commits records the deploy, and is told.
 *
 * - Production, and the incident may move: it becomes fix_deployed (the step `/incident deployed` takes too,
 *   handlers/deployed.ts); the channel hears which version went where (fix-deployed, the same news), the card
 *   shows the fixes live, and the reporters who follow it get one DM saying the fix they waited for is live, so
 *   they can check it and say so before they are asked to confirm at resolve. The other subscribers get the
 *   usual DM of the news.
 * - Production, but it stays (another fix still waits, or the state allows no deploy): the fixes are marked
 *   live, and the channel hears it and why nothing moved (deploy-reached).
 * - Another environment: the channel hears the fix reached staging (deploy-reached); nothing is live.
 *
 * Every change is one write per incident (the record, the fixes, the state), and the news of a deploy record is
 * keyed by the record's place on the incident. A delivery that repeats a recorded deploy writes nothing but tells
 * its news again: if the earlier delivery wrote the incident and then failed to queue the news (Redis went away,
 * the hook answered 503), the retry is the only chance anyone hears of it, and where the news was queued the
 * same keys make the outbox send nothing twice.
 */
import {
  commitsCarrying,
  type Deploy,
  type DeployChange,
  type DeployResult,
  deployReaches,
  fixesIn,
  isProduction,
  recordedChanges,
  sameDeployRecords,
} from "../src/core/incident/deploy-match.js";
import { type Fix, type Incident, subscribersOf } from "../src/core/incident/incident.js";
import type { HandlerContext } from "./context.js";
import { fixDeployedNews } from "./deployed.js";
import { incidentVars } from "./incident-vars.js";
import { directItem, incidentNews, newsKeys } from "./outbox-items.js";
import { updateIncident } from "./timers.js";

export async function applyDeploy(ctx: HandlerContext, deploy: Deploy): Promise<DeployResult> {
  const production = isProduction(deploy.environment, ctx.settings.deploys.productionEnvironments);
  const matched: string[] = [];
  const reaching = new Set<string>();
  for (const id of await ctx.store.listOpen()) {
    const found = await ctx.store.get(id);
    // Most open incidents have no fix among this deploy's commits: only those that do are looked at.
    if (!found || fixesIn(found, deploy.commits).length === 0) continue;
    let change = null as DeployChange | null;
    const { incident, changed } = await updateIncident(ctx, id, (current) => {
      change = deployReaches(current, deploy, { production, now: ctx.clock.now() });
      return change && { incident: change.incident, events: change.events };
    });
    const fresh = changed ? change : null;
    if (fresh) {
      matched.push(id);
      for (const commit of commitsCarrying(fresh.carried, deploy.commits)) reaching.add(commit);
    }
    for (const told of await toTell(ctx, incident, deploy, production, fresh)) {
      await tell(ctx, incident, deploy, told);
    }
  }
  return { matched, ignored: deploy.commits.filter((c) => !reaching.has(c)).length };
}

/** The change just written, and before it every earlier record this delivery repeats (told again, see above). */
async function toTell(
  ctx: HandlerContext,
  incident: Incident,
  deploy: Deploy,
  production: boolean,
  fresh: DeployChange | null,
): Promise<DeployChange[]> {
  const earlier = sameDeployRecords(incident, deploy).filter(({ index }) => index !== fresh?.index);
  if (earlier.length === 0) return fresh ? [fresh] : [];
  // Only a production deploy can have moved the incident, which its timeline says.
  const timeline = production ? await ctx.store.timeline(incident.id) : [];
  const again = recordedChanges(incident, deploy, { production, timeline }).filter(
    (c) => c.index !== fresh?.index,
  );
  return fresh ? [...again, fresh] : again;
}

const fixVars = (fixes: readonly Fix[]) => fixes.map((f) => ({ ref: f.ref, isLink: f.refKind === "link" }));

async function tell(ctx: HandlerContext, incident: Incident, deploy: Deploy, change: DeployChange) {
  const where = {
    version: deploy.version,
    environment: deploy.environment,
    service: deploy.service,
  };
  // Keyed by the record's place on the incident: each deploy that reached it is told once, however often.
  const keys = newsKeys(incident, `deploy-${change.index + 1}`);
  if (change.reach !== "moved") {
    const post = ctx.render("deploy-reached", {
      ...incidentVars(ctx, incident),
      ...where,
      production: change.reach === "live",
      fixes: fixVars(change.carried),
      waiting: fixVars(change.waiting),
    });
    await ctx.outbox.send(...(await incidentNews(ctx, incident, keys, { post })));
    return;
  }
  // Reporters who still follow it get the news as a note to them instead of the subscribers' copy.
  const following = new Set(subscribersOf(incident));
  const reporters = incident.reporters.map((r) => r.platformUserId).filter((u) => following.has(u));
  const dm = ctx.render("deploy-live-dm", {
    ...incidentVars(ctx, incident),
    ...where,
    fixes: fixVars(change.carried),
  });
  await ctx.outbox.send(
    ...(await fixDeployedNews(ctx, incident, keys, where, change.carried, reporters)),
    ...reporters.map((user) => directItem(incident, `${keys.post}-reporter-${user}`, user, dm)),
  );
}
