import type { Incident } from "../src/core/incident/incident.js";
import { enterState } from "../src/core/incident/lifecycle.js";
import { timelineEvent } from "../src/core/incident/timeline.js";
import type { Inbound } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";
import { incidentIdInConversation } from "./incident-lookup.js";
import { incidentVars } from "./incident-vars.js";
import { stateChangeKeys } from "./lifecycle-news.js";
import { requireTransition } from "./lifecycle-refusal.js";
import { incidentNews } from "./outbox-items.js";
import { updateIncident } from "./timers.js";

/** Who says the fixes are live: a person (`/incident deployed`) or a deploy webhook (version, environment). */
export interface DeployedBy {
  actor?: string;
  version?: string;
  environment?: string;
}

/**
 * The fixes waiting for their deploy are live: each is marked `deployedAt` and the incident moves to
 * fix_deployed, from where it may be resolved. The command and a deploy webhook both come here, so both are
 * refused the same way (no fix waiting, nobody acknowledged yet) and told the same way: channel, card,
 * subscribers.
 */
export async function markFixDeployed(
  ctx: HandlerContext,
  incidentId: string,
  by: DeployedBy,
): Promise<Incident> {
  const now = ctx.clock.now();
  const at = now.toISOString();
  const { incident: updated, before } = await updateIncident(ctx, incidentId, (current) => {
    const { from, to } = requireTransition(current, "deployed");
    const live = (current.fixes ?? []).filter((f) => !f.deployedAt);
    return {
      incident: {
        ...enterState(current, to, now),
        fixes: (current.fixes ?? []).map((f) => (f.deployedAt ? f : { ...f, deployedAt: at })),
      },
      events: [
        timelineEvent(
          "fix_deployed",
          now,
          {
            // Links and shas hold no spaces.
            refs: live.map((f) => f.ref).join(" "),
            ...(by.version && { version: by.version }),
            ...(by.environment && { environment: by.environment }),
          },
          by.actor,
        ),
        timelineEvent("status_changed", now, { from, to }, by.actor),
      ],
    };
  });
  const live = (before.fixes ?? []).filter((f) => !f.deployedAt);
  const post = ctx.render("fix-deployed", {
    ...incidentVars(ctx, updated),
    actor: by.actor,
    version: by.version,
    environment: by.environment,
    fixes: live.map((f) => ({ ref: f.ref, isLink: f.refKind === "link" })),
  });
  await ctx.outbox.send(
    ...(await incidentNews(ctx, updated, stateChangeKeys(updated), { post, notify: { actor: by.actor } })),
  );
  return updated;
}

/** `/incident deployed`, typed in the incident channel. */
export async function deployedCommand(ctx: HandlerContext, inbound: Inbound): Promise<void> {
  const id = await incidentIdInConversation(ctx, inbound, "deployed");
  await markFixDeployed(ctx, id, { actor: inbound.actor });
}
