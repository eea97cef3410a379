import type { LifecycleVarsMap } from "../../../src/core/templates/registry-lifecycle.js";
import { HOSTILE, incident } from "./shared.js";

/**
 * Variables for every lifecycle template with hostile user text in each field a person can type, for the escaping
 * test in templates.test.ts (each template must show some of it, escaped). Ids are U0ALICE, U0BOB and C1.
 */
const hostile = () => incident({ title: HOSTILE });
const people = [{ id: "U0ALICE" }, { id: HOSTILE }];

export const LIFECYCLE_SAMPLES: { [N in keyof LifecycleVarsMap]: LifecycleVarsMap[N] } = {
  "status-changed": {
    incident: hostile(),
    severity: "SEV1",
    actor: "U0BOB",
    from: HOSTILE,
    to: HOSTILE,
    mitigated: true,
  },
  "fix-recorded": {
    incident: hostile(),
    severity: "SEV1",
    actor: "U0BOB",
    from: HOSTILE,
    ref: HOSTILE,
    isLink: true,
  },
  "fix-deployed": {
    incident: hostile(),
    severity: "SEV1",
    actor: "U0BOB",
    version: HOSTILE,
    environment: HOSTILE,
    fixes: [
      { ref: HOSTILE, isLink: true },
      { ref: HOSTILE, isLink: false },
    ],
  },
  "incident-resolved": {
    incident: hostile(),
    severity: "SEV1",
    actor: "U0BOB",
    summary: HOSTILE,
    asked: people,
    confirmBy: HOSTILE,
    timezone: HOSTILE,
  },
  "confirm-request": {
    incident: hostile(),
    severity: "SEV1",
    actor: "U0BOB",
    summary: HOSTILE,
    confirmBy: HOSTILE,
    timezone: HOSTILE,
    channel: "C1",
  },
  "reporter-confirmed": { incident: hostile(), actor: "U0BOB", waitingFor: people },
  "incident-closed": {
    incident: hostile(),
    severity: "SEV1",
    timedOut: true,
    confirmedBy: people,
    waitingFor: people,
  },
  "confirm-thanks": { incident: hostile(), closed: false, waitingFor: people, channel: "C1" },
  "already-confirmed": { incident: hostile() },
  "still-broken": { incident: hostile(), severity: "SEV1", actor: "U0BOB", note: HOSTILE, owner: "U0ALICE" },
  "still-broken-dm": { incident: hostile(), severity: "SEV1", actor: "U0BOB", note: HOSTILE, channel: "C1" },
  "still-broken-thanks": { incident: hostile(), channel: "C1", owner: "U0ALICE" },
  reopened: { incident: hostile(), severity: "SEV1", actor: "U0BOB", from: HOSTILE },
  "lifecycle-announcement": {
    incident: hostile(),
    severity: "SEV1",
    actor: "U0BOB",
    to: HOSTILE,
    channel: "C1",
    summary: HOSTILE,
    note: HOSTILE,
  },
};
