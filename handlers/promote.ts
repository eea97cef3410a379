import { NotFoundError, UsageError } from "../src/core/errors.js";
import { type Incident, incidentId } from "../src/core/incident/incident.js";
import {
  isRequest,
  promoteToIncident,
  type RequestRefusal,
  requestRefusal,
} from "../src/core/incident/requests.js";
import type { Inbound } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";
import { requireOwnPlatform } from "./incident-lookup.js";
import { incidentVars } from "./incident-vars.js";
import { loadBook } from "./oncall-state.js";
import { channelMarkup } from "./other-platform.js";
import { reply } from "./outbox-items.js";
import { updateIncident } from "./timers.js";

/**
 * `/incident promote [INC-n]` and the "Promote to incident" button: a change or guidance request turns out to
 * be an incident. In one write it becomes one (kind, commander, timers, the `promoted` event); then the same
 * durable open effects as a new incident create its channel, page the commander, post and pin the kickoff and
 * announce it, and edit the request's card to say where it is followed now. Anyone may promote: anyone may open
 * an incident too.
 */
export async function promoteRequest(ctx: HandlerContext, inbound: Inbound, id?: string): Promise<void> {
  const target = id ?? (await requestIdInConversation(ctx, inbound));
  const now = ctx.clock.now();
  // Overrides are read before the write: the write's change must stay pure (it may run again on a conflict).
  const book = await loadBook(ctx, now);
  let promoted: Incident;
  try {
    ({ incident: promoted } = await updateIncident(ctx, target, (current) => {
      requireOwnPlatform(current, inbound);
      const refused = requestRefusal(current);
      if (refused) throw promoteRefusal(current, refused, inbound);
      return promoteToIncident(ctx.settings, current, inbound.actor, now, book);
    }));
  } catch (err) {
    if (err instanceof NotFoundError) {
      throw new NotFoundError(
        `There is no ${target}. Check the number on the request's card. Nothing was changed.`,
        "unknown_incident",
      );
    }
    throw err;
  }
  ctx.logger.info({ incident: promoted.id }, "request promoted to an incident");
  await ctx.jobs.enqueueOpenEffects(promoted.id);
  await reply(ctx, inbound, ctx.render("request-promoting-reply", incidentVars(ctx, promoted)), "promoting");
}

/** The command's number as an incident id, for the route. */
export function promoteTarget(incidentNumber: number | undefined): string | undefined {
  return incidentNumber === undefined ? undefined : incidentId(incidentNumber);
}

/**
 * The request `promote` (without a number) means: the one open request asked in this conversation. In an
 * incident's channel it means that incident (refused, as it is one already).
 */
async function requestIdInConversation(ctx: HandlerContext, inbound: Inbound): Promise<string> {
  const inChannel = await ctx.store.findByChannel(inbound.platform, inbound.conversationId);
  if (inChannel) return inChannel;
  const here: string[] = [];
  for (const id of await ctx.store.listOpen()) {
    const incident = await ctx.store.get(id);
    if (
      incident &&
      isRequest(incident) &&
      incident.platform === inbound.platform &&
      incident.thread?.conversationId === inbound.conversationId
    ) {
      here.push(incident.id);
    }
  }
  const [only, ...more] = here;
  if (!only) {
    throw new UsageError(
      "`promote` on its own works in the conversation where a change or guidance request was opened. Elsewhere, name it: `/incident promote INC-<n>`. Nothing was changed.",
      "no_request_here",
    );
  }
  if (more.length > 0) {
    throw new UsageError(
      `Several requests are open here (${here.join(", ")}): say which, e.g. \`/incident promote ${only}\`. Nothing was changed.`,
      "several_requests_here",
    );
  }
  return only;
}

function promoteRefusal(incident: Incident, refused: RequestRefusal, inbound: Inbound): UsageError {
  switch (refused.reason) {
    case "not_a_request":
      return new UsageError(
        `${incident.id} is already an incident${incident.channel ? `: follow it in ${channelMarkup(incident, inbound)}` : ""}. Nothing was changed.`,
        "already_incident",
      );
    case "finished":
      return new UsageError(
        `${incident.id} is ${refused.state}${incident.closeReason === "done" ? " (marked done)" : ""}, so it cannot be promoted. If the problem is back, open an incident: \`/incident open <title>\`. Nothing was changed.`,
        "request_finished",
      );
  }
}
