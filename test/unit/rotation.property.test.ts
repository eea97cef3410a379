import { TZDate, tz, tzScan } from "@date-fns/tz";
import { format } from "date-fns";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  onDutyAt,
  parseRotation,
  type RotationInput,
  resolveWallClock,
  shiftByIndex,
  shiftsBetween,
} from "../../src/core/oncall/rotation.js";
import { type Rotation, type Shift, WEEKDAYS } from "../../src/core/oncall/types.js";

// Zones picked for awkward transitions: both hemispheres, half-hour offsets and half-hour DST (Lord Howe),
// DST at midnight (Santiago, so 00:00 itself can vanish), a 45-minute offset (Chatham), DST that pauses for
// Ramadan (Casablanca), a whole skipped day (Apia, 2011-12-30), and zones without DST.
const ZONES = [
  "Europe/Berlin",
  "Europe/London",
  "America/New_York",
  "America/St_Johns",
  "America/Santiago",
  "America/Sao_Paulo",
  "Australia/Sydney",
  "Australia/Lord_Howe",
  "Pacific/Chatham",
  "Pacific/Apia",
  "Africa/Casablanca",
  "Asia/Kolkata",
  "Asia/Kathmandu",
  "UTC",
];
const PEOPLE = ["ana", "ben", "cai", "dev", "eli", "fay"];
const HOUR_MS = 3_600_000;

/** Rotation inputs that parseRotation accepts, with handoffs biased towards the small hours where DST bites. */
const rotationInput: fc.Arbitrary<RotationInput> = fc
  .record({
    zone: fc.constantFrom(...ZONES),
    members: fc.uniqueArray(fc.constantFrom(...PEOPLE), { minLength: 1, maxLength: 5 }),
    shift: fc.oneof(
      fc.constantFrom(1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 24, 36, 48).map((n) => `${n}h`),
      fc.integer({ min: 1, max: 10 }).map((n) => `${n}d`),
      fc.integer({ min: 1, max: 4 }).map((n) => `${n}w`),
    ),
    hour: fc.oneof(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 23 })),
    minute: fc.oneof(fc.constantFrom(0, 30), fc.integer({ min: 0, max: 59 })),
    weekday: fc.option(fc.constantFrom(...WEEKDAYS), { nil: undefined }),
    start: fc.date({
      min: new Date("2005-01-01T00:00Z"),
      max: new Date("2035-12-31T00:00Z"),
      noInvalidDate: true,
    }),
  })
  .map(({ zone, members, shift, hour, minute, weekday, start }) => {
    const time = `${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`;
    return {
      id: "p",
      members,
      shift,
      // Only weekly shifts may name a weekday.
      handoff: weekday && shift.endsWith("w") ? `${weekday} ${time}` : time,
      timezone: zone,
      start: start.toISOString().slice(0, 10),
    };
  });

const rotationArb: fc.Arbitrary<Rotation> = rotationInput.map((input) => {
  const parsed = parseRotation(input);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.rotation;
});

const instant = fc.date({
  min: new Date("2004-06-01T00:00Z"),
  max: new Date("2041-01-01T00:00Z"),
  noInvalidDate: true,
});

const ms = (d: Date, delta: number) => new Date(d.getTime() + delta);
const firstStart = (r: Rotation) => shiftByIndex(r, 0).shiftStart;
const memberOf = (r: Rotation, index: number) => r.members[index % r.members.length];
const isEmpty = (s: Shift) => s.shiftStart.getTime() === s.shiftEnd.getTime();

const reading = (at: Date, zone: string) => format(at, "yyyy-MM-dd'T'HH:mm", { in: tz(zone) });

/**
 * The documented rule, checked from the outside with date-fns readings: `at` is the first instant whose
 * wall-clock reading is `want`, or, if no instant reads `want`, the transition whose gap skipped it.
 */
function expectResolved(at: Date, want: string, zone: string) {
  if (reading(at, zone) === want) {
    // First occurrence: nothing earlier by the size of any real DST change read the same.
    for (const back of [30, 60, 120]) expect(reading(ms(at, -back * 60_000), zone)).not.toBe(want);
    return;
  }
  const offsetBefore = new TZDate(at.getTime() - 1, zone).getTimezoneOffset();
  expect(offsetBefore, `${want} in ${zone} resolved to a non-transition ${at.toISOString()}`).not.toBe(
    new TZDate(at.getTime(), zone).getTimezoneOffset(),
  );
  const justBefore = format(ms(at, -1), "yyyy-MM-dd'T'HH:mm:ss.SSS", { in: tz(zone) });
  expect(justBefore < `${want}:00.000`).toBe(true);
  expect(want < reading(at, zone)).toBe(true);
}

/** Every index strictly between a and b must be a zero-length shift, or a turn was lost. */
function expectOnlyEmptyBetween(r: Rotation, a: number, b: number) {
  for (let k = a + 1; k < b; k++) expect(isEmpty(shiftByIndex(r, k)), `shift ${k} skipped`).toBe(true);
}

describe("rotation properties", () => {
  it("at every instant: exactly one member whose shift contains it, or nobody before the first handoff", () => {
    fc.assert(
      fc.property(rotationArb, instant, (r, t) => {
        const found = onDutyAt(r, t);
        if (t < firstStart(r)) {
          expect(found).toBeNull();
          return;
        }
        expect(found).not.toBeNull();
        const s = found as Shift;
        expect(Number.isSafeInteger(s.shiftIndex) && s.shiftIndex >= 0).toBe(true);
        expect(s.shiftStart.getTime()).toBeLessThanOrEqual(t.getTime());
        expect(t.getTime()).toBeLessThan(s.shiftEnd.getTime());
        expect(s.personId).toBe(memberOf(r, s.shiftIndex));
        expect(shiftByIndex(r, s.shiftIndex)).toEqual(s);
      }),
      { numRuns: 300 },
    );
  });

  it("consecutive shifts tile time: each ends exactly where the next starts", () => {
    fc.assert(
      fc.property(rotationArb, instant, (r, t) => {
        const s = onDutyAt(r, t);
        if (!s) return;
        const next = onDutyAt(r, s.shiftEnd) as Shift;
        expect(next.shiftStart).toEqual(s.shiftEnd);
        const prev = onDutyAt(r, ms(s.shiftStart, -1));
        if (s.shiftIndex === 0) expect(prev).toBeNull();
        else expect(prev?.shiftEnd).toEqual(s.shiftStart);
      }),
      { numRuns: 300 },
    );
  });

  it("shifts by index tile time too, and members take turns in order", () => {
    fc.assert(
      fc.property(rotationArb, fc.integer({ min: 0, max: 20_000 }), (r, k) => {
        const a = shiftByIndex(r, k);
        const b = shiftByIndex(r, k + 1);
        expect(a.shiftEnd).toEqual(b.shiftStart);
        expect(a.shiftStart.getTime()).toBeLessThanOrEqual(a.shiftEnd.getTime());
        expect([a.personId, b.personId]).toEqual([memberOf(r, k), memberOf(r, k + 1)]);
        if (r.members.length > 1) expect(a.personId).not.toBe(b.personId);
        // Only 1h grid shifts can vanish in a 1h gap (or anything in Apia's skipped day).
        if (isEmpty(a)) expect(r.shift.unit === "hours" || r.timezone === "Pacific/Apia").toBe(true);
      }),
    );
  });

  it("the next person on duty is the next member in turn", () => {
    fc.assert(
      fc.property(rotationArb, instant, (r, t) => {
        const s = onDutyAt(r, t);
        if (!s) return;
        const next = onDutyAt(r, s.shiftEnd) as Shift;
        expect(next.shiftIndex).toBeGreaterThan(s.shiftIndex);
        expectOnlyEmptyBetween(r, s.shiftIndex, next.shiftIndex);
        expect(next.personId).toBe(memberOf(r, next.shiftIndex));
      }),
      { numRuns: 200 },
    );
  });

  it("shiftsBetween agrees with onDutyAt", () => {
    fc.assert(
      fc.property(
        rotationArb,
        instant,
        fc.integer({ min: 0, max: 21 * 24 * HOUR_MS }),
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { maxLength: 8 }),
        (r, from, length, probes) => {
          const to = ms(from, length);
          const list = shiftsBetween(r, from, to);
          const first = firstStart(r);
          if (length === 0 || to <= first) {
            expect(list).toEqual([]);
            return;
          }
          // Starts with the shift on at the window's start (or the very first shift), ends with the one on at its end.
          expect(list[0]).toEqual(onDutyAt(r, new Date(Math.max(from.getTime(), first.getTime()))));
          expect(list.at(-1)).toEqual(onDutyAt(r, ms(to, -1)));
          for (let i = 0; i < list.length; i++) {
            const s = list[i] as Shift;
            expect(isEmpty(s)).toBe(false);
            expect(onDutyAt(r, s.shiftStart)).toEqual(s);
            const next = list[i + 1];
            if (next) {
              expect(next.shiftStart).toEqual(s.shiftEnd);
              expectOnlyEmptyBetween(r, s.shiftIndex, next.shiftIndex);
            }
          }
          // Any instant in the window is covered by the listed shift onDutyAt names.
          for (const p of probes) {
            const u = ms(from, Math.floor(p * length));
            const on = onDutyAt(r, u);
            if (on) expect(list).toContainEqual(on);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it("grid handoffs happen at the configured wall-clock time, or at the end of the gap that skipped it", () => {
    const onGrid = rotationArb.filter((r) => r.shift.unit === "days" || 24 % r.shift.count === 0);
    fc.assert(
      fc.property(onGrid, fc.integer({ min: 0, max: 20_000 }), (r, k) => {
        // The wall-clock reading shift k should start at, derived here from the fields alone.
        const [y, mo, d] = r.start.split("-").map(Number) as [number, number, number];
        const [hh, mm] = r.handoffTime.split(":").map(Number) as [number, number];
        let day = Date.UTC(y, mo - 1, d) / 86_400_000;
        if (r.handoffWeekday) {
          const startWeekday = (new Date(day * 86_400_000).getUTCDay() + 6) % 7; // Monday = 0
          day += (WEEKDAYS.indexOf(r.handoffWeekday) - startWeekday + 7) % 7;
        }
        const stepMs = r.shift.unit === "days" ? r.shift.count * 86_400_000 : r.shift.count * HOUR_MS;
        const want = new Date(day * 86_400_000 + hh * HOUR_MS + mm * 60_000 + k * stepMs)
          .toISOString()
          .slice(0, 16);

        expectResolved(shiftByIndex(r, k).shiftStart, want, r.timezone);
      }),
      { numRuns: 300 },
    );
  });

  it("wall-clock times near real transitions resolve by the documented gap and overlap rule", () => {
    // Random times within three hours of each zone's actual transitions, where the rule matters.
    const nearTransition = fc
      .record({
        zone: fc.constantFrom(...ZONES),
        year: fc.integer({ min: 2005, max: 2035 }),
        pick: fc.nat(),
        minutes: fc.integer({ min: -180, max: 180 }),
      })
      .map(({ zone, year, pick, minutes }) => {
        const changes = tzScan(zone, {
          start: new Date(Date.UTC(year, 0, 1)),
          end: new Date(Date.UTC(year + 1, 0, 1)),
        });
        const change = changes[pick % Math.max(changes.length, 1)];
        const around = change ? change.date : new Date(Date.UTC(year, 5, 1));
        // Count minutes on from the clock's reading just before the change, as if it had not changed: that
        // lands in the gap after a spring-forward and in the repeated hour before a fall-back.
        const before = Date.parse(`${reading(ms(around, -1), zone)}Z`);
        return { zone, want: new Date(before + minutes * 60_000).toISOString().slice(0, 16) };
      });
    fc.assert(
      fc.property(nearTransition, ({ zone, want }) => {
        const [date, time] = want.split("T") as [string, string];
        expectResolved(resolveWallClock(zone, date, time), want, zone);
      }),
      { numRuns: 300 },
    );
  });

  it("other hour lengths step in exact elapsed hours", () => {
    const elapsed = rotationArb.filter((r) => r.shift.unit === "hours" && 24 % r.shift.count !== 0);
    fc.assert(
      fc.property(elapsed, instant, (r, t) => {
        const s = onDutyAt(r, t);
        if (!s) return;
        expect(s.shiftEnd.getTime() - s.shiftStart.getTime()).toBe(r.shift.count * HOUR_MS);
        expect(s.shiftStart.getTime() - firstStart(r).getTime()).toBe(s.shiftIndex * r.shift.count * HOUR_MS);
      }),
    );
  });

  it("answers for instants centuries away without walking the schedule", () => {
    const far = fc.date({
      min: new Date("1950-01-01T00:00Z"),
      max: new Date("2600-01-01T00:00Z"),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(rotationArb, far, (r, t) => {
        const s = onDutyAt(r, t);
        if (t < firstStart(r)) expect(s).toBeNull();
        else expect(s && s.shiftStart <= t && t < s.shiftEnd).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
