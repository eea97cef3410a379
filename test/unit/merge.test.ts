import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Incident, SEVERITIES, type Severity } from "../../src/core/incident/incident.js";
import {
  closeAsDuplicate,
  duplicateRefusal,
  foldDuplicate,
  followersOf,
  moreSevere,
  raiseRecorded,
  targetRefusal,
} from "../../src/core/incident/merge.js";
import { subscribe, unsubscribe } from "../../src/core/incident/subscriptions.js";
import { timelineEvent } from "../../src/core/incident/timeline.js";
import { anIncident, settings, T0 } from "./handler-fakes.js";

const NOW = new Date(T0.getTime() + 10 * 60_000);
const MIN = 60_000;

/** The survivor INC-2 and the duplicate INC-4, each with its own reporter and subscribers. */
function survivor(over: Partial<Incident> = {}): Incident {
  return anIncident({
    id: "INC-2",
    number: 2,
    severity: "sev3",
    reporters: [{ platformUserId: "U0BOB" }],
    subscribers: ["U0BOB", "U0CARL"],
    channel: { id: "C0TWO", name: "inc-2" },
    ...over,
  });
}

function duplicate(over: Partial<Incident> = {}): Incident {
  return anIncident({
    id: "INC-4",
    number: 4,
    title: "Search returns nothing",
    severity: "sev1",
    reporters: [{ platformUserId: "U0ALICE" }, { platformUserId: "U0BOB" }],
    subscribers: ["U0ALICE", "U0EVE"],
    channel: { id: "C0FOUR", name: "inc-4" },
    ...over,
  });
}

describe("moreSevere", () => {
  it.each([
    ["sev1", "sev3", "sev1"],
    ["sev3", "sev1", "sev1"],
    ["sev4", "sev2", "sev2"],
    ["sev2", "sev2", "sev2"],
  ] as const)("%s and %s: %s", (a, b, want) => {
    expect(moreSevere(a, b)).toBe(want);
  });
});

describe("what refuses a merge", () => {
  it.each<[string, Incident, string, ReturnType<typeof duplicateRefusal>]>([
    ["an open duplicate", duplicate(), "INC-2", null],
    ["a resolved duplicate", duplicate({ state: "resolved" }), "INC-2", null],
    ["the incident itself", duplicate(), "INC-4", { reason: "self" }],
    [
      "a duplicate already merged into that target",
      duplicate({ state: "closed", duplicateOf: "INC-2" }),
      "INC-2",
      { reason: "already_merged", into: "INC-2" },
    ],
    [
      "a duplicate merged into another",
      duplicate({ state: "closed", duplicateOf: "INC-9" }),
      "INC-2",
      { reason: "duplicate_closed", duplicateOf: "INC-9" },
    ],
    ["a closed duplicate", duplicate({ state: "closed" }), "INC-2", { reason: "duplicate_closed" }],
  ])("on the duplicate's side: %s", (_, dup, target, want) => {
    expect(duplicateRefusal(dup, target)).toEqual(want);
  });

  it.each<[string, Incident, readonly string[], ReturnType<typeof targetRefusal>]>([
    ["an open target", survivor(), [], null],
    ["a resolved target", survivor({ state: "resolved" }), [], null],
    ["a closed target", survivor({ state: "closed" }), [], { reason: "target_closed" }],
    [
      "a target closed into a third",
      survivor({ state: "closed", duplicateOf: "INC-9" }),
      ["INC-9"],
      { reason: "target_closed", duplicateOf: "INC-9" },
    ],
    [
      "a target merged into the duplicate",
      survivor({ state: "closed", duplicateOf: "INC-4" }),
      [],
      { reason: "cycle" },
    ],
    [
      "a target merged into the duplicate through another",
      survivor({ state: "closed", duplicateOf: "INC-9" }),
      ["INC-9", "INC-4"],
      { reason: "cycle" },
    ],
    ["the duplicate itself", survivor({ id: "INC-4" }), [], { reason: "self" }],
    [
      "a target on another platform",
      survivor({ platform: "mattermost" }),
      [],
      { reason: "other_platform", platform: "mattermost" },
    ],
  ])("on the target's side: %s", (_, target, chain, want) => {
    expect(targetRefusal(target, duplicate(), chain)).toEqual(want);
  });
});

describe("folding the duplicate into the survivor", () => {
  it("raises a SEV3 survivor to the SEV1 of its duplicate and puts its updates on the SEV1 cadence", () => {
    const target = survivor();
    const r = foldDuplicate(target, duplicate(), settings, NOW, "U0DANA");
    expect(r?.incident.severity).toBe("sev1");
    expect(r?.events.map((e) => [e.type, e.data])).toEqual([
      ["severity_changed", { from: "SEV3", to: "SEV1", merged: "INC-4" }],
      [
        "duplicate_merged_in",
        { from: "INC-4", title: "Search returns nothing", severity: "SEV1", reporters: "U0ALICE,U0BOB" },
      ],
    ]);
    // No update yet: the next is due one SEV1 cadence (30m) from now, as a new generation.
    expect(r?.incident.timers?.update?.dueAt).toBe(new Date(NOW.getTime() + 30 * MIN).toISOString());
    expect(r?.incident.timers?.update?.gen).toBe((target.timers?.update?.gen ?? 0) + 1);
    expect(r?.events.every((e) => e.actor === "U0DANA")).toBe(true);
  });

  it("leaves a SEV2 survivor at SEV2 when a SEV4 duplicate joins it, timers untouched", () => {
    const target = survivor({ severity: "sev2" });
    const r = foldDuplicate(target, duplicate({ severity: "sev4" }), settings, NOW, "U0DANA");
    expect(r?.incident.severity).toBe("sev2");
    expect(r?.incident.timers).toEqual(target.timers);
    expect(r?.events.map((e) => e.type)).toEqual(["duplicate_merged_in"]);
  });

  it("moves reporters and subscribers over, once each, and records where they came from", () => {
    const r = foldDuplicate(survivor(), duplicate(), settings, NOW, "U0DANA");
    expect(r?.incident.reporters.map((p) => p.platformUserId)).toEqual(["U0BOB", "U0ALICE"]);
    expect(r?.incident.subscribers).toEqual(["U0BOB", "U0CARL", "U0ALICE", "U0EVE"]);
    expect(r?.incident.mergedFrom).toEqual(["INC-4"]);
  });

  it("subscribes the duplicate's reporters even when it kept no subscriber list", () => {
    const r = foldDuplicate(survivor(), duplicate({ subscribers: undefined }), settings, NOW, "U0DANA");
    expect(r?.incident.subscribers).toEqual(["U0BOB", "U0CARL", "U0ALICE"]);
  });

  it("changes nothing the second time, so a merge stopped half way can be run again", () => {
    const once = foldDuplicate(survivor(), duplicate(), settings, NOW, "U0DANA");
    expect(foldDuplicate(once?.incident as Incident, duplicate(), settings, NOW, "U0DANA")).toBeNull();
  });

  it("raises a resolved survivor's severity without arming reminders on it", () => {
    const target = survivor({ state: "resolved", timers: { update: { gen: 3, misses: 0 } } });
    const r = foldDuplicate(target, duplicate(), settings, NOW, "U0DANA");
    expect(r?.incident.severity).toBe("sev1");
    expect(r?.incident.timers).toEqual({ update: { gen: 3, misses: 0 } });
  });

  it("says afterwards what the merge raised, from the survivor's timeline", () => {
    const r = foldDuplicate(survivor(), duplicate(), settings, NOW, "U0DANA");
    expect(raiseRecorded(r?.events ?? [], "INC-4")).toEqual({ from: "SEV3", to: "SEV1" });
    expect(raiseRecorded(r?.events ?? [], "INC-5")).toBeUndefined();
    expect(
      raiseRecorded([timelineEvent("severity_changed", NOW, { from: "SEV3", to: "SEV2" })], "INC-4"),
    ).toBe(undefined);
  });
});

describe("closing the duplicate", () => {
  it.each(["triggered", "acknowledged", "fix_merged", "resolved", "reopened"] as const)(
    "closes from %s as a duplicate, every timer stopped",
    (state) => {
      const dup = duplicate({ state });
      const r = closeAsDuplicate(dup, "INC-2", NOW, "U0DANA");
      expect(r?.incident).toMatchObject({
        state: "closed",
        closeReason: "duplicate",
        duplicateOf: "INC-2",
        updatedAt: NOW.toISOString(),
      });
      expect(r?.incident.milestones?.closed).toBe(NOW.toISOString());
      for (const [kind, t] of Object.entries(r?.incident.timers ?? {})) {
        expect(t.dueAt, kind).toBeUndefined();
        expect(t.gen, kind).toBe((dup.timers?.[kind as "update"]?.gen ?? 0) + 1);
      }
      expect(r?.events.map((e) => [e.type, e.data, e.actor])).toEqual([
        ["merged", { into: "INC-2", from: state }, "U0DANA"],
      ]);
    },
  );

  it("changes nothing when it is already closed into that target", () => {
    const done = closeAsDuplicate(duplicate(), "INC-2", NOW, "U0DANA")?.incident as Incident;
    expect(closeAsDuplicate(done, "INC-2", NOW, "U0DANA")).toBeNull();
  });

  it("tells its reporters and subscribers, each once", () => {
    expect(followersOf(duplicate())).toEqual(["U0ALICE", "U0BOB", "U0EVE"]);
  });
});

describe("subscriptions", () => {
  it("adds a subscriber once, with the event, and answers a second time with nothing to do", () => {
    const r = subscribe(survivor(), "U0ALICE", NOW);
    expect(r?.incident.subscribers).toEqual(["U0BOB", "U0CARL", "U0ALICE"]);
    expect(r?.events.map((e) => [e.type, e.actor])).toEqual([["subscribed", "U0ALICE"]]);
    expect(subscribe(r?.incident as Incident, "U0ALICE", NOW)).toBeNull();
  });

  it("removes a subscriber once, and answers a second time with nothing to do", () => {
    const r = unsubscribe(survivor(), "U0CARL", NOW);
    expect(r?.incident.subscribers).toEqual(["U0BOB"]);
    expect(r?.events.map((e) => [e.type, e.actor])).toEqual([["unsubscribed", "U0CARL"]]);
    expect(unsubscribe(r?.incident as Incident, "U0CARL", NOW)).toBeNull();
  });

  it("counts the reporters as subscribed on an incident stored before subscriber lists", () => {
    const old = survivor({ subscribers: undefined });
    expect(subscribe(old, "U0BOB", NOW)).toBeNull();
    expect(unsubscribe(old, "U0BOB", NOW)?.incident.subscribers).toEqual([]);
  });
});

describe("merge properties", () => {
  const severity = fc.constantFrom<Severity>(...SEVERITIES);
  const users = fc.uniqueArray(fc.constantFrom("U1", "U2", "U3", "U4", "U5"), { maxLength: 5 });

  it("keeps the more severe severity, everyone of both, nobody twice, and is idempotent", () => {
    fc.assert(
      fc.property(severity, severity, users, users, users, users, (ts, ds, tr, dr, tsub, dsub) => {
        const target = survivor({
          severity: ts,
          reporters: tr.map((u) => ({ platformUserId: u })),
          subscribers: tsub,
        });
        const dup = duplicate({
          severity: ds,
          reporters: dr.map((u) => ({ platformUserId: u })),
          subscribers: dsub,
        });
        const r = foldDuplicate(target, dup, settings, NOW, "U0DANA");
        if (!r) throw new Error("a first fold always changes the survivor");
        const { incident } = r;
        expect(SEVERITIES.indexOf(incident.severity)).toBe(
          Math.min(SEVERITIES.indexOf(ts), SEVERITIES.indexOf(ds)),
        );
        const reporters = incident.reporters.map((p) => p.platformUserId);
        expect(new Set(reporters)).toEqual(new Set([...tr, ...dr]));
        expect(reporters.length).toBe(new Set(reporters).size);
        expect(new Set(incident.subscribers)).toEqual(new Set([...tsub, ...dr, ...dsub]));
        expect(incident.subscribers?.length).toBe(new Set(incident.subscribers).size);
        expect(r.events.some((e) => e.type === "severity_changed")).toBe(ts !== incident.severity);
        expect(foldDuplicate(incident, dup, settings, NOW, "U0DANA")).toBeNull();
      }),
    );
  });
});
