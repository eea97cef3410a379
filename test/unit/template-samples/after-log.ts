import type { AfterLogVarsMap } from "../../../src/core/templates/registry-after-log.js";
import { HOSTILE } from "./shared.js";

/** Variables for every template of this part, with hostile user text wherever a person can type (see shared.ts). */
export const AFTER_LOG_SAMPLES: { [N in keyof AfterLogVarsMap]: AfterLogVarsMap[N] } = {
  // PUBLIC_URL is an operator's, not a user's, but it is printed: not a safe URL, so `link` prints it escaped.
  "incident-log": {
    enabled: true,
    allowed: true,
    jsonUrl: HOSTILE,
    csvUrl: HOSTILE,
    metricsUrl: HOSTILE,
    managers: [{ id: "U0ALICE" }],
    admins: [{ id: "U0BOB" }],
  },
};
