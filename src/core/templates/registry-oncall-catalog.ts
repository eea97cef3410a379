/**
 * The templates of the service catalog (`/incident services`), the direct asks of a call for help, and what
 * pages say about the fallback and backup policies: their variables (see registry.ts for the rules).
 */
import { INCIDENT, type IncidentVars, type VarPath } from "./registry-shared.js";

/**
 * Set on a page when fallback_policy pages because the service has no policy of its own: `noService` when the
 * incident names no service, `unowned` when nobody owns it, else it has an `owner` but no policy.
 */
export interface FallbackVars {
  policy: string;
  noService?: boolean;
  unowned?: boolean;
  owner?: string;
}

/** Set on an escalation page of a service's backup policy: nobody acknowledged on `primary`. */
export interface BackupVars {
  policy: string;
  primary: string;
}

export const FALLBACK = [
  "fallback.policy",
  "fallback.noService",
  "fallback.unowned",
  "fallback.owner",
] as const;
export const BACKUP = ["backup.policy", "backup.primary"] as const;

/** One target of a policy's first step and who it reaches now, as the catalog shows it. */
export interface DutyReachVars {
  /** The rotation's name, or the person's name. */
  label: string;
  /** True for a rotation target (`label` is the rotation), false for a person named in the policy. */
  rotation: boolean;
  /** Their platform user id, for a mention; absent when they have no account here (then `name` is set). */
  user?: string;
  /** Their name from the people list, when they cannot be mentioned. */
  name?: string;
  /** True when nobody is on duty in the rotation now. */
  nobody: boolean;
  /** ISO 8601: when this person's duty ends; absent when not within 30 days or for a person target. */
  until?: string;
  /** True when an override puts them on duty. */
  override: boolean;
}

export interface CatalogServiceVars {
  id: string;
  name: string;
  owner?: string;
  /** The policy paged first; absent when none covers the service. */
  policy?: string;
  /** True when that is fallback_policy, because the service has no policy of its own. */
  fallback: boolean;
  backup?: string;
  onDuty: readonly DutyReachVars[];
  /** True when nobody can be paged for it right now. */
  nobody: boolean;
}

export interface OncallCatalogVarsMap {
  services: {
    services: readonly CatalogServiceVars[];
    /** True when the config lists no services. */
    empty: boolean;
    /** How many services did not fit in one message. */
    omitted: number;
    /** Who pages for incidents without a service; absent without fallback_policy. */
    fallback?: { policy: string; onDuty: readonly DutyReachVars[]; nobody: boolean };
    /** The asker's IANA zone. */
    timezone: string;
  };
  "help-wanted-dm": {
    incident: IncidentVars;
    severity: string;
    channel?: string;
    by: string;
    text: string;
    call: number;
    /** Milliseconds until the managers are pinged. */
    dueIn: number;
  };
}

const REACH = [
  "label",
  "rotation",
  "user",
  "name",
  "nobody",
  "until",
  "override",
] as const satisfies readonly VarPath<DutyReachVars>[];

export const ONCALL_CATALOG_VARIABLES = {
  services: [
    "services[].id",
    "services[].name",
    "services[].owner",
    "services[].policy",
    "services[].fallback",
    "services[].backup",
    "services[].nobody",
    ...REACH.map((v) => `services[].onDuty[].${v}` as const),
    "empty",
    "omitted",
    "fallback.policy",
    "fallback.nobody",
    ...REACH.map((v) => `fallback.onDuty[].${v}` as const),
    "timezone",
  ],
  "help-wanted-dm": [...INCIDENT, "severity", "channel", "by", "text", "call", "dueIn"],
} as const satisfies {
  [N in keyof OncallCatalogVarsMap]: readonly VarPath<OncallCatalogVarsMap[N]>[];
};
