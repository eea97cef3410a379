/**
 * Which templates exist and which variables each one may use. The YAML files in `templates/` are edited by
 * operators; this registry is the contract between them and the code: a template may only use the variables
 * the code promises to pass, and every one of these names must have a file. Adding a template means adding
 * it here, giving its variables a type in `TemplateVarsMap`, and shipping a default file.
 */

import { AFTER_DEPLOY_VARIABLES, type AfterDeployVarsMap } from "./registry-after-deploy.js";
import { AFTER_FOLLOWUPS_VARIABLES, type AfterFollowupsVarsMap } from "./registry-after-followups.js";
import { AFTER_LOG_VARIABLES, type AfterLogVarsMap } from "./registry-after-log.js";
import { AFTER_POSTMORTEM_VARIABLES, type AfterPostmortemVarsMap } from "./registry-after-postmortem.js";
import { AFTER_STATUS_VARIABLES, type AfterStatusVarsMap } from "./registry-after-status.js";
import { LIFECYCLE_VARIABLES, type LifecycleVarsMap } from "./registry-lifecycle.js";
import {
  BACKUP,
  type BackupVars,
  FALLBACK,
  type FallbackVars,
  ONCALL_CATALOG_VARIABLES,
  type OncallCatalogVarsMap,
} from "./registry-oncall-catalog.js";
import { ONCALL_CHANGES_VARIABLES, type OncallChangesVarsMap } from "./registry-oncall-changes.js";
import { ONCALL_DUTY_VARIABLES, type OncallDutyVarsMap } from "./registry-oncall-duty.js";
import { ONCALL_NOTICES_VARIABLES, type OncallNoticesVarsMap } from "./registry-oncall-notices.js";
import { ONCALL_PLAN_VARIABLES, type OncallPlanVarsMap } from "./registry-oncall-plan.js";
import { RECORDS_VARIABLES, type RecordsVarsMap } from "./registry-records.js";
import { REQUESTS_VARIABLES, type RequestsVarsMap } from "./registry-requests.js";
import { ROLES_VARIABLES, type RolesVarsMap } from "./registry-roles.js";
import {
  type EscalationStepVars,
  type HelpCommandVars,
  INCIDENT,
  type IncidentVars,
  type LastUpdateVars,
  STEP,
  type VarPath,
} from "./registry-shared.js";

export type { EscalationStepVars, HelpCommandVars, IncidentVars, LastUpdateVars } from "./registry-shared.js";

/**
 * A backup policy's page: `nobodyPaged` when no page of the first policy reached anyone (so it says "nobody
 * could be paged on" it rather than "nobody acknowledged on" it).
 */
type BackupPageVars = BackupVars & { nobodyPaged?: boolean };

/**
 * What the code passes to each template. Ids (`reporter`, `commander`, `channel`) are platform ids meant for
 * the `user` and `channel` helpers; durations are milliseconds for the `duration` helper.
 */
export interface BaseVarsMap {
  kickoff: {
    incident: IncidentVars;
    /** Display label, e.g. "SEV1". */
    severity: string;
    reporter: string;
    commander?: string;
    commanderMissingReason?: string;
    ackWithin: number;
    updateEvery: number;
    /** IANA zone for times shown in the channel. */
    timezone: string;
    /** True once someone acknowledged: the card stops asking for it. */
    acknowledged?: boolean;
    /** True once resolved or closed. */
    finished?: boolean;
    /** True while status updates are due: acknowledged and not yet resolved. */
    working?: boolean;
    lastUpdate?: LastUpdateVars;
    /** ISO 8601 instant the next status update is due; absent when none is. */
    nextUpdateDue?: string;
    /** The communications lead's platform user id. */
    comms?: string;
    /** People who joined (platform user ids); absent when nobody has. */
    responders?: readonly { id: string }[];
    /** Fixes recorded: a link or a sha, and whether it is live. */
    fixes?: readonly { ref: string; isLink: boolean; deployed: boolean }[];
    /** The incident this one was merged into as a duplicate. */
    duplicateOf?: string;
    /** Incidents merged into this one as duplicates. */
    mergedFrom?: readonly { id: string }[];
    /**
     * Follow-ups, absent while there are none: how many are open of how many in all, the first open ones
     * (`shown`: number, text, owner's platform user id when someone owns it) and how many more are open.
     */
    followups?: {
      open: number;
      total: number;
      shown: readonly { n: number; text: string; owner?: string }[];
      more: number;
    };
  };
  "subscription-footer": { incident: IncidentVars; severity: string; channel?: string };
  page: {
    incident: IncidentVars;
    severity: string;
    commander: string;
    ackWithin: number;
    /** Who acknowledged, once someone did (the page is then edited in place). */
    acknowledgedBy?: string;
    /** Set when fallback_policy pages, not the service's own. */
    fallback?: FallbackVars;
  };
  "page-dm": {
    incident: IncidentVars;
    severity: string;
    channel: string;
    ackWithin: number;
    fallback?: FallbackVars;
  };
  announcement: {
    incident: IncidentVars;
    severity: string;
    channel: string;
    reporter: string;
    commander?: string;
    commanderMissingReason?: string;
  };
  "opened-reply": { incident: IncidentVars; channel: string };
  "opening-reply": { incident: Pick<IncidentVars, "title">; severity: string };
  help: { commands: readonly HelpCommandVars[]; prefix: string };
  error: { message: string };
  "not-allowed": {
    incident: Pick<IncidentVars, "id">;
    /** What was refused, said after "can": "resolve", "change the severity of". */
    doing: string;
    /** Who could: each group with one role flag set, its people, and `sep` to put before it. */
    who: readonly {
      sep: string;
      commander?: boolean;
      comms?: boolean;
      requester?: boolean;
      manager?: boolean;
      admin?: boolean;
      people: readonly { id: string }[];
    }[];
  };
  "internal-error": { errorId: string };
  usage: {
    message: string;
    /** How the person invoked the bot (`/incident`, `@firebreak`); the template falls back on `/incident`. */
    prefix?: string;
    /** True when `message` already says to try help. */
    pointsToHelp?: boolean;
  };
  "not-yet": { verb: string };
  "channel-failed": { incident: IncidentVars; reason: string };
  acknowledged: {
    incident: IncidentVars;
    severity: string;
    actor: string;
    commander?: string;
    updateEvery: number;
  };
  "already-acknowledged": { incident: IncidentVars; actor: string };
  "escalation-page": EscalationStepVars & {
    incident: IncidentVars;
    severity: string;
    targets: readonly { id: string }[];
    /** Why some targets reach nobody; empty when all do. */
    skipped?: string;
    /** True when missed status updates caused the page. */
    overdue?: boolean;
    misses?: number;
    /** Until the next escalation, when one will follow. */
    ackWithin?: number;
    fallback?: FallbackVars;
    /** Set when the service's backup policy pages: `step` and `steps` are then the backup's. */
    backup?: BackupPageVars;
  };
  "escalation-page-dm": EscalationStepVars & {
    incident: IncidentVars;
    severity: string;
    channel?: string;
    overdue?: boolean;
    misses?: number;
    fallback?: FallbackVars;
    backup?: BackupPageVars;
  };
  "escalation-exhausted": {
    incident: IncidentVars;
    severity: string;
    channel?: string;
    steps: number;
    repeats: number;
  };
  "status-update": {
    incident: IncidentVars;
    severity: string;
    author: string;
    text: string;
    nextUpdateDue: string;
    updateEvery: number;
    timezone: string;
  };
  "status-update-announcement": {
    incident: IncidentVars;
    severity: string;
    author: string;
    text: string;
    channel?: string;
  };
  "update-overdue": {
    incident: IncidentVars;
    severity: string;
    commander?: string;
    misses: number;
    /** ISO 8601 instant of the last update; absent when there was none. */
    lastUpdate?: string;
    nextNudge: string;
    updateEvery: number;
    timezone: string;
    escalating?: boolean;
  };
  "update-overdue-dm": {
    incident: IncidentVars;
    severity: string;
    channel?: string;
    misses: number;
    updateEvery: number;
  };
  snoozed: { incident: IncidentVars; actor: string; duration: number; until: string; timezone: string };
  reminders: {
    incident: IncidentVars;
    timezone: string;
    nothing: boolean;
    escalation?: EscalationStepVars & { at: string; in: number; exhausts: boolean; queued: boolean };
    update?: { at: string; in: number; misses: number; snoozed: boolean; queued: boolean };
  };
  "severity-changed": {
    incident: IncidentVars;
    actor: string;
    from: string;
    to: string;
    updateEvery: number;
    ackWithin: number;
    nextUpdateDue: string;
    timezone: string;
    triggered: boolean;
  };
  "severity-changed-announcement": {
    incident: IncidentVars;
    actor: string;
    from: string;
    to: string;
    channel?: string;
  };
}

/** Every template's variables: the base set above and each feature's own registry. */
export type TemplateVarsMap = BaseVarsMap &
  LifecycleVarsMap &
  RolesVarsMap &
  RecordsVarsMap &
  RequestsVarsMap &
  OncallDutyVarsMap &
  OncallChangesVarsMap &
  OncallPlanVarsMap &
  OncallNoticesVarsMap &
  OncallCatalogVarsMap &
  AfterDeployVarsMap &
  AfterStatusVarsMap &
  AfterLogVarsMap &
  AfterPostmortemVarsMap &
  AfterFollowupsVarsMap;
export type TemplateName = keyof TemplateVarsMap & string;
export type TemplateVars<N extends TemplateName> = TemplateVarsMap[N];

const BASE_VARIABLES = {
  kickoff: [
    ...INCIDENT,
    "severity",
    "reporter",
    "commander",
    "commanderMissingReason",
    "ackWithin",
    "updateEvery",
    "timezone",
    "acknowledged",
    "finished",
    "working",
    "lastUpdate.text",
    "lastUpdate.at",
    "lastUpdate.author",
    "nextUpdateDue",
    "comms",
    "responders[].id",
    "fixes[].ref",
    "fixes[].isLink",
    "fixes[].deployed",
    "duplicateOf",
    "mergedFrom[].id",
    "followups.open",
    "followups.total",
    "followups.shown[].n",
    "followups.shown[].text",
    "followups.shown[].owner",
    "followups.more",
  ],
  "subscription-footer": [...INCIDENT, "severity", "channel"],
  page: [...INCIDENT, "severity", "commander", "ackWithin", "acknowledgedBy", ...FALLBACK],
  "page-dm": [...INCIDENT, "severity", "channel", "ackWithin", ...FALLBACK],
  announcement: [...INCIDENT, "severity", "channel", "reporter", "commander", "commanderMissingReason"],
  "opened-reply": [...INCIDENT, "channel"],
  "opening-reply": ["incident.title", "severity"],
  help: ["commands[].usage", "commands[].summary", "prefix"],
  error: ["message"],
  "not-allowed": [
    "incident.id",
    "doing",
    "who[].sep",
    "who[].commander",
    "who[].comms",
    "who[].requester",
    "who[].manager",
    "who[].admin",
    "who[].people[].id",
  ],
  "internal-error": ["errorId"],
  usage: ["message", "prefix", "pointsToHelp"],
  "not-yet": ["verb"],
  "channel-failed": [...INCIDENT, "reason"],
  acknowledged: [...INCIDENT, "severity", "actor", "commander", "updateEvery"],
  "already-acknowledged": [...INCIDENT, "actor"],
  "escalation-page": [
    ...INCIDENT,
    ...STEP,
    "severity",
    "targets[].id",
    "skipped",
    "overdue",
    "misses",
    "ackWithin",
    ...FALLBACK,
    ...BACKUP,
    "backup.nobodyPaged",
  ],
  "escalation-page-dm": [
    ...INCIDENT,
    ...STEP,
    "severity",
    "channel",
    "overdue",
    "misses",
    ...FALLBACK,
    ...BACKUP,
    "backup.nobodyPaged",
  ],
  "escalation-exhausted": [...INCIDENT, "severity", "channel", "steps", "repeats"],
  "status-update": [...INCIDENT, "severity", "author", "text", "nextUpdateDue", "updateEvery", "timezone"],
  "status-update-announcement": [...INCIDENT, "severity", "author", "text", "channel"],
  "update-overdue": [
    ...INCIDENT,
    "severity",
    "commander",
    "misses",
    "lastUpdate",
    "nextNudge",
    "updateEvery",
    "timezone",
    "escalating",
  ],
  "update-overdue-dm": [...INCIDENT, "severity", "channel", "misses", "updateEvery"],
  snoozed: [...INCIDENT, "actor", "duration", "until", "timezone"],
  reminders: [
    ...INCIDENT,
    "timezone",
    "nothing",
    "escalation.at",
    "escalation.in",
    "escalation.step",
    "escalation.steps",
    "escalation.repeat",
    "escalation.of",
    "escalation.exhausts",
    "escalation.queued",
    "update.at",
    "update.in",
    "update.misses",
    "update.snoozed",
    "update.queued",
  ],
  "severity-changed": [
    ...INCIDENT,
    "actor",
    "from",
    "to",
    "updateEvery",
    "ackWithin",
    "nextUpdateDue",
    "timezone",
    "triggered",
  ],
  "severity-changed-announcement": [...INCIDENT, "actor", "from", "to", "channel"],
} as const satisfies { [N in keyof BaseVarsMap]: readonly VarPath<BaseVarsMap[N]>[] };

const VARIABLES: { [N in TemplateName]: readonly string[] } = {
  ...BASE_VARIABLES,
  ...LIFECYCLE_VARIABLES,
  ...ROLES_VARIABLES,
  ...RECORDS_VARIABLES,
  ...REQUESTS_VARIABLES,
  ...ONCALL_DUTY_VARIABLES,
  ...ONCALL_CHANGES_VARIABLES,
  ...ONCALL_PLAN_VARIABLES,
  ...ONCALL_NOTICES_VARIABLES,
  ...ONCALL_CATALOG_VARIABLES,
  ...AFTER_DEPLOY_VARIABLES,
  ...AFTER_STATUS_VARIABLES,
  ...AFTER_LOG_VARIABLES,
  ...AFTER_POSTMORTEM_VARIABLES,
  ...AFTER_FOLLOWUPS_VARIABLES,
};

/** Every template name, each of which must have a file in `templates/`. */
export const TEMPLATE_NAMES = Object.keys(VARIABLES) as TemplateName[];

/**
 * The variable paths each template may use. `a.b` allows `a.b` (and `a` itself in `{{#if a}}`); `a.*` allows
 * anything under `a`; `list[].field` declares a list whose items have `field`, usable inside
 * `{{#each list}}` as `field` or `this.field`.
 */
export const TEMPLATE_VARIABLES: Record<TemplateName, readonly string[]> = VARIABLES;

/** Helpers that emit markup, with how many arguments each takes (the Handlebars options object excluded). */
export const TEMPLATE_HELPERS = {
  user: { min: 1, max: 1, usage: "{{user id}}" },
  channel: { min: 1, max: 1, usage: "{{channel id}}" },
  link: { min: 1, max: 2, usage: "{{link url label}}" },
  time: { min: 1, max: 2, usage: "{{time iso zone}}" },
  duration: { min: 1, max: 1, usage: "{{duration ms}}" },
} as const;
export type TemplateHelperName = keyof typeof TEMPLATE_HELPERS;

/** The block helpers templates may use; each takes exactly one argument. */
export const TEMPLATE_BLOCK_HELPERS = ["if", "unless", "each"] as const;

export function isTemplateName(name: string): name is TemplateName {
  return (TEMPLATE_NAMES as readonly string[]).includes(name);
}
