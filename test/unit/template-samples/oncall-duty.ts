import type { OncallDutyVarsMap } from "../../../src/core/templates/registry-oncall-duty.js";

/** Variables for every template of this part, with hostile user text wherever a person can type (see shared.ts). */
export const ONCALL_DUTY_SAMPLES: { [N in keyof OncallDutyVarsMap]: OncallDutyVarsMap[N] } = {};
