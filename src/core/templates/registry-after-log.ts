/** The templates of the incident log (`/incident log`): their variables (see registry.ts for the rules). */
import type { VarPath } from "./registry-shared.js";

export interface AfterLogVarsMap {
  "incident-log": {
    /** False when API_TOKEN is unset, so the log API is off. */
    enabled: boolean;
    /** The asker is a manager or an admin, so they get the addresses (which hold the token). */
    allowed: boolean;
    /** The log as JSON and as CSV, token included; empty when off or not allowed. */
    jsonUrl: string;
    csvUrl: string;
    /** The Prometheus metrics (no token). */
    metricsUrl: string;
    /** Whom to ask when not allowed: the managers and admins ({id}: platform user ids; may be empty). */
    managers: readonly { id: string }[];
    admins: readonly { id: string }[];
  };
}

export const AFTER_LOG_VARIABLES = {
  "incident-log": [
    "enabled",
    "allowed",
    "jsonUrl",
    "csvUrl",
    "metricsUrl",
    "managers[]",
    "managers[].id",
    "admins[]",
    "admins[].id",
  ],
} as const satisfies {
  [N in keyof AfterLogVarsMap]: readonly VarPath<AfterLogVarsMap[N]>[];
};
