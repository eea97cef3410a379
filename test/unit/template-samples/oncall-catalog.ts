import type { OncallCatalogVarsMap } from "../../../src/core/templates/registry-oncall-catalog.js";
import { HOSTILE, incident } from "./shared.js";

/** Variables for every template of this part, with hostile user text wherever a person can type (see shared.ts). */
export const ONCALL_CATALOG_SAMPLES: { [N in keyof OncallCatalogVarsMap]: OncallCatalogVarsMap[N] } = {
  services: {
    timezone: HOSTILE,
    empty: false,
    omitted: 1,
    services: [
      {
        id: HOSTILE,
        name: HOSTILE,
        owner: HOSTILE,
        policy: HOSTILE,
        fallback: false,
        backup: HOSTILE,
        nobody: false,
        onDuty: [
          { label: HOSTILE, rotation: true, user: "U0ALICE", nobody: false, until: HOSTILE, override: true },
          { label: HOSTILE, rotation: false, name: HOSTILE, nobody: false, override: false },
          { label: HOSTILE, rotation: true, nobody: true, override: false },
        ],
      },
      { id: "wiki", name: HOSTILE, policy: HOSTILE, fallback: true, nobody: true, onDuty: [] },
    ],
    fallback: {
      policy: HOSTILE,
      nobody: false,
      onDuty: [{ label: HOSTILE, rotation: true, user: "U0BOB", nobody: false, override: false }],
    },
  },
  "help-wanted-dm": {
    incident: incident({ title: HOSTILE }),
    severity: "SEV1",
    channel: "C1",
    by: "U0BOB",
    text: HOSTILE,
    call: 2,
    dueIn: 30 * 60_000,
  },
};
