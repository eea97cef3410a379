import { describe, expect, it } from "vitest";
import { indexOverrides } from "../../src/core/oncall/override-index.js";
import { planFrame } from "../../src/core/oncall/plan-slots.js";
import { parseRotation, type RotationInput } from "../../src/core/oncall/rotation.js";
import type { Layer, OncallRotation, Override, Restriction } from "../../src/core/oncall/types.js";

// Instants are written with the offset in force in Berlin, so each reads as local time.

function layer(over: Partial<RotationInput> = {}, name = "base", restrict?: Restriction[]): Layer {
  const parsed = parseRotation({
    id: "primary",
    members: ["alice", "bob", "dana", "erin"],
    shift: "1w",
    handoff: "Mon 09:00",
    timezone: "Europe/Berlin",
    start: "2026-11-02",
    ...over,
  });
  if (!parsed.ok) throw new Error(parsed.error);
  return { ...parsed.rotation, name, ...(restrict && { restrict }) };
}

const rotation = (...layers: Layer[]): OncallRotation => ({
  id: "primary",
  layers,
  notifyBeforeMs: 3_600_000,
});
const at = (iso: string) => Date.parse(iso);
const override = (personId: string, from: string, to: string): Override => ({
  id: `o-${personId}-${from}`,
  rotation: "primary",
  personId,
  from: new Date(from).toISOString(),
  to: new Date(to).toISOString(),
  kind: "override",
  by: personId,
  at: "2026-11-01T00:00:00Z",
});
const NOW = new Date("2026-11-03T13:00+01:00");

describe("planFrame", () => {
  it("takes the first layer's shifts starting in the next weeks, and the past load from the weeks before", () => {
    const frame = planFrame(rotation(layer()), indexOverrides([]), NOW, 4);
    expect(frame.slots).toEqual([
      {
        index: 1,
        from: at("2026-11-09T09:00+01:00"),
        to: at("2026-11-16T09:00+01:00"),
        current: "bob",
        fixed: false,
      },
      {
        index: 2,
        from: at("2026-11-16T09:00+01:00"),
        to: at("2026-11-23T09:00+01:00"),
        current: "dana",
        fixed: false,
      },
      {
        index: 3,
        from: at("2026-11-23T09:00+01:00"),
        to: at("2026-11-30T09:00+01:00"),
        current: "erin",
        fixed: false,
      },
      {
        index: 4,
        from: at("2026-11-30T09:00+01:00"),
        to: at("2026-12-07T09:00+01:00"),
        current: "alice",
        fixed: false,
      },
    ]);
    // The shift running now (Alice's) counts as served.
    expect(frame.pastLoad).toEqual({ alice: 1 });
    expect(frame.lastShiftEnd).toEqual({ alice: at("2026-11-09T09:00+01:00") });
    expect(frame.layer.name).toBe("base");
    // Alice holds the shift running now: the one right before the first slot.
    expect(frame.previous).toBe("alice");
  });

  it("the shift running now is held by whoever has most of it, an override included; none before the start", () => {
    const covered = planFrame(
      rotation(layer()),
      indexOverrides([override("erin", "2026-11-03T09:00+01:00", "2026-11-09T09:00+01:00")]),
      NOW,
      2,
    );
    expect(covered.previous).toBe("erin");
    const notStarted = planFrame(rotation(layer({ start: "2026-12-07" })), indexOverrides([]), NOW, 6);
    expect(notStarted.previous).toBeNull();
    expect(notStarted.slots[0]?.current).toBe("alice");
  });

  it("counts 12 weeks back, overrides included, each shift for whoever held most of it", () => {
    // From 1 Jun, shift k starts 7k days later. Twelve weeks before NOW is Tue 11 Aug 13:00, so shifts 11
    // (17 Aug, Erin) to 22 (2 Nov, Dana, running now) count: three each.
    const l = layer({ start: "2026-06-01" });
    expect(planFrame(rotation(l), indexOverrides([]), NOW, 1).pastLoad).toEqual({
      erin: 3,
      alice: 3,
      bob: 3,
      dana: 3,
    });
    const frame = planFrame(
      rotation(l),
      indexOverrides([
        // Erin covers 4 of the 7 days of Alice's week of 19 Oct (shift 20, across the DST change): hers now.
        override("erin", "2026-10-19T09:00+02:00", "2026-10-23T09:00+02:00"),
        // Bob covers one day of Dana's week running now: still Dana's.
        override("bob", "2026-11-03T09:00+01:00", "2026-11-04T09:00+01:00"),
      ]),
      NOW,
      1,
    );
    expect(frame.pastLoad).toEqual({ erin: 4, alice: 2, bob: 3, dana: 3 });
    expect(frame.lastShiftEnd.erin).toBe(at("2026-10-26T09:00+01:00"));
    expect(frame.lastShiftEnd.dana).toBe(at("2026-11-09T09:00+01:00"));
    expect(frame.previous).toBe("dana");
  });

  it("a planned shift an override touches is fixed, held by whoever has most of it", () => {
    const frame = planFrame(
      rotation(layer()),
      indexOverrides([
        override("erin", "2026-11-17T09:00+01:00", "2026-11-18T09:00+01:00"), // 1 day of Dana's week
        override("alice", "2026-11-23T09:00+01:00", "2026-11-28T09:00+01:00"), // 5 days of Erin's
      ]),
      NOW,
      4,
    );
    expect(frame.slots.map((s) => [s.index, s.current, s.fixed])).toEqual([
      [1, "bob", false],
      [2, "dana", true],
      [3, "alice", true],
      [4, "alice", false],
    ]);
  });

  it("steps across a DST change: a daily shift on the night clocks go forward lasts 23 hours", () => {
    const daily = layer({ shift: "1d", handoff: "09:00", start: "2026-03-01", members: ["ana", "ben"] });
    const frame = planFrame(rotation(daily), indexOverrides([]), new Date("2026-03-28T10:00+01:00"), 1);
    const first = frame.slots[0];
    expect(first?.from).toBe(at("2026-03-29T09:00+02:00"));
    expect(frame.slots.length).toBe(7);
    const saturday = planFrame(rotation(daily), indexOverrides([]), new Date("2026-03-28T08:00+01:00"), 1)
      .slots[0];
    expect(saturday?.from).toBe(at("2026-03-28T09:00+01:00"));
    expect(saturday && saturday.to - saturday.from).toBe(23 * 3_600_000);
  });

  it("a restricted first layer: time the layer below fills is not anyone's turn in the first", () => {
    const office = layer({ members: ["alice", "bob"] }, "office", [
      { days: ["Mon", "Tue", "Wed", "Thu", "Fri"], from: "09:00", to: "17:00" },
    ]);
    const nights = layer({ members: ["zoe"] }, "nights");
    const frame = planFrame(rotation(office, nights), indexOverrides([]), NOW, 2);
    // Zoe holds most hours of Alice's week through the layer below, but the week is Alice's turn.
    expect(frame.pastLoad).toEqual({ alice: 1 });
    expect(frame.slots.map((s) => s.current)).toEqual(["bob", "alice"]);
  });

  it("no shift starting in the window: no slots", () => {
    const fortnightly = layer({ shift: "4w" });
    expect(planFrame(rotation(fortnightly), indexOverrides([]), NOW, 1).slots).toEqual([]);
  });
});
