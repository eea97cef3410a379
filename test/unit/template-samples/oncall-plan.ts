import type { OncallPlanVarsMap } from "../../../src/core/templates/registry-oncall-plan.js";

/** Variables for every template of this part, with hostile user text wherever a person can type (see shared.ts). */
export const ONCALL_PLAN_SAMPLES: { [N in keyof OncallPlanVarsMap]: OncallPlanVarsMap[N] } = {};
