/** The templates of change and guidance requests, promotion, the severity matrix: their variables (see registry.ts for the rules). */
import { FALLBACK, type FallbackVars } from "./registry-oncall-catalog.js";
import { INCIDENT, type IncidentVars, type VarPath } from "./registry-shared.js";

/** Which kind of request a template speaks of: exactly one is true. */
interface RequestKindVars {
  change: boolean;
  guidance: boolean;
}

export interface RequestsVarsMap {
  "request-card": RequestKindVars & {
    incident: IncidentVars;
    severity: string;
    /** Platform user id of who asked. */
    reporter: string;
    /** True until it is marked done or promoted: the card offers its buttons. */
    open: boolean;
    done?: boolean;
    doneBy?: string;
    promoted?: boolean;
    promotedBy?: string;
    /** The incident channel, once promoted and created. */
    channel?: string;
  };
  "request-announcement": RequestKindVars & {
    incident: IncidentVars;
    severity: string;
    reporter: string;
    /** Where it was asked (and its card is). */
    conversation: string;
  };
  "request-opened-reply": RequestKindVars & { incident: IncidentVars; conversation: string };
  "request-done-dm": RequestKindVars & { incident: IncidentVars; actor: string };
  "request-promoting-reply": { incident: IncidentVars; severity: string };
  "request-promoted-dm": { incident: IncidentVars; severity: string; actor: string; channel?: string };
  "severity-page": {
    incident: IncidentVars;
    severity: string;
    from: string;
    actor: string;
    targets: readonly { id: string }[];
    skipped?: string;
    triggered: boolean;
    ackWithin: number;
    /** Set when fallback_policy pages because the service has no policy of its own. */
    fallback?: FallbackVars;
  };
  "severity-page-dm": {
    incident: IncidentVars;
    severity: string;
    from: string;
    actor: string;
    channel?: string;
    triggered: boolean;
    ackWithin: number;
    /** Set when fallback_policy pages because the service has no policy of its own. */
    fallback?: FallbackVars;
  };
}

const KIND = ["change", "guidance"] as const;

export const REQUESTS_VARIABLES = {
  "request-card": [
    ...INCIDENT,
    ...KIND,
    "severity",
    "reporter",
    "open",
    "done",
    "doneBy",
    "promoted",
    "promotedBy",
    "channel",
  ],
  "request-announcement": [...INCIDENT, ...KIND, "severity", "reporter", "conversation"],
  "request-opened-reply": [...INCIDENT, ...KIND, "conversation"],
  "request-done-dm": [...INCIDENT, ...KIND, "actor"],
  "request-promoting-reply": [...INCIDENT, "severity"],
  "request-promoted-dm": [...INCIDENT, "severity", "actor", "channel"],
  "severity-page": [
    ...INCIDENT,
    "severity",
    "from",
    "actor",
    "targets[].id",
    "skipped",
    "triggered",
    "ackWithin",
    ...FALLBACK,
  ],
  "severity-page-dm": [
    ...INCIDENT,
    "severity",
    "from",
    "actor",
    "channel",
    "triggered",
    "ackWithin",
    ...FALLBACK,
  ],
} as const satisfies {
  [N in keyof RequestsVarsMap]: readonly VarPath<RequestsVarsMap[N]>[];
};
