/** The templates of commander designation and handoff, the communications lead, responders and calls for help: their variables (see registry.ts for the rules). */
import type { VarPath } from "./registry-shared.js";

export type RolesVarsMap = Record<never, never>;

export const ROLES_VARIABLES = {} as const satisfies {
  [N in keyof RolesVarsMap]: readonly VarPath<RolesVarsMap[N]>[];
};
