import { tz } from "@date-fns/tz";
import { format } from "date-fns";
import { afterEach, describe, expect, it } from "vitest";
import {
  onDutyAt,
  parseRotation,
  type RotationInput,
  resolveWallClock,
  shiftByIndex,
  shiftsBetween,
} from "../../src/core/oncall/rotation.js";
import type { Rotation, Shift } from "../../src/core/oncall/types.js";

// Expected instants are written as local time with the offset in force, e.g. "2026-03-29T09:00+02:00", so
// each row reads as "09:00 Berlin summer time" and the offset change is visible in the table itself. Shift
// indices were counted independently (calendar-day differences), not read back from the implementation.

const BASE: RotationInput = {
  id: "r",
  members: ["a", "b", "c"],
  shift: "1d",
  handoff: "09:00",
  timezone: "Europe/Berlin",
  start: "2026-03-01",
};

function rotation(over: Partial<RotationInput>): Rotation {
  const parsed = parseRotation({ ...BASE, ...over });
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.rotation;
}

const at = (iso: string) => new Date(iso);
const ms = (d: Date, delta: number) => new Date(d.getTime() + delta);
const local = (d: Date, zone: string) => format(d, "yyyy-MM-dd HH:mm xxx", { in: tz(zone) });

describe("parseRotation", () => {
  it("normalises the config example", () => {
    expect(
      parseRotation({
        id: "primary",
        members: ["alice", "bob"],
        shift: "1w",
        handoff: "Mon 09:00",
        timezone: "Europe/Berlin",
        start: "2026-11-02",
      }),
    ).toEqual({
      ok: true,
      rotation: {
        id: "primary",
        members: ["alice", "bob"],
        shift: { unit: "days", count: 7 },
        handoffWeekday: "Mon",
        handoffTime: "09:00",
        timezone: "Europe/Berlin",
        start: "2026-11-02",
      },
    });
  });

  it.each<[Partial<RotationInput>, Partial<Rotation>]>([
    [{ shift: "12h" }, { shift: { unit: "hours", count: 12 } }],
    [{ shift: "24h" }, { shift: { unit: "hours", count: 24 } }],
    [{ shift: "3d" }, { shift: { unit: "days", count: 3 } }],
    [
      { shift: "2W", handoff: "fri 17:30" },
      { shift: { unit: "days", count: 14 }, handoffWeekday: "Fri" },
    ],
    [
      { shift: "1w", handoff: "Sunday 9:05" },
      { handoffWeekday: "Sun", handoffTime: "09:05" },
    ],
    // A weekly shift without a weekday hands off on the start date's weekday (2026-03-01 is a Sunday).
    [
      { shift: "1w", handoff: "09:00" },
      { handoffWeekday: "Sun", handoffTime: "09:00" },
    ],
    // 7d is a whole week, so it may name a weekday too.
    [
      { shift: "7d", handoff: "Wed 00:00" },
      { handoffWeekday: "Wed", handoffTime: "00:00" },
    ],
    [{ handoff: " 9:00 " }, { handoffTime: "09:00" }],
    [{ start: "2028-02-29" }, { start: "2028-02-29" }],
    [{ timezone: "Asia/Kolkata" }, { timezone: "Asia/Kolkata" }],
  ])("accepts %o", (over, expected) => {
    const parsed = parseRotation({ ...BASE, ...over });
    expect(parsed.ok && parsed.rotation).toMatchObject(expected);
  });

  it("leaves handoffWeekday off for shifts that are not whole weeks", () => {
    const parsed = parseRotation({ ...BASE, shift: "12h" });
    expect(parsed.ok && "handoffWeekday" in parsed.rotation).toBe(false);
  });

  // Each error must name the field (with what was written) and say how to fix it.
  it.each<[Partial<RotationInput>, RegExp]>([
    [{ members: [] }, /^rotation "r": members is empty; list the person ids .*members: \[alice, bob\]/],
    [{ members: ["a", " "] }, /members\[1\] is blank; every member must be a person id/],
    [{ id: "" }, /^rotation: id is empty/],
    [{ shift: "0h" }, /shift "0h" is zero; a shift must last at least 1h/],
    [{ shift: "0w" }, /shift "0w" is zero/],
    [{ shift: "90m" }, /shift "90m" is not a shift length; write whole hours, days or weeks such as 12h, 1d/],
    [{ shift: "1d12h" }, /shift "1d12h" is not a shift length/],
    [{ shift: "" }, /shift "" is not a shift length/],
    [{ shift: "53w" }, /shift "53w" is longer than a year/],
    [
      { handoff: "Mun 09:00" },
      /handoff "Mun 09:00" has an unknown weekday "Mun"; use one of Mon, Tue, Wed, Thu/,
    ],
    [{ handoff: "Mo 09:00", shift: "1w" }, /unknown weekday "Mo"/],
    [{ handoff: "25:00" }, /handoff "25:00" has an invalid time "25:00"; write HH:mm in 24-hour time/],
    [{ handoff: "09:60" }, /invalid time "09:60"/],
    [{ handoff: "9am" }, /invalid time "9am"/],
    [{ handoff: "Mon 9", shift: "1w" }, /invalid time "9"/],
    [{ handoff: "" }, /handoff "" is not a handoff time; write "HH:mm" .*"Mon 09:00" for weekly shifts/],
    [{ handoff: "Mon 09:00 CET" }, /is not a handoff time/],
    [
      { handoff: "Mon 09:00", shift: "1d" },
      /handoff "Mon 09:00" names a weekday, but shift "1d" is not a whole number of weeks; write handoff: "09:00", or use a weekly shift such as 1w/,
    ],
    [{ handoff: "Mon 09:00", shift: "12h" }, /names a weekday, but shift "12h"/],
    [
      { timezone: "Europe/Berlinn" },
      /timezone "Europe\/Berlinn" is not a known IANA time zone; use a name such as/,
    ],
    [{ timezone: "+01:00" }, /timezone "\+01:00" is not a known IANA time zone/],
    [{ timezone: "" }, /timezone "" is not/],
    [
      { start: "2027-02-29" },
      /start "2027-02-29" is not a calendar date; write it as YYYY-MM-DD, e.g. 2026-11-02/,
    ],
    [{ start: "2026-13-01" }, /start "2026-13-01" is not a calendar date/],
    [{ start: "2026-3-1" }, /start "2026-3-1" is not a calendar date/],
  ])("rejects %o", (over, message) => {
    const parsed = parseRotation({ ...BASE, ...over });
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toMatch(message);
  });
});

describe("the config example (alice, bob; 1w; Mon 09:00 Europe/Berlin; from 2026-11-02)", () => {
  const r = rotation({
    id: "primary",
    members: ["alice", "bob"],
    shift: "1w",
    handoff: "Mon 09:00",
    start: "2026-11-02",
  });

  it.each<[string, Shift | null]>([
    ["2026-11-01T12:00+01:00", null],
    ["2026-11-02T08:59:59.999+01:00", null],
    [
      "2026-11-02T09:00+01:00",
      {
        personId: "alice",
        shiftIndex: 0,
        shiftStart: at("2026-11-02T09:00+01:00"),
        shiftEnd: at("2026-11-09T09:00+01:00"),
      },
    ],
    [
      "2026-11-09T08:59:59.999+01:00",
      {
        personId: "alice",
        shiftIndex: 0,
        shiftStart: at("2026-11-02T09:00+01:00"),
        shiftEnd: at("2026-11-09T09:00+01:00"),
      },
    ],
    [
      "2026-11-09T09:00+01:00",
      {
        personId: "bob",
        shiftIndex: 1,
        shiftStart: at("2026-11-09T09:00+01:00"),
        shiftEnd: at("2026-11-16T09:00+01:00"),
      },
    ],
    [
      "2026-11-16T09:00+01:00",
      {
        personId: "alice",
        shiftIndex: 2,
        shiftStart: at("2026-11-16T09:00+01:00"),
        shiftEnd: at("2026-11-23T09:00+01:00"),
      },
    ],
  ])("at %s", (instant, expected) => {
    expect(onDutyAt(r, at(instant))).toEqual(expected);
  });

  it("lists nothing before the first handoff and starts the list at it", () => {
    expect(shiftsBetween(r, at("2026-10-01T00:00Z"), at("2026-11-02T08:00Z"))).toEqual([]);
    const list = shiftsBetween(r, at("2026-10-01T00:00Z"), at("2026-11-10T00:00Z"));
    expect(list.map((s) => [s.personId, s.shiftIndex, s.shiftStart.toISOString()])).toEqual([
      ["alice", 0, "2026-11-02T08:00:00.000Z"],
      ["bob", 1, "2026-11-09T08:00:00.000Z"],
    ]);
  });
});

/**
 * Shifts around DST transitions: each row is [person, shiftIndex, shiftStart, shiftEnd], consecutive.
 * Every row is checked at its first and last millisecond and one millisecond before it starts, and the
 * whole run against shiftsBetween.
 */
interface TransitionCase {
  name: string;
  rotation: Partial<RotationInput>;
  shifts: [string, number, string, string][];
}

const TRANSITIONS: TransitionCase[] = [
  // Europe/Berlin: 2026-03-29 02:00 CET → 03:00 CEST; 2026-10-25 03:00 CEST → 02:00 CET.
  {
    name: "Berlin 1d 09:00, spring forward: the 23-hour day still hands off at 09:00",
    rotation: {},
    shifts: [
      ["a", 27, "2026-03-28T09:00+01:00", "2026-03-29T09:00+02:00"],
      ["b", 28, "2026-03-29T09:00+02:00", "2026-03-30T09:00+02:00"],
    ],
  },
  {
    name: "Berlin 1d 09:00, fall back: the 25-hour day",
    rotation: {},
    shifts: [
      ["a", 237, "2026-10-24T09:00+02:00", "2026-10-25T09:00+01:00"],
      ["b", 238, "2026-10-25T09:00+01:00", "2026-10-26T09:00+01:00"],
    ],
  },
  {
    name: "Berlin 12h from 09:00: the night shift is 11h in spring and 13h in autumn",
    rotation: { members: ["a", "b"], shift: "12h" },
    shifts: [
      ["a", 54, "2026-03-28T09:00+01:00", "2026-03-28T21:00+01:00"],
      ["b", 55, "2026-03-28T21:00+01:00", "2026-03-29T09:00+02:00"],
      ["a", 56, "2026-03-29T09:00+02:00", "2026-03-29T21:00+02:00"],
    ],
  },
  {
    name: "Berlin 12h from 09:00, fall back",
    rotation: { members: ["a", "b"], shift: "12h" },
    shifts: [
      ["b", 475, "2026-10-24T21:00+02:00", "2026-10-25T09:00+01:00"],
      ["a", 476, "2026-10-25T09:00+01:00", "2026-10-25T21:00+01:00"],
    ],
  },
  {
    name: "Berlin 1w Mon 09:00 (config example), spring 2027: a 167-hour week",
    rotation: { members: ["alice", "bob"], shift: "1w", handoff: "Mon 09:00", start: "2026-11-02" },
    shifts: [
      ["alice", 20, "2027-03-22T09:00+01:00", "2027-03-29T09:00+02:00"],
      ["bob", 21, "2027-03-29T09:00+02:00", "2027-04-05T09:00+02:00"],
    ],
  },
  {
    name: "Berlin 1w Mon 09:00, autumn 2027: a 169-hour week",
    rotation: { members: ["alice", "bob"], shift: "1w", handoff: "Mon 09:00", start: "2026-11-02" },
    shifts: [
      ["bob", 51, "2027-10-25T09:00+02:00", "2027-11-01T09:00+01:00"],
      ["alice", 52, "2027-11-01T09:00+01:00", "2027-11-08T09:00+01:00"],
    ],
  },
  {
    // 5h does not divide a day, so shifts are 5 real hours each and the local handoff time moves with DST.
    name: "Berlin 5h from 09:00 steps in elapsed time",
    rotation: { shift: "5h", start: "2026-03-28" },
    shifts: [
      ["a", 0, "2026-03-28T09:00+01:00", "2026-03-28T14:00+01:00"],
      ["b", 1, "2026-03-28T14:00+01:00", "2026-03-28T19:00+01:00"],
      ["c", 2, "2026-03-28T19:00+01:00", "2026-03-29T00:00+01:00"],
      ["a", 3, "2026-03-29T00:00+01:00", "2026-03-29T06:00+02:00"],
      ["b", 4, "2026-03-29T06:00+02:00", "2026-03-29T11:00+02:00"],
    ],
  },
  {
    name: "Berlin 36h steps in elapsed time across the autumn change",
    rotation: { members: ["a", "b"], shift: "36h", start: "2026-10-24" },
    shifts: [
      ["a", 0, "2026-10-24T09:00+02:00", "2026-10-25T20:00+01:00"],
      ["b", 1, "2026-10-25T20:00+01:00", "2026-10-27T08:00+01:00"],
    ],
  },

  // America/New_York: 2026-03-08 02:00 EST → 03:00 EDT; 2026-11-01 02:00 EDT → 01:00 EST.
  {
    name: "New York 1d 09:00, spring forward",
    rotation: { timezone: "America/New_York" },
    shifts: [
      ["a", 6, "2026-03-07T09:00-05:00", "2026-03-08T09:00-04:00"],
      ["b", 7, "2026-03-08T09:00-04:00", "2026-03-09T09:00-04:00"],
    ],
  },
  {
    name: "New York 1d 09:00, fall back",
    rotation: { timezone: "America/New_York" },
    shifts: [
      ["b", 244, "2026-10-31T09:00-04:00", "2026-11-01T09:00-05:00"],
      ["c", 245, "2026-11-01T09:00-05:00", "2026-11-02T09:00-05:00"],
    ],
  },
  {
    name: "New York 8h from 09:00, spring: the 01:00 shift loses the missing hour",
    rotation: { timezone: "America/New_York", shift: "8h" },
    shifts: [
      ["b", 19, "2026-03-07T17:00-05:00", "2026-03-08T01:00-05:00"],
      ["c", 20, "2026-03-08T01:00-05:00", "2026-03-08T09:00-04:00"],
      ["a", 21, "2026-03-08T09:00-04:00", "2026-03-08T17:00-04:00"],
    ],
  },
  {
    // The 01:00 handoff falls in the repeated hour: it happens at the first 01:00 (EDT).
    name: "New York 8h from 09:00, fall back: handoff at the first 01:00",
    rotation: { timezone: "America/New_York", shift: "8h", start: "2026-10-01" },
    shifts: [
      ["b", 91, "2026-10-31T17:00-04:00", "2026-11-01T01:00-04:00"],
      ["c", 92, "2026-11-01T01:00-04:00", "2026-11-01T09:00-05:00"],
      ["a", 93, "2026-11-01T09:00-05:00", "2026-11-01T17:00-05:00"],
    ],
  },

  // Australia/Sydney (southern hemisphere): 2026-04-05 03:00 AEDT → 02:00 AEST; 2026-10-04 02:00 AEST → 03:00 AEDT.
  {
    name: "Sydney 1d 09:00, DST ends in April: a 25-hour day",
    rotation: { members: ["a", "b"], timezone: "Australia/Sydney" },
    shifts: [
      ["a", 34, "2026-04-04T09:00+11:00", "2026-04-05T09:00+10:00"],
      ["b", 35, "2026-04-05T09:00+10:00", "2026-04-06T09:00+10:00"],
    ],
  },
  {
    name: "Sydney 1d 09:00, DST starts in October: a 23-hour day",
    rotation: { members: ["a", "b"], timezone: "Australia/Sydney" },
    shifts: [
      ["a", 216, "2026-10-03T09:00+10:00", "2026-10-04T09:00+11:00"],
      ["b", 217, "2026-10-04T09:00+11:00", "2026-10-05T09:00+11:00"],
    ],
  },
  {
    // 2026-03-01 is a Sunday. 02:30 repeats on 5 April (first one, AEDT) and is skipped on 4 October (03:00).
    name: "Sydney 1w Sun 02:30, overlap in April",
    rotation: { members: ["a", "b"], timezone: "Australia/Sydney", shift: "1w", handoff: "Sun 02:30" },
    shifts: [
      ["a", 4, "2026-03-29T02:30+11:00", "2026-04-05T02:30+11:00"],
      ["b", 5, "2026-04-05T02:30+11:00", "2026-04-12T02:30+10:00"],
    ],
  },
  {
    name: "Sydney 1w Sun 02:30, gap in October",
    rotation: { members: ["a", "b"], timezone: "Australia/Sydney", shift: "1w", handoff: "Sun 02:30" },
    shifts: [
      ["a", 30, "2026-09-27T02:30+10:00", "2026-10-04T03:00+11:00"],
      ["b", 31, "2026-10-04T03:00+11:00", "2026-10-11T02:30+11:00"],
    ],
  },

  // Asia/Kolkata: +05:30 all year; nothing moves on the dates other zones change.
  {
    name: "Kolkata 1d 09:00 across Europe's spring change",
    rotation: { timezone: "Asia/Kolkata" },
    shifts: [
      ["a", 27, "2026-03-28T09:00+05:30", "2026-03-29T09:00+05:30"],
      ["b", 28, "2026-03-29T09:00+05:30", "2026-03-30T09:00+05:30"],
    ],
  },
  {
    name: "Kolkata 12h from 09:00 across Europe's and America's autumn changes",
    rotation: { members: ["a", "b"], timezone: "Asia/Kolkata", shift: "12h" },
    shifts: [
      ["b", 475, "2026-10-24T21:00+05:30", "2026-10-25T09:00+05:30"],
      ["a", 476, "2026-10-25T09:00+05:30", "2026-10-25T21:00+05:30"],
      ["b", 477, "2026-10-25T21:00+05:30", "2026-10-26T09:00+05:30"],
      ["b", 491, "2026-11-01T21:00+05:30", "2026-11-02T09:00+05:30"],
    ],
  },
  {
    name: "Kolkata 1w Mon 09:00",
    rotation: {
      members: ["a", "b"],
      timezone: "Asia/Kolkata",
      shift: "1w",
      handoff: "Mon 09:00",
      start: "2026-11-02",
    },
    shifts: [
      ["a", 0, "2026-11-02T09:00+05:30", "2026-11-09T09:00+05:30"],
      ["b", 1, "2026-11-09T09:00+05:30", "2026-11-16T09:00+05:30"],
    ],
  },

  // Handoff times inside a gap (→ the end of the gap) and inside an overlap (→ the first occurrence).
  {
    name: "Berlin 1d 02:30, gap: hands off at 03:00 CEST on 29 March",
    rotation: { handoff: "02:30" },
    shifts: [
      ["a", 27, "2026-03-28T02:30+01:00", "2026-03-29T03:00+02:00"],
      ["b", 28, "2026-03-29T03:00+02:00", "2026-03-30T02:30+02:00"],
      ["c", 29, "2026-03-30T02:30+02:00", "2026-03-31T02:30+02:00"],
    ],
  },
  {
    name: "Berlin 1d 02:30, overlap: hands off at the first 02:30 (CEST) on 25 October",
    rotation: { handoff: "02:30" },
    shifts: [
      ["a", 237, "2026-10-24T02:30+02:00", "2026-10-25T02:30+02:00"],
      ["b", 238, "2026-10-25T02:30+02:00", "2026-10-26T02:30+01:00"],
      ["c", 239, "2026-10-26T02:30+01:00", "2026-10-27T02:30+01:00"],
    ],
  },
  {
    name: "New York 1d 02:00, exactly at the gap's start: hands off at 03:00 EDT",
    rotation: { timezone: "America/New_York", handoff: "02:00" },
    shifts: [
      ["a", 6, "2026-03-07T02:00-05:00", "2026-03-08T03:00-04:00"],
      ["b", 7, "2026-03-08T03:00-04:00", "2026-03-09T02:00-04:00"],
    ],
  },
  {
    name: "New York 1d 01:30, overlap: the first 01:30 (EDT)",
    rotation: { timezone: "America/New_York", handoff: "01:30", start: "2026-10-01" },
    shifts: [
      ["a", 30, "2026-10-31T01:30-04:00", "2026-11-01T01:30-04:00"],
      ["b", 31, "2026-11-01T01:30-04:00", "2026-11-02T01:30-05:00"],
    ],
  },
  {
    // Lord Howe moves by half an hour (02:00 → 02:30), so the end of the gap is at :30, not on the hour.
    name: "Lord Howe 1d 02:15, half-hour gap: hands off at 02:30",
    rotation: { members: ["a", "b"], timezone: "Australia/Lord_Howe", handoff: "02:15", start: "2026-10-01" },
    shifts: [
      ["a", 2, "2026-10-03T02:15+10:30", "2026-10-04T02:30+11:00"],
      ["b", 3, "2026-10-04T02:30+11:00", "2026-10-05T02:15+11:00"],
    ],
  },

  // Leap days.
  {
    name: "Berlin 1d across 2028-02-29",
    rotation: { start: "2028-02-27" },
    shifts: [
      ["b", 1, "2028-02-28T09:00+01:00", "2028-02-29T09:00+01:00"],
      ["c", 2, "2028-02-29T09:00+01:00", "2028-03-01T09:00+01:00"],
      ["a", 3, "2028-03-01T09:00+01:00", "2028-03-02T09:00+01:00"],
    ],
  },
  {
    name: "Berlin 1w Mon 09:00 across 2028-02-29: the week still has 7 days",
    rotation: { members: ["a", "b"], shift: "1w", handoff: "Mon 09:00", start: "2028-02-21" },
    shifts: [
      ["a", 0, "2028-02-21T09:00+01:00", "2028-02-28T09:00+01:00"],
      ["b", 1, "2028-02-28T09:00+01:00", "2028-03-06T09:00+01:00"],
      ["a", 2, "2028-03-06T09:00+01:00", "2028-03-13T09:00+01:00"],
    ],
  },
  {
    name: "New York 1d starting on the leap day, four years on",
    rotation: { members: ["a", "b"], timezone: "America/New_York", start: "2028-02-29" },
    shifts: [
      ["a", 0, "2028-02-29T09:00-05:00", "2028-03-01T09:00-05:00"],
      ["b", 1461, "2032-02-29T09:00-05:00", "2032-03-01T09:00-05:00"],
    ],
  },
];

describe.each(TRANSITIONS)("$name", ({ rotation: over, shifts: rows }) => {
  const r = rotation(over);
  const expected: Shift[] = rows.map(([personId, shiftIndex, start, end]) => ({
    personId,
    shiftIndex,
    shiftStart: at(start),
    shiftEnd: at(end),
  }));

  it.each(expected.map((s) => [s.shiftStart.toISOString(), s] as const))(
    "shift starting %s: exact at its first and last millisecond",
    (_, shift) => {
      expect(onDutyAt(r, shift.shiftStart)).toEqual(shift);
      expect(onDutyAt(r, ms(shift.shiftEnd, -1))).toEqual(shift);
      expect(shiftByIndex(r, shift.shiftIndex)).toEqual(shift);
    },
  );

  it("one millisecond before each handoff the previous shift is still on", () => {
    for (const shift of expected) {
      const before = onDutyAt(r, ms(shift.shiftStart, -1));
      if (shift.shiftIndex === 0) {
        expect(before).toBeNull();
      } else {
        expect(before?.shiftEnd).toEqual(shift.shiftStart);
        expect(before?.shiftIndex).toBe(shift.shiftIndex - 1);
      }
    }
  });

  it("shiftsBetween lists consecutive rows exactly", () => {
    // Rows are consecutive unless the table skips ahead (the four-year leap-day row).
    for (let i = 0; i + 1 < expected.length; i++) {
      const [a, b] = [expected[i] as Shift, expected[i + 1] as Shift];
      if (b.shiftIndex !== a.shiftIndex + 1) continue;
      expect(shiftsBetween(r, a.shiftStart, b.shiftEnd)).toEqual([a, b]);
      // A window strictly inside the pair still reports both shifts it touches.
      expect(shiftsBetween(r, ms(a.shiftEnd, -1), ms(a.shiftEnd, 1))).toEqual([a, b]);
      // A window ending exactly at a handoff does not include the next shift (half-open).
      expect(shiftsBetween(r, a.shiftStart, a.shiftEnd)).toEqual([a]);
    }
  });
});

describe("1h shifts over a spring-forward gap", () => {
  // Berlin, 29 March 2026: 02:00 does not exist, so the 02:00 slot starts and ends at 03:00 CEST.
  const r = rotation({ shift: "1h", handoff: "00:00", start: "2026-03-28" });

  it("keeps the vanished 02:00 slot as a zero-length shift with its own index", () => {
    expect(shiftByIndex(r, 26)).toEqual({
      personId: "c",
      shiftIndex: 26,
      shiftStart: at("2026-03-29T03:00+02:00"),
      shiftEnd: at("2026-03-29T03:00+02:00"),
    });
  });

  it("never puts anyone on a zero-length shift and leaves it out of lists", () => {
    expect(onDutyAt(r, at("2026-03-29T03:00+02:00"))?.shiftIndex).toBe(27);
    expect(onDutyAt(r, at("2026-03-29T01:59:59.999+01:00"))?.shiftIndex).toBe(25);
    const list = shiftsBetween(r, at("2026-03-29T01:30+01:00"), at("2026-03-29T03:30+02:00"));
    expect(list.map((s) => [s.shiftIndex, s.personId, local(s.shiftStart, "Europe/Berlin")])).toEqual([
      [25, "b", "2026-03-29 01:00 +01:00"],
      [27, "a", "2026-03-29 03:00 +02:00"],
    ]);
  });
});

describe("instants far from the start", () => {
  it.each<[Partial<RotationInput>, string, Partial<Shift>]>([
    // 136477 days from 2026-11-02 to 2400-07-01; odd, so bob.
    [
      { members: ["alice", "bob"], start: "2026-11-02" },
      "2400-07-01T12:00Z",
      { personId: "bob", shiftIndex: 136_477, shiftStart: at("2400-07-01T09:00+02:00") },
    ],
    [{ members: ["alice", "bob"], start: "2026-11-02" }, "2000-01-01T00:00Z", {}],
  ])("%o at %s", (over, instant, expected) => {
    const found = onDutyAt(rotation(over), at(instant));
    if (Object.keys(expected).length === 0) expect(found).toBeNull();
    else expect(found).toMatchObject(expected);
  });

  it("stays on the wall-clock grid for 1h shifts eight thousand years on", () => {
    const r = rotation({ shift: "1h", handoff: "00:30", timezone: "America/New_York", start: "2026-01-01" });
    const found = onDutyAt(r, at("9999-07-01T12:45Z")) as Shift;
    expect(local(found.shiftStart, "America/New_York")).toBe("9999-07-01 08:30 -04:00");
    expect(shiftByIndex(r, found.shiftIndex)).toEqual(found);
  });
});

describe("resolveWallClock", () => {
  const savedTz = process.env.TZ;
  afterEach(() => {
    if (savedTz === undefined) delete process.env.TZ;
    else process.env.TZ = savedTz;
  });

  const cases: [string, string, string, string][] = [
    ["Europe/Berlin", "2026-03-29", "02:30", "2026-03-29T03:00+02:00"],
    ["Europe/Berlin", "2026-10-25", "02:30", "2026-10-25T02:30+02:00"],
    ["America/New_York", "2026-03-08", "02:59", "2026-03-08T03:00-04:00"],
    ["America/New_York", "2026-11-01", "01:00", "2026-11-01T01:00-04:00"],
    ["Australia/Sydney", "2026-04-05", "02:00", "2026-04-05T02:00+11:00"],
    ["Australia/Sydney", "2026-10-04", "02:00", "2026-10-04T03:00+11:00"],
    ["Asia/Kolkata", "2026-03-29", "02:30", "2026-03-29T02:30+05:30"],
    // Samoa skipped 30 December 2011 entirely: any time that day resolves to the start of the 31st.
    ["Pacific/Apia", "2011-12-30", "09:00", "2011-12-31T00:00+14:00"],
  ];

  // The host's own zone must not leak in (TZDate's constructor picks overlap occurrences by it).
  it.each(["UTC", "Europe/Berlin", "America/Los_Angeles", "Asia/Kolkata", "Australia/Sydney"])(
    "gives the same instants with the host in %s",
    (host) => {
      process.env.TZ = host;
      for (const [zone, date, time, expected] of cases) {
        expect(resolveWallClock(zone, date, time), `${zone} ${date} ${time}`).toEqual(at(expected));
      }
    },
  );
});

describe("bad arguments", () => {
  const r = rotation({});
  it("rejects invalid dates and indices instead of answering nonsense", () => {
    expect(() => onDutyAt(r, new Date(Number.NaN))).toThrow(RangeError);
    expect(() => shiftsBetween(r, new Date(Number.NaN), new Date())).toThrow(RangeError);
    expect(() => shiftByIndex(r, -1)).toThrow(RangeError);
    expect(() => shiftByIndex(r, 1.5)).toThrow(RangeError);
  });

  it("rejects a hand-built rotation that parseRotation would refuse", () => {
    expect(() => onDutyAt({ ...r, members: [] }, new Date())).toThrow(/not a valid Rotation/);
    expect(() => onDutyAt({ ...r, handoffWeekday: "Mon" }, new Date())).toThrow(/not whole weeks/);
  });

  it("returns an empty list for an empty or reversed window", () => {
    expect(shiftsBetween(r, at("2026-06-01T00:00Z"), at("2026-06-01T00:00Z"))).toEqual([]);
    expect(shiftsBetween(r, at("2026-06-02T00:00Z"), at("2026-06-01T00:00Z"))).toEqual([]);
  });
});
