import { describe, expect, it } from "vitest";
import { parseConfigText } from "../../src/config/file.js";
import type { Incident } from "../../src/core/incident/incident.js";
import { coverageOf, coverageVars, serviceCatalog } from "../../src/core/oncall/catalog.js";
import { findCommander, policyForService, resolveStep } from "../../src/core/oncall/commander.js";
import { helpCandidates, whomToAsk } from "../../src/core/oncall/help-candidates.js";
import { indexOverrides, NO_OVERRIDES, type OverrideBook } from "../../src/core/oncall/override-index.js";
import type { Away, Override } from "../../src/core/oncall/types.js";
import { STANDARD_SEVERITIES } from "../helpers/config-fixtures.js";

// Wednesday 18 Nov 2026. Berlin is on CET (+01:00). The "layered" rotation has Alice on weekdays 09:00–17:00
// Berlin and, underneath, a weekly Bob/Dana cycle from Mon 5 Jan 2026: the week of Mon 16 Nov is its 46th
// shift (index 45), Dana's.
const settings = parseConfigText(
  `
timezone: Europe/Berlin
announce_channel: incidents
people:
  - { id: alice, name: Alice, slack: U0ALICE, timezone: Europe/Berlin }
  - { id: bob, name: Bob, slack: U0BOB, timezone: America/New_York }
  - { id: dana, name: Dana, slack: U0DANA, timezone: Europe/Berlin }
  - { id: erin, name: Erin, timezone: Europe/Berlin }
  - { id: finn, name: Finn, slack: U0FINN, timezone: Europe/Berlin }
rotations:
  - id: layered
    name: Search on-call
    timezone: Europe/Berlin
    layers:
      - name: office
        members: [alice]
        shift: 1w
        handoff: "Mon 09:00"
        start: 2026-01-05
        restrict: [{ days: Mon-Fri, from: "09:00", to: "17:00" }]
      - name: nights
        members: [bob, dana]
        shift: 1w
        handoff: "Mon 09:00"
        start: 2026-01-05
  - { id: solo, members: [erin], shift: 1w, handoff: "Mon 09:00", start: 2026-01-05 }
  - { id: other, members: [finn], shift: 1w, handoff: "Mon 09:00", start: 2026-01-05 }
escalation_policies:
  - id: primary
    repeat_last: 1
    steps:
      - { notify: [rotation:layered] }
      - { notify: [person:dana], after: 10m }
  - id: backup
    steps:
      - { notify: [person:alice] }
      - { notify: [person:bob], after: 5m }
  - id: volunteers
    steps:
      - { notify: [rotation:solo] }
services:
  - { id: search, name: Search, owner: search-team, policy: primary }
  - { id: wiki, name: Community wiki, owner: volunteers, policy: volunteers, backup_policy: backup }
  - { id: blog, name: Blog }
  - { id: legacy, name: Legacy, owner: old-team }
fallback_policy: primary
${STANDARD_SEVERITIES}`,
  "catalog.yml",
);

const at = (iso: string) => new Date(iso);
const OFFICE = at("2026-11-18T10:00+01:00");
const EVENING = at("2026-11-18T20:00+01:00");
const SATURDAY_NOON = at("2026-11-21T12:00+01:00");

function override(over: Partial<Override> & Pick<Override, "personId" | "from" | "to">): Override {
  return { id: "o1", rotation: "layered", kind: "override", by: "dana", at: "2026-11-17T00:00:00Z", ...over };
}

function book(overrides: Override[]): OverrideBook {
  const index = indexOverrides(overrides);
  const empty = indexOverrides([]);
  return (id) => (id === "layered" ? index : empty);
}

/** Bob covers the layered rotation 12:00–14:00 Berlin on Wednesday. */
const BOB_AT_NOON = book([
  override({ personId: "bob", from: "2026-11-18T11:00:00Z", to: "2026-11-18T13:00:00Z" }),
]);

describe("which policy covers a service", () => {
  it.each([
    ["search", { policy: "primary" }],
    ["wiki", { policy: "volunteers", backup: "backup" }],
    ["blog", { policy: "primary", fallback: "unowned" }],
    ["legacy", { policy: "primary", fallback: "no_policy" }],
    [undefined, { policy: "primary", fallback: "no_service" }],
    ["gone-from-config", { policy: "primary", fallback: "no_service" }],
  ])("%s → %j", (service, coverage) => {
    expect(coverageOf(settings, service)).toEqual(coverage);
  });

  it("has no coverage at all without a policy or a fallback_policy", () => {
    const bare = { ...settings, fallbackPolicy: undefined };
    expect(coverageOf(bare, "blog")).toEqual({});
    expect(findCommander(bare, "blog", "slack", OFFICE, NO_OVERRIDES)).toEqual({
      found: false,
      reason: "no escalation policy covers this service and no fallback_policy is set",
    });
  });

  it("gives a page the words for why the fallback policy pages, and nothing for a service's own", () => {
    expect(coverageVars(settings, "search")).toEqual({});
    expect(coverageVars(settings, "wiki")).toEqual({});
    expect(coverageVars(settings, "blog")).toEqual({ fallback: { policy: "primary", unowned: true } });
    expect(coverageVars(settings, "legacy")).toEqual({ fallback: { policy: "primary", owner: "old-team" } });
    expect(coverageVars(settings, undefined)).toEqual({ fallback: { policy: "primary", noService: true } });
  });

  it("runs a backup policy after the first one's steps and repeats, each step knowing where it came from", () => {
    const { policy } = policyForService(settings, "wiki");
    expect(policy?.id).toBe("volunteers");
    expect(policy?.repeatLast).toBe(2); // the backup's (the default)
    expect(
      policy?.steps.map((s) => [s.policy, s.index, s.count, s.backup, s.repeat?.n ?? 0, s.afterMs]),
    ).toEqual([
      ["volunteers", 0, 1, false, 0, 0],
      ["volunteers", 0, 1, false, 1, 0], // its repeat_last (2 by default), spelled out
      ["volunteers", 0, 1, false, 2, 0],
      ["backup", 0, 2, true, 0, 0],
      ["backup", 1, 2, true, 0, 5 * 60_000],
    ]);
  });

  it("leaves a policy without a backup as it is written", () => {
    const { policy } = policyForService(settings, "search");
    expect(policy?.steps).toHaveLength(2);
    expect(policy?.repeatLast).toBe(1);
    expect(policy?.backup).toBeUndefined();
  });
});

describe("who a page reaches: layers by precedence, overrides on top", () => {
  it.each([
    ["weekday office hours: the office layer", OFFICE, NO_OVERRIDES, "U0ALICE"],
    ["weekday evening: the layer below", EVENING, NO_OVERRIDES, "U0DANA"],
    ["Saturday noon: outside the office layer's days", SATURDAY_NOON, NO_OVERRIDES, "U0DANA"],
    ["inside an override: the override", at("2026-11-18T12:30+01:00"), BOB_AT_NOON, "U0BOB"],
    ["at the override's end: the schedule again", at("2026-11-18T14:00+01:00"), BOB_AT_NOON, "U0ALICE"],
  ])("%s", (_what, instant, overrides, commander) => {
    const found = findCommander(settings, "search", "slack", instant, overrides);
    expect(found).toMatchObject({
      found: true,
      commander: { platformUserId: commander },
      via: "rotation:layered",
    });
  });

  it("resolves a step with the override and says who cannot be reached", () => {
    const step = {
      afterMs: 0,
      notify: [
        { kind: "rotation" as const, id: "layered" },
        { kind: "rotation" as const, id: "solo" },
      ],
    };
    expect(resolveStep(settings, step, "slack", at("2026-11-18T12:30+01:00"), BOB_AT_NOON)).toEqual({
      people: [{ platformUserId: "U0BOB", personId: "bob" }],
      skipped: ["erin has no slack account in the people list"],
    });
  });

  it("says nobody is on duty before a rotation starts", () => {
    const found = findCommander(settings, "search", "slack", at("2025-12-01T12:00Z"), NO_OVERRIDES);
    expect(found).toMatchObject({ found: false, reason: "nobody is on duty in rotation layered" });
  });
});

describe("the catalog", () => {
  it("lists each service with its owner, policy, backup and who is on duty now, with until when", () => {
    const catalog = serviceCatalog(settings, "slack", at("2026-11-18T12:30+01:00"), BOB_AT_NOON);
    const byId = Object.fromEntries(catalog.services.map((s) => [s.id, s]));
    expect(byId.search).toMatchObject({
      name: "Search",
      owner: "search-team",
      coverage: { policy: "primary" },
      nobody: false,
      onDuty: [
        {
          label: "Search on-call",
          personId: "bob",
          userId: "U0BOB",
          override: true,
          until: at("2026-11-18T14:00+01:00"),
        },
      ],
    });
    expect(byId.wiki).toMatchObject({
      coverage: { policy: "volunteers", backup: "backup" },
      // Erin has no Slack account: nobody can be paged for the wiki's first step.
      nobody: true,
      onDuty: [{ label: "solo", personId: "erin", override: false }],
    });
    // Erin alone in her rotation: her stretch has no end in sight, so no "until".
    expect(byId.wiki?.onDuty[0]?.until).toBeUndefined();
    expect(byId.wiki?.onDuty[0]?.userId).toBeUndefined();
    expect(byId.blog).toMatchObject({ name: "Blog", coverage: { policy: "primary", fallback: "unowned" } });
    expect(byId.blog?.owner).toBeUndefined();
    expect(catalog.fallback).toMatchObject({ policy: "primary", nobody: false });
  });

  it("shows an office layer's person until the window closes, and the layer below after it", () => {
    const office = serviceCatalog(settings, "slack", OFFICE, NO_OVERRIDES).services[0];
    expect(office?.onDuty[0]).toMatchObject({ personId: "alice", until: at("2026-11-18T17:00+01:00") });
    const evening = serviceCatalog(settings, "slack", EVENING, NO_OVERRIDES).services[0];
    expect(evening?.onDuty[0]).toMatchObject({ personId: "dana", until: at("2026-11-19T09:00+01:00") });
  });

  it("is loud when nobody is on duty, and has no fallback entry without fallback_policy", () => {
    const early = serviceCatalog(
      { ...settings, fallbackPolicy: undefined },
      "slack",
      at("2025-12-01T12:00Z"),
      NO_OVERRIDES,
    );
    expect(early.services[0]).toMatchObject({ nobody: true, onDuty: [{ personId: null }] });
    expect(early.services.find((s) => s.id === "blog")).toMatchObject({
      coverage: {},
      nobody: true,
      onDuty: [],
    });
    expect(early.fallback).toBeUndefined();
  });
});

describe("whom a call for help asks by DM", () => {
  const incident: Pick<
    Incident,
    "service" | "platform" | "commander" | "comms" | "responders" | "reporters"
  > = {
    service: "search",
    platform: "slack",
    commander: { platformUserId: "U0ALICE", personId: "alice" },
    reporters: [{ platformUserId: "U0REPORTER" }],
  };

  it("takes who is on duty anywhere, then the policy's rotations' members, minus the incident's people", () => {
    // On duty at the office hour: alice (layered), erin (solo, no account), finn (other). Members of the
    // rotations the search policy pages: alice, bob, dana. Alice commands, Dana asks.
    const candidates = helpCandidates(settings, incident, "U0DANA", OFFICE, NO_OVERRIDES, []);
    expect(candidates).toEqual([
      { personId: "finn", userId: "U0FINN" },
      { personId: "bob", userId: "U0BOB" },
    ]);
  });

  it("leaves out responders, the communications lead and whoever is away now", () => {
    const away: Away[] = [
      {
        id: "a1",
        personId: "finn",
        from: "2026-11-18T00:00:00Z",
        to: "2026-11-19T00:00:00Z",
        by: "finn",
        at: "x",
      },
      {
        id: "a2",
        personId: "bob",
        from: "2026-11-20T00:00:00Z",
        to: "2026-11-21T00:00:00Z",
        by: "bob",
        at: "x",
      },
    ];
    const busy = { ...incident, commander: undefined, comms: { platformUserId: "U0ALICE" } };
    expect(helpCandidates(settings, busy, "U0REPORTER", OFFICE, NO_OVERRIDES, away)).toEqual([
      { personId: "bob", userId: "U0BOB" },
      { personId: "dana", userId: "U0DANA" },
    ]);
    const joined = { ...busy, responders: [{ platformUserId: "U0BOB" }] };
    expect(helpCandidates(settings, joined, "U0DANA", OFFICE, NO_OVERRIDES, away)).toEqual([]);
  });

  it("asks the two asked least, so two calls in a row ask different people", () => {
    const candidates = helpCandidates(
      settings,
      { ...incident, commander: undefined },
      "U0REPORTER",
      OFFICE,
      NO_OVERRIDES,
      [],
    );
    expect(candidates.map((c) => c.personId)).toEqual(["alice", "finn", "bob", "dana"]);
    const asked: Record<string, number[]> = { alice: [1], finn: [5] };
    const first = whomToAsk(candidates, asked);
    expect(first.map((a) => a.personId)).toEqual(["bob", "dana"]);
    for (const a of first) asked[a.personId] = [10];
    // Everyone asked once now: the ones asked longest ago come first.
    expect(whomToAsk(candidates, asked).map((a) => a.personId)).toEqual(["alice", "finn"]);
  });
});
