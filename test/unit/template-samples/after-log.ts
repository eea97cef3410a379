import type { AfterLogVarsMap } from "../../../src/core/templates/registry-after-log.js";

/** Variables for every template of this part, with hostile user text wherever a person can type (see shared.ts). */
export const AFTER_LOG_SAMPLES: { [N in keyof AfterLogVarsMap]: AfterLogVarsMap[N] } = {};
