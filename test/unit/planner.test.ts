import { describe, expect, it } from "vitest";
import { draftPlan, type PlanInput, type PlanSlot } from "../../src/core/oncall/planner.js";

const WEEK = 7 * 86_400_000;
const T0 = Date.parse("2026-11-02T08:00:00Z"); // Mon 09:00 Berlin

/** `n` weekly slots from T0, nobody fixed; `current` cycles through `on` (the schedule as it stands). */
function weeks(n: number, on: readonly string[] = ["x"]): PlanSlot[] {
  return Array.from({ length: n }, (_, i) => ({
    index: i,
    from: T0 + i * WEEK,
    to: T0 + (i + 1) * WEEK,
    current: on[i % on.length] ?? null,
    fixed: false,
  }));
}

function input(over: Partial<PlanInput>): PlanInput {
  return { slots: weeks(4), members: ["ana", "ben"], absences: [], pastLoad: {}, asked: {}, ...over };
}

const people = (plan: ReturnType<typeof draftPlan>) => plan.slots.map((s) => s.personId);

describe("draftPlan", () => {
  it("alternates two people with equal load, the first member first", () => {
    const plan = draftPlan(input({}));
    expect(people(plan)).toEqual(["ana", "ben", "ana", "ben"]);
    expect(plan.spread).toBe(0);
    expect(plan.backToBack).toBe(0);
    expect(plan.unfilled).toBe(0);
    expect(plan.counts).toEqual([
      { personId: "ana", past: 0, planned: 2, total: 2 },
      { personId: "ben", past: 0, planned: 2, total: 2 },
    ]);
  });

  it("never puts someone on a slot they are away for, even for an hour of it", () => {
    const plan = draftPlan(
      input({
        members: ["ana", "ben", "cai"],
        // Ana is away for one hour in the middle of the second week.
        absences: [
          { personId: "ana", from: T0 + WEEK + 3 * 86_400_000, to: T0 + WEEK + 3 * 86_400_000 + 3_600_000 },
        ],
        slots: weeks(3),
      }),
    );
    expect(plan.slots[1]?.personId).not.toBe("ana");
    expect(people(plan)).toEqual(["ana", "ben", "cai"]);
  });

  it("an absence touching a slot only at its boundary does not count (half-open windows)", () => {
    const plan = draftPlan(
      input({ slots: weeks(1), absences: [{ personId: "ana", from: T0 - WEEK, to: T0 }] }),
    );
    expect(people(plan)).toEqual(["ana"]);
  });

  it("leaves a slot everyone is away for unfilled, saying why", () => {
    const plan = draftPlan(
      input({
        slots: weeks(2),
        absences: [
          { personId: "ana", from: T0, to: T0 + WEEK },
          { personId: "ben", from: T0 + 86_400_000, to: T0 + 2 * 86_400_000 },
        ],
      }),
    );
    expect(plan.slots[0]).toMatchObject({ personId: null, reason: "everyone_away" });
    expect(plan.slots[1]?.personId).toBe("ana");
    expect(plan.unfilled).toBe(1);
  });

  it("someone with less past load catches up, the totals end even", () => {
    const plan = draftPlan(
      input({ members: ["ana", "ben", "cai"], pastLoad: { ana: 3, ben: 1 }, slots: weeks(5) }),
    );
    expect(plan.counts.map((c) => c.total)).toEqual([3, 3, 3]);
    expect(plan.spread).toBe(0);
    expect(plan.plannedSpread).toBe(3);
    // Cai needs three of the five and Ben two; no two of Cai's are next to each other.
    expect(people(plan)).toEqual(["cai", "ben", "cai", "ben", "cai"]);
    expect(plan.backToBack).toBe(0);
  });

  it("keeps fixed slots and counts them toward their person's load", () => {
    const slots = weeks(4);
    slots[3] = { ...(slots[3] as PlanSlot), current: "ana", fixed: true };
    const plan = draftPlan(input({ slots }));
    expect(plan.slots[3]).toMatchObject({ personId: "ana", fixed: true });
    expect(plan.counts.map((c) => c.planned)).toEqual([2, 2]);
    // Ana is already on the last week, so the week before it goes to Ben.
    expect(plan.slots[2]?.personId).toBe("ben");
    expect(plan.backToBack).toBe(0);
  });

  it("a fixed slot for someone outside the members is kept and counts for nobody", () => {
    const slots = weeks(2);
    slots[0] = { ...(slots[0] as PlanSlot), current: "zoe", fixed: true };
    const plan = draftPlan(input({ slots }));
    expect(people(plan)).toEqual(["zoe", "ana"]);
    expect(plan.counts.map((c) => c.personId)).toEqual(["ana", "ben"]);
  });

  it("breaks ties by fewer recent asks, then longest since the last shift, then member order", () => {
    const T = T0 - WEEK;
    expect(people(draftPlan(input({ slots: weeks(1), asked: { ana: [T] } })))).toEqual(["ben"]);
    expect(people(draftPlan(input({ slots: weeks(1), lastShiftEnd: { ana: T0, ben: T0 - WEEK } })))).toEqual([
      "ben",
    ]);
    expect(people(draftPlan(input({ slots: weeks(1), members: ["ben", "ana"] })))).toEqual(["ben"]);
    // Asks outrank the last shift.
    expect(
      people(
        draftPlan(input({ slots: weeks(1), asked: { ben: [T] }, lastShiftEnd: { ana: T0, ben: T0 - WEEK } })),
      ),
    ).toEqual(["ana"]);
  });

  it("does not hand the next slot to whoever served the last shift before the plan when someone else can", () => {
    const plan = draftPlan(input({ slots: weeks(2), lastShiftEnd: { ana: T0 } }));
    expect(people(plan)).toEqual(["ben", "ana"]);
  });

  describe("the shift running now (previous)", () => {
    const three = { members: ["ana", "ben", "cai"], slots: weeks(3), pastLoad: { ana: 1, ben: 1, cai: 1 } };

    it("keeps whoever holds the running shift off slot 0 when someone else can take it", () => {
      // Without it Ana, first in member order, would get slot 0 right after her own shift.
      expect(people(draftPlan(input(three)))).toEqual(["ana", "ben", "cai"]);
      const plan = draftPlan(input({ ...three, previous: "ana" }));
      // Slot 1 is next to Ben only, so Ana (first in member order) may have it.
      expect(people(plan)).toEqual(["ben", "ana", "cai"]);
      expect(plan.backToBack).toBe(0);
      expect(plan.spread).toBe(0);
    });

    it("counts a run with the running shift when it cannot be avoided", () => {
      const plan = draftPlan(
        input({
          ...three,
          previous: "ana",
          absences: [
            { personId: "ben", from: T0, to: T0 + WEEK },
            { personId: "cai", from: T0, to: T0 + WEEK },
          ],
        }),
      );
      expect(people(plan)).toEqual(["ana", "ben", "cai"]);
      expect(plan.backToBack).toBe(1);
    });

    it("the repair pass breaks a run with the running shift that evenness made the greedy pass start", () => {
      // Ana served one shift fewer (the running one aside), so greedy gives her slot 0; swapping it with Ben's
      // slot 1 keeps every count and breaks the run.
      const plan = draftPlan(
        input({
          members: ["ana", "ben", "cai"],
          slots: weeks(4),
          pastLoad: { ben: 1, cai: 1 },
          previous: "ana",
        }),
      );
      expect(people(plan)).toEqual(["ben", "ana", "cai", "ana"]);
      expect(plan.backToBack).toBe(0);
      expect(plan.counts.map((c) => c.total)).toEqual([2, 2, 2]);
    });

    it("someone outside the members holding the running shift changes nothing", () => {
      expect(people(draftPlan(input({ ...three, previous: "zoe" })))).toEqual(["ana", "ben", "cai"]);
      expect(draftPlan(input({ ...three, previous: null })).backToBack).toBe(0);
    });
  });

  it("repairs back-to-back runs the greedy pass leaves, without changing anyone's count", () => {
    // Ben is away for weeks 0 and 1, so greedy gives Ana both; a swap with a later week breaks the run.
    const plan = draftPlan(
      input({
        members: ["ana", "ben", "cai"],
        slots: weeks(6),
        absences: [
          { personId: "ben", from: T0, to: T0 + 2 * WEEK },
          { personId: "cai", from: T0, to: T0 + 2 * WEEK },
        ],
      }),
    );
    // Weeks 0 and 1 can only be Ana's: unavoidable.
    expect(people(plan).slice(0, 2)).toEqual(["ana", "ana"]);
    expect(plan.backToBack).toBe(1);
    expect(plan.counts.map((c) => c.planned)).toEqual([2, 2, 2]);
  });

  it("swaps to avoid a run when the counts allow it", () => {
    // Cai served two shifts fewer: the greedy pass hands Cai weeks 0 and 1 to catch up, and the repair pass
    // swaps week 1 with a later week, so Cai still gets two but not in a row.
    const plan = draftPlan(
      input({ members: ["ana", "ben", "cai"], slots: weeks(4), pastLoad: { ana: 2, ben: 2 } }),
    );
    expect(people(plan)).toEqual(["cai", "ana", "cai", "ben"]);
    expect(plan.backToBack).toBe(0);
    expect(plan.counts.map((c) => c.total)).toEqual([3, 3, 2]);
  });

  it("a swap never puts someone on a week they are away for", () => {
    // As above, but Cai is away in week 2 and Ana in week 3. Even totals need Cai on three of weeks 0, 1, 3
    // and 4, so one run is unavoidable; the swaps that would break it put someone on a week they are away for.
    const plan = draftPlan(
      input({
        members: ["ana", "ben", "cai"],
        slots: weeks(5),
        pastLoad: { ana: 2, ben: 2 },
        absences: [
          { personId: "cai", from: T0 + 2 * WEEK, to: T0 + 3 * WEEK },
          { personId: "ana", from: T0 + 3 * WEEK, to: T0 + 4 * WEEK },
        ],
      }),
    );
    expect(plan.slots[2]?.personId).not.toBe("cai");
    expect(plan.slots[3]?.personId).not.toBe("ana");
    expect(plan.spread).toBe(0);
    expect(plan.backToBack).toBe(1);
  });

  it("evens out what the greedy pass could not foresee, before avoiding back-to-back runs", () => {
    // Ana is away for weeks 2 and 3: she must take weeks 0 and 1 for the counts to be even, although that
    // makes two runs; evenness comes first.
    const plan = draftPlan(
      input({ absences: [{ personId: "ana", from: T0 + 2 * WEEK, to: T0 + 4 * WEEK }] }),
    );
    expect(people(plan)).toEqual(["ana", "ana", "ben", "ben"]);
    expect(plan.spread).toBe(0);
    expect(plan.backToBack).toBe(2);
  });

  it("reports the counts in member order and ignores duplicate members", () => {
    const plan = draftPlan(input({ members: ["ben", "ana", "ben"], slots: weeks(3) }));
    expect(plan.counts.map((c) => c.personId)).toEqual(["ben", "ana"]);
    expect(people(plan)).toEqual(["ben", "ana", "ben"]);
  });

  it("plans slots in time order whatever order they are given in", () => {
    const plan = draftPlan(input({ slots: weeks(3).reverse() }));
    expect(plan.slots.map((s) => s.index)).toEqual([0, 1, 2]);
    expect(people(plan)).toEqual(["ana", "ben", "ana"]);
  });

  it("an empty plan", () => {
    expect(draftPlan(input({ slots: [] }))).toMatchObject({
      slots: [],
      spread: 0,
      backToBack: 0,
      unfilled: 0,
    });
  });
});
