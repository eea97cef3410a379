import { describe, expect, it } from "vitest";
import type { Incident } from "../../src/core/incident/incident.js";
import type { TimelineEvent } from "../../src/core/incident/timeline.js";
import {
  incidentLogCsv,
  matchesFilter,
  nextDate,
  parseLogFilter,
} from "../../src/core/metrics/incident-log.js";
import {
  byIsoWeek,
  byService,
  bySeverity,
  commandersOf,
  incidentTimes,
  isoWeek,
  lastIsoWeeks,
  median,
  milestoneTimes,
  newestFirst,
} from "../../src/core/metrics/incident-times.js";

const T0 = "2026-11-16T10:00:00.000Z"; // a Monday

function incident(over: Partial<Incident> = {}): Incident {
  return {
    id: "INC-1",
    number: 1,
    title: "Search is down",
    kind: "incident",
    severity: "sev2",
    service: "search",
    state: "triggered",
    platform: "slack",
    origin: { conversationId: "C0GENERAL" },
    reporters: [{ platformUserId: "U0BOB", personId: "bob" }],
    createdAt: T0,
    updatedAt: T0,
    milestones: { triggered: T0 },
    ...over,
  };
}

const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

function changed(from: string, to: string): TimelineEvent {
  return { type: "commander_changed", at: T0, recordedAt: T0, data: { from, to, via: "handoff" } };
}

describe("milestone times of one incident", () => {
  const full = incident({
    state: "closed",
    closeReason: "confirmed",
    milestones: {
      triggered: T0,
      acknowledged: at(4),
      investigating: at(6),
      mitigated: at(30),
      fix_merged: at(50),
      fix_deployed: at(90),
      resolved: at(120),
      closed: at(24 * 60),
    },
  });

  it("measures every duration from the opening, in seconds", () => {
    const t = milestoneTimes(full);
    expect(t).toEqual({
      opened: T0,
      acknowledged: at(4),
      mitigated: at(30),
      fixDeployed: at(90),
      resolved: at(120),
      confirmed: at(24 * 60),
      seconds: { acknowledge: 240, mitigate: 1800, resolve: 7200, confirm: 86_400 },
    });
  });

  it.each([
    ["a deploy before any mitigated status mitigates", { fix_deployed: at(20), resolved: at(25) }, 1200],
    ["a resolution alone mitigates", { resolved: at(25) }, 1500],
    ["the earliest of the three counts", { mitigated: at(40), fix_deployed: at(10), resolved: at(60) }, 600],
    ["nothing stopped the harm yet", { acknowledged: at(2) }, null],
  ])("time to mitigate: %s", (_name, milestones, expected) => {
    const t = milestoneTimes(incident({ milestones: { triggered: T0, ...milestones } }));
    expect(t.seconds.mitigate).toBe(expected);
  });

  it.each([
    ["confirmed", at(300), 18_000],
    ["timeout", null, null],
    ["duplicate", null, null],
  ] as const)("a close by %s is %s a confirmation", (reason, confirmed, seconds) => {
    const t = milestoneTimes(
      incident({ state: "closed", closeReason: reason, milestones: { triggered: T0, closed: at(300) } }),
    );
    expect(t.confirmed).toBe(confirmed);
    expect(t.seconds.confirm).toBe(seconds);
  });

  it("reads an incident stored before milestones from its creation, and leaves unreached ones null", () => {
    const t = milestoneTimes(incident({ milestones: undefined }));
    expect(t.opened).toBe(T0);
    expect(t.seconds).toEqual({ acknowledge: null, mitigate: null, resolve: null, confirm: null });
  });

  it("counts a milestone recorded before the opening (clock skew) as instant, not negative", () => {
    const t = milestoneTimes(incident({ milestones: { triggered: T0, acknowledged: at(-1) } }));
    expect(t.seconds.acknowledge).toBe(0);
  });

  it("keeps the first resolution of a reopened incident", () => {
    const reopened = incident({
      state: "resolved",
      milestones: { triggered: T0, acknowledged: at(1), resolved: at(60), reopened: at(90) },
    });
    expect(milestoneTimes(reopened).seconds.resolve).toBe(3600);
  });
});

describe("commanders", () => {
  const personOf = (u: string) => ({ U0DANA: "dana", U0ALICE: "alice" })[u];

  it("lists everyone who commanded, in order, with person ids where known", () => {
    const i = incident({ commander: { platformUserId: "U0CAROL" } });
    const events = [changed("U0DANA", "U0ALICE"), changed("U0ALICE", "U0CAROL")];
    expect(commandersOf(i, events, personOf)).toEqual([
      { platformUserId: "U0DANA", personId: "dana" },
      { platformUserId: "U0ALICE", personId: "alice" },
      { platformUserId: "U0CAROL" },
    ]);
  });

  it("names the current commander alone when it never changed, and a handback once", () => {
    const i = incident({ commander: { platformUserId: "U0DANA", personId: "dana" } });
    expect(commandersOf(i, [], () => undefined)).toEqual([{ platformUserId: "U0DANA", personId: "dana" }]);
    const back = [changed("U0DANA", "U0ALICE"), changed("U0ALICE", "U0DANA")];
    expect(commandersOf(i, back, personOf).map((c) => c.platformUserId)).toEqual(["U0DANA", "U0ALICE"]);
  });

  it("skips the empty 'from' of a first designation", () => {
    const i = incident({ commander: { platformUserId: "U0ALICE" } });
    expect(commandersOf(i, [changed("", "U0ALICE")], personOf)).toEqual([
      { platformUserId: "U0ALICE", personId: "alice" },
    ]);
  });

  it("the row carries the current commander and the private flag", () => {
    const row = incidentTimes(
      incident({ private: true, commander: { platformUserId: "U0DANA" } }),
      [],
      personOf,
    );
    expect(row.commander).toEqual({ platformUserId: "U0DANA", personId: "dana" });
    expect(row.private).toBe(true);
    expect(incidentTimes(incident()).private).toBe(false);
  });
});

describe("aggregates", () => {
  const rows = [
    incident({
      id: "INC-1",
      number: 1,
      severity: "sev1",
      milestones: { triggered: T0, acknowledged: at(2) },
    }),
    incident({
      id: "INC-2",
      number: 2,
      severity: "sev1",
      milestones: { triggered: at(10), acknowledged: at(16) },
    }),
    incident({
      id: "INC-3",
      number: 3,
      severity: "sev1",
      milestones: { triggered: at(20), acknowledged: at(40) },
    }),
    incident({
      id: "INC-4",
      number: 4,
      severity: "sev3",
      service: undefined,
      milestones: { triggered: at(-7 * 1440) },
    }),
  ].map((i) => incidentTimes(i));

  it("median of odd and even counts, none of nothing", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });

  it("per severity: every severity present, medians over those that reached the measure", () => {
    const sev = bySeverity(rows);
    expect(sev.map((s) => s.key)).toEqual(["sev1", "sev2", "sev3", "sev4"]);
    expect(sev[0]).toMatchObject({ count: 3, medians: { acknowledge: 360 }, reached: { acknowledge: 3 } });
    expect(sev[2]).toMatchObject({ count: 1, medians: { acknowledge: null }, reached: { acknowledge: 0 } });
    expect(sev[1]?.count).toBe(0);
  });

  it("per service, with incidents without one under 'none'", () => {
    expect(byService(rows).map((s) => [s.key, s.count])).toEqual([
      ["none", 1],
      ["search", 3],
    ]);
  });

  it("per ISO week, for the weeks asked only", () => {
    const weeks = byIsoWeek(rows, ["2026-W46", "2026-W47"]);
    expect(weeks.map((w) => [w.key, w.count])).toEqual([
      ["2026-W46", 1],
      ["2026-W47", 3],
    ]);
  });

  it("newest first, by opening then number", () => {
    const sorted = [...rows].sort(newestFirst).map((r) => r.id);
    expect(sorted).toEqual(["INC-3", "INC-2", "INC-1", "INC-4"]);
  });
});

describe("ISO weeks", () => {
  it.each([
    ["2026-11-16T10:00:00Z", "UTC", "2026-W47"],
    ["2021-01-03T12:00:00Z", "UTC", "2020-W53"], // a Sunday still in the last week of 2020
    ["2024-12-30T12:00:00Z", "UTC", "2025-W01"], // a Monday already in 2025's first week
    ["2026-01-01T00:00:00Z", "UTC", "2026-W01"], // a Thursday
    // Sunday 23:30 UTC is already Monday in Berlin: the week the people there lived it.
    ["2026-11-22T23:30:00Z", "UTC", "2026-W47"],
    ["2026-11-22T23:30:00Z", "Europe/Berlin", "2026-W48"],
    // Across the end of summer time (Berlin, 25 Oct 2026 has 25 hours).
    ["2026-10-25T22:59:00Z", "Europe/Berlin", "2026-W43"],
    ["2026-10-25T23:00:00Z", "Europe/Berlin", "2026-W44"],
  ])("%s in %s is %s", (instant, zone, week) => {
    expect(isoWeek(new Date(instant), zone)).toBe(week);
  });

  it("the last weeks run oldest first up to the current one, across a year end", () => {
    expect(lastIsoWeeks(new Date("2027-01-06T12:00:00Z"), 3)).toEqual(["2026-W52", "2026-W53", "2027-W01"]);
    expect(lastIsoWeeks(new Date("2026-11-16T10:00:00Z"), 12)).toHaveLength(12);
  });
});

describe("log filters", () => {
  const services = ["search", "billing"];
  const parse = (query: Record<string, unknown>) => parseLogFilter(query, "Europe/Berlin", services);

  it("a date is a whole day in the configured zone, both ends inclusive", () => {
    const r = parse({ from: "2026-11-16", to: "2026-11-16" });
    if (!r.ok) throw new Error(r.reason);
    expect(new Date(r.filter.from as number).toISOString()).toBe("2026-11-15T23:00:00.000Z");
    expect(new Date(r.filter.to as number).toISOString()).toBe("2026-11-16T22:59:59.999Z");
  });

  it("the day summer time ends is 25 hours long", () => {
    const r = parse({ from: "2026-10-25", to: "2026-10-25" });
    if (!r.ok) throw new Error(r.reason);
    expect((r.filter.to as number) + 1 - (r.filter.from as number)).toBe(25 * 3600_000);
  });

  it.each([
    // Zones far east of UTC: the day starts on the previous UTC date, so a UTC date near it is the wrong day.
    ["Pacific/Auckland", "2026-01-10", "2026-01-09T11:00:00.000Z", "2026-01-10T10:59:59.999Z"], // NZDT, UTC+13
    ["Pacific/Kiritimati", "2026-06-10", "2026-06-09T10:00:00.000Z", "2026-06-10T09:59:59.999Z"], // UTC+14
    ["Pacific/Kiritimati", "2026-12-31", "2026-12-30T10:00:00.000Z", "2026-12-31T09:59:59.999Z"], // year's end
    ["Pacific/Pago_Pago", "2026-02-28", "2026-02-28T11:00:00.000Z", "2026-03-01T10:59:59.999Z"], // UTC-11
    ["Pacific/Auckland", "2026-04-05", "2026-04-04T11:00:00.000Z", "2026-04-05T11:59:59.999Z"], // 25 h: DST ends
  ])("in %s, the date %s runs from %s to %s", (zone, date, from, to) => {
    const r = parseLogFilter({ from: date, to: date }, zone, services);
    if (!r.ok) throw new Error(r.reason);
    expect(new Date(r.filter.from as number).toISOString()).toBe(from);
    expect(new Date(r.filter.to as number).toISOString()).toBe(to);
  });

  it.each([
    ["2026-01-31", "2026-02-01"],
    ["2028-02-28", "2028-02-29"],
    ["2026-12-31", "2027-01-01"],
    ["0099-12-31", "0100-01-01"],
  ])("the day after %s is %s", (date, next) => {
    expect(nextDate(date)).toBe(next);
  });

  it("takes timestamps with an offset, severities in any case, lists with commas, and the token", () => {
    const r = parse({ from: "2026-11-16T08:00:00Z", severity: "SEV1,sev2", state: "closed", token: "x" });
    expect(r).toEqual({
      ok: true,
      filter: { from: Date.parse("2026-11-16T08:00:00Z"), severities: ["sev1", "sev2"], states: ["closed"] },
    });
  });

  it.each([
    [{ from: "yesterday" }, /"from" must be a date/],
    [{ from: "2026-02-30" }, /"from" must be a date/],
    [{ to: "2026-11-16T08:00:00" }, /offset/],
    [{ from: "2026-11-17", to: "2026-11-16" }, /after "to"/],
    [{ severity: "sev5" }, /no severity "sev5".*sev1, sev2, sev3, sev4/],
    [{ state: "done" }, /no state "done"/],
    [{ kind: "outage" }, /no kind "outage"/],
    [{ service: "serach" }, /no service "serach".*search, billing/],
    [{ service: "" }, /"service" is empty/],
    [{ sevrity: "sev1" }, /Unknown filter "sevrity"/],
    [{ severity: ["sev1", "sev2"] }, /more than once/],
  ])("refuses %j with a reason", (query, reason) => {
    const r = parse(query);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it("matches on the opening time and the fields", () => {
    const row = incidentTimes(incident({ severity: "sev1", state: "closed" }));
    const ok = (query: Record<string, unknown>) => {
      const r = parse(query);
      if (!r.ok) throw new Error(r.reason);
      return matchesFilter(row, r.filter);
    };
    expect(ok({ from: "2026-11-16", to: "2026-11-16" })).toBe(true);
    expect(ok({ from: "2026-11-17" })).toBe(false);
    expect(ok({ to: "2026-11-15" })).toBe(false);
    expect(ok({ severity: "sev1", service: "search", state: "closed", kind: "incident" })).toBe(true);
    expect(ok({ severity: "sev2" })).toBe(false);
    expect(ok({ service: "billing" })).toBe(false);
  });
});

describe("the log as CSV", () => {
  it("has a header and one CRLF-ended row per incident, with durations as numbers", () => {
    const row = incidentTimes(
      incident({
        title: "=cmd|' /C calc'!A0",
        commander: { platformUserId: "U0DANA", personId: "dana" },
        milestones: { triggered: T0, acknowledged: at(4) },
      }),
    );
    const lines = incidentLogCsv([row]).split("\r\n");
    expect(lines[0]).toBe(
      "id,title,kind,severity,service,state,private,commander,commanders,opened,acknowledged,mitigated," +
        "fix_deployed,resolved,confirmed,seconds_to_acknowledge,seconds_to_mitigate,seconds_to_resolve,seconds_to_confirm",
    );
    expect(lines[1]).toBe(
      `INC-1,'=cmd|' /C calc'!A0,incident,SEV2,search,triggered,false,dana,dana,${T0},${at(4)},,,,,240,,,`,
    );
    expect(lines[2]).toBe("");
  });
});
