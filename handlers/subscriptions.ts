import { NotFoundError, UsageError } from "../src/core/errors.js";
import type { Incident } from "../src/core/incident/incident.js";
import { subscribe, unsubscribe } from "../src/core/incident/subscriptions.js";
import type { Inbound } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";
import { requireOwnPlatform } from "./incident-lookup.js";
import { incidentVars } from "./incident-vars.js";
import { namedIncidentId, noSuchIncident } from "./named-incident.js";
import { reply } from "./outbox-items.js";
import { updateIncident } from "./timers.js";

/**
 * `/incident subscribe [INC-n]`, `/incident unsubscribe [INC-n]` and the "Subscribe" button on an announcement:
 * whoever follows an incident gets every state change and status update by DM (incidentNews with `notify`).
 * Only the person sees the answer, which says plainly when nothing changed (already subscribed, or not).
 */
export async function subscribeTo(
  ctx: HandlerContext,
  inbound: Inbound,
  incidentNumber?: number,
): Promise<void> {
  const id = await namedIncidentId(ctx, inbound, "subscribe", incidentNumber);
  const { incident, changed } = await writeSubscription(ctx, inbound, id, "subscribe", (current, now) =>
    subscribe(current, inbound.actor, now),
  );
  await reply(
    ctx,
    inbound,
    ctx.render("subscribed", { ...incidentVars(ctx, incident), already: !changed }),
    "subscribed",
  );
}

export async function unsubscribeFrom(
  ctx: HandlerContext,
  inbound: Inbound,
  incidentNumber?: number,
): Promise<void> {
  const id = await namedIncidentId(ctx, inbound, "unsubscribe", incidentNumber);
  const { incident, changed } = await writeSubscription(ctx, inbound, id, "unsubscribe", (current, now) =>
    unsubscribe(current, inbound.actor, now),
  );
  await reply(
    ctx,
    inbound,
    ctx.render("unsubscribed", { ...incidentVars(ctx, incident), wasNot: !changed }),
    "unsubscribed",
  );
}

/**
 * The subscription change on an incident that is not closed (a closed one sends no more news to follow), for a
 * person of the incident's own platform (its DMs go out there, to that platform's accounts).
 */
async function writeSubscription(
  ctx: HandlerContext,
  inbound: Inbound,
  id: string,
  verb: string,
  change: (current: Incident, now: Date) => ReturnType<typeof subscribe>,
): Promise<{ incident: Incident; changed: boolean }> {
  const now = ctx.clock.now();
  // One read: the write's own copy is checked (an incident's platform never changes).
  return updateIncident(ctx, id, (current) => {
    requireOwnPlatform(current, inbound);
    if (current.state === "closed") {
      throw new UsageError(
        `${current.id} is closed and sends no more news${current.duplicateOf ? `; it carries on as ${current.duplicateOf}: \`/incident ${verb} ${current.duplicateOf}\`` : ""}. Nothing was changed.`,
        "incident_closed",
      );
    }
    return change(current, now);
  }).catch((err: unknown) => {
    throw err instanceof NotFoundError ? noSuchIncident(id, true) : err;
  });
}
