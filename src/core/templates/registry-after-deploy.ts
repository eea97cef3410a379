/** The templates of the deploy webhook's news (see registry.ts for the rules): their variables. */
import { INCIDENT, type IncidentVars, type VarPath } from "./registry-shared.js";

/** A fix as a message shows it: the link or sha as typed. */
interface DeployFixVars {
  ref: string;
  isLink: boolean;
}

export interface AfterDeployVarsMap {
  "deploy-reached": {
    incident: IncidentVars;
    severity: string;
    version: string;
    environment: string;
    service: string;
    /** True when the environment is a production one: the fixes are live, but the incident did not move. */
    production: boolean;
    /** The fixes the deploy carried. */
    fixes: readonly DeployFixVars[];
    /** Recorded fixes still not live after the deploy. */
    waiting: readonly DeployFixVars[];
  };
  "deploy-live-dm": {
    incident: IncidentVars;
    severity: string;
    version: string;
    environment: string;
    service: string;
    fixes: readonly DeployFixVars[];
    /** The incident channel's id; absent when it has none. */
    channel?: string;
  };
}

export const AFTER_DEPLOY_VARIABLES = {
  "deploy-reached": [
    ...INCIDENT,
    "severity",
    "version",
    "environment",
    "service",
    "production",
    "fixes[].ref",
    "fixes[].isLink",
    "waiting[].ref",
    "waiting[].isLink",
  ],
  "deploy-live-dm": [
    ...INCIDENT,
    "severity",
    "version",
    "environment",
    "service",
    "fixes[].ref",
    "fixes[].isLink",
    "channel",
  ],
} as const satisfies {
  [N in keyof AfterDeployVarsMap]: readonly VarPath<AfterDeployVarsMap[N]>[];
};
