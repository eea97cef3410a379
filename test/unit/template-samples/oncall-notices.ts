import type { OncallNoticesVarsMap } from "../../../src/core/templates/registry-oncall-notices.js";

/** Variables for every template of this part, with hostile user text wherever a person can type (see shared.ts). */
export const ONCALL_NOTICES_SAMPLES: { [N in keyof OncallNoticesVarsMap]: OncallNoticesVarsMap[N] } = {};
