/** The templates of status changes, fixes, deploys, resolving and the reporters' confirmation: their variables (see registry.ts for the rules). */
import type { VarPath } from "./registry-shared.js";

export type LifecycleVarsMap = Record<never, never>;

export const LIFECYCLE_VARIABLES = {} as const satisfies {
  [N in keyof LifecycleVarsMap]: readonly VarPath<LifecycleVarsMap[N]>[];
};
