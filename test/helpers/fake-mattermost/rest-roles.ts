// Roles (api4/role.go): POST /roles/names, how a client learns what its roles (from users/me) allow. Any
// session may ask; names no role has are left out of the answer rather than failing it.

import { AppError, Errors } from "./records.js";
import type { RestContext, Route } from "./rest.js";
import { isValidRoleName, ROLES_BY_NAMES_MAX, roleJson } from "./roles.js";

function rolesByNames(ctx: RestContext): unknown {
  // The server decodes a JSON array of strings (the spec check has refused anything else) and drops duplicates.
  const names = Array.isArray(ctx.body) ? [...new Set(ctx.body.map(String))].sort() : [];
  if (names.length === 0) throw Errors.invalidBodyParam("rolenames", "role_names_empty");
  if (names.length > ROLES_BY_NAMES_MAX) {
    throw new AppError(
      400,
      "api.roles.get_multiple_by_name_too_many.request_error",
      `Unable to get more than ${ROLES_BY_NAMES_MAX} roles by name.`,
      { kind: "invalid_request", rule: "role_names_too_many" },
    );
  }
  // Blank names are skipped; any other name outside [a-z0-9_]{1,64} fails the whole request.
  const cleaned = names.filter((n) => n.trim() !== "");
  const invalid = cleaned.find((n) => !isValidRoleName(n));
  if (invalid !== undefined) {
    throw Errors.invalidBodyParam("rolename", "role_name", `${JSON.stringify(invalid)} is not a role name`);
  }
  return cleaned.flatMap((name) => {
    const role = ctx.world.roles.get(name);
    return role ? [roleJson(role)] : [];
  });
}

export const ROLE_ROUTES: Route[] = [
  { method: "POST", template: "/api/v4/roles/names", status: 200, handle: rolesByNames },
];
