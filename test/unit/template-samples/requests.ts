import type { RequestsVarsMap } from "../../../src/core/templates/registry-requests.js";

/**
 * Variables for every requests template with hostile user text in each field a person can type, for the escaping
 * test in templates.test.ts (each template must show some of it, escaped). Ids are U0ALICE, U0BOB and C1.
 */
export const REQUESTS_SAMPLES: { [N in keyof RequestsVarsMap]: RequestsVarsMap[N] } = {};
