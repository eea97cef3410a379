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
  throw notAllowed(incident, DOING[action], [
    { role: "commander", people: commander ? [commander] : [] },
    { role: "comms", people: comms ? [comms] : [] },
    { role: "manager", people: result.managers },
    { role: "admin", people: result.admins },
  ]);
}

/** A group who could have done it: a role and the people (platform user ids) holding it. */
export interface WhoCan {
  role: "commander" | "comms" | "requester" | "manager" | "admin";
  people: readonly string[];
}

/**
 * The refusal of something reserved, naming (as real mentions) every group that could have done it, in order
 * ("A (x), B (y) or an admin (z)"); groups nobody holds are left out.
 */
export function notAllowed(
  incident: Pick<Incident, "id">,
  doing: string,
  groups: WhoCan[],
): TemplatedRefusal {
  const present = groups.filter((g) => g.people.length > 0);
  const who = present.map((g, i) => ({
    // As the refusals always read: "A (x), B (y) or an admin (z)".
    sep: i === 0 ? "" : g.role === "admin" ? " or " : ", ",
    [g.role]: true,
    people: g.people.map((id) => ({ id })),
  }));
  const plain = present.map((g) => `${g.role} (${g.people.join(", ")})`).join(", ");
  return new TemplatedRefusal(
    "not-allowed",
    { incident: { id: incident.id }, doing, who },
    `Only ${plain} can ${doing} ${incident.id}. Nothing was changed.`,
    "not_allowed",
  );
}
