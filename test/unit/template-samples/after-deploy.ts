import type { AfterDeployVarsMap } from "../../../src/core/templates/registry-after-deploy.js";

/** Variables for every template of this part, with hostile user text wherever a person can type (see shared.ts). */
export const AFTER_DEPLOY_SAMPLES: { [N in keyof AfterDeployVarsMap]: AfterDeployVarsMap[N] } = {};
