/** The on-call templates of this part (see registry.ts for the rules): their variables. */
import type { VarPath } from "./registry-shared.js";

// biome-ignore lint/complexity/noBannedTypes: filled in as templates are added
export type OncallChangesVarsMap = {};

export const ONCALL_CHANGES_VARIABLES = {} as const satisfies {
  [N in keyof OncallChangesVarsMap]: readonly VarPath<OncallChangesVarsMap[N]>[];
};
