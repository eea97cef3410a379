import type { OncallChangesVarsMap } from "../../../src/core/templates/registry-oncall-changes.js";
import { HOSTILE } from "./shared.js";

/**
 * Variables for every template of this part, with hostile user text wherever a person can type (see shared.ts):
 * people's names come from the config file and notes repeat typed times, so both get it. Ids are U0ALICE and
 * U0BOB and C1.
 */
const hostilePerson = { name: HOSTILE };
const alice = { name: "Alice", user: "U0ALICE" };
const bob = { name: "Bob", user: "U0BOB" };
const from = "2026-11-20T22:05:00Z";
const to = "2026-11-21T22:05:00Z";
const windows = [{ from, to }];

export const ONCALL_CHANGES_SAMPLES: { [N in keyof OncallChangesVarsMap]: OncallChangesVarsMap[N] } = {
  "oncall-override-made": {
    rotation: "primary",
    person: hostilePerson,
    replaces: bob,
    from,
    to,
    timezone: "Europe/Berlin",
    startedNow: true,
    notes: [{ text: HOSTILE }],
    told: { people: [bob, hostilePerson], unreachable: [hostilePerson] },
  },
  "oncall-swap-made": {
    rotation: "primary",
    first: { person: hostilePerson, from, to },
    second: { person: alice, from: to, to: "2026-11-22T22:05:00Z" },
    timezone: "America/New_York",
    told: { people: [], unreachable: [hostilePerson, alice] },
  },
  "oncall-away-made": {
    from,
    to,
    timezone: "Europe/Berlin",
    startedNow: false,
    shifts: [{ rotation: "primary", from, to }],
    omitted: 2,
    notes: [{ text: HOSTILE }],
  },
  "oncall-cover-call": {
    asker: hostilePerson,
    rotation: "primary",
    from,
    to,
    duration: 2 * 3_600_000,
    timezone: "Europe/Berlin",
    direct: true,
    button: "primary c1 2026-11-21T11:00:00.000Z",
  },
  "oncall-cover-asked": {
    rotation: "primary",
    from,
    to,
    duration: 2 * 3_600_000,
    timezone: "Europe/Berlin",
    channel: "C1",
    asked: [alice, hostilePerson],
  },
  "oncall-cover-taken": { asker: hostilePerson, taker: bob, rotation: "primary", windows, timezone: "UTC" },
  "oncall-cover-taken-reply": { asker: hostilePerson, rotation: "primary", windows, timezone: "UTC" },
  "oncall-cover-taken-dm": { taker: hostilePerson, rotation: "primary", windows, timezone: "UTC" },
  "oncall-cover-gone": { rotation: "primary", asker: alice, taken: true, taker: hostilePerson },
  "oncall-cover-closed": { asker: hostilePerson, rotation: "primary" },
  "oncall-change-refused": {
    rotation: "primary",
    doing: "swap shifts in it",
    members: [alice, hostilePerson],
    managers: [bob],
  },
  "oncall-cover-made": {
    rotation: "primary",
    replaces: hostilePerson,
    windows,
    timezone: "Asia/Kolkata",
    told: { people: [hostilePerson], unreachable: [] },
  },
  "oncall-overrides": {
    rotations: ["primary", HOSTILE],
    timezone: "Europe/Berlin",
    none: false,
    total: 25,
    omitted: 5,
  },
  "oncall-overrides-item": {
    number: 3,
    rotation: HOSTILE,
    person: hostilePerson,
    replaces: alice,
    from,
    to,
    kind: "swap",
    inForce: true,
    by: { name: `slack:${HOSTILE}` },
    at: from,
    timezone: "America/New_York",
    button: "primary slack-1700000000.000100",
  },
  "oncall-override-removed": {
    rotation: "primary",
    person: hostilePerson,
    replaces: bob,
    from,
    to,
    kind: "override",
    cutAt: "2026-11-21T10:00:00Z",
    timezone: "Australia/Sydney",
    told: { people: [alice, hostilePerson], unreachable: [hostilePerson] },
  },
  // No person's text in these two: the zone and a malformed instant (printed as given) carry the hostile text.
  "oncall-away-list": { timezone: HOSTILE, none: false, total: 2, omitted: 1 },
  "oncall-away-item": {
    number: 1,
    from,
    to,
    inForce: false,
    at: HOSTILE,
    timezone: "Europe/Berlin",
    button: "alice slack-1700000000.000100",
  },
  "oncall-away-removed": {
    person: hostilePerson,
    from,
    to,
    cutAt: "2026-11-21T10:00:00Z",
    timezone: "Europe/Berlin",
  },
};
