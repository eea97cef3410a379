import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clipSegments, outsideWindows, shiftMoves } from "../../src/core/oncall/moves.js";
import type { DutySegment, Override } from "../../src/core/oncall/types.js";

/** Hours after a fixed instant (Mon 2 Nov 2026 00:00 UTC), so tables read as hour numbers. */
const T0 = Date.parse("2026-11-02T00:00:00Z");
const h = (n: number) => new Date(T0 + n * 3_600_000);

const override = (personId: string): Override => ({
  id: `o-${personId}`,
  rotation: "primary",
  personId,
  from: h(0).toISOString(),
  to: h(1).toISOString(),
  kind: "override",
  by: "dana",
  at: h(0).toISOString(),
});

/** `[person, from hour, to hour]`, optionally from an override (the source must not matter). */
function seg(personId: string | null, from: number, to: number, viaOverride = false): DutySegment {
  return {
    personId,
    from: h(from),
    to: h(to),
    source:
      personId === null
        ? { kind: "nobody" }
        : viaOverride
          ? { kind: "override", override: override(personId) }
          : { kind: "layer", layer: 0, shiftIndex: from },
  };
}

/** Moves written back as hour numbers, for readable expectations. */
function hours(moves: ReturnType<typeof shiftMoves>) {
  const n = (d: Date) => (d.getTime() - T0) / 3_600_000;
  return moves.map((m) => ({
    personId: m.personId,
    gained: m.gained.map((w) => [n(w.from), n(w.to)]),
    lost: m.lost.map((w) => [n(w.from), n(w.to)]),
  }));
}

describe("shiftMoves", () => {
  it.each([
    {
      name: "the same schedule moves nobody",
      before: [seg("alice", 0, 24), seg("bob", 24, 48)],
      after: [seg("alice", 0, 24), seg("bob", 24, 48)],
      want: [],
    },
    {
      name: "an override in the middle of a shift: the taker gains it, the one replaced loses it",
      before: [seg("alice", 0, 24)],
      after: [seg("alice", 0, 8), seg("bob", 8, 12, true), seg("alice", 12, 24)],
      want: [
        { personId: "alice", gained: [], lost: [[8, 12]] },
        { personId: "bob", gained: [[8, 12]], lost: [] },
      ],
    },
    {
      name: "a swap of whole shifts: each gains the other's",
      before: [seg("alice", 0, 24), seg("bob", 24, 48)],
      after: [seg("bob", 0, 24, true), seg("alice", 24, 48, true)],
      want: [
        { personId: "alice", gained: [[24, 48]], lost: [[0, 24]] },
        { personId: "bob", gained: [[0, 24]], lost: [[24, 48]] },
      ],
    },
    {
      name: "the same person from another source (an override of their own shift) is no move",
      before: [seg("alice", 0, 24)],
      after: [seg("alice", 0, 10), seg("alice", 10, 24, true)],
      want: [],
    },
    {
      name: "adjacent windows of one person are merged into one",
      before: [seg("alice", 0, 48)],
      after: [seg("bob", 0, 24, true), seg("bob", 24, 48)],
      want: [
        { personId: "alice", gained: [], lost: [[0, 48]] },
        { personId: "bob", gained: [[0, 48]], lost: [] },
      ],
    },
    {
      name: "nobody is not a person: a gap filled tells only the one who fills it",
      before: [seg("alice", 0, 8), seg(null, 8, 16), seg("alice", 16, 24)],
      after: [seg("alice", 0, 8), seg("carol", 8, 16, true), seg("alice", 16, 24)],
      want: [{ personId: "carol", gained: [[8, 16]], lost: [] }],
    },
    {
      name: "a shift cut short leaves a gap: the person loses the end",
      before: [seg("alice", 0, 24)],
      after: [seg("alice", 0, 20), seg(null, 20, 24)],
      want: [{ personId: "alice", gained: [], lost: [[20, 24]] }],
    },
    {
      name: "a rotation order changed: people in first-change order, several windows each",
      before: [seg("alice", 0, 12), seg("bob", 12, 24), seg("carol", 24, 36), seg("alice", 36, 48)],
      after: [seg("alice", 0, 12), seg("carol", 12, 24), seg("bob", 24, 36), seg("alice", 36, 48)],
      want: [
        { personId: "bob", gained: [[24, 36]], lost: [[12, 24]] },
        { personId: "carol", gained: [[12, 24]], lost: [[24, 36]] },
      ],
    },
    {
      name: "partial overlap of old and new windows: only the differences",
      before: [seg("alice", 0, 10), seg("bob", 10, 20)],
      after: [seg("alice", 0, 14), seg("bob", 14, 20)],
      want: [
        { personId: "alice", gained: [[10, 14]], lost: [] },
        { personId: "bob", gained: [], lost: [[10, 14]] },
      ],
    },
  ])("$name", ({ before, after, want }) => {
    expect(hours(shiftMoves(before, after))).toEqual(want);
  });

  it("is symmetric: swapping before and after swaps gained and lost", () => {
    const before = [seg("alice", 0, 10), seg("bob", 10, 20), seg(null, 20, 30)];
    const after = [seg("bob", 0, 5), seg("alice", 5, 25), seg("carol", 25, 30)];
    const forward = hours(shiftMoves(before, after));
    const backward = hours(shiftMoves(after, before));
    const flip = (m: (typeof forward)[number]) => ({ personId: m.personId, gained: m.lost, lost: m.gained });
    const byId = (a: { personId: string }, b: { personId: string }) => a.personId.localeCompare(b.personId);
    expect(backward.sort(byId)).toEqual(forward.map(flip).sort(byId));
  });

  it("works across a DST change: windows are instants, 23- and 25-hour days included", () => {
    // Europe/Berlin falls back on Sun 25 Oct 2026: Sat 09:00 CEST → Sun 09:00 CET is 25 hours.
    const sat = new Date("2026-10-24T07:00:00Z");
    const sun = new Date("2026-10-25T08:00:00Z");
    const mon = new Date("2026-10-26T08:00:00Z");
    const layer = { kind: "layer", layer: 0, shiftIndex: 0 } as const;
    const moves = shiftMoves(
      [
        { personId: "alice", from: sat, to: sun, source: layer },
        { personId: "bob", from: sun, to: mon, source: layer },
      ],
      [
        { personId: "bob", from: sat, to: sun, source: layer },
        { personId: "alice", from: sun, to: mon, source: layer },
      ],
    );
    expect(moves.map((m) => m.personId)).toEqual(["alice", "bob"]);
    const saturday = moves[0]?.lost[0];
    expect(saturday && saturday.to.getTime() - saturday.from.getTime()).toBe(25 * 3_600_000);
    expect(moves[0]?.gained).toEqual([{ from: sun, to: mon }]);
  });
});

describe("clipSegments", () => {
  it("cuts segments to the window and drops those outside it", () => {
    const clipped = clipSegments(
      [seg("alice", 0, 10), seg("bob", 10, 20), seg("carol", 20, 30)],
      h(5),
      h(20),
    );
    expect(clipped.map((s) => [s.personId, s.from, s.to])).toEqual([
      ["alice", h(5), h(10)],
      ["bob", h(10), h(20)],
    ]);
  });
});

describe("outsideWindows", () => {
  const w = (from: number, to: number) => ({ from: h(from), to: h(to) });

  it.each([
    {
      name: "a move entirely inside an override's window is no move",
      moves: shiftMoves([seg("alice", 0, 24)], [seg("bob", 0, 24)]),
      windows: [w(0, 24)],
      want: [],
    },
    {
      name: "a move partly covered keeps the uncovered parts, on both sides of the window",
      moves: shiftMoves([seg("alice", 0, 24)], [seg("bob", 0, 24)]),
      windows: [w(8, 12)],
      want: [
        {
          personId: "alice",
          gained: [],
          lost: [
            [0, 8],
            [12, 24],
          ],
        },
        {
          personId: "bob",
          gained: [
            [0, 8],
            [12, 24],
          ],
          lost: [],
        },
      ],
    },
    {
      name: "overlapping and unsorted windows are merged",
      moves: shiftMoves([seg("alice", 0, 24)], [seg("bob", 0, 24)]),
      windows: [w(10, 20), w(0, 6), w(4, 12)],
      want: [
        { personId: "alice", gained: [], lost: [[20, 24]] },
        { personId: "bob", gained: [[20, 24]], lost: [] },
      ],
    },
    {
      name: "no windows: the moves as they are",
      moves: shiftMoves([seg("alice", 0, 12), seg("bob", 12, 24)], [seg("bob", 0, 12), seg("alice", 12, 24)]),
      windows: [],
      want: [
        { personId: "alice", gained: [[12, 24]], lost: [[0, 12]] },
        { personId: "bob", gained: [[0, 12]], lost: [[12, 24]] },
      ],
    },
  ])("$name", ({ moves, windows, want }) => {
    expect(hours(outsideWindows(moves, windows))).toEqual(want);
  });

  /**
   * The point of it: for any two base schedules and any overrides, the base moves cut by the override windows
   * are exactly the moves of the schedules people work (overrides applied on top of each base).
   */
  it("equals the moves of the effective schedules, whatever the bases and overrides", () => {
    const HOURS = 24;
    const person = fc.constantFrom<string | null>("alice", "bob", "carol", null);
    const schedule = fc.array(person, { minLength: HOURS, maxLength: HOURS });
    const overrideWindow = fc
      .tuple(fc.integer({ min: 0, max: HOURS - 1 }), fc.integer({ min: 1, max: 6 }), person)
      .map(([from, length, who]) => ({ from, to: Math.min(HOURS, from + length), who: who ?? "dana" }));
    fc.assert(
      fc.property(schedule, schedule, fc.array(overrideWindow, { maxLength: 4 }), (before, after, raw) => {
        // Overrides never overlap: keep each one only if it does not overlap those kept.
        const overrides = raw.filter((o, i) => !raw.slice(0, i).some((p) => p.from < o.to && o.from < p.to));
        const effective = (base: (string | null)[]) =>
          base.map((p, hour) => overrides.find((o) => o.from <= hour && hour < o.to)?.who ?? p);
        const segments = (hourly: (string | null)[]) => hourly.map((p, hour) => seg(p, hour, hour + 1));
        const windows = overrides.map((o) => w(o.from, o.to));
        const cut = outsideWindows(shiftMoves(segments(before), segments(after)), windows);
        const worked = shiftMoves(segments(effective(before)), segments(effective(after)));
        const byId = (a: { personId: string }, b: { personId: string }) =>
          a.personId.localeCompare(b.personId);
        expect(hours(cut).sort(byId)).toEqual(hours(worked).sort(byId));
      }),
      { numRuns: 300 },
    );
  });
});
