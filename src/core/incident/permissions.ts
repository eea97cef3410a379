/**
 * Who may do what to an incident. Most commands are open to everyone in the channel (updates, notes, fixes,
 * statuses, joining): at 3 a.m. the person who knows should not wait for permission to write it down. The
 * decisions that change who is in charge, how loud the incident is, or whether it is over are reserved:
 *
 * | action | commander | comms lead | managers | admins |
 * | --- | --- | --- | --- | --- |
 * | resolve, sev, merge | yes | yes | yes | yes |
 * | designate, handoff, comms | yes | no | yes | yes |
 *
 * An incident nobody commands (no commander could be found) has nobody to hold these back, so anyone may do
 * them until someone takes command: otherwise a commanderless incident could not even get a commander.
 */

import { personByPlatformId, platformIdsOf } from "../oncall/people.js";
import type { Settings } from "../settings.js";
import type { Incident } from "./incident.js";

export const GUARDED_ACTIONS = ["resolve", "sev", "merge", "designate", "handoff", "comms"] as const;
export type GuardedAction = (typeof GUARDED_ACTIONS)[number];

export type Role = "commander" | "comms" | "manager" | "admin";

const ALLOWED: Record<GuardedAction, readonly Role[]> = {
  resolve: ["commander", "comms", "manager", "admin"],
  sev: ["commander", "comms", "manager", "admin"],
  merge: ["commander", "comms", "manager", "admin"],
  designate: ["commander", "manager", "admin"],
  handoff: ["commander", "manager", "admin"],
  comms: ["commander", "manager", "admin"],
};

/** The roles a person holds on an incident (by their platform user id). */
export function rolesOf(
  settings: Settings,
  incident: Pick<Incident, "commander" | "comms" | "platform">,
  actor: string,
): Role[] {
  const roles: Role[] = [];
  if (incident.commander?.platformUserId === actor) roles.push("commander");
  if (incident.comms?.platformUserId === actor) roles.push("comms");
  const person = personByPlatformId(settings, incident.platform, actor);
  if (person && settings.roles.managers.includes(person.id)) roles.push("manager");
  if (person && settings.roles.admins.includes(person.id)) roles.push("admin");
  return roles;
}

/** Who could do it instead, for the refusal: the people by platform id, and the config groups by name. */
export interface Allowed {
  action: GuardedAction;
  roles: readonly Role[];
  /** Platform user ids of the commander and comms lead (when the action allows them and they exist). */
  people: string[];
  /** Platform user ids of the managers and admins reachable on this platform. */
  managers: string[];
  admins: string[];
}

export type Authorization = { ok: true; roles: Role[] } | ({ ok: false } & Allowed);

export function authorize(
  settings: Settings,
  incident: Pick<Incident, "commander" | "comms" | "platform">,
  actor: string,
  action: GuardedAction,
): Authorization {
  const allowed = ALLOWED[action];
  const roles = rolesOf(settings, incident, actor);
  if (!incident.commander || roles.some((r) => allowed.includes(r))) return { ok: true, roles };
  const ids = (group: readonly string[]) => platformIdsOf(settings, group, incident.platform);
  const people: string[] = [];
  if (allowed.includes("commander")) people.push(incident.commander.platformUserId);
  if (allowed.includes("comms") && incident.comms) people.push(incident.comms.platformUserId);
  return {
    ok: false,
    action,
    roles: allowed,
    people,
    managers: allowed.includes("manager") ? ids(settings.roles.managers) : [],
    admins: allowed.includes("admin") ? ids(settings.roles.admins) : [],
  };
}
