import type {
  OncallDutyVarsMap,
  RotationDutyVars,
} from "../../../src/core/templates/registry-oncall-duty.js";
import { HOSTILE } from "./shared.js";

/** A rotation with hostile text wherever config or people can put some: names, layers, who made an override. */
const rotation: RotationDutyVars = {
  id: "primary",
  name: HOSTILE,
  horizon: 28 * 86_400_000,
  steady: false,
  now: {
    nobody: false,
    person: { name: HOSTILE, user: "U0BOB" },
    from: "2026-11-16T08:00:00Z",
    to: "2026-11-23T08:00:00Z",
    layer: HOSTILE,
    override: { by: { name: HOSTILE }, kind: "override", planned: false },
  },
  next: [
    { nobody: true, from: "2026-11-23T08:00:00Z", to: "2026-11-23T09:00:00Z" },
    {
      nobody: false,
      person: { name: HOSTILE },
      from: "2026-11-23T09:00:00Z",
      to: "2026-11-30T08:00:00Z",
      layer: HOSTILE,
      override: { by: { name: "Alice", user: "U0ALICE" }, kind: "plan", planned: true },
    },
  ],
};

/** Variables for every template of this part, with hostile user text wherever a person can type (see shared.ts). */
export const ONCALL_DUTY_SAMPLES: { [N in keyof OncallDutyVarsMap]: OncallDutyVarsMap[N] } = {
  "oncall-who": {
    timezone: "Europe/Berlin",
    single: true,
    none: false,
    omitted: 2,
    rotations: [rotation, { ...rotation, id: "quiet", name: undefined, steady: true, next: [] }],
  },
  "oncall-who-service": {
    timezone: "America/New_York",
    service: { id: "search", name: HOSTILE, owner: HOSTILE },
    policy: "default",
    fallback: true,
    nobody: false,
    targets: [{ rotation }, { person: { name: HOSTILE } }, { person: { name: "Bob", user: "U0BOB" } }],
  },
};
