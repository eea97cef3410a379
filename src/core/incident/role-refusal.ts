/**
 * Refusals of the role commands that name a person ("<@U1> already commands INC-4"): told through
 * templates/role-refused.yml, so the person is a real mention and the sentence is the operators' to edit.
 * `message` says the same in plain text, for logs and tests.
 */
import { TemplatedRefusal } from "../errors.js";
import type { RolesVarsMap } from "../templates/registry-roles.js";

export type RoleRefusalVars = RolesVarsMap["role-refused"];

export function roleRefusal(code: string, vars: RoleRefusalVars, message: string): TemplatedRefusal {
  return new TemplatedRefusal("role-refused", vars, message, code);
}
