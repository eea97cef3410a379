import type {
  AfterFollowupsVarsMap,
  FollowupVars,
} from "../../../src/core/templates/registry-after-followups.js";
import { HOSTILE, incident } from "./shared.js";

/** Variables for every template of this part, with hostile user text wherever a person can type (see shared.ts). */
const open: FollowupVars = {
  n: 2,
  text: HOSTILE,
  owner: "U0BOB",
  open: true,
  done: false,
  by: "U0ALICE",
  at: "2026-11-20T22:05:00Z",
};
const done: FollowupVars = {
  n: 3,
  text: HOSTILE,
  open: false,
  done: true,
  by: "U0ALICE",
  at: "2026-11-20T22:05:00Z",
  doneBy: "U0BOB",
  doneAt: "2026-11-21T09:30:00Z",
};

export const AFTER_FOLLOWUPS_SAMPLES: { [N in keyof AfterFollowupsVarsMap]: AfterFollowupsVarsMap[N] } = {
  "followup-added": {
    incident: incident({ title: HOSTILE }),
    severity: "SEV1",
    followup: open,
    openCount: 2,
  },
  "followup-owner-dm": {
    incident: incident({ title: HOSTILE }),
    severity: "SEV1",
    followup: open,
    channel: "C1",
  },
  "followup-changed": {
    incident: incident({ title: HOSTILE }),
    followup: done,
    actor: "U0BOB",
    openCount: 1,
  },
  "followup-already": { incident: incident({ title: HOSTILE }), followup: done, timezone: "Europe/Berlin" },
  followups: {
    incident: incident({ title: HOSTILE }),
    timezone: "Europe/Berlin",
    followups: [open, done],
    none: false,
    total: 2,
    openCount: 1,
    omitted: 1,
    duplicateOf: "INC-3",
  },
};
