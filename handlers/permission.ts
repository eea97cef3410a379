import { UsageError } from "../src/core/errors.js";
import type { Incident } from "../src/core/incident/incident.js";
import { authorize, type GuardedAction, type Role } from "../src/core/incident/permissions.js";
import { userRef } from "../src/core/markup.js";
import type { HandlerContext } from "./context.js";

/** How a refusal names each action: "resolve INC-4", said after "Only … can". */
const DOING: Record<GuardedAction, string> = {
  resolve: "resolve",
  close: "close",
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
  const who: string[] = [];
  const [commander, comms] = result.people;
  if (commander) who.push(`the Incident Commander (${userRef(commander)})`);
  if (comms) who.push(`the communications lead (${userRef(comms)})`);
  if (result.managers.length > 0) who.push(`a manager (${result.managers.map((u) => userRef(u)).join(", ")})`);
  if (result.admins.length > 0) who.push(`an admin (${result.admins.map((u) => userRef(u)).join(", ")})`);
  const list = who.length > 1 ? `${who.slice(0, -1).join(", ")} or ${who[who.length - 1]}` : who[0];
  throw new UsageError(
    `Only ${list} can ${DOING[action]} ${incident.id}. Ask them, or ask the commander to hand it to you. Nothing was changed.`,
    "not_allowed",
  );
}
