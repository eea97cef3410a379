import { describe, expect, it } from "vitest";
import { dutyBetween, layerAt, MAX_LOOKBACK_MS, nowAndNext, onCallAt } from "../../src/core/oncall/duty.js";
import { indexOverrides, type OverrideIndex } from "../../src/core/oncall/override-index.js";
import { parseRotation, type RotationInput } from "../../src/core/oncall/rotation.js";
import type {
  DutySegment,
  Layer,
  OncallRotation,
  Override,
  Restriction,
} from "../../src/core/oncall/types.js";

// Expected instants are written as local time with the offset in force ("2027-03-28T09:00+02:00"), so each row
// reads as "09:00 Berlin summer time" and every DST change is visible in the table itself. Shift indices and
// members were counted by hand from the start date, not read back from the implementation.

const HOUR = 3_600_000;
const NONE = indexOverrides([]);

function layer(
  over: Partial<RotationInput> & { name?: string; restrict?: Restriction[] },
  name = over.name ?? "base",
): Layer {
  const parsed = parseRotation({
    id: "r",
    members: ["a", "b", "c"],
    shift: "1d",
    handoff: "09:00",
    timezone: "Europe/Berlin",
    start: "2026-03-01",
    ...over,
  });
  if (!parsed.ok) throw new Error(parsed.error);
  return { ...parsed.rotation, name, ...(over.restrict && { restrict: over.restrict }) };
}

const rotationOf = (...layers: Layer[]): OncallRotation => ({ id: "r", layers, notifyBeforeMs: HOUR });

let overrideCount = 0;
function override(personId: string, from: string, to: string, kind: Override["kind"] = "override"): Override {
  overrideCount++;
  return {
    id: `o${overrideCount}`,
    rotation: "r",
    personId,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    kind,
    by: "dana",
    at: "2026-01-01T00:00:00.000Z",
  };
}

const iso = (local: string) => new Date(local).toISOString();
type Row = [person: string | null, from: string, to: string];
const rows = (segments: DutySegment[]): Row[] =>
  segments.map((s) => [s.personId, s.from.toISOString(), s.to.toISOString()]);
const expected = (list: Row[]): Row[] => list.map(([p, f, t]) => [p, iso(f), iso(t)]);

function between(rotation: OncallRotation, from: string, to: string, overrides: OverrideIndex = NONE) {
  return dutyBetween(rotation, overrides, new Date(from), new Date(to));
}

const WEEKDAYS_9_TO_5: Restriction[] = [
  { days: ["Mon", "Tue", "Wed", "Thu", "Fri"], from: "09:00", to: "17:00" },
];

describe("dutyBetween across DST, one layer (handoffs as rotation.ts places them)", () => {
  const cases: { name: string; layer: Layer; from: string; to: string; want: Row[] }[] = [
    {
      name: "Europe/Berlin, daily 09:00 across spring forward: the shift of 28 March lasts 23 h",
      layer: layer({ start: "2027-03-26" }),
      from: "2027-03-27T00:00+01:00",
      to: "2027-03-30T00:00+02:00",
      want: [
        ["a", "2027-03-27T00:00+01:00", "2027-03-27T09:00+01:00"],
        ["b", "2027-03-27T09:00+01:00", "2027-03-28T09:00+02:00"],
        ["c", "2027-03-28T09:00+02:00", "2027-03-29T09:00+02:00"],
        ["a", "2027-03-29T09:00+02:00", "2027-03-30T00:00+02:00"],
      ],
    },
    {
      name: "Europe/Berlin, weekly Mon 09:00 across fall back: 169 h",
      layer: layer({ members: ["a", "b"], shift: "1w", handoff: "Mon 09:00", start: "2026-10-19" }),
      from: "2026-10-19T00:00+02:00",
      to: "2026-11-03T00:00+01:00",
      want: [
        [null, "2026-10-19T00:00+02:00", "2026-10-19T09:00+02:00"],
        ["a", "2026-10-19T09:00+02:00", "2026-10-26T09:00+01:00"],
        ["b", "2026-10-26T09:00+01:00", "2026-11-02T09:00+01:00"],
        ["a", "2026-11-02T09:00+01:00", "2026-11-03T00:00+01:00"],
      ],
    },
    {
      name: "Europe/Berlin, daily 02:30 on the night 02:30 happens twice: the first one (25 h shift)",
      layer: layer({ members: ["a", "b"], handoff: "02:30", start: "2026-10-24" }),
      from: "2026-10-24T02:30+02:00",
      to: "2026-10-26T02:30+01:00",
      want: [
        ["a", "2026-10-24T02:30+02:00", "2026-10-25T02:30+02:00"],
        ["b", "2026-10-25T02:30+02:00", "2026-10-26T02:30+01:00"],
      ],
    },
    {
      name: "America/New_York, weekly Sun 02:30 on the night 02:30 does not exist: handoff at 03:00",
      layer: layer({
        members: ["a", "b"],
        shift: "1w",
        handoff: "Sun 02:30",
        timezone: "America/New_York",
        start: "2026-03-01",
      }),
      from: "2026-03-07T00:00-05:00",
      to: "2026-03-16T00:00-04:00",
      want: [
        ["a", "2026-03-07T00:00-05:00", "2026-03-08T03:00-04:00"],
        ["b", "2026-03-08T03:00-04:00", "2026-03-15T02:30-04:00"],
        ["a", "2026-03-15T02:30-04:00", "2026-03-16T00:00-04:00"],
      ],
    },
    {
      name: "America/New_York, 12h at 09:00/21:00 across spring forward: the night shift lasts 11 h",
      layer: layer({ members: ["a", "b"], shift: "12h", timezone: "America/New_York", start: "2026-03-06" }),
      from: "2026-03-07T12:00-05:00",
      to: "2026-03-08T12:00-04:00",
      // 06 09:00 a(0), 06 21:00 b(1), 07 09:00 a(2), 07 21:00 b(3), 08 09:00 a(4)
      want: [
        ["a", "2026-03-07T12:00-05:00", "2026-03-07T21:00-05:00"],
        ["b", "2026-03-07T21:00-05:00", "2026-03-08T09:00-04:00"],
        ["a", "2026-03-08T09:00-04:00", "2026-03-08T12:00-04:00"],
      ],
    },
    {
      name: "America/New_York, daily 09:00 across fall back",
      layer: layer({ members: ["a", "b"], timezone: "America/New_York", start: "2026-10-31" }),
      from: "2026-10-31T09:00-04:00",
      to: "2026-11-02T09:00-05:00",
      want: [
        ["a", "2026-10-31T09:00-04:00", "2026-11-01T09:00-05:00"],
        ["b", "2026-11-01T09:00-05:00", "2026-11-02T09:00-05:00"],
      ],
    },
    {
      name: "Australia/Sydney, 12h at 08:00/20:00 as DST ends in April: the night shift lasts 13 h",
      layer: layer({
        members: ["a", "b"],
        shift: "12h",
        handoff: "08:00",
        timezone: "Australia/Sydney",
        start: "2026-04-01",
      }),
      from: "2026-04-04T12:00+11:00",
      to: "2026-04-05T12:00+10:00",
      // 01 08 a(0) 20 b(1), 02 a(2) b(3), 03 a(4) b(5), 04 08:00 a(6) 20:00 b(7), 05 08:00 a(8)
      want: [
        ["a", "2026-04-04T12:00+11:00", "2026-04-04T20:00+11:00"],
        ["b", "2026-04-04T20:00+11:00", "2026-04-05T08:00+10:00"],
        ["a", "2026-04-05T08:00+10:00", "2026-04-05T12:00+10:00"],
      ],
    },
    {
      name: "Australia/Sydney, 12h as DST starts in October: the night shift lasts 11 h",
      layer: layer({
        members: ["a", "b"],
        shift: "12h",
        handoff: "08:00",
        timezone: "Australia/Sydney",
        start: "2026-10-01",
      }),
      from: "2026-10-03T12:00+10:00",
      to: "2026-10-04T12:00+11:00",
      want: [
        ["a", "2026-10-03T12:00+10:00", "2026-10-03T20:00+10:00"],
        ["b", "2026-10-03T20:00+10:00", "2026-10-04T08:00+11:00"],
        ["a", "2026-10-04T08:00+11:00", "2026-10-04T12:00+11:00"],
      ],
    },
    {
      name: "Australia/Sydney, weekly Sun 02:30 on the October night 02:30 does not exist: handoff at 03:00",
      layer: layer({
        members: ["a", "b"],
        shift: "1w",
        handoff: "Sun 02:30",
        timezone: "Australia/Sydney",
        start: "2026-09-27",
      }),
      from: "2026-10-03T00:00+10:00",
      to: "2026-10-05T00:00+11:00",
      want: [
        ["a", "2026-10-03T00:00+10:00", "2026-10-04T03:00+11:00"],
        ["b", "2026-10-04T03:00+11:00", "2026-10-05T00:00+11:00"],
      ],
    },
    {
      name: "Asia/Kolkata (+05:30, no DST), weekly Mon 09:00: nobody before the first handoff, then 168 h each",
      layer: layer({
        members: ["a", "b"],
        shift: "1w",
        handoff: "Mon 09:00",
        timezone: "Asia/Kolkata",
        start: "2026-03-02",
      }),
      from: "2026-03-01T00:00+05:30",
      to: "2026-03-17T00:00+05:30",
      want: [
        [null, "2026-03-01T00:00+05:30", "2026-03-02T09:00+05:30"],
        ["a", "2026-03-02T09:00+05:30", "2026-03-09T09:00+05:30"],
        ["b", "2026-03-09T09:00+05:30", "2026-03-16T09:00+05:30"],
        ["a", "2026-03-16T09:00+05:30", "2026-03-17T00:00+05:30"],
      ],
    },
    {
      name: "Asia/Kolkata, 12h on the dates Berlin and New York change: nothing moves",
      layer: layer({ members: ["a", "b"], shift: "12h", timezone: "Asia/Kolkata", start: "2027-03-27" }),
      from: "2027-03-28T00:00+05:30",
      to: "2027-03-29T00:00+05:30",
      // 27 09 a(0) 21 b(1), 28 09 a(2) 21 b(3)
      want: [
        ["b", "2027-03-28T00:00+05:30", "2027-03-28T09:00+05:30"],
        ["a", "2027-03-28T09:00+05:30", "2027-03-28T21:00+05:30"],
        ["b", "2027-03-28T21:00+05:30", "2027-03-29T00:00+05:30"],
      ],
    },
  ];
  it.each(cases)("$name", ({ layer: l, from, to, want }) => {
    expect(rows(between(rotationOf(l), from, to))).toStrictEqual(expected(want));
  });
});

describe("restricted layers over a base layer", () => {
  // Business hours (daily shifts of x and y, Mon–Fri 09:00–17:00) over a weekly base of a and b.
  const business = layer(
    { members: ["x", "y"], start: "2027-03-22", restrict: WEEKDAYS_9_TO_5 },
    "business-hours",
  );
  const base = layer({ members: ["a", "b"], shift: "1w", handoff: "Mon 09:00", start: "2027-03-22" });
  const rotation = rotationOf(business, base);

  it("business hours win where they have someone; the base covers nights and the weekend, across spring forward", () => {
    // business shift index = days since Mon 22 March: Fri 26 = 4 (x), Mon 29 = 7 (y).
    expect(rows(between(rotation, "2027-03-26T00:00+01:00", "2027-03-30T00:00+02:00"))).toStrictEqual(
      expected([
        ["a", "2027-03-26T00:00+01:00", "2027-03-26T09:00+01:00"],
        ["x", "2027-03-26T09:00+01:00", "2027-03-26T17:00+01:00"],
        ["a", "2027-03-26T17:00+01:00", "2027-03-29T09:00+02:00"],
        ["y", "2027-03-29T09:00+02:00", "2027-03-29T17:00+02:00"],
        ["b", "2027-03-29T17:00+02:00", "2027-03-30T00:00+02:00"],
      ]),
    );
  });

  it("says which layer and shift decided", () => {
    expect(onCallAt(rotation, NONE, new Date("2027-03-29T10:00+02:00"))).toStrictEqual({
      personId: "y",
      source: { kind: "layer", layer: 0, shiftIndex: 7 },
    });
    expect(onCallAt(rotation, NONE, new Date("2027-03-29T17:00+02:00"))).toStrictEqual({
      personId: "b",
      source: { kind: "layer", layer: 1, shiftIndex: 1 },
    });
    // 08:59 Monday: the business layer has a shift (y's from 09:00 is not yet; x's ran until 09:00) but is
    // outside its window, so the base decides.
    expect(layerAt(business, new Date("2027-03-29T08:59+02:00"))).toBeNull();
    expect(layerAt(base, new Date("2027-03-29T08:59+02:00"))).toStrictEqual({ personId: "a", shiftIndex: 0 });
  });

  it("a weekend layer (whole days: 00:00 to 00:00) over a weekday layer, in America/New_York", () => {
    const weekend = layer(
      {
        members: ["w"],
        shift: "1w",
        handoff: "Sat 00:00",
        timezone: "America/New_York",
        start: "2026-02-28",
        restrict: [{ days: ["Sat", "Sun"], from: "00:00", to: "00:00" }],
      },
      "weekend",
    );
    const weekdays = layer({ members: ["a", "b"], timezone: "America/New_York", start: "2026-03-02" });
    const r = rotationOf(weekend, weekdays);
    // DST starts Sun 8 March at 02:00; the weekend still ends at Monday 00:00 local.
    expect(rows(between(r, "2026-03-06T12:00-05:00", "2026-03-09T12:00-04:00"))).toStrictEqual(
      expected([
        // weekdays: Mon 2 a(0), Tue b(1), Wed a(2), Thu b(3), Fri 6 a(4), Sat b(5), Sun 8 a(6) until Mon 9 09:00, b(7)
        ["a", "2026-03-06T12:00-05:00", "2026-03-07T00:00-05:00"],
        ["w", "2026-03-07T00:00-05:00", "2026-03-09T00:00-04:00"],
        ["a", "2026-03-09T00:00-04:00", "2026-03-09T09:00-04:00"],
        ["b", "2026-03-09T09:00-04:00", "2026-03-09T12:00-04:00"],
      ]),
    );
  });

  it("with one restricted layer, nobody is on outside its windows (explicitly)", () => {
    const r = rotationOf(business);
    expect(rows(between(r, "2027-03-26T16:00+01:00", "2027-03-29T10:00+02:00"))).toStrictEqual(
      expected([
        ["x", "2027-03-26T16:00+01:00", "2027-03-26T17:00+01:00"],
        [null, "2027-03-26T17:00+01:00", "2027-03-29T09:00+02:00"],
        ["y", "2027-03-29T09:00+02:00", "2027-03-29T10:00+02:00"],
      ]),
    );
    expect(onCallAt(r, NONE, new Date("2027-03-27T12:00+01:00"))).toStrictEqual({
      personId: null,
      source: { kind: "nobody" },
    });
  });

  it("a window past midnight (22:00–06:00) in Asia/Kolkata", () => {
    const nights = layer(
      {
        members: ["n"],
        timezone: "Asia/Kolkata",
        start: "2026-06-01",
        restrict: [{ days: ["Mon"], from: "22:00", to: "06:00" }],
      },
      "nights",
    );
    const r = rotationOf(nights, layer({ members: ["d"], timezone: "Asia/Kolkata", start: "2026-06-01" }));
    expect(rows(between(r, "2026-06-08T12:00+05:30", "2026-06-09T12:00+05:30"))).toStrictEqual(
      expected([
        ["d", "2026-06-08T12:00+05:30", "2026-06-08T22:00+05:30"],
        ["n", "2026-06-08T22:00+05:30", "2026-06-09T06:00+05:30"],
        // The same person, but the next shift from 09:00: a segment of its own.
        ["d", "2026-06-09T06:00+05:30", "2026-06-09T09:00+05:30"],
        ["d", "2026-06-09T09:00+05:30", "2026-06-09T12:00+05:30"],
      ]),
    );
  });

  it("window bounds in a DST gap fall at the transition, like handoffs (Europe/Berlin)", () => {
    const late = layer(
      { members: ["n"], start: "2027-03-01", restrict: [{ days: ["Sat"], from: "22:00", to: "02:30" }] },
      "late",
    );
    const early = layer(
      { members: ["e"], start: "2027-03-01", restrict: [{ days: ["Sun"], from: "02:30", to: "06:00" }] },
      "early",
    );
    const r = rotationOf(late, early);
    // 02:30 on 28 March does not exist: the late window ends and the early one starts at 03:00 CEST.
    expect(rows(between(r, "2027-03-27T21:00+01:00", "2027-03-28T07:00+02:00"))).toStrictEqual(
      expected([
        [null, "2027-03-27T21:00+01:00", "2027-03-27T22:00+01:00"],
        ["n", "2027-03-27T22:00+01:00", "2027-03-28T03:00+02:00"],
        ["e", "2027-03-28T03:00+02:00", "2027-03-28T06:00+02:00"],
        [null, "2027-03-28T06:00+02:00", "2027-03-28T07:00+02:00"],
      ]),
    );
  });

  it("window bounds in a DST overlap are their first occurrence (America/New_York)", () => {
    const brief = layer(
      {
        members: ["q"],
        timezone: "America/New_York",
        start: "2026-10-01",
        restrict: [{ days: ["Sun"], from: "01:30", to: "01:45" }],
      },
      "brief",
    );
    // 01:30–01:45 happens twice on 1 November; the window is the first, in daylight time (-04:00).
    expect(layerAt(brief, new Date("2026-11-01T01:35-04:00"))?.personId).toBe("q");
    expect(layerAt(brief, new Date("2026-11-01T01:35-05:00"))).toBeNull();
    expect(
      rows(between(rotationOf(brief), "2026-11-01T01:00-04:00", "2026-11-01T02:00-05:00")),
    ).toStrictEqual(
      expected([
        [null, "2026-11-01T01:00-04:00", "2026-11-01T01:30-04:00"],
        ["q", "2026-11-01T01:30-04:00", "2026-11-01T01:45-04:00"],
        [null, "2026-11-01T01:45-04:00", "2026-11-01T02:00-05:00"],
      ]),
    );
  });

  it("overlapping windows of one layer are one stretch; the same shift stays one segment", () => {
    const l = layer(
      {
        members: ["a"],
        shift: "1w",
        handoff: "Mon 00:00",
        start: "2026-06-01",
        restrict: [
          { days: ["Mon"], from: "09:00", to: "13:00" },
          { days: ["Mon"], from: "12:00", to: "17:00" },
        ],
      },
      "day",
    );
    expect(rows(between(rotationOf(l), "2026-06-08T08:00+02:00", "2026-06-08T18:00+02:00"))).toStrictEqual(
      expected([
        [null, "2026-06-08T08:00+02:00", "2026-06-08T09:00+02:00"],
        ["a", "2026-06-08T09:00+02:00", "2026-06-08T17:00+02:00"],
        [null, "2026-06-08T17:00+02:00", "2026-06-08T18:00+02:00"],
      ]),
    );
  });
});

describe("leap days", () => {
  it("a 1d rotation runs through 29 February 2028", () => {
    const l = layer({ start: "2028-02-27", timezone: "UTC" });
    expect(rows(between(rotationOf(l), "2028-02-28T09:00Z", "2028-03-01T09:00Z"))).toStrictEqual(
      expected([
        ["b", "2028-02-28T09:00Z", "2028-02-29T09:00Z"],
        ["c", "2028-02-29T09:00Z", "2028-03-01T09:00Z"],
      ]),
    );
  });

  it("a rotation that starts on 29 February 2028 counts its days through the next year", () => {
    const daily = layer({ members: ["a", "b"], start: "2028-02-29" });
    expect(onCallAt(rotationOf(daily), NONE, new Date("2028-02-29T08:59+01:00")).personId).toBeNull();
    expect(layerAt(daily, new Date("2028-02-29T09:00+01:00"))).toStrictEqual({
      personId: "a",
      shiftIndex: 0,
    });
    // 2029-03-01 is 366 days later (2028-02-29 … 2029-02-28 is 365 days, plus one).
    expect(layerAt(daily, new Date("2029-03-01T10:00+01:00"))).toStrictEqual({
      personId: "a",
      shiftIndex: 366,
    });
    const weekly = layer({ members: ["a", "b"], shift: "1w", start: "2028-02-29" });
    expect(
      rows(between(rotationOf(weekly), "2028-02-29T00:00+01:00", "2028-03-15T00:00+01:00")),
    ).toStrictEqual(
      expected([
        [null, "2028-02-29T00:00+01:00", "2028-02-29T09:00+01:00"],
        ["a", "2028-02-29T09:00+01:00", "2028-03-07T09:00+01:00"],
        ["b", "2028-03-07T09:00+01:00", "2028-03-14T09:00+01:00"],
        ["a", "2028-03-14T09:00+01:00", "2028-03-15T00:00+01:00"],
      ]),
    );
  });

  it("a weekly shift across 29 February lasts 168 h", () => {
    const l = layer({ members: ["a", "b"], shift: "1w", handoff: "Mon 09:00", start: "2028-02-21" });
    const [segment] = between(rotationOf(l), "2028-02-29T12:00+01:00", "2028-02-29T13:00+01:00");
    expect(segment?.personId).toBe("b");
    expect(segment?.source).toStrictEqual({ kind: "layer", layer: 0, shiftIndex: 1 });
    const all = between(rotationOf(l), "2028-02-28T09:00+01:00", "2028-03-06T09:00+01:00");
    expect(all).toHaveLength(1);
    expect((all[0] as DutySegment).to.getTime() - (all[0] as DutySegment).from.getTime()).toBe(168 * HOUR);
  });
});

describe("overrides", () => {
  const business = layer(
    { members: ["x", "y"], start: "2027-03-22", restrict: WEEKDAYS_9_TO_5 },
    "business-hours",
  );
  const base = layer({ members: ["a", "b"], shift: "1w", handoff: "Mon 09:00", start: "2027-03-22" });
  const rotation = rotationOf(business, base);
  // Bob covers from Friday 16:00 over the weekend until Monday 10:00: across business hours, base and DST.
  const cover = override("bob", "2027-03-26T16:00+01:00", "2027-03-29T10:00+02:00", "cover");
  const overrides = indexOverrides([cover]);

  it("win over every layer inside their window, and nowhere else", () => {
    const at = (local: string) => onCallAt(rotation, overrides, new Date(local));
    expect(at("2027-03-26T15:59+01:00").personId).toBe("x");
    expect(at("2027-03-26T16:00+01:00")).toStrictEqual({
      personId: "bob",
      source: { kind: "override", override: cover },
    });
    expect(at("2027-03-27T12:00+01:00").personId).toBe("bob");
    expect(new Date(Date.parse(cover.to) - 1).toISOString()).toBe(iso("2027-03-29T09:59:59.999+02:00"));
    expect(onCallAt(rotation, overrides, new Date(Date.parse(cover.to) - 1)).personId).toBe("bob");
    expect(at("2027-03-29T10:00+02:00").personId).toBe("y");
  });

  it("cut the layers' segments exactly at their bounds", () => {
    expect(
      rows(between(rotation, "2027-03-26T09:00+01:00", "2027-03-29T17:00+02:00", overrides)),
    ).toStrictEqual(
      expected([
        ["x", "2027-03-26T09:00+01:00", "2027-03-26T16:00+01:00"],
        ["bob", "2027-03-26T16:00+01:00", "2027-03-29T10:00+02:00"],
        ["y", "2027-03-29T10:00+02:00", "2027-03-29T17:00+02:00"],
      ]),
    );
  });

  it("an override of the person already on stays its own segment (the source differs)", () => {
    const same = override("a", "2027-03-27T00:00+01:00", "2027-03-27T12:00+01:00");
    const segments = between(
      rotation,
      "2027-03-26T18:00+01:00",
      "2027-03-27T18:00+01:00",
      indexOverrides([same]),
    );
    expect(rows(segments)).toStrictEqual(
      expected([
        ["a", "2027-03-26T18:00+01:00", "2027-03-27T00:00+01:00"],
        ["a", "2027-03-27T00:00+01:00", "2027-03-27T12:00+01:00"],
        ["a", "2027-03-27T12:00+01:00", "2027-03-27T18:00+01:00"],
      ]),
    );
    expect(segments.map((s) => s.source.kind)).toStrictEqual(["layer", "override", "layer"]);
  });

  it("fill a stretch where no layer has anyone", () => {
    const r = rotationOf(business);
    const evening = override("eve", "2027-03-26T17:00+01:00", "2027-03-26T22:00+01:00");
    expect(
      rows(between(r, "2027-03-26T16:00+01:00", "2027-03-27T00:00+01:00", indexOverrides([evening]))),
    ).toStrictEqual(
      expected([
        ["x", "2027-03-26T16:00+01:00", "2027-03-26T17:00+01:00"],
        ["eve", "2027-03-26T17:00+01:00", "2027-03-26T22:00+01:00"],
        [null, "2027-03-26T22:00+01:00", "2027-03-27T00:00+01:00"],
      ]),
    );
  });
});

describe("dutyBetween edges", () => {
  const r = rotationOf(layer({ members: ["a", "b"], start: "2026-06-01" }));
  it("is empty for an empty or reversed window", () => {
    expect(between(r, "2026-06-05T00:00Z", "2026-06-05T00:00Z")).toStrictEqual([]);
    expect(between(r, "2026-06-06T00:00Z", "2026-06-05T00:00Z")).toStrictEqual([]);
  });
  it("a rotation with no layer at all is nobody throughout", () => {
    expect(rows(between(rotationOf(), "2026-06-05T00:00Z", "2026-06-06T00:00Z"))).toStrictEqual(
      expected([[null, "2026-06-05T00:00Z", "2026-06-06T00:00Z"]]),
    );
  });
  it("refuses an invalid Date", () => {
    expect(() => onCallAt(r, NONE, new Date(Number.NaN))).toThrow(RangeError);
    expect(() => between(r, "nonsense", "2026-06-06T00:00Z")).toThrow(RangeError);
  });
});

describe("nowAndNext", () => {
  const WEEK = 7 * 24 * HOUR;
  const business = layer(
    { members: ["x", "y"], start: "2027-03-22", restrict: WEEKDAYS_9_TO_5 },
    "business-hours",
  );
  const base = layer({ members: ["a", "b"], shift: "1w", handoff: "Mon 09:00", start: "2027-03-22" });
  const rotation = rotationOf(business, base);

  it("gives the current stretch with its real start and the next changes of person", () => {
    const { current, next } = nowAndNext(rotation, NONE, new Date("2027-03-27T12:00+01:00"), 3, 4 * WEEK);
    expect(current.personId).toBe("a");
    expect(current.from.toISOString()).toBe(iso("2027-03-26T17:00+01:00"));
    expect(current.to.toISOString()).toBe(iso("2027-03-29T09:00+02:00"));
    expect(current.source).toStrictEqual({ kind: "layer", layer: 1, shiftIndex: 0 });
    expect(rows(next)).toStrictEqual(
      expected([
        ["y", "2027-03-29T09:00+02:00", "2027-03-29T17:00+02:00"],
        ["b", "2027-03-29T17:00+02:00", "2027-03-30T09:00+02:00"],
        ["x", "2027-03-30T09:00+02:00", "2027-03-30T17:00+02:00"],
      ]),
    );
  });

  it("joins the same person's stretch across sources, keeping the source at now", () => {
    const extra = override("a", "2027-03-29T09:00+02:00", "2027-03-29T12:00+02:00");
    const { current, next } = nowAndNext(
      rotation,
      indexOverrides([extra]),
      new Date("2027-03-27T12:00+01:00"),
      1,
      WEEK,
    );
    expect(current.to.toISOString()).toBe(iso("2027-03-29T12:00+02:00"));
    expect(current.source.kind).toBe("layer");
    expect(rows(next)).toStrictEqual(expected([["y", "2027-03-29T12:00+02:00", "2027-03-29T17:00+02:00"]]));
  });

  it("counts nobody as news, and says when nobody has ever been on", () => {
    const r = rotationOf(business);
    const before = nowAndNext(r, NONE, new Date("2027-03-20T12:00+01:00"), 2, 4 * WEEK);
    expect(before.current.personId).toBeNull();
    expect(before.current.from.getTime()).toBe(-8_640_000_000_000_000);
    expect(before.current.to.toISOString()).toBe(iso("2027-03-22T09:00+01:00"));
    expect(rows(before.next)).toStrictEqual(
      expected([
        ["x", "2027-03-22T09:00+01:00", "2027-03-22T17:00+01:00"],
        [null, "2027-03-22T17:00+01:00", "2027-03-23T09:00+01:00"],
      ]),
    );
    const weekend = nowAndNext(r, NONE, new Date("2027-03-27T12:00+01:00"), 1, 4 * WEEK);
    expect(weekend.current.personId).toBeNull();
    expect(weekend.current.from.toISOString()).toBe(iso("2027-03-26T17:00+01:00"));
  });

  it("caps the current stretch at the horizon when nothing changes within it", () => {
    const alone = rotationOf(layer({ members: ["solo"], shift: "1w", start: "2020-01-06" }));
    const now = new Date("2027-03-27T12:00+01:00");
    const { current, next } = nowAndNext(alone, NONE, now, 3, WEEK);
    expect(current.personId).toBe("solo");
    // On since 2020: further back than the lookback, so "since at least" the lookback's start.
    expect(current.from.getTime()).toBe(now.getTime() - MAX_LOOKBACK_MS);
    expect(current.to.getTime()).toBe(now.getTime() + WEEK);
    expect(next).toStrictEqual([]);
  });

  it("finds the real start of a stretch within the lookback, across its windows", () => {
    const alone = rotationOf(layer({ members: ["solo"], shift: "1w", start: "2027-01-04" }));
    const { current } = nowAndNext(alone, NONE, new Date("2027-03-27T12:00+01:00"), 1, WEEK);
    expect(current.from.toISOString()).toBe(iso("2027-01-04T09:00+01:00"));
  });

  it("a lone member on 1h shifts since years ago: the start is capped, so the answer comes at once", () => {
    // Without the cap this walked every hourly shift since 2020 (over half a second per call).
    const hourly = rotationOf(
      layer({ members: ["solo"], shift: "1h", handoff: "09:00", start: "2020-01-06" }),
    );
    const now = new Date("2027-03-27T12:30+01:00");
    const { current, next } = nowAndNext(hourly, NONE, now, 3, WEEK);
    expect(current.personId).toBe("solo");
    expect(current.from.getTime()).toBe(now.getTime() - MAX_LOOKBACK_MS);
    expect(current.to.getTime()).toBe(now.getTime() + WEEK);
    expect(next).toStrictEqual([]);
  });

  it("nobody on since long before the lookback: capped too, unlike nobody since the dawn of time", () => {
    // An override in 2020 makes someone on once; the layer starts only in 2030.
    const later = rotationOf(layer({ members: ["a"], shift: "1w", start: "2030-01-07" }));
    const once = indexOverrides([override("z", "2020-02-03T09:00+01:00", "2020-02-04T09:00+01:00")]);
    const now = new Date("2027-03-27T12:00+01:00");
    const { current } = nowAndNext(later, once, now, 1, WEEK);
    expect(current.personId).toBeNull();
    expect(current.from.getTime()).toBe(now.getTime() - MAX_LOOKBACK_MS);
  });

  it("shows at most `count` changes, within the horizon", () => {
    const now = new Date("2027-03-27T12:00+01:00");
    expect(nowAndNext(rotation, NONE, now, 0, 4 * WEEK).next).toStrictEqual([]);
    const short = nowAndNext(rotation, NONE, now, 10, Date.parse("2027-03-29T10:30+02:00") - now.getTime());
    // Horizon ends at Mon 29 March 10:30 CEST: y's business hours start within it, so y is the only change.
    expect(short.next.map((s) => s.personId)).toStrictEqual(["y"]);
    expect(short.next[0]?.to.toISOString()).toBe(iso("2027-03-29T10:30+02:00"));
  });
});
