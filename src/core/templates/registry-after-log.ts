/** The templates of the incident log (`/incident log`): their variables (see registry.ts for the rules). */
import type { VarPath } from "./registry-shared.js";

export interface AfterLogVarsMap {
  "incident-log": {
    /** False when API_TOKEN is unset, so the log API is off. */
    enabled: boolean;
    /** The log as JSON and as CSV, token included; empty when off. */
    jsonUrl: string;
    csvUrl: string;
    /** The Prometheus metrics (no token). */
    metricsUrl: string;
  };
}

export const AFTER_LOG_VARIABLES = {
  "incident-log": ["enabled", "jsonUrl", "csvUrl", "metricsUrl"],
} as const satisfies {
  [N in keyof AfterLogVarsMap]: readonly VarPath<AfterLogVarsMap[N]>[];
};
