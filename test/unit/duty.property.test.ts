import { TZDate } from "@date-fns/tz";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dutyBetween, layerAt, MAX_LOOKBACK_MS, nowAndNext, onCallAt } from "../../src/core/oncall/duty.js";
import { indexOverrides } from "../../src/core/oncall/override-index.js";
import { onDutyAt, parseRotation } from "../../src/core/oncall/rotation.js";
import {
  type DutySegment,
  type Layer,
  type OncallRotation,
  type Override,
  type Restriction,
  WEEKDAYS,
} from "../../src/core/oncall/types.js";

// The zones the issue names (both hemispheres, a half-hour offset without DST) and two awkward ones: a
// half-hour DST (Lord Howe) and DST at midnight (Santiago, where 00:00 itself can vanish).
const ZONES = [
  "Europe/Berlin",
  "America/New_York",
  "Australia/Sydney",
  "Asia/Kolkata",
  "Australia/Lord_Howe",
  "America/Santiago",
];
const PEOPLE = ["ana", "ben", "cai", "dev", "eli"];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const hhmm = fc
  .tuple(
    fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 23 })),
    fc.constantFrom(0, 15, 30, 45),
  )
  .map(([h, m]) => `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`);

const restriction: fc.Arbitrary<Restriction> = fc.record({
  days: fc.uniqueArray(fc.constantFrom(...WEEKDAYS), { minLength: 1, maxLength: 7 }),
  from: hhmm,
  to: hhmm,
});

const layerArb = (zone: string, name: string): fc.Arbitrary<Layer> =>
  fc
    .record({
      members: fc.uniqueArray(fc.constantFrom(...PEOPLE), { minLength: 1, maxLength: 4 }),
      shift: fc.constantFrom("4h", "8h", "12h", "24h", "5h", "1d", "2d", "1w", "2w"),
      time: hhmm,
      start: fc.date({
        min: new Date("2026-01-01T00:00Z"),
        max: new Date("2028-06-01T00:00Z"),
        noInvalidDate: true,
      }),
      restrict: fc.option(fc.array(restriction, { minLength: 1, maxLength: 3 }), { nil: undefined }),
    })
    .map(({ members, shift, time, start, restrict }) => {
      const parsed = parseRotation({
        id: "r",
        members,
        shift,
        handoff: time,
        timezone: zone,
        start: start.toISOString().slice(0, 10),
      });
      if (!parsed.ok) throw new Error(parsed.error);
      return { ...parsed.rotation, name, ...(restrict && { restrict }) };
    });

const rotationArb: fc.Arbitrary<OncallRotation> = fc
  .constantFrom(...ZONES)
  .chain((zone) =>
    fc.array(fc.nat(), { minLength: 1, maxLength: 3 }).map((ids) => ({ zone, count: ids.length })),
  )
  .chain(({ zone, count }) =>
    fc.tuple(...Array.from({ length: count }, (_, i) => layerArb(zone, `layer-${i}`))).map((layers) => ({
      id: "r",
      layers,
      notifyBeforeMs: HOUR,
    })),
  );

/** A window of up to 12 days, mostly around the starts above, so DST changes and the first handoff fall in it. */
const windowArb = fc
  .tuple(
    fc.date({ min: new Date("2025-12-01T00:00Z"), max: new Date("2028-12-01T00:00Z"), noInvalidDate: true }),
    fc.integer({ min: 1, max: 12 * DAY }),
  )
  .map(([from, length]) => ({ from: from.getTime(), to: from.getTime() + length }));

/** Non-overlapping overrides inside (and around) a window: cut points, sorted, paired up. */
const overridesArb = (from: number, to: number): fc.Arbitrary<Override[]> =>
  fc.uniqueArray(fc.integer({ min: from - DAY, max: to + DAY }), { maxLength: 8 }).chain((cuts) =>
    fc
      .array(fc.constantFrom(...PEOPLE, "zed"), { minLength: cuts.length, maxLength: cuts.length })
      .map((people) => {
        const sorted = [...cuts].sort((a, b) => a - b);
        const list: Override[] = [];
        for (let i = 0; i + 1 < sorted.length; i += 2) {
          list.push({
            id: `o${i}`,
            rotation: "r",
            personId: people[i] as string,
            from: new Date(sorted[i] as number).toISOString(),
            to: new Date(sorted[i + 1] as number).toISOString(),
            kind: "override",
            by: "dana",
            at: "2026-01-01T00:00:00.000Z",
          });
        }
        return list;
      }),
  );

const scenario = fc.tuple(rotationArb, windowArb).chain(([rotation, window]) =>
  fc.record({
    rotation: fc.constant(rotation),
    window: fc.constant(window),
    overrides: overridesArb(window.from, window.to),
    probes: fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), {
      minLength: 1,
      maxLength: 12,
    }),
  }),
);

const probeAt = (w: { from: number; to: number }, p: number) =>
  new Date(w.from + Math.floor(p * (w.to - w.from)));

/** Whether the instant lies in one of the layer's restriction windows, read with TZDate, independently. */
function insideWindowByReading(layer: Layer, t: Date): boolean | "ambiguous" {
  if (!layer.restrict) return true;
  const local = new TZDate(t.getTime(), layer.timezone);
  const minutes = local.getHours() * 60 + local.getMinutes();
  const today = WEEKDAYS[(local.getDay() + 6) % 7];
  const yesterday = WEEKDAYS[(local.getDay() + 5) % 7];
  const toMin = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3));
  let inside = false;
  for (const r of layer.restrict) {
    const from = toMin(r.from);
    const to = toMin(r.to);
    if (to > from) {
      if (r.days.includes(today as never) && minutes >= from && minutes < to) inside = true;
    } else {
      if (r.days.includes(today as never) && minutes >= from) inside = true;
      if (r.days.includes(yesterday as never) && minutes < to) inside = true;
    }
  }
  // Readings near a DST change are where the gap/overlap rule decides; that rule has its own unit tests.
  const offsets = [-3 * HOUR, 3 * HOUR].map((d) =>
    new TZDate(t.getTime() + d, layer.timezone).getTimezoneOffset(),
  );
  return offsets[0] !== offsets[1] || offsets[0] !== local.getTimezoneOffset() ? "ambiguous" : inside;
}

describe("duty properties", () => {
  it("at every instant each layer yields exactly one member of its own, or an explicit nobody", () => {
    fc.assert(
      fc.property(scenario, ({ rotation, window, probes }) => {
        for (const p of probes) {
          const t = probeAt(window, p);
          for (const layer of rotation.layers) {
            const on = layerAt(layer, t);
            const shift = onDutyAt(layer, t);
            if (!shift) {
              expect(on).toBeNull();
              continue;
            }
            const inside = insideWindowByReading(layer, t);
            if (on === null) {
              expect(inside).not.toBe(true);
            } else {
              expect(on).toStrictEqual({ personId: shift.personId, shiftIndex: shift.shiftIndex });
              expect(layer.members).toContain(on.personId);
              expect(inside).not.toBe(false);
            }
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it("onCallAt: an override if one covers the instant, else the first layer with someone, else nobody", () => {
    fc.assert(
      fc.property(scenario, ({ rotation, window, overrides, probes }) => {
        const index = indexOverrides(overrides);
        for (const p of probes) {
          const t = probeAt(window, p);
          const got = onCallAt(rotation, index, t);
          const covering = overrides.find(
            (o) => Date.parse(o.from) <= t.getTime() && t.getTime() < Date.parse(o.to),
          );
          if (covering) {
            // Overrides always win inside their window.
            expect(got).toStrictEqual({
              personId: covering.personId,
              source: { kind: "override", override: covering },
            });
            continue;
          }
          expect(got.source.kind).not.toBe("override");
          const first = rotation.layers.findIndex((l) => layerAt(l, t) !== null);
          if (first < 0) {
            expect(got).toStrictEqual({ personId: null, source: { kind: "nobody" } });
          } else {
            const on = layerAt(rotation.layers[first] as Layer, t);
            expect(got).toStrictEqual({
              personId: on?.personId,
              source: { kind: "layer", layer: first, shiftIndex: on?.shiftIndex },
            });
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it("dutyBetween tiles the window exactly, and agrees with onCallAt inside every segment", () => {
    fc.assert(
      fc.property(scenario, ({ rotation, window, overrides, probes }) => {
        const index = indexOverrides(overrides);
        const segments = dutyBetween(rotation, index, new Date(window.from), new Date(window.to));
        expect(segments.length).toBeGreaterThan(0);
        expect(segments[0]?.from.getTime()).toBe(window.from);
        expect(segments.at(-1)?.to.getTime()).toBe(window.to);
        for (let i = 0; i < segments.length; i++) {
          const s = segments[i] as DutySegment;
          expect(s.from.getTime()).toBeLessThan(s.to.getTime());
          expect(s.personId === null).toBe(s.source.kind === "nobody");
          const next = segments[i + 1];
          if (next) {
            expect(next.from.getTime()).toBe(s.to.getTime());
            // Adjacent pieces of one source are merged, so neighbours always differ in source.
            expect(JSON.stringify(next.source)).not.toBe(JSON.stringify(s.source));
          }
          // Both ends of each segment, from the inside, are what onCallAt says.
          for (const at of [s.from.getTime(), s.to.getTime() - 1]) {
            expect(onCallAt(rotation, index, new Date(at))).toStrictEqual({
              personId: s.personId,
              source: s.source,
            });
          }
        }
        for (const p of probes) {
          const t = probeAt(window, p);
          const covering = segments.find((s) => s.from <= t && t < s.to) as DutySegment;
          expect(onCallAt(rotation, index, t)).toStrictEqual({
            personId: covering.personId,
            source: covering.source,
          });
        }
      }),
      { numRuns: 150 },
    );
  });

  it("nowAndNext: the current stretch covers now, and each next one starts where the one before ends, with another person", () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 1, max: 4 }), ({ rotation, window, overrides }, count) => {
        const index = indexOverrides(overrides);
        const now = new Date(window.from);
        const horizon = window.to - window.from;
        const { current, next } = nowAndNext(rotation, index, now, count, horizon);
        expect(current.from.getTime()).toBeLessThanOrEqual(now.getTime());
        expect(current.to.getTime()).toBeGreaterThan(now.getTime());
        expect(current.to.getTime()).toBeLessThanOrEqual(window.to);
        expect(onCallAt(rotation, index, now)).toStrictEqual({
          personId: current.personId,
          source: current.source,
        });
        expect(next.length).toBeLessThanOrEqual(count);
        let before = current;
        for (const s of next) {
          expect(s.from.getTime()).toBe(before.to.getTime());
          expect(s.personId).not.toBe(before.personId);
          expect(onCallAt(rotation, index, s.from).personId).toBe(s.personId);
          before = s;
        }
        // Just before the current stretch began, someone else (or nobody, when that was someone) was on.
        // (Unless the lookback stopped at its cap: then the stretch began at least MAX_LOOKBACK_MS ago.)
        if (current.from.getTime() > Math.max(-8_640_000_000_000_000, now.getTime() - MAX_LOOKBACK_MS)) {
          expect(onCallAt(rotation, index, new Date(current.from.getTime() - 1)).personId).not.toBe(
            current.personId,
          );
        }
      }),
      { numRuns: 100 },
    );
  });
});
