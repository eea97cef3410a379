import type { OncallChangesVarsMap } from "../../../src/core/templates/registry-oncall-changes.js";

/** Variables for every template of this part, with hostile user text wherever a person can type (see shared.ts). */
export const ONCALL_CHANGES_SAMPLES: { [N in keyof OncallChangesVarsMap]: OncallChangesVarsMap[N] } = {};
