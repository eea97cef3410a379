import type { RolesVarsMap } from "../../../src/core/templates/registry-roles.js";

/**
 * Variables for every roles template with hostile user text in each field a person can type, for the escaping
 * test in templates.test.ts (each template must show some of it, escaped). Ids are U0ALICE, U0BOB and C1.
 */
export const ROLES_SAMPLES: { [N in keyof RolesVarsMap]: RolesVarsMap[N] } = {};
