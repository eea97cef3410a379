import type { AfterPostmortemVarsMap } from "../../../src/core/templates/registry-after-postmortem.js";
import { HOSTILE, incident } from "./shared.js";

/** Variables for every template of this part, with hostile user text wherever a person can type (see shared.ts). */
const base = {
  incident: incident({ title: HOSTILE, state: "resolved" }),
  owner: "U0ALICE",
  due: "2026-11-25T09:00:00Z",
  // Not a URL the link helper accepts: the test wants no link out of hostile samples.
  url: HOSTILE,
  timezone: "Europe/Berlin",
};

export const AFTER_POSTMORTEM_SAMPLES: { [N in keyof AfterPostmortemVarsMap]: AfterPostmortemVarsMap[N] } = {
  "postmortem-created": { ...base, actor: "U0BOB", byManager: true, remindEvery: 86_400_000 },
  "postmortem-owner-dm": { ...base, actor: "U0BOB", channel: "C1" },
  "postmortem-exists": {
    ...base,
    done: true,
    doneAt: "2026-11-24T10:00:00Z",
    doneBy: "U0BOB",
  },
  "postmortem-reminder-dm": { ...base, overdue: true, channel: "C1" },
  "postmortem-overdue": base,
  "postmortem-owner-changed": { ...base, actor: "U0BOB" },
  "postmortem-done": { ...base, actor: "U0BOB" },
  "postmortem-not-allowed": {
    incident: incident({ title: HOSTILE }),
    owner: "U0ALICE",
    commander: "U0BOB",
    managers: [{ id: "U0ALICE" }],
    admins: [{ id: "U0BOB" }],
  },
};
