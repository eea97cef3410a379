/** The on-call templates of this part (see registry.ts for the rules): their variables. */
import type { VarPath } from "./registry-shared.js";

// biome-ignore lint/complexity/noBannedTypes: filled in as templates are added
export type OncallDutyVarsMap = {};

export const ONCALL_DUTY_VARIABLES = {} as const satisfies {
  [N in keyof OncallDutyVarsMap]: readonly VarPath<OncallDutyVarsMap[N]>[];
};
