import { NotFoundError } from "../src/core/errors.js";
import { type Incident, incidentId } from "../src/core/incident/incident.js";
import type { Inbound } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";
import { incidentFor, incidentIdFor } from "./incident-lookup.js";

/** The id of `INC-n`, when the person gave a number. */
const numbered = (incidentNumber?: number): string | undefined =>
  incidentNumber === undefined ? undefined : incidentId(incidentNumber);

/**
 * The incident a records command names: `INC-n` when the person gave one (the command then works from
 * anywhere on the incident's own platform), else the incident whose channel it was typed in.
 */
export async function namedIncidentId(
  ctx: HandlerContext,
  inbound: Inbound,
  verb: string,
  incidentNumber?: number,
): Promise<string> {
  return incidentIdFor(ctx, inbound, verb, numbered(incidentNumber));
}

/**
 * The incident a records command names (see `namedIncidentId`); a number nobody has is refused. One of another
 * platform is refused too, unless the command only shows it (`readOnly`).
 */
export async function namedIncident(
  ctx: HandlerContext,
  inbound: Inbound,
  verb: string,
  incidentNumber?: number,
  access: { readOnly?: boolean } = {},
): Promise<Incident> {
  return incidentFor(ctx, inbound, verb, numbered(incidentNumber), {
    missing: (id) => noSuchIncident(id),
    ...access,
  });
}

/** `changing`: the command would have changed something, so the refusal says nothing was. */
export function noSuchIncident(id: string, changing = false): NotFoundError {
  return new NotFoundError(
    `There is no ${id}. \`/incident list\` shows the open incidents.${changing ? " Nothing was changed." : ""}`,
  );
}
