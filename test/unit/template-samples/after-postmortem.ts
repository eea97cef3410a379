import type { AfterPostmortemVarsMap } from "../../../src/core/templates/registry-after-postmortem.js";

/** Variables for every template of this part, with hostile user text wherever a person can type (see shared.ts). */
export const AFTER_POSTMORTEM_SAMPLES: { [N in keyof AfterPostmortemVarsMap]: AfterPostmortemVarsMap[N] } =
  {};
