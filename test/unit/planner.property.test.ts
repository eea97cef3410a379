import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { draftPlan, type PlanAbsence, type PlanInput, type PlanSlot } from "../../src/core/oncall/planner.js";

/**
 * Properties of the planner over random rotations: slots of random lengths (hours to weeks, back to back as a
 * layer's shifts are), random members, absences, past load, asks and fixed slots.
 */
const PEOPLE = ["ana", "ben", "cai", "dev", "eli", "fay", "gus", "hal"];
const HOUR = 3_600_000;
const T0 = Date.parse("2026-11-02T08:00:00Z");

const slotsArb = (fixedPeople: fc.Arbitrary<string | null>) =>
  fc
    .array(
      fc.record({
        hours: fc.integer({ min: 1, max: 24 * 14 }),
        fixed: fc.boolean(),
        person: fixedPeople,
      }),
      { minLength: 0, maxLength: 40 },
    )
    .map((raw) => {
      let at = T0;
      return raw.map(({ hours, fixed, person }, index): PlanSlot => {
        const slot = {
          index,
          from: at,
          to: at + hours * HOUR,
          current: person,
          fixed: fixed && person !== null,
        };
        at = slot.to;
        return slot;
      });
    });

const absenceArb: fc.Arbitrary<PlanAbsence> = fc
  .record({
    personId: fc.constantFrom(...PEOPLE),
    start: fc.integer({ min: -24 * 14, max: 24 * 7 * 40 }),
    hours: fc.integer({ min: 1, max: 24 * 21 }),
  })
  .map(({ personId, start, hours }) => ({
    personId,
    from: T0 + start * HOUR,
    to: T0 + (start + hours) * HOUR,
  }));

const membersArb = fc.uniqueArray(fc.constantFrom(...PEOPLE), { minLength: 1, maxLength: 8 });

const inputArb: fc.Arbitrary<PlanInput> = fc
  .record({
    members: membersArb,
    slots: slotsArb(fc.option(fc.constantFrom(...PEOPLE, "zoe"), { nil: null })),
    absences: fc.array(absenceArb, { maxLength: 25 }),
    past: fc.dictionary(fc.constantFrom(...PEOPLE), fc.integer({ min: 0, max: 12 })),
    asked: fc.dictionary(
      fc.constantFrom(...PEOPLE),
      fc.array(fc.integer({ min: T0 - 30 * 24 * HOUR, max: T0 }), { maxLength: 4 }),
    ),
    lastShiftEnd: fc.dictionary(
      fc.constantFrom(...PEOPLE),
      fc.integer({ min: T0 - 90 * 24 * HOUR, max: T0 }),
    ),
    previous: fc.option(fc.constantFrom(...PEOPLE, "zoe"), { nil: null }),
  })
  .map(({ members, slots, absences, past, asked, lastShiftEnd, previous }) => ({
    members,
    slots,
    absences,
    pastLoad: past,
    asked,
    lastShiftEnd,
    previous,
  }));

const overlaps = (a: PlanAbsence, s: PlanSlot) => a.from < s.to && a.to > s.from;

describe("draftPlan properties", () => {
  it("never schedules someone away at any instant of a slot it fills", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const plan = draftPlan(input);
        for (const slot of plan.slots) {
          if (slot.fixed || slot.personId === null) continue;
          for (const a of input.absences) {
            if (a.personId === slot.personId) expect(overlaps(a, slot)).toBe(false);
          }
          expect(input.members).toContain(slot.personId);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("leaves a slot unfilled only when every member is away for part of it", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        for (const slot of draftPlan(input).slots) {
          if (slot.fixed || slot.personId !== null) continue;
          expect(slot.reason).toBe("everyone_away");
          for (const m of input.members)
            expect(input.absences.some((a) => a.personId === m && overlaps(a, slot))).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("keeps fixed slots exactly as they were", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const plan = draftPlan(input);
        const byIndex = new Map(plan.slots.map((s) => [s.index, s]));
        for (const slot of input.slots.filter((s) => s.fixed)) {
          expect(byIndex.get(slot.index)).toMatchObject({ ...slot, personId: slot.current });
        }
        expect(plan.slots).toHaveLength(input.slots.length);
      }),
      { numRuns: 300 },
    );
  });

  it("is deterministic", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        expect(draftPlan(input)).toEqual(draftPlan(structuredClone(input)));
      }),
      { numRuns: 200 },
    );
  });

  it("with no absences and equal past load the spread is at most 1, and nobody serves back to back", () => {
    fc.assert(
      fc.property(
        membersArb.filter((m) => m.length >= 2),
        slotsArb(fc.constant(null)),
        fc.integer({ min: 0, max: 10 }),
        fc.nat(),
        (members, slots, past, holder) => {
          const plan = draftPlan({
            members,
            slots,
            absences: [],
            pastLoad: Object.fromEntries(members.map((m) => [m, past])),
            asked: {},
            // Whoever holds the running shift: slot 0 must not go to them either.
            previous: members[holder % members.length] ?? null,
          });
          expect(plan.spread).toBeLessThanOrEqual(1);
          expect(plan.backToBack).toBe(0);
          expect(plan.unfilled).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("with no absences and past loads within one of each other, nobody serves back to back", () => {
    fc.assert(
      fc.property(
        membersArb.filter((m) => m.length >= 2),
        slotsArb(fc.constant(null)),
        fc.integer({ min: 0, max: 10 }),
        fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
        (members, slots, base, bumps) => {
          const pastLoad = Object.fromEntries(members.map((m, i) => [m, base + (bumps[i] ? 1 : 0)]));
          const plan = draftPlan({ members, slots, absences: [], pastLoad, asked: {} });
          expect(plan.backToBack).toBe(0);
          expect(plan.spread).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("backToBack counts every pair of neighbouring slots held by one person, the running shift included", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const plan = draftPlan(input);
        const who = [input.previous ?? null, ...plan.slots.map((s) => s.personId)];
        const pairs = who.slice(1).filter((m, i) => m !== null && m === who[i]).length;
        expect(plan.backToBack).toBe(pairs);
      }),
      { numRuns: 300 },
    );
  });

  it("the counts add up: every filled slot held by a member is in exactly one count", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const plan = draftPlan(input);
        const members = new Set(input.members);
        const held = plan.slots.filter((s) => s.personId !== null && members.has(s.personId)).length;
        expect(plan.counts.reduce((n, c) => n + c.planned, 0)).toBe(held);
        const totals = plan.counts.map((c) => c.total);
        expect(plan.spread).toBe(totals.length ? Math.max(...totals) - Math.min(...totals) : 0);
      }),
      { numRuns: 200 },
    );
  });
});
