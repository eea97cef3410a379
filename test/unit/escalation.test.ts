import { describe, expect, it } from "vitest";
import { parseConfigText } from "../../src/config/file.js";
import {
  afterPage,
  delayAfter,
  initialEscalationDelay,
  nextEscalation,
  nudgeReach,
  pastRepeats,
  positionAfter,
  stepDelayMs,
  updateEscalationStep,
} from "../../src/core/incident/escalation.js";
import type { Incident } from "../../src/core/incident/incident.js";
import { type TimelineEvent, timelineEvent } from "../../src/core/incident/timeline.js";
import {
  fireTimerChange,
  initialTimers,
  pagedSomeoneOn,
  restartUpdateTimer,
  snoozeUpdateTimer,
  stopAllTimers,
  stopEscalation,
  timersForSeverity,
} from "../../src/core/incident/timers.js";
import { policyForService } from "../../src/core/oncall/commander.js";
import { indexOverrides, NO_OVERRIDES, type OverrideBook } from "../../src/core/oncall/override-index.js";
import type { EscalationPolicy } from "../../src/core/oncall/types.js";
import type { TimerRef } from "../../src/core/ports.js";
import { STANDARD_SEVERITIES } from "../helpers/config-fixtures.js";

const MIN = 60_000;
const policy = (afters: number[], repeatLast = 2): EscalationPolicy => ({
  id: "p",
  repeatLast,
  steps: afters.map((afterMs, i) => ({ afterMs, notify: [{ kind: "person", id: `p${i}` }] })),
});

describe("delay before a step: min(after || ack_within, ack_within)", () => {
  it.each([
    ["after shorter than ack_within", 10 * MIN, 30 * MIN, 10 * MIN],
    ["after longer than ack_within is brought forward", 60 * MIN, 30 * MIN, 30 * MIN],
    ["no after waits the whole ack_within", 0, 30 * MIN, 30 * MIN],
    ["equal", 5 * MIN, 5 * MIN, 5 * MIN],
  ])("%s", (_name, after, ackWithin, want) => {
    expect(stepDelayMs(policy([0, after]), 1, ackWithin)).toBe(want);
  });
});

describe("the escalation walks the steps, repeats the last, then is exhausted", () => {
  it.each([
    // [steps' afters, repeatLast, the sequence of actions]
    [[0, 30 * MIN], 2, ["page 1", "repeat 1/2", "repeat 2/2", "exhausted"]],
    [[0, 30 * MIN, 10 * MIN], 1, ["page 1", "page 2", "repeat 1/1", "exhausted"]],
    [[0, 30 * MIN], 0, ["page 1", "exhausted"]],
    [[0], 2, ["repeat 1/2", "repeat 2/2", "exhausted"]],
  ])("steps %j with repeat_last %i", (afters, repeatLast, want) => {
    const p = policy(afters as number[], repeatLast as number);
    let at = { step: 0, repeats: 0 };
    const seen: string[] = [];
    for (let i = 0; i < 10; i++) {
      const a = nextEscalation(p, at);
      seen.push(
        a.kind === "page"
          ? `page ${a.step}`
          : a.kind === "repeat"
            ? `repeat ${a.repeat}/${a.of}`
            : "exhausted",
      );
      if (a.kind === "exhausted") break;
      at = positionAfter(a, at);
    }
    expect(seen).toEqual(want);
  });

  it("has no escalation for one step without repeats", () => {
    expect(initialEscalationDelay(policy([0], 0), 5 * MIN)).toBeNull();
    expect(initialEscalationDelay(policy([0], 1), 5 * MIN)).toBe(5 * MIN);
    expect(initialEscalationDelay(policy([0, 2 * MIN]), 5 * MIN)).toBe(2 * MIN);
  });

  it("repeats and the exhaustion notice wait the last step's delay; nothing after exhaustion", () => {
    const p = policy([0, 2 * MIN]);
    expect(delayAfter(p, { step: 1, repeats: 0 }, 5 * MIN)).toBe(2 * MIN);
    expect(delayAfter(p, { step: 1, repeats: 2 }, 5 * MIN)).toBe(2 * MIN);
    // Nothing after exhaustion: the firing that sends the notice sets no next due time (see the timers below).
    expect(nextEscalation(p, { step: 1, repeats: 2 }).kind).toBe("exhausted");
  });

  it("missed updates escalate one step further, staying on the last", () => {
    expect(updateEscalationStep(policy([0, 1, 1]), 0)).toBe(1);
    expect(updateEscalationStep(policy([0, 1, 1]), 2)).toBe(2);
    expect(updateEscalationStep(policy([0]), 0)).toBe(0);
  });

  it.each([
    [1, { dm: false, escalate: false }],
    [2, { dm: true, escalate: false }],
    [3, { dm: true, escalate: true }],
    [4, { dm: true, escalate: false }],
    [6, { dm: true, escalate: true }],
  ])("miss %i reaches %j with the defaults", (misses, want) => {
    expect(nudgeReach(misses, { dmAfterMisses: 2, escalateAfterMisses: 3 })).toEqual(want);
  });
});

// ---- the timers on the incident, with a fixed clock ------------------------------------------------------

const settings = parseConfigText(
  `
timezone: Europe/Berlin
announce_channel: incidents
people:
  - { id: dana, slack: U0DANA, timezone: Europe/Berlin }
  - { id: alice, slack: U0ALICE, timezone: Europe/Berlin }
  - { id: erin, timezone: Europe/Berlin }
rotations:
  - { id: primary, members: [dana], shift: 1w, handoff: "Mon 09:00", timezone: Europe/Berlin, start: 2020-01-06 }
escalation_policies:
  - id: default
    repeat_last: 1
    steps:
      - { notify: [rotation:primary] }
      - { notify: [person:alice, person:erin], after: 2m }
fallback_policy: default
reminders: { dm_after_misses: 2, escalate_after_misses: 3 }
${STANDARD_SEVERITIES}`,
  "test.yml",
);

const T0 = new Date("2026-11-20T22:00:00Z");
const at = (ms: number) => new Date(T0.getTime() + ms);

function newIncident(): Incident {
  return {
    id: "INC-1",
    number: 1,
    title: "Search is down",
    kind: "incident",
    severity: "sev1",
    state: "triggered",
    platform: "slack",
    origin: { conversationId: "C0GEN" },
    reporters: [{ platformUserId: "U0BOB" }],
    commander: { platformUserId: "U0DANA", personId: "dana" },
    channel: { id: "C0INC", name: "inc-1" },
    timers: initialTimers(settings, { severity: "sev1" }, T0),
    createdAt: T0.toISOString(),
    updatedAt: T0.toISOString(),
  };
}

function fire(incident: Incident, kind: TimerRef["kind"], now: Date) {
  const t = incident.timers?.[kind];
  const ref: TimerRef = { incidentId: incident.id, kind, gen: t?.gen ?? 0, dueAt: t?.dueAt ?? "" };
  return fireTimerChange(settings, incident, ref, now);
}

describe("timers on the incident", () => {
  it("starts with the escalation at the first step's delay and the update reminder a cadence away", () => {
    const i = newIncident();
    expect(i.timers).toEqual({
      escalation: { gen: 1, step: 0, repeats: 0, dueAt: at(2 * MIN).toISOString() },
      update: { gen: 1, misses: 0, dueAt: at(30 * MIN).toISOString() },
    });
  });

  it("escalates, repeats and is exhausted, bumping the generation and recording firedGen each time", () => {
    let i = newIncident();
    const first = fire(i, "escalation", at(2 * MIN));
    expect(first?.events.map((e) => [e.type, e.data.step, e.data.targets, e.data.skipped])).toEqual([
      ["escalated", "1", "U0ALICE", "erin has no slack account in the people list"],
    ]);
    i = first?.incident as Incident;
    expect(i.timers?.escalation).toEqual({
      gen: 2,
      firedGen: 1,
      step: 1,
      repeats: 0,
      dueAt: at(4 * MIN).toISOString(),
    });
    const again = fire(i, "escalation", at(4 * MIN));
    expect(again?.events[0]).toMatchObject({
      type: "page_repeated",
      data: { repeat: "1", of: "1", gen: "2" },
    });
    i = again?.incident as Incident;
    const done = fire(i, "escalation", at(6 * MIN));
    expect(done?.events[0]?.type).toBe("escalation_exhausted");
    expect(done?.incident.timers?.escalation).toEqual({ gen: 4, firedGen: 3, step: 1, repeats: 1 });
  });

  it("fences: a stale generation does nothing; an acknowledged incident sends nothing", () => {
    const i = newIncident();
    const stale: TimerRef = { incidentId: "INC-1", kind: "escalation", gen: 7, dueAt: T0.toISOString() };
    expect(fireTimerChange(settings, i, stale, at(2 * MIN))).toBeNull();
    const acked: Incident = { ...i, state: "acknowledged", timers: stopEscalation(i) };
    expect(acked.timers?.escalation).toEqual({ gen: 2, step: 0, repeats: 0 });
    const ref: TimerRef = {
      incidentId: "INC-1",
      kind: "escalation",
      gen: 1,
      dueAt: at(2 * MIN).toISOString(),
    };
    expect(fireTimerChange(settings, acked, ref, at(2 * MIN))).toBeNull();
    // Acknowledged by a write that left the timer alone: the job stops it without a word.
    const raced = fireTimerChange(settings, { ...i, state: "acknowledged" }, ref, at(2 * MIN));
    expect(raced?.events).toEqual([]);
    expect(raced?.incident.timers?.escalation?.dueAt).toBeUndefined();
  });

  it("nudges on missed updates, DMs from the 2nd, escalates on the 3rd, one cadence apart", () => {
    let i: Incident = { ...newIncident(), state: "acknowledged" };
    i = { ...i, timers: stopEscalation(i) };
    const seen: Array<[string, string, string]> = [];
    for (let miss = 1; miss <= 3; miss++) {
      const r = fire(i, "update", at(miss * 30 * MIN));
      i = r?.incident as Incident;
      const overdue = r?.events.find((e) => e.type === "update_overdue");
      seen.push([
        overdue?.data.misses ?? "",
        overdue?.data.dm ?? "",
        r?.events.map((e) => e.type).join(",") ?? "",
      ]);
      expect(i.timers?.update?.dueAt).toBe(at((miss + 1) * 30 * MIN).toISOString());
    }
    expect(seen).toEqual([
      ["1", "no", "update_overdue"],
      ["2", "yes", "update_overdue"],
      ["3", "yes", "update_overdue,escalated"],
    ]);
    expect(i.timers?.escalation?.step).toBe(1);
  });

  it("an update restarts the reminder; a snooze postpones it keeping the misses", () => {
    const i = newIncident();
    const missed = fire(i, "update", at(30 * MIN))?.incident as Incident;
    expect(restartUpdateTimer(missed, settings, at(40 * MIN))).toEqual({
      gen: 3,
      firedGen: 1,
      misses: 0,
      dueAt: at(70 * MIN).toISOString(),
    });
    expect(snoozeUpdateTimer(missed, at(100 * MIN))).toEqual({
      gen: 3,
      firedGen: 1,
      misses: 1,
      dueAt: at(100 * MIN).toISOString(),
      snoozedUntil: at(100 * MIN).toISOString(),
    });
  });

  it("a severity change reschedules the reminder from the last update and, while triggered, the escalation", () => {
    const i: Incident = {
      ...newIncident(),
      severity: "sev3",
      lastUpdate: { at: at(10 * MIN).toISOString(), text: "x", actor: "U0DANA" },
    };
    const timers = timersForSeverity(i, "sev1", settings, at(20 * MIN));
    expect(timers.update?.dueAt).toBe(at(40 * MIN).toISOString());
    expect(timers.escalation).toMatchObject({ gen: 2, dueAt: at(22 * MIN).toISOString() });
    // Overdue under the new cadence: due now, not in the past.
    const late = timersForSeverity(i, "sev1", settings, at(60 * MIN));
    expect(late.update?.dueAt).toBe(at(60 * MIN).toISOString());
  });

  it("resolving stops every timer with a new generation", () => {
    const timers = stopAllTimers(newIncident());
    expect(timers).toEqual({ escalation: { gen: 2, step: 0, repeats: 0 }, update: { gen: 2, misses: 0 } });
  });
});

// ---- a volunteer-run service's backup policy ---------------------------------------------------------------

describe("escalation to a backup policy", () => {
  const withBackup = parseConfigText(
    `
timezone: Europe/Berlin
announce_channel: incidents
people:
  - { id: vera, slack: U0VERA, timezone: Europe/Berlin }
  - { id: dana, slack: U0DANA, timezone: Europe/Berlin }
  - { id: alice, slack: U0ALICE, timezone: Europe/Berlin }
rotations:
  - { id: volunteers, members: [vera], shift: 1w, handoff: "Mon 09:00", timezone: Europe/Berlin, start: 2020-01-06 }
  - { id: primary, members: [dana], shift: 1w, handoff: "Mon 09:00", timezone: Europe/Berlin, start: 2020-01-06 }
escalation_policies:
  - id: volunteers
    repeat_last: 1
    steps:
      - { notify: [rotation:volunteers] }
  - id: default
    repeat_last: 1
    steps:
      - { notify: [rotation:primary] }
      - { notify: [person:alice], after: 2m }
services:
  - { id: wiki, name: Community wiki, policy: volunteers, backup_policy: default }
fallback_policy: default
${STANDARD_SEVERITIES}`,
    "backup.yml",
  );

  it("pages the first policy and its repeats, then the backup's steps and repeats, then gives up", () => {
    let i: Incident = {
      ...newIncident(),
      service: "wiki",
      commander: { platformUserId: "U0VERA", personId: "vera" },
      timers: initialTimers(withBackup, { severity: "sev1", service: "wiki" }, T0),
    };
    // One step with one repeat on the first policy: it escalates (the repeat) after ack_within.
    expect(i.timers?.escalation?.dueAt).toBe(at(5 * MIN).toISOString());
    const seen: string[][] = [];
    for (let n = 0; n < 6; n++) {
      const t = i.timers?.escalation;
      if (!t?.dueAt) break;
      const now = new Date(t.dueAt);
      const ref: TimerRef = { incidentId: i.id, kind: "escalation", gen: t.gen, dueAt: t.dueAt };
      const fired = fireTimerChange(withBackup, i, ref, now);
      const e = fired?.events[0];
      seen.push([
        String((now.getTime() - T0.getTime()) / MIN),
        e?.type ?? "",
        e?.data.policy ?? "",
        e?.data.backupOf ?? "",
        `${e?.data.step}/${e?.data.steps}`,
        e?.data.repeat ? `${e.data.repeat}/${e.data.of}` : "",
        e?.data.targets ?? "",
      ]);
      i = fired?.incident as Incident;
    }
    expect(seen).toEqual([
      ["5", "page_repeated", "volunteers", "", "0/1", "1/1", "U0VERA"],
      ["10", "escalated", "default", "volunteers", "0/2", "", "U0DANA"],
      ["12", "escalated", "default", "volunteers", "1/2", "", "U0ALICE"],
      ["14", "page_repeated", "default", "volunteers", "1/2", "1/1", "U0ALICE"],
      ["16", "escalation_exhausted", "", "", "3/3", "", ""],
    ]);
    expect(i.timers?.escalation?.dueAt).toBeUndefined();
  });

  it("pages the backup's people as they are on duty, overrides applied", () => {
    const i: Incident = {
      ...newIncident(),
      service: "wiki",
      timers: { ...initialTimers(withBackup, { severity: "sev1", service: "wiki" }, T0) },
    };
    const escalation = { gen: 5, step: 1, repeats: 0, dueAt: at(10 * MIN).toISOString() };
    const ref: TimerRef = { incidentId: i.id, kind: "escalation", gen: 5, dueAt: escalation.dueAt };
    const aliceCovers = indexOverrides([
      {
        id: "o1",
        rotation: "primary",
        personId: "alice",
        from: T0.toISOString(),
        to: at(60 * MIN).toISOString(),
        kind: "override",
        by: "dana",
        at: T0.toISOString(),
      },
    ]);
    const book: OverrideBook = (id) => (id === "primary" ? aliceCovers : NO_OVERRIDES(id));
    const fired = fireTimerChange(
      withBackup,
      { ...i, timers: { ...i.timers, escalation } },
      ref,
      at(10 * MIN),
      book,
    );
    expect(fired?.events[0]?.data).toMatchObject({
      policy: "default",
      backupOf: "volunteers",
      targets: "U0ALICE",
    });
  });
});

// ---- pages that reached nobody do not wait ------------------------------------------------------------------

describe("a page that reached nobody: the next step at once, past its repeats", () => {
  it.each([
    // [steps' afters, repeatLast, where the page stood, where the escalation stands after it]
    [
      "the only step, with repeats: straight to exhaustion",
      [0],
      2,
      { step: 0, repeats: 0 },
      { step: 0, repeats: 2 },
    ],
    ["a middle step: the next step", [0, 0, 0], 2, { step: 1, repeats: 0 }, { step: 1, repeats: 0 }],
    ["the last step: its repeats skipped", [0, 0], 2, { step: 1, repeats: 0 }, { step: 1, repeats: 2 }],
    [
      "a repeat of the last step: the rest skipped",
      [0, 0],
      3,
      { step: 1, repeats: 1 },
      { step: 1, repeats: 3 },
    ],
    ["no repeats: unchanged", [0, 0], 0, { step: 1, repeats: 0 }, { step: 1, repeats: 0 }],
  ])("%s", (_name, afters, repeatLast, at, want) => {
    const p = policy(afters as number[], repeatLast as number);
    expect(pastRepeats(p, at)).toEqual(want);
    expect(afterPage(p, at, 5 * MIN, true)).toEqual({ position: want, delayMs: 0 });
  });

  it("a page that reached someone keeps its position and the next step's delay", () => {
    const p = policy([0, 2 * MIN], 2);
    expect(afterPage(p, { step: 0, repeats: 0 }, 5 * MIN, false)).toEqual({
      position: { step: 0, repeats: 0 },
      delayMs: 2 * MIN,
    });
  });

  const nightly = parseConfigText(
    `
timezone: Europe/Berlin
announce_channel: incidents
people:
  - { id: vera, slack: U0VERA, timezone: Europe/Berlin }
  - { id: dana, slack: U0DANA, timezone: Europe/Berlin }
  - { id: alice, slack: U0ALICE, timezone: Europe/Berlin }
  - { id: erin, timezone: Europe/Berlin }
rotations:
  - id: volunteers
    members: [vera]
    shift: 1w
    handoff: "Mon 09:00"
    timezone: Europe/Berlin
    start: 2020-01-06
    restrict: [{ days: Mon-Fri, from: "09:00", to: "17:00" }]
  - { id: primary, members: [dana], shift: 1w, handoff: "Mon 09:00", timezone: Europe/Berlin, start: 2020-01-06 }
escalation_policies:
  - id: volunteers
    repeat_last: 2
    steps:
      - { notify: [rotation:volunteers] }
  - id: default
    repeat_last: 1
    steps:
      - { notify: [rotation:primary] }
      - { notify: [person:alice], after: 2m }
  - id: nobody
    repeat_last: 2
    steps:
      - { notify: [rotation:volunteers] }
      - { notify: [person:erin], after: 2m }
  - id: late-nobody
    repeat_last: 1
    steps:
      - { notify: [rotation:primary] }
      - { notify: [person:erin], after: 2m }
services:
  - { id: wiki, name: Community wiki, policy: volunteers, backup_policy: default }
  - { id: ghost, name: Ghost, policy: nobody }
  - { id: late, name: Late, policy: late-nobody }
fallback_policy: default
${STANDARD_SEVERITIES}`,
    "nightly.yml",
  );

  /** Fires the escalation until nothing is due (at most `limit` times): each firing's minute, event and page. */
  function run(i: Incident, limit = 10): { seen: string[][]; last: Incident } {
    const seen: string[][] = [];
    for (let n = 0; n < limit; n++) {
      const t = i.timers?.escalation;
      if (!t?.dueAt) break;
      const now = new Date(t.dueAt);
      const ref: TimerRef = { incidentId: i.id, kind: "escalation", gen: t.gen, dueAt: t.dueAt };
      const fired = fireTimerChange(nightly, i, ref, now);
      const e = fired?.events[0];
      seen.push([
        String((now.getTime() - T0.getTime()) / MIN),
        e?.type ?? "",
        e?.data.policy ?? "",
        `${e?.data.step}/${e?.data.steps}`,
        e?.data.repeat ? `${e.data.repeat}/${e.data.of}` : "",
        e?.data.targets ?? "",
      ]);
      i = fired?.incident as Incident;
    }
    return { seen, last: i };
  }

  // Friday 23:00 in Berlin: the volunteers' layer is restricted to working hours, so it has nobody.
  const night = (service: string, reachedNobody: boolean): Incident => ({
    ...newIncident(),
    service,
    commander: undefined,
    timers: initialTimers(nightly, { severity: "sev1", service }, T0, { reachedNobody }),
  });

  it("a first policy that reached nobody at open: the backup is paged at once, not after 3 × ack_within", () => {
    const i = night("wiki", true);
    // Past the volunteers' two repeats (spelled out as steps 1 and 2 before the backup), due now.
    expect(i.timers?.escalation).toEqual({ gen: 1, step: 2, repeats: 0, dueAt: T0.toISOString() });
    const { seen, last } = run(i);
    expect(seen).toEqual([
      ["0", "escalated", "default", "0/2", "", "U0DANA"],
      ["2", "escalated", "default", "1/2", "", "U0ALICE"],
      ["4", "page_repeated", "default", "1/2", "1/1", "U0ALICE"],
      ["6", "escalation_exhausted", "", "4/3", "", ""],
    ]);
    expect(last.timers?.escalation?.dueAt).toBeUndefined();
  });

  it("without the open's word, the first firing finds nobody and the backup follows at once", () => {
    const { seen } = run(night("wiki", false));
    expect(seen.slice(0, 2)).toEqual([
      ["5", "page_repeated", "volunteers", "0/1", "1/2", ""],
      ["5", "escalated", "default", "0/2", "", "U0DANA"],
    ]);
  });

  it("a policy where every step reaches nobody ends in the exhaustion notice, one firing per step", () => {
    const { seen, last } = run(night("ghost", true), 20);
    expect(seen).toEqual([
      ["0", "escalated", "nobody", "1/2", "", ""],
      ["0", "escalation_exhausted", "", "1/2", "", ""],
    ]);
    expect(last.timers?.escalation).toMatchObject({ step: 1, repeats: 2 });
    expect(last.timers?.escalation?.dueAt).toBeUndefined();
  });

  it("a last step that reaches nobody is not repeated: exhaustion at once", () => {
    const i: Incident = { ...newIncident(), service: "late" };
    i.timers = initialTimers(nightly, { severity: "sev1", service: "late" }, T0);
    const { seen } = run(i);
    expect(seen).toEqual([
      ["2", "escalated", "late-nobody", "1/2", "", ""],
      ["2", "escalation_exhausted", "", "1/2", "", ""],
    ]);
  });

  it("the page at open that found a commander waits as before", () => {
    const i = initialTimers(nightly, { severity: "sev1", service: "late" }, T0, { reachedNobody: false });
    expect(i.escalation).toEqual({ gen: 1, step: 0, repeats: 0, dueAt: at(2 * MIN).toISOString() });
  });

  it("knows whether anyone on the first policy was paged before the backup's page", () => {
    const ev = (type: TimelineEvent["type"], min: number, data: Record<string, string>) =>
      timelineEvent(type, at(min * MIN), data);
    const backupPage = ev("escalated", 10, { policy: "default", backupOf: "volunteers", targets: "U0DANA" });
    const cases: Array<[string, TimelineEvent[], boolean]> = [
      [
        "opened with no commander, repeats to nobody",
        [
          ev("incident_opened", 0, { policy: "volunteers", commander: "" }),
          ev("page_repeated", 5, { policy: "volunteers", targets: "" }),
        ],
        false,
      ],
      [
        "opened with a commander",
        [ev("incident_opened", 0, { policy: "volunteers", commander: "U0VERA" })],
        true,
      ],
      ["promoted with a commander", [ev("promoted", 0, { policy: "volunteers", commander: "U0VERA" })], true],
      [
        "a repeat reached someone",
        [ev("page_repeated", 5, { policy: "volunteers", targets: "U0VERA" })],
        true,
      ],
      [
        "a SEV1 raise paged someone",
        [ev("escalated", 3, { policy: "volunteers", reason: "severity_raised", targets: "U0VERA" })],
        true,
      ],
      [
        "only another policy reached someone",
        [ev("escalated", 3, { policy: "default", targets: "U0DANA" })],
        false,
      ],
      [
        "someone was paged only after the backup's page",
        [ev("page_repeated", 11, { policy: "volunteers", targets: "U0VERA" })],
        false,
      ],
    ];
    for (const [name, timeline, want] of cases) {
      expect([name, pagedSomeoneOn([...timeline, backupPage], "volunteers", backupPage)]).toEqual([
        name,
        want,
      ]);
    }
  });

  it("spells out the first policy's repeats as steps the skip passes over", () => {
    const wiki = policyForService(nightly, "wiki").policy;
    expect(wiki && pastRepeats(wiki, { step: 0, repeats: 0 })).toEqual({ step: 2, repeats: 0 });
    expect(wiki && nextEscalation(wiki, { step: 2, repeats: 0 })).toEqual({ kind: "page", step: 3 });
  });
});
