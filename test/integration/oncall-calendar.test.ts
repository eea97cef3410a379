import { describe, expect, it } from "vitest";
import { calendarToken } from "../../src/core/oncall/calendar-token.js";
import { STANDARD_SEVERITIES, teamConfig } from "../helpers/config-fixtures.js";
import { eventually } from "../helpers/firebreak.js";
import { noticesWorld, override } from "./oncall-notices-harness.js";

/**
 * Calendar feeds end to end: the real web server and store (the secret in Redis), a clock set by hand, and
 * `/incident oncall calendar` through the fake Slack. Primary: Alice and Bob daily from Mon 2 Nov 2026 09:00
 * Berlin; Dana covers 12 hours of Bob's Thursday by an override Alice made. Ops: Dana alone, weekly.
 */
const CONFIG = teamConfig({
  rotations: `
  - { id: primary, name: Primary, members: [alice, bob], shift: 1d, handoff: "09:00", timezone: Europe/Berlin, start: 2026-11-02 }
  - { id: ops, name: Ops, members: [dana], shift: 1w, handoff: "Mon 09:00", timezone: Europe/Berlin, start: 2026-11-02 }
`,
  severities: STANDARD_SEVERITIES,
});

const notices = noticesWorld();

async function start(label: string) {
  const w = await notices.start({ label, config: CONFIG, at: "2026-11-03T12:00:00Z" });
  await notices.addOverrides("primary", [
    override({
      id: "o1",
      rotation: "primary",
      personId: "dana",
      from: "2026-11-05T08:00:00.000Z",
      to: "2026-11-05T20:00:00.000Z",
      by: "alice",
      replaces: "bob",
    }),
  ]);
  return w;
}

/** The feed at `path` (with its query) from the running web server. */
const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${notices.world().app.url}${path}`, { headers });

/** Unfolds iCalendar lines (a continuation starts with a space) so text can be searched whole. */
const unfold = (ics: string) => ics.replace(/\r\n[ \t]/g, "");

describe("the calendar feed", () => {
  it("refuses a missing or wrong token with 401, the same whether or not the rotation exists", async () => {
    await start("refuse");
    const secret = await notices.calendarSecret();
    const cases = [
      "/oncall/primary.ics",
      "/oncall/primary.ics?token=",
      "/oncall/primary.ics?token=not-the-token",
      `/oncall/primary.ics?token=${calendarToken(secret, "ops")}`,
      "/oncall/nosuch.ics?token=not-the-token",
      "/oncall/nosuch.ics",
    ];
    for (const path of cases) {
      const res = await get(path);
      expect(res.status, path).toBe(401);
      expect(res.headers.get("cache-control"), path).toBe("no-store");
      expect(await res.text(), path).not.toMatch(/BEGIN:VCALENDAR|primary|nosuch/i);
    }
  });

  it("answers 404 to the right token for a rotation that is not configured", async () => {
    await start("unknown");
    const secret = await notices.calendarSecret();
    const res = await get(`/oncall/nosuch.ics?token=${calendarToken(secret, "nosuch")}`);
    expect(res.status).toBe(404);
  });

  it("serves the rotation's shifts with overrides applied, stable UIDs and refresh hints", async () => {
    await start("serve");
    const token = calendarToken(await notices.calendarSecret(), "primary");
    const res = await get(`/oncall/primary.ics?token=${token}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/calendar; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const ics = unfold(await res.text());
    expect(ics).toMatch(/^BEGIN:VCALENDAR\r\n/);
    expect(ics).toContain("X-WR-CALNAME:On call: Primary");
    expect(ics).toContain("X-PUBLISHED-TTL:PT1H");
    expect(ics).toContain("REFRESH-INTERVAL;VALUE=DURATION:PT1H");

    // Tue 3 Nov is Bob's, 09:00 → 09:00 Berlin (08:00 UTC in November).
    expect(ics).toContain(
      [
        "UID:primary-1793692800000-bob@firebreak",
        "SEQUENCE:0",
        "DTSTAMP:20261103T120000Z",
        "DTSTART:20261103T080000Z",
        "DTEND:20261104T080000Z",
        "SUMMARY:On call: Bob (Primary)",
      ].join("\r\n"),
    );
    // Thu 5 Nov: Dana by the override from 08:00 to 20:00 UTC, then Bob for the rest of his shift.
    expect(ics).toContain(
      "DTSTART:20261105T080000Z\r\nDTEND:20261105T200000Z\r\nSUMMARY:On call: Dana (Primary)",
    );
    expect(ics).toMatch(
      /DESCRIPTION:Override by Alice \(made 2026-11-01 12:00 UTC\) instead of Bob\\, in Primary\./,
    );
    expect(ics).toContain(
      "DTSTART:20261105T200000Z\r\nDTEND:20261106T080000Z\r\nSUMMARY:On call: Bob (Primary)",
    );
    expect(ics).toContain('DESCRIPTION:Scheduled by layer "base" of Primary.');
    // 30 days back reaches before the rotation began (2 Nov): the first event is Alice's first shift.
    const starts = [...ics.matchAll(/DTSTART:(\d{8}T\d{6}Z)/g)].map((m) => m[1]);
    expect(starts[0]).toBe("20261102T080000Z");
    // 180 days ahead: shifts into May 2027, DST included (09:00 CEST is 07:00 UTC).
    expect(starts).toContain("20270501T070000Z");
    expect(ics.match(/BEGIN:VEVENT/g)?.length).toBe(starts.length);

    // The same feed a minute later has the same UIDs, and the token works as a bearer token too.
    notices.world().clock.advance(60_000);
    const again = unfold(
      await (await get("/oncall/primary.ics", { Authorization: `Bearer ${token}` })).text(),
    );
    const uids = (text: string) => [...text.matchAll(/UID:(\S+)/g)].map((m) => m[1]);
    expect(uids(again)).toEqual(uids(ics));
  });
});

describe("/incident oncall calendar", () => {
  /** Asks, and waits for the answer only the asker sees. */
  async function ask(text: string, user: string): Promise<string> {
    const d = await notices.world().fake.sendSlashCommand({ text, user });
    return eventually(() => {
      if (d.responseUrl.posts.length === 0) throw new Error(`no answer to "${text}" yet`);
      return JSON.stringify(d.responseUrl.posts.map((p) => p.body));
    }, 10_000);
  }
  const urlsIn = (answer: string) => [
    ...new Set(
      [...answer.matchAll(/http:\/\/localhost:\d+\/oncall\/[a-z]+\.ics\?token=[\w-]+/g)].map((m) => m[0]),
    ),
  ];

  it("answers the asker with the feeds of their rotations, and the addresses work", async () => {
    await start("command");
    const answer = await ask("oncall calendar", "U0BOB");
    expect(answer).toContain("On-call calendars of your rotations");
    expect(answer).toContain("From URL");
    const urls = urlsIn(answer);
    expect(urls).toHaveLength(1);
    expect(urls[0]).toContain("/oncall/primary.ics?token=");
    expect(answer).toContain("webcal://localhost:");
    const res = await fetch(urls[0] as string);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("SUMMARY:On call: Dana (Primary)");
    // Nobody else saw it: the answer is ephemeral and nothing was posted in the channel.
    expect(notices.world().fake.messages("general")).toEqual([]);
  });

  it("gives the named rotation's feed", async () => {
    await start("named");
    const urls = urlsIn(await ask("oncall calendar ops", "U0BOB"));
    expect(urls).toHaveLength(1);
    expect(urls[0]).toContain("/oncall/ops.ics?token=");
    expect((await fetch(urls[0] as string)).status).toBe(200);
  });

  it("refuses an unknown rotation, listing the rotations there are", async () => {
    await start("unknown-command");
    const answer = await ask("oncall calendar nosuch", "U0BOB");
    expect(answer).toContain('There is no rotation \\"nosuch\\". Rotations: primary, ops.');
    expect(urlsIn(answer)).toEqual([]);
  });
});
