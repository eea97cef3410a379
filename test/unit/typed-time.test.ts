import { describe, expect, it } from "vitest";
import { resolveTypedTime, type TypedInstant } from "../../src/core/oncall/typed-time.js";

const instant = (r: TypedInstant) => (r.ok ? r.at.toISOString() : `refused: ${r.message}`);

describe("resolveTypedTime", () => {
  // [typed, zone, the instant, written with the offset in force there]
  const plain: [string, string, string][] = [
    ["2026-11-21T09:00", "Europe/Berlin", "2026-11-21T09:00+01:00"],
    ["2026-07-01T09:00", "Europe/Berlin", "2026-07-01T09:00+02:00"],
    ["2026-07-01T09:00:30", "America/New_York", "2026-07-01T09:00:30-04:00"],
    ["2026-12-01T09:00", "Australia/Sydney", "2026-12-01T09:00+11:00"],
    ["2026-06-01T09:00", "Australia/Sydney", "2026-06-01T09:00+10:00"],
    ["2027-03-28T02:30", "Asia/Kolkata", "2027-03-28T02:30+05:30"],
    ["2028-02-29T23:59", "Asia/Kolkata", "2028-02-29T23:59+05:30"],
    // Just either side of a gap exists: 01:59 before it, 03:00 (the transition) after it.
    ["2027-03-28T01:59", "Europe/Berlin", "2027-03-28T01:59+01:00"],
    ["2027-03-28T03:00", "Europe/Berlin", "2027-03-28T03:00+02:00"],
  ];
  it.each(plain)("%s in %s is %s", (typed, zone, want) => {
    const r = resolveTypedTime(typed, zone);
    expect(instant(r)).toBe(new Date(want).toISOString());
    expect(r.ok && r.note).toBeFalsy();
  });

  // An offset names the instant whatever the zone, even a wall-clock time that does not exist there.
  const offsets: [string, string][] = [
    ["2026-11-21T08:00Z", "2026-11-21T08:00:00.000Z"],
    ["2026-11-21T09:00+05:30", "2026-11-21T03:30:00.000Z"],
    ["2026-11-21T09:00-03:30", "2026-11-21T12:30:00.000Z"],
    ["2027-03-28T02:30+01:00", "2027-03-28T01:30:00.000Z"],
    // The widest real offsets, at the edge of what is accepted.
    ["2026-11-21T09:00+14:00", "2026-11-20T19:00:00.000Z"],
    ["2026-11-21T09:00-14:00", "2026-11-21T23:00:00.000Z"],
    ["2026-11-21T09:00+05:45", "2026-11-21T03:15:00.000Z"],
  ];
  it.each(offsets)("%s is %s in any zone", (typed, want) => {
    expect(instant(resolveTypedTime(typed, "Europe/Berlin"))).toBe(want);
    expect(instant(resolveTypedTime(typed, "Australia/Sydney"))).toBe(want);
  });

  const gaps: [string, string, string][] = [
    [
      "2027-03-28T02:30",
      "Europe/Berlin",
      "2027-03-28 02:30 does not exist in Europe/Berlin: clocks go from 02:00 straight to 03:00 that night. " +
        "Use 03:00 or later, or give an offset such as 2027-03-28T02:30+01:00.",
    ],
    [
      "2026-03-08T02:00",
      "America/New_York",
      "2026-03-08 02:00 does not exist in America/New_York: clocks go from 02:00 straight to 03:00 that night. " +
        "Use 03:00 or later, or give an offset such as 2026-03-08T02:00-05:00.",
    ],
    [
      "2026-10-04T02:59:59",
      "Australia/Sydney",
      "2026-10-04 02:59:59 does not exist in Australia/Sydney: clocks go from 02:00 straight to 03:00 that night. " +
        "Use 03:00 or later, or give an offset such as 2026-10-04T02:59:59+10:00.",
    ],
  ];
  it.each(gaps)("%s in %s does not exist: refused, saying why and what to type", (typed, zone, message) => {
    expect(resolveTypedTime(typed, zone)).toStrictEqual({ ok: false, message });
  });

  const overlaps: [string, string, string, string][] = [
    [
      "2026-10-25T02:30",
      "Europe/Berlin",
      "2026-10-25T02:30+02:00",
      "2026-10-25 02:30 happens twice in Europe/Berlin: clocks go back from 03:00 to 02:00 that night. " +
        "I took the first, 2026-10-25T02:30+02:00; for the second, write 2026-10-25T02:30+01:00.",
    ],
    [
      "2026-11-01T01:00",
      "America/New_York",
      "2026-11-01T01:00-04:00",
      "2026-11-01 01:00 happens twice in America/New_York: clocks go back from 02:00 to 01:00 that night. " +
        "I took the first, 2026-11-01T01:00-04:00; for the second, write 2026-11-01T01:00-05:00.",
    ],
    [
      "2026-04-05T02:15",
      "Australia/Sydney",
      "2026-04-05T02:15+11:00",
      "2026-04-05 02:15 happens twice in Australia/Sydney: clocks go back from 03:00 to 02:00 that night. " +
        "I took the first, 2026-04-05T02:15+11:00; for the second, write 2026-04-05T02:15+10:00.",
    ],
  ];
  it.each(overlaps)("%s in %s happens twice: the earlier, %s, with a note", (typed, zone, want, note) => {
    expect(resolveTypedTime(typed, zone)).toStrictEqual({ ok: true, at: new Date(want), note });
  });

  it("the note's suggestion for the second occurrence is the later instant, one hour on", () => {
    const first = resolveTypedTime("2026-10-25T02:30", "Europe/Berlin");
    const second = resolveTypedTime("2026-10-25T02:30+01:00", "Europe/Berlin");
    expect(first.ok && second.ok && second.at.getTime() - first.at.getTime()).toBe(3_600_000);
  });

  const refused: [string, string, string][] = [
    ["tomorrow", "Europe/Berlin", '"tomorrow" is not a time I can read.'],
    ["2026-11-21 09:00", "Europe/Berlin", "is not a time I can read"],
    ["2027-02-29T09:00", "Europe/Berlin", '"2027-02-29T09:00" is not a real date and time.'],
    ["2026-11-21T24:00", "Europe/Berlin", "is not a real date and time"],
    ["2026-11-21T09:00", "Mars/Olympus_Mons", '"Mars/Olympus_Mons" is not a time zone I know'],
    [
      "2026-11-21T09:00+99:99",
      "Europe/Berlin",
      '"2026-11-21T09:00+99:99" has the offset +99:99, which is not',
    ],
    [
      "2026-11-21T09:00+01:60",
      "Europe/Berlin",
      "offsets run from -14:00 to +14:00, with minutes from 00 to 59",
    ],
    ["2026-11-21T09:00-14:01", "Europe/Berlin", "has the offset -14:01, which is not a real UTC offset"],
    ["2026-11-21T09:00+15:00", "Europe/Berlin", "has the offset +15:00"],
  ];
  it.each(refused)("%s in %s is refused", (typed, zone, fragment) => {
    const r = resolveTypedTime(typed, zone);
    expect(r.ok).toBe(false);
    expect(r.ok ? "" : r.message).toContain(fragment);
  });
});
