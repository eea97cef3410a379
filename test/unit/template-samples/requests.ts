import type { RequestsVarsMap } from "../../../src/core/templates/registry-requests.js";
import { HOSTILE, incident } from "./shared.js";

/**
 * Variables for every requests template with hostile user text in each field a person can type, for the escaping
 * test in templates.test.ts (each template must show some of it, escaped). Ids are U0ALICE, U0BOB and C1.
 */
export const REQUESTS_SAMPLES: { [N in keyof RequestsVarsMap]: RequestsVarsMap[N] } = {
  "request-card": {
    incident: incident({ title: HOSTILE, description: HOSTILE, service: HOSTILE, serviceName: HOSTILE }),
    change: true,
    guidance: false,
    severity: "SEV3",
    reporter: "U0ALICE",
    open: false,
    promoted: true,
    promotedBy: "U0BOB",
    channel: "C1",
  },
  "request-announcement": {
    incident: incident({ title: HOSTILE }),
    change: false,
    guidance: true,
    severity: "SEV3",
    reporter: "U0ALICE",
    conversation: "C1",
  },
  "request-opened-reply": {
    incident: incident({ title: HOSTILE }),
    change: true,
    guidance: false,
    conversation: "C1",
  },
  "request-done-dm": {
    incident: incident({ title: HOSTILE }),
    change: true,
    guidance: false,
    actor: "U0BOB",
  },
  "request-promoting-reply": { incident: incident({ title: HOSTILE }), severity: "SEV3" },
  "request-promoted-dm": {
    incident: incident({ title: HOSTILE }),
    severity: "SEV3",
    actor: "U0BOB",
    channel: "C1",
  },
  "severity-page": {
    incident: incident({ title: HOSTILE }),
    severity: "SEV1",
    from: "SEV3",
    actor: "U0BOB",
    targets: [{ id: "U0ALICE" }],
    skipped: HOSTILE,
    triggered: true,
    ackWithin: 300_000,
    fallback: { policy: HOSTILE, owner: HOSTILE },
  },
  "severity-page-dm": {
    incident: incident({ title: HOSTILE }),
    severity: "SEV1",
    from: "SEV3",
    actor: "U0BOB",
    channel: "C1",
    triggered: true,
    ackWithin: 300_000,
    fallback: { policy: HOSTILE, unowned: true },
  },
};
