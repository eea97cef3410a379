import type { AfterStatusVarsMap } from "../../../src/core/templates/registry-after-status.js";

/** Variables for every template of this part, with hostile user text wherever a person can type (see shared.ts). */
export const AFTER_STATUS_SAMPLES: { [N in keyof AfterStatusVarsMap]: AfterStatusVarsMap[N] } = {};
