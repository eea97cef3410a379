/** The on-call templates of this part (see registry.ts for the rules): their variables. */
import type { VarPath } from "./registry-shared.js";

// biome-ignore lint/complexity/noBannedTypes: filled in as templates are added
export type OncallPlanVarsMap = {};

export const ONCALL_PLAN_VARIABLES = {} as const satisfies {
  [N in keyof OncallPlanVarsMap]: readonly VarPath<OncallPlanVarsMap[N]>[];
};
