import type { AfterStatusVarsMap } from "../../../src/core/templates/registry-after-status.js";
import { HOSTILE, incident } from "./shared.js";

/** Variables for every template of this part, with hostile user text wherever a person can type (see shared.ts). */
export const AFTER_STATUS_SAMPLES: { [N in keyof AfterStatusVarsMap]: AfterStatusVarsMap[N] } = {
  "visibility-changed": {
    incident: incident({ title: HOSTILE }),
    actor: "U0ALICE",
    private: false,
    // Not a web address, so the link helper must print the label only (the test forbids any link from samples).
    page: HOSTILE,
  },
};
