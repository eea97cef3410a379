import { NotFoundError, UsageError } from "../src/core/errors.js";
import type { Incident } from "../src/core/incident/incident.js";
import { isFinished } from "../src/core/incident/timers.js";
import type { Inbound } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";
import { onOtherPlatform, PLATFORM_NAMES } from "./other-platform.js";

/**
 * Which incident a command or a button refers to. A command that changes the incident needs only its id: it
 * checks the incident inside its write (`updateIncident`), where the state cannot change under it. A command
 * that only reads (or checks before a read-only effect) loads the incident itself.
 */

/** The id of the incident whose channel the command was typed in. */
export async function incidentIdInConversation(
  ctx: HandlerContext,
  inbound: Inbound,
  verb: string,
): Promise<string> {
  const id = await ctx.store.findByChannel(inbound.platform, inbound.conversationId);
  if (!id) throw notInIncidentChannel(verb);
  return id;
}

/**
 * The id of the incident a command or a button refers to: a button names it (its value, so it also works
 * from a DM), a command is typed in the incident's channel. Every caller changes the incident in a write that
 * refuses one of another platform than the asker's (`requireOwnPlatform` in its change); an incident's channel
 * is always on its own platform.
 */
export async function incidentIdFor(
  ctx: HandlerContext,
  inbound: Inbound,
  verb: string,
  incidentId?: string,
): Promise<string> {
  // An incident named by id is checked by the write that follows (requireOwnPlatform in its change), not by a
  // read of its own here: every button click would pay for one.
  return incidentId || incidentIdInConversation(ctx, inbound, verb);
}

/** The incident whose channel the command was typed in. */
export async function incidentInConversation(
  ctx: HandlerContext,
  inbound: Inbound,
  verb: string,
): Promise<Incident> {
  return incidentFor(ctx, inbound, verb);
}

export interface IncidentLookup {
  /** The refusal of an incident that is not stored. */
  missing?: (id: string) => Error;
  /**
   * The caller only shows the incident (`show`, `timeline`): one of another platform may be read from here,
   * named in words. Anything that changes it, or subscribes someone to it, leaves this unset.
   */
  readOnly?: boolean;
}

/**
 * The incident a command or a button refers to (see `incidentIdFor`). One that is not stored is refused with
 * `missing` when given; otherwise a named one "does not exist any more" (a button from an old message) and a
 * channel's is refused as if it were no incident's channel. One of another platform is refused unless the
 * caller only reads it.
 */
export async function incidentFor(
  ctx: HandlerContext,
  inbound: Inbound,
  verb: string,
  incidentId?: string,
  lookup: IncidentLookup = {},
): Promise<Incident> {
  const id = incidentId || (await incidentIdInConversation(ctx, inbound, verb));
  const incident = await ctx.store.get(id);
  if (incident) {
    if (!lookup.readOnly) requireOwnPlatform(incident, inbound);
    return incident;
  }
  if (lookup.missing) throw lookup.missing(id);
  throw incidentId
    ? new NotFoundError(`Incident ${id} does not exist any more.`)
    : notInIncidentChannel(verb);
}

/**
 * An incident lives on the platform where it was opened: its people, channel, pages and DMs are that
 * platform's ids. A command or a button from another platform (one Firebreak serving Slack and Mattermost)
 * would put that platform's ids into it (an actor, a commander, a subscriber nobody there can reach), so it is
 * refused with where to act instead.
 */
export function requireOwnPlatform(
  incident: Pick<Incident, "id" | "platform">,
  inbound: Pick<Inbound, "platform">,
): void {
  if (!onOtherPlatform(incident, inbound)) return;
  throw new UsageError(
    `${incident.id} is followed on ${PLATFORM_NAMES[incident.platform]}; act on it there. Nothing was changed.`,
    "other_platform",
  );
}

/** Refuses timed work on an incident that is over: its reminders and escalations are stopped for good. */
export function requireOngoing(incident: Incident, verb: string): void {
  if (isFinished(incident)) {
    throw new UsageError(
      `${incident.id} is ${incident.state}, so \`${verb}\` has nothing to act on. Nothing was changed.`,
      "incident_finished",
    );
  }
}

function notInIncidentChannel(verb: string): UsageError {
  return new UsageError(
    `\`${verb}\` works inside an incident's channel. Run it there, or see open incidents in the announcement channel.`,
    "not_in_incident_channel",
  );
}
