import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseConfigText } from "../../src/config/file.js";
import { UsageError } from "../../src/core/errors.js";
import { dutyBetween, onCallAt } from "../../src/core/oncall/duty.js";
import { indexOverrides } from "../../src/core/oncall/override-index.js";
import {
  COVER_MAX_MS,
  COVER_MIN_MS,
  checkCoverDuration,
  checkWindow,
  chooseRotation,
  MAX_WINDOW_MS,
  planAway,
  planCover,
  planOverride,
  planSwap,
  scheduledAt,
} from "../../src/core/oncall/overrides.js";
import type { Away, OncallRotation, Override } from "../../src/core/oncall/types.js";
import type { ListChange } from "../../src/core/ports.js";
import type { Settings } from "../../src/core/settings.js";
import { STANDARD_SEVERITIES } from "../helpers/config-fixtures.js";

/**
 * Building and checking schedule changes, on a real parsed config. `primary` is weekly from Mon 2 Nov 2026
 * 09:00 Berlin (08:00Z): Alice, Bob, Carol, Alice, ... `secondary` is daily at 09:00 New York: Dana, Alice.
 * `spring` is weekly in Berlin across the change to summer time (Sun 29 Mar 2026): Erin, Finn.
 */
const CONFIG = `
timezone: Europe/Berlin
announce_channel: incidents
people:
  - { id: alice, name: Alice, slack: U0ALICE, timezone: Europe/Berlin }
  - { id: bob, name: Bob, slack: U0BOB, timezone: America/New_York }
  - { id: carol, name: Carol, slack: U0CAROL, timezone: Asia/Kolkata }
  - { id: dana, name: Dana, slack: U0DANA, timezone: Europe/Berlin }
  - { id: erin, name: Erin, timezone: Australia/Sydney }
  - { id: finn, name: Finn, timezone: Europe/Berlin }
rotations:
  - { id: primary, members: [alice, bob, carol], shift: 1w, handoff: "Mon 09:00", timezone: Europe/Berlin, start: 2026-11-02 }
  - { id: secondary, members: [dana, alice], shift: 1d, handoff: "09:00", timezone: America/New_York, start: 2026-11-02 }
  - { id: spring, members: [erin, finn], shift: 1w, handoff: "Mon 09:00", timezone: Europe/Berlin, start: 2026-03-16 }
escalation_policies:
  - id: default
    steps:
      - { notify: [rotation:primary] }
fallback_policy: default
${STANDARD_SEVERITIES}`;

const settings: Settings = parseConfigText(CONFIG, "overrides.yml");
const rotation = (id: string) => settings.rotations.find((r) => r.id === id) as OncallRotation;
const primary = rotation("primary");
const at = (iso: string) => new Date(iso);
const H = 3_600_000;

/** The UsageError `run` throws (failing the test when it throws nothing or something else). */
function refusal(run: () => unknown): UsageError {
  try {
    run();
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error("expected a refusal");
}

function override(over: Partial<Override> & Pick<Override, "id" | "personId" | "from" | "to">): Override {
  return { rotation: "primary", kind: "override", by: "dana", at: "2026-11-01T10:00:00Z", ...over };
}

/** The overrides after applying a change to `current`. */
function apply(current: readonly Override[], change: ListChange<Override>): Override[] {
  const removed = new Set(change.remove ?? []);
  return [...current.filter((o) => !removed.has(o.id)), ...(change.add ?? [])];
}

function noOverlaps(list: readonly Override[]): boolean {
  const sorted = [...list].sort((a, b) => Date.parse(a.from) - Date.parse(b.from));
  return sorted.every((o, i) => i === 0 || Date.parse(o.from) >= Date.parse(sorted[i - 1]?.to ?? ""));
}

describe("choosing the rotation", () => {
  it.each([
    { named: "secondary", people: ["bob"], want: "secondary" },
    { named: undefined, people: ["bob"], want: "primary" },
    { named: undefined, people: ["dana"], want: "secondary" },
    { named: undefined, people: ["alice", "bob"], want: "primary" },
    { named: undefined, people: ["erin", "finn"], want: "spring" },
  ])("$named / $people → $want", ({ named, people, want }) => {
    expect(chooseRotation(settings, named, people, "oncall swap @a @b").id).toBe(want);
  });

  it("refuses an unknown rotation, listing the known ones", () => {
    const e = refusal(() => chooseRotation(settings, "tertiary", ["bob"], "oncall override @bob"));
    expect(e.code).toBe("unknown_rotation");
    expect(e.message).toContain('There is no rotation "tertiary"');
    expect(e.message).toContain("primary, secondary, spring");
    expect(e.message).toContain("Nothing was changed.");
  });

  it("asks which one when the person is in several, listing those", () => {
    const e = refusal(() => chooseRotation(settings, undefined, ["alice"], "oncall cover 2h"));
    expect(e.code).toBe("which_rotation");
    expect(e.message).toContain("Alice is in several rotations (primary, secondary)");
    expect(e.message).toContain("`oncall cover 2h primary`");
  });

  it("asks which one when the people share none, listing them all", () => {
    const e = refusal(() => chooseRotation(settings, undefined, ["bob", "dana"], "oncall swap @a @b"));
    expect(e.message).toContain("Bob and Dana share no rotation");
    expect(e.message).toContain("(primary, secondary, spring)");
  });

  it("takes the only rotation there is, member or not", () => {
    const one = { ...settings, rotations: [primary] };
    expect(chooseRotation(one, undefined, ["dana"], "oncall override @dana").id).toBe("primary");
  });
});

describe("checking a window", () => {
  const now = at("2026-11-10T12:00:00Z");
  const zone = "Europe/Berlin";

  it("refuses an end at or before the start, showing both in the asker's zone", () => {
    for (const to of ["2026-11-11T10:00:00Z", "2026-11-11T09:00:00Z"]) {
      const e = refusal(() => checkWindow(at("2026-11-11T10:00:00Z"), at(to), now, zone));
      expect(e.code).toBe("end_before_start");
      expect(e.message).toContain("must be after the start (Wed 11 Nov 11:00 CET)");
    }
  });

  it("refuses a window already over", () => {
    const e = refusal(() => checkWindow(at("2026-11-09T10:00:00Z"), at("2026-11-10T11:00:00Z"), now, zone));
    expect(e.code).toBe("window_over");
    expect(e.message).toContain("it ended Tue 10 Nov 12:00 CET");
  });

  it("starts a window that began in the past now, and says so", () => {
    const w = checkWindow(at("2026-11-09T10:00:00Z"), at("2026-11-12T10:00:00Z"), now, zone);
    expect(w).toEqual({ from: now, to: at("2026-11-12T10:00:00Z"), startedNow: true });
    const future = checkWindow(at("2026-11-11T10:00:00Z"), at("2026-11-12T10:00:00Z"), now, zone);
    expect(future.startedNow).toBe(false);
  });

  it("refuses more than 90 days, allows exactly 90", () => {
    const from = at("2026-11-11T00:00:00Z");
    expect(() => checkWindow(from, new Date(from.getTime() + MAX_WINDOW_MS), now, zone)).not.toThrow();
    const e = refusal(() => checkWindow(from, new Date(from.getTime() + MAX_WINDOW_MS + 60_000), now, zone));
    expect(e.code).toBe("window_too_long");
    expect(e.message).toContain("the longest allowed is 12w6d");
  });

  it.each([
    // The zone's abbreviation follows daylight saving at the instant shown.
    { zone: "Europe/Berlin", to: "2027-04-01T10:00:00Z", shows: "Thu 1 Apr 12:00 CEST" },
    { zone: "America/New_York", to: "2027-03-20T15:00:00Z", shows: "Sat 20 Mar 11:00 EDT" },
    { zone: "Australia/Sydney", to: "2027-04-10T01:00:00Z", shows: "Sat 10 Apr 11:00" },
    { zone: "Asia/Kolkata", to: "2026-11-01T06:30:00Z", shows: "Sun 1 Nov 12:00" },
  ])("shows times in $zone", ({ zone: z, to, shows }) => {
    const e = refusal(() => checkWindow(at("2027-05-01T00:00:00Z"), at(to), now, z));
    expect(e.message).toContain(shows);
  });
});

describe("cover duration", () => {
  it.each([
    [COVER_MIN_MS - 60_000, false],
    [COVER_MIN_MS, true],
    [2 * H, true],
    [COVER_MAX_MS, true],
    [COVER_MAX_MS + 60_000, false],
  ])("%i ms allowed: %s", (ms, ok) => {
    if (ok) expect(() => checkCoverDuration(ms)).not.toThrow();
    else expect(refusal(() => checkCoverDuration(ms)).message).toContain("Cover lasts from 5m to 1w");
  });
});

describe("an override", () => {
  const zone = "America/New_York";
  const existing = override({
    id: "o1",
    personId: "bob",
    replaces: "alice",
    from: "2026-11-03T10:00:00Z",
    to: "2026-11-04T10:00:00Z",
  });
  const candidate = (from: string, to: string) =>
    override({ id: "new", personId: "carol", from, to, by: "alice", at: "2026-11-02T10:00:00Z" });

  it("is added when nothing overlaps, including right before and right after another", () => {
    for (const [from, to] of [
      ["2026-11-02T10:00:00Z", "2026-11-03T10:00:00Z"],
      ["2026-11-04T10:00:00Z", "2026-11-05T10:00:00Z"],
    ] as const) {
      const c = candidate(from, to);
      expect(planOverride(settings, [existing], c, zone)).toEqual({ add: [c] });
    }
  });

  it("is refused over another, naming who, when in the asker's zone, and who made it", () => {
    const e = refusal(() =>
      planOverride(settings, [existing], candidate("2026-11-04T09:00:00Z", "2026-11-05T00:00:00Z"), zone),
    );
    expect(e.code).toBe("override_overlap");
    expect(e.message).toBe(
      "That overlaps an override already in primary: Bob is on instead of Alice from Tue 3 Nov 05:00 EST to Wed 4 Nov 05:00 EST (override, made by Dana on Sun 1 Nov 05:00 EST). Wait until it ends, or choose a window outside it. Nothing was changed.",
    );
  });

  it("replaces whoever the schedule has at its start, overrides applied", () => {
    expect(scheduledAt(primary, [], at("2026-11-03T12:00:00Z"))).toBe("alice");
    expect(scheduledAt(primary, [existing], at("2026-11-03T12:00:00Z"))).toBe("bob");
    expect(scheduledAt(primary, [], at("2026-11-10T12:00:00Z"))).toBe("bob");
    expect(scheduledAt(primary, [], at("2026-11-01T12:00:00Z"))).toBeNull();
  });

  it("property: accepted overrides never overlap, and each wins inside its window", () => {
    const base = Date.parse("2026-11-03T00:00:00Z");
    const attempt = fc.record({
      start: fc.integer({ min: 0, max: 20 * 24 }),
      hours: fc.integer({ min: 1, max: 72 }),
      person: fc.constantFrom("alice", "bob", "carol", "dana"),
    });
    fc.assert(
      fc.property(fc.array(attempt, { maxLength: 25 }), (attempts) => {
        let list: Override[] = [];
        attempts.forEach((a, i) => {
          const o = override({
            id: `o${i}`,
            personId: a.person,
            from: new Date(base + a.start * H).toISOString(),
            to: new Date(base + (a.start + a.hours) * H).toISOString(),
          });
          try {
            list = apply(list, planOverride(settings, list, o, "UTC"));
          } catch (err) {
            if (!(err instanceof UsageError)) throw err;
          }
        });
        expect(noOverlaps(list)).toBe(true);
        const index = indexOverrides(list);
        for (const o of list) {
          const mid = new Date((Date.parse(o.from) + Date.parse(o.to)) / 2);
          expect(onCallAt(primary, index, mid).personId).toBe(o.personId);
          expect(onCallAt(primary, index, new Date(o.from)).personId).toBe(o.personId);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("a swap", () => {
  const now = at("2026-11-03T12:00:00Z"); // Alice's week
  const meta = { ids: ["s.1", "s.2"] as const, by: "dana", at: now, zone: "Europe/Berlin" };

  it("trades each person's next upcoming shift, as two swap overrides", () => {
    const plan = planSwap(settings, primary, [], ["alice", "bob"], meta);
    // Alice is on now; her next shift is the one after Carol's. Bob's next is next week.
    const week = (from: string, to: string) => ({
      from: at(from),
      to: at(to),
      pieces: [{ from: at(from), to: at(to) }],
    });
    expect(plan.first).toEqual({
      personId: "alice",
      ...week("2026-11-23T08:00:00Z", "2026-11-30T08:00:00Z"),
    });
    expect(plan.second).toEqual({ personId: "bob", ...week("2026-11-09T08:00:00Z", "2026-11-16T08:00:00Z") });
    expect(plan.change.add).toEqual([
      {
        id: "s.1",
        rotation: "primary",
        personId: "bob",
        from: "2026-11-23T08:00:00.000Z",
        to: "2026-11-30T08:00:00.000Z",
        kind: "swap",
        replaces: "alice",
        by: "dana",
        at: now.toISOString(),
      },
      {
        id: "s.2",
        rotation: "primary",
        personId: "alice",
        from: "2026-11-09T08:00:00.000Z",
        to: "2026-11-16T08:00:00.000Z",
        kind: "swap",
        replaces: "bob",
        by: "dana",
        at: now.toISOString(),
      },
    ]);
    const after = indexOverrides(plan.change.add ?? []);
    expect(onCallAt(primary, after, at("2026-11-12T00:00:00Z")).personId).toBe("alice");
    expect(onCallAt(primary, after, at("2026-11-25T00:00:00Z")).personId).toBe("bob");
    expect(onCallAt(primary, after, at("2026-11-18T00:00:00Z")).personId).toBe("carol");
  });

  it("trades the next turns, not what is left of the current week after an override inside it", () => {
    // Alice is on this week; Dana stands in for her for an hour this afternoon, and Bob for another hour. Alice's
    // "next shift" is still her next turn (from 23 Nov), not the rest of this week after Dana's hour, and
    // Bob's is his own week (from 9 Nov), not the hour he stands in today.
    const inCurrentWeek = [
      override({ id: "o1", personId: "dana", from: "2026-11-03T15:00:00Z", to: "2026-11-03T16:00:00Z" }),
      override({ id: "o2", personId: "bob", from: "2026-11-03T17:00:00Z", to: "2026-11-03T18:00:00Z" }),
    ];
    const plan = planSwap(settings, primary, inCurrentWeek, ["alice", "bob"], meta);
    expect([plan.first.from, plan.first.to]).toEqual([
      at("2026-11-23T08:00:00Z"),
      at("2026-11-30T08:00:00Z"),
    ]);
    expect([plan.second.from, plan.second.to]).toEqual([
      at("2026-11-09T08:00:00Z"),
      at("2026-11-16T08:00:00Z"),
    ]);
    const other = planSwap(settings, primary, inCurrentWeek, ["bob", "carol"], meta);
    expect(other.first.from).toEqual(at("2026-11-09T08:00:00Z"));
    expect(other.second.from).toEqual(at("2026-11-16T08:00:00Z"));
    const after = indexOverrides(apply(inCurrentWeek, plan.change));
    expect(onCallAt(primary, after, at("2026-11-03T15:30:00Z")).personId).toBe("dana");
    expect(onCallAt(primary, after, at("2026-11-03T16:30:00Z")).personId).toBe("alice");
    expect(onCallAt(primary, after, at("2026-11-10T12:00:00Z")).personId).toBe("alice");
    expect(onCallAt(primary, after, at("2026-11-24T12:00:00Z")).personId).toBe("bob");
  });

  describe("in a layered rotation (office hours over a base week)", () => {
    // Office: Carol, Dana, ... weekly, Mon–Fri 09:00–17:00 Berlin (08:00–16:00Z in November). Base, below it:
    // Alice, Bob, ... weekly. Both hand off Mon 09:00 from 2 Nov. It is Tuesday 3 Nov 13:00 Berlin: Carol's
    // office week and Alice's base week.
    const layered = parseConfigText(
      CONFIG.replace(
        "rotations:\n",
        `rotations:
  - id: layered
    timezone: Europe/Berlin
    layers:
      - { name: office, members: [carol, dana], shift: 1w, handoff: "Mon 09:00", start: 2026-11-02, restrict: [{ days: Mon-Fri, from: "09:00", to: "17:00" }] }
      - { name: base, members: [alice, bob], shift: 1w, handoff: "Mon 09:00", start: 2026-11-02 }
`,
      ),
      "layered.yml",
    );
    const rot = layered.rotations[0] as OncallRotation;
    const day = (d: number) => String(d).padStart(2, "0");
    const days = (date: number[], from: string, to: string) =>
      date.map((d) => ({ from: at(`2026-11-${day(d)}T${from}:00Z`), to: at(`2026-11-${day(d)}T${to}:00Z`) }));

    it("trades whole office-hours turns, one override per working day", () => {
      const plan = planSwap(layered, rot, [], ["carol", "dana"], meta);
      expect(plan.first.pieces).toEqual(days([16, 17, 18, 19, 20], "08:00", "16:00"));
      expect(plan.second.pieces).toEqual(days([9, 10, 11, 12, 13], "08:00", "16:00"));
      expect(plan.change.add?.map((o) => o.id)).toEqual([
        "s.1",
        "s.1.2",
        "s.1.3",
        "s.1.4",
        "s.1.5",
        "s.2",
        "s.2.2",
        "s.2.3",
        "s.2.4",
        "s.2.5",
      ]);
      const after = indexOverrides(plan.change.add ?? []);
      expect(onCallAt(rot, after, at("2026-11-11T10:00:00Z")).personId).toBe("carol");
      expect(onCallAt(rot, after, at("2026-11-18T10:00:00Z")).personId).toBe("dana");
      // The nights and the weekend stay with the base layer.
      expect(onCallAt(rot, after, at("2026-11-11T20:00:00Z")).personId).toBe("bob");
      expect(onCallAt(rot, after, at("2026-11-14T12:00:00Z")).personId).toBe("bob");
    });

    it("trades whole base turns (their nights and weekend), not a fragment of the current week", () => {
      const plan = planSwap(layered, rot, [], ["alice", "bob"], meta);
      const nights = (week: number[]) => [
        ...week.slice(0, 4).map((d) => ({
          from: at(`2026-11-${day(d)}T16:00:00Z`),
          to: at(`2026-11-${day(d + 1)}T08:00:00Z`),
        })),
        {
          from: at(`2026-11-${day(week[4] as number)}T16:00:00Z`),
          to: at(`2026-11-${day((week[4] as number) + 3)}T08:00:00Z`),
        },
      ];
      expect(plan.first.pieces).toEqual(nights([16, 17, 18, 19, 20]));
      expect([plan.first.from, plan.first.to]).toEqual([
        at("2026-11-16T16:00:00Z"),
        at("2026-11-23T08:00:00Z"),
      ]);
      expect(plan.second.pieces).toEqual(nights([9, 10, 11, 12, 13]));
      const after = indexOverrides(plan.change.add ?? []);
      expect(onCallAt(rot, after, at("2026-11-03T20:00:00Z")).personId).toBe("alice");
      expect(onCallAt(rot, after, at("2026-11-10T20:00:00Z")).personId).toBe("alice");
      expect(onCallAt(rot, after, at("2026-11-21T12:00:00Z")).personId).toBe("bob");
      // Office hours are untouched.
      expect(onCallAt(rot, after, at("2026-11-10T10:00:00Z")).personId).toBe("dana");
      expect(onCallAt(rot, after, at("2026-11-17T10:00:00Z")).personId).toBe("carol");
    });
  });

  it("keeps the shifts' own bounds across a daylight-saving change (a 167-hour week)", () => {
    const spring = rotation("spring");
    // Erin: 16–23 Mar, Finn: 23–30 Mar (clocks spring forward on the 29th), Erin: 30 Mar–6 Apr.
    const plan = planSwap(settings, spring, [], ["finn", "erin"], {
      ...meta,
      at: at("2026-03-17T12:00:00Z"),
    });
    expect(plan.first.from).toEqual(at("2026-03-23T08:00:00Z"));
    expect(plan.first.to).toEqual(at("2026-03-30T07:00:00Z"));
    expect(plan.first.to.getTime() - plan.first.from.getTime()).toBe(167 * H);
    expect(plan.second.from).toEqual(at("2026-03-30T07:00:00Z"));
  });

  it("is refused with oneself", () => {
    expect(refusal(() => planSwap(settings, primary, [], ["bob", "bob"], meta)).code).toBe("swap_self");
  });

  it("is refused when someone has no upcoming shift", () => {
    const e = refusal(() => planSwap(settings, primary, [], ["alice", "dana"], meta));
    expect(e.code).toBe("swap_no_shift");
    expect(e.message).toContain("Dana has no upcoming shift in primary");
  });

  it("is refused when a shift already has an override, naming it", () => {
    const taken = override({
      id: "o1",
      personId: "dana",
      from: "2026-11-10T00:00:00Z",
      to: "2026-11-10T06:00:00Z",
    });
    const e = refusal(() => planSwap(settings, primary, [taken], ["alice", "bob"], meta));
    expect(e.code).toBe("override_overlap");
    expect(e.message).toContain("Dana is on from Tue 10 Nov 01:00 CET");
  });
});

describe("a cover", () => {
  const now = at("2026-11-03T12:00:00Z"); // Alice's week
  const cover = (over: Partial<Parameters<typeof planCover>[3]> = {}) => ({
    id: "c",
    personId: "dana",
    replaces: "alice" as string | null,
    from: now,
    to: new Date(now.getTime() + 2 * H),
    kind: "cover" as const,
    by: "dana",
    at: now,
    zone: "Europe/Berlin",
    ...over,
  });

  it("takes over the replaced person's duty in the window", () => {
    const plan = planCover(settings, primary, [], cover());
    expect(plan.windows).toEqual([{ from: now, to: at("2026-11-03T14:00:00Z") }]);
    expect(plan.change).toEqual({
      add: [
        {
          id: "c",
          rotation: "primary",
          personId: "dana",
          from: now.toISOString(),
          to: "2026-11-03T14:00:00.000Z",
          kind: "cover",
          replaces: "alice",
          by: "dana",
          at: now.toISOString(),
        },
      ],
    });
  });

  it("ends at a handoff inside the window: the next person's shift is not theirs to give", () => {
    const from = at("2026-11-09T07:00:00Z");
    const plan = planCover(settings, primary, [], cover({ from, to: new Date(from.getTime() + 2 * H) }));
    expect(plan.windows).toEqual([{ from, to: at("2026-11-09T08:00:00Z") }]);
  });

  it("cuts an override that had put the replaced person on around itself", () => {
    const o1 = override({
      id: "o1",
      personId: "bob",
      replaces: "alice",
      from: "2026-11-03T10:00:00Z",
      to: "2026-11-04T10:00:00Z",
    });
    const plan = planCover(settings, primary, [o1], cover({ personId: "carol", replaces: "bob" }));
    expect(plan.change.remove).toEqual(["o1"]);
    const after = apply([o1], plan.change);
    expect(noOverlaps(after)).toBe(true);
    const segments = dutyBetween(
      primary,
      indexOverrides(after),
      at("2026-11-03T09:00:00Z"),
      at("2026-11-04T11:00:00Z"),
    );
    expect(segments.map((s) => [s.personId, s.from.toISOString(), s.to.toISOString()])).toEqual([
      ["alice", "2026-11-03T09:00:00.000Z", "2026-11-03T10:00:00.000Z"],
      ["bob", "2026-11-03T10:00:00.000Z", "2026-11-03T12:00:00.000Z"],
      ["carol", "2026-11-03T12:00:00.000Z", "2026-11-03T14:00:00.000Z"],
      ["bob", "2026-11-03T14:00:00.000Z", "2026-11-04T10:00:00.000Z"],
      ["alice", "2026-11-04T10:00:00.000Z", "2026-11-04T11:00:00.000Z"],
    ]);
    // The pieces keep who made the override and why.
    expect(after.find((o) => o.id === "o1.b")).toMatchObject({
      by: "dana",
      kind: "override",
      replaces: "alice",
    });
  });

  it("is refused when the replaced person is not on in the window, or covers themselves", () => {
    expect(refusal(() => planCover(settings, primary, [], cover({ replaces: "bob" }))).code).toBe(
      "cover_nothing",
    );
    expect(refusal(() => planCover(settings, primary, [], cover({ personId: "alice" }))).code).toBe(
      "cover_self",
    );
  });
});

describe("an absence", () => {
  const away = (id: string, personId: string, from: string, to: string): Away => ({
    id,
    personId,
    from,
    to,
    by: personId,
    at: "2026-11-01T09:00:00Z",
  });
  const mine = away("a1", "bob", "2026-11-10T00:00:00Z", "2026-11-12T00:00:00Z");

  it("is added next to another, or beside someone else's", () => {
    const next = away("a2", "bob", "2026-11-12T00:00:00Z", "2026-11-13T00:00:00Z");
    expect(planAway([mine], next, "UTC")).toEqual({ add: [next] });
    const other = away("a3", "alice", "2026-11-11T00:00:00Z", "2026-11-13T00:00:00Z");
    expect(planAway([mine], other, "UTC")).toEqual({ add: [other] });
  });

  it("is refused over one already declared, naming it in the asker's zone", () => {
    const e = refusal(() =>
      planAway([mine], away("a2", "bob", "2026-11-11T00:00:00Z", "2026-11-14T00:00:00Z"), "America/New_York"),
    );
    expect(e.code).toBe("away_overlap");
    expect(e.message).toContain(
      "You already said you are away from Mon 9 Nov 19:00 EST to Wed 11 Nov 19:00 EST",
    );
  });
});
