import type { AfterDeployVarsMap } from "../../../src/core/templates/registry-after-deploy.js";
import { HOSTILE, incident } from "./shared.js";

/** Variables for every template of this part, with hostile user text wherever a person can type (see shared.ts). */
const fixes = [
  { ref: HOSTILE, isLink: true },
  { ref: HOSTILE, isLink: false },
];

export const AFTER_DEPLOY_SAMPLES: { [N in keyof AfterDeployVarsMap]: AfterDeployVarsMap[N] } = {
  "deploy-reached": {
    incident: incident({ title: HOSTILE }),
    severity: "SEV1",
    version: HOSTILE,
    environment: HOSTILE,
    service: HOSTILE,
    production: true,
    fixes,
    waiting: fixes,
  },
  "deploy-live-dm": {
    incident: incident({ title: HOSTILE }),
    severity: "SEV1",
    version: HOSTILE,
    environment: HOSTILE,
    service: HOSTILE,
    fixes,
    channel: "C1",
  },
};
