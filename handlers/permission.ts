import { TemplatedRefusal } from "../src/core/errors.js";
import type { Incident } from "../src/core/incident/incident.js";
import { authorize, type GuardedAction, type Role } from "../src/core/incident/permissions.js";
import type { HandlerContext } from "./context.js";

/** How a refusal names each action: "resolve INC-4", said after "Only … can". */
const DOING: Record<GuardedAction, string> = {
  resolve: "resolve",
  sev: "change the severity of",
  merge: "merge",
  designate: "designate the Incident Commander of",
  handoff: "hand off",
  comms: "name the communications lead of",
};

/**
 * Refuses, with a message naming who can, a guarded action (see core/incident/permissions.ts) by someone who
 * holds none of the roles it needs. Call it inside the write, on the incident as it is now, so a handoff that
 * lands a moment earlier is taken into account. Returns the roles the person holds.
 */
export function requireAllowed(
  ctx: HandlerContext,
  incident: Incident,
  actor: string,
  action: GuardedAction,
): Role[] {
  const result = authorize(ctx.settings, incident, actor, action);
  if (result.ok) return result.roles;
  const [commander, comms] = result.people;
  const who: string[] = [];
  if (commander) who.push(`the Incident Commander (${commander})`);
  if (comms) who.push(`the communications lead (${comms})`);
  if (result.managers.length > 0) who.push(`a manager (${result.managers.join(", ")})`);
  if (result.admins.length > 0) who.push(`an admin (${result.admins.join(", ")})`);
  throw new TemplatedRefusal(
    "not-allowed",
    {
      incident: { id: incident.id },
      doing: DOING[action],
      commander,
      comms,
      managers: result.managers.map((id) => ({ id })),
      admins: result.admins.map((id) => ({ id })),
    },
    `Only ${who.join(" or ")} can ${DOING[action]} ${incident.id}. Nothing was changed.`,
    "not_allowed",
  );
}
