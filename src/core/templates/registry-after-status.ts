/** The templates of this part of "after the incident" (see registry.ts for the rules): their variables. */
import { INCIDENT, type IncidentVars, type VarPath } from "./registry-shared.js";

export type AfterStatusVarsMap = {
  /** `/incident visibility <public|private>` changed it. */
  "visibility-changed": {
    incident: IncidentVars;
    /** Platform user id of who changed it. */
    actor: string;
    /** True when it is now private (off the status page). */
    private: boolean;
    /** The incident's status page (with its token when one is set), when it is now public. */
    page?: string;
  };
};

export const AFTER_STATUS_VARIABLES = {
  "visibility-changed": [...INCIDENT, "actor", "private", "page"],
} as const satisfies {
  [N in keyof AfterStatusVarsMap]: readonly VarPath<AfterStatusVarsMap[N]>[];
};
