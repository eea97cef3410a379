import type { AfterFollowupsVarsMap } from "../../../src/core/templates/registry-after-followups.js";

/** Variables for every template of this part, with hostile user text wherever a person can type (see shared.ts). */
export const AFTER_FOLLOWUPS_SAMPLES: { [N in keyof AfterFollowupsVarsMap]: AfterFollowupsVarsMap[N] } = {};
