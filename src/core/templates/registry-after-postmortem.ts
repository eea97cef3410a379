/** The templates of this part of "after the incident" (see registry.ts for the rules): their variables. */
import type { VarPath } from "./registry-shared.js";

// biome-ignore lint/complexity/noBannedTypes: filled in as templates are added
export type AfterPostmortemVarsMap = {};

export const AFTER_POSTMORTEM_VARIABLES = {} as const satisfies {
  [N in keyof AfterPostmortemVarsMap]: readonly VarPath<AfterPostmortemVarsMap[N]>[];
};
