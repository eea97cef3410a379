import type { OncallNoticesVarsMap } from "../../../src/core/templates/registry-oncall-notices.js";
import { HOSTILE } from "./shared.js";

/** Variables for every template of this part, with hostile user text wherever a person can type (see shared.ts). */
export const ONCALL_NOTICES_SAMPLES: { [N in keyof OncallNoticesVarsMap]: OncallNoticesVarsMap[N] } = {
  "oncall-shift-soon-dm": {
    rotation: HOSTILE,
    from: "2026-11-23T08:00:00Z",
    until: "2026-11-30T08:00:00Z",
    horizon: 14 * 86_400_000,
    in: 3_600_000,
    timezone: HOSTILE,
    source: { override: { kind: HOSTILE, by: { user: "U0BOB", name: HOSTILE } }, layer: HOSTILE },
  },
  "oncall-handoff": {
    rotation: HOSTILE,
    to: { user: "U0ALICE", name: HOSTILE },
    from: { name: HOSTILE },
    at: "2026-11-23T08:00:00Z",
    until: HOSTILE,
    timezone: "Europe/Berlin",
    source: { override: { kind: "swap", by: { name: HOSTILE } } },
  },
  "oncall-moved-dm": {
    rotation: HOSTILE,
    timezone: HOSTILE,
    gained: [{ from: "2026-11-23T08:00:00Z", to: HOSTILE }],
    gainedMore: 2,
    lost: [{ from: HOSTILE, to: "2026-11-30T08:00:00Z" }],
    lostMore: 0,
    why: { swap: true, by: { name: HOSTILE } },
  },
  "oncall-calendar": {
    mine: true,
    feeds: [
      {
        rotation: HOSTILE,
        id: HOSTILE,
        // Not a safe URL, so `link` prints it as escaped text: the escaping test allows no links at all.
        url: HOSTILE,
        webcal: HOSTILE,
      },
    ],
  },
};
