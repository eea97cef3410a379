import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfigText } from "../../src/config/file.js";
import { ConfigError } from "../../src/core/errors.js";
import type { Incident } from "../../src/core/incident/incident.js";
import {
  changePostmortemOwner,
  defaultOwner,
  finishPostmortem,
  firedReminder,
  mayFinishPostmortem,
  nextPoint,
  nextReminder,
  postmortemOpens,
  postmortemUrl,
  previousPoint,
  startPostmortem,
} from "../../src/core/incident/postmortem.js";
import {
  compilePostmortemTemplate,
  draftTime,
  escapeMarkdown,
  peopleInDraft,
  postmortemDraftVars,
} from "../../src/core/incident/postmortem-draft.js";
import { type TimelineEvent, timelineEvent } from "../../src/core/incident/timeline.js";
import { armTimer, fireTimerChange } from "../../src/core/incident/timers.js";
import { DEFAULT_TEMPLATES_DIR } from "../../src/core/templates/load.js";
import { STANDARD_SEVERITIES } from "../helpers/config-fixtures.js";

const CONFIG = `
timezone: Europe/Berlin
announce_channel: incidents
people:
  - { id: alice, name: Alice Archer, slack: U0ALICE, timezone: Europe/Berlin }
  - { id: bob, name: Bob, slack: U0BOB, timezone: America/New_York }
  - { id: dana, name: Dana, slack: U0DANA, timezone: Europe/Berlin }
  - { id: erin, name: Erin, timezone: Europe/Berlin }
roles: { managers: [dana] }
postmortem: { due_after: 5d, remind_every: 1d }
rotations:
  - { id: primary, members: [dana], shift: 1w, handoff: "Mon 09:00", timezone: Europe/Berlin, start: 2020-01-06 }
escalation_policies:
  - id: default
    steps:
      - { notify: [rotation:primary] }
services:
  - { id: search, name: Search API, policy: default, manager: alice }
  - { id: mail, name: Mail, policy: default, manager: erin }
  - { id: legacy, policy: default }
fallback_policy: default
${STANDARD_SEVERITIES}`;
const settings = parseConfigText(CONFIG, "postmortem.yml");

const T0 = new Date("2026-11-20T21:05:00Z");
const DAY = 86_400_000;
const HOSTILE =
  "# Heading [click](http://evil) ![img](x) <script>alert(1)</script> *bold* _it_ `code` | a ~~s~~ &amp;";

function incident(over: Partial<Incident> = {}): Incident {
  return {
    id: "INC-4",
    number: 4,
    title: "Search is down",
    kind: "incident",
    severity: "sev2",
    service: "search",
    state: "resolved",
    platform: "slack",
    origin: { conversationId: "C0GENERAL" },
    reporters: [{ platformUserId: "U0BOB" }],
    commander: { platformUserId: "U0DANA" },
    createdAt: T0.toISOString(),
    updatedAt: T0.toISOString(),
    ...over,
  };
}

describe("escapeMarkdown", () => {
  it.each([
    ["plain words", "plain words"],
    ["# not a heading", "\\# not a heading"],
    ["[x](http://evil)", "\\[x\\](http\\://evil)"],
    // GitHub's bare autolinks: the scheme's colon, the dot after www and the @ of an address are escaped.
    ["see https://evil.example/x", "see https\\://evil.example/x"],
    ["HTTP://A.B and ftp://c.d", "HTTP\\://A.B and ftp\\://c.d"],
    ["visit www.evil.example", "visit www\\.evil.example"],
    ["(WWW.evil.example)", "(WWW\\.evil.example)"],
    ["mail ops@evil.example", "mail ops\\@evil.example"],
    ["an @mention stays", "an @mention stays"],
    // A list marker at the start (the summary stands on a line of its own).
    ["- not a list", "\\- not a list"],
    ["+ not a list", "\\+ not a list"],
    ["1. not a list", "1\\. not a list"],
    ["12) not a list", "12\\) not a list"],
    ["2026 was a year. 1. x", "2026 was a year. 1. x"],
    ["-5 degrees", "\\-5 degrees"],
    ["![i](x)", "\\!\\[i\\](x)"],
    ["<b>hi</b>", "\\<b\\>hi\\</b\\>"],
    ["*a* _b_ `c`", "\\*a\\* \\_b\\_ \\`c\\`"],
    ["a | b ~~c~~", "a \\| b \\~\\~c\\~\\~"],
    ["&amp;", "\\&amp;"],
    ["back\\slash", "back\\\\slash"],
    ["two\nlines\r\n\n# heading", "two lines \\# heading"],
    ["  padded  ", "padded"],
  ])("%j → %j", (input, output) => {
    expect(escapeMarkdown(input)).toBe(output);
  });
});

describe("draftTime", () => {
  it.each([
    // Winter (CET, UTC+1) and summer (CEST, UTC+2) in Berlin; the day turns over in the zone, not in UTC.
    ["2026-11-20T23:30:00Z", "Europe/Berlin", "2026-11-21 00:30 CET"],
    ["2026-07-01T12:00:00Z", "Europe/Berlin", "2026-07-01 14:00 CEST"],
    // Either side of the spring-forward night (29 March 2026, 02:00 → 03:00 local).
    ["2026-03-29T00:59:00Z", "Europe/Berlin", "2026-03-29 01:59 CET"],
    ["2026-03-29T01:00:00Z", "Europe/Berlin", "2026-03-29 03:00 CEST"],
    ["2026-11-20T23:30:00Z", "America/New_York", "2026-11-20 18:30 EST"],
    ["2026-11-20T23:30:00Z", "UTC", "2026-11-20 23:30 UTC"],
  ])("%s in %s is %s", (iso, zone, shown) => {
    expect(draftTime(iso, zone)).toBe(shown);
  });
});

describe("the post-mortem's rules", () => {
  it.each([
    ["triggered", false],
    ["investigating", false],
    ["fix_deployed", false],
    ["reopened", false],
    ["resolved", true],
    ["closed", true],
  ] as const)("opens on a %s incident: %s", (state, opens) => {
    expect(postmortemOpens({ state })).toBe(opens);
  });

  it.each([
    ["search", "U0BOB", "U0ALICE"], // the service's manager
    ["mail", "U0BOB", "U0BOB"], // the manager has no Slack account: whoever asked
    ["legacy", "U0BOB", "U0BOB"], // no manager configured
    [undefined, "U0DANA", "U0DANA"], // no service
  ])("owner for service %s asked by %s is %s", (service, actor, owner) => {
    expect(defaultOwner(settings, { service, platform: "slack" }, actor)).toBe(owner);
  });

  it("links the draft with the status token when there is one", () => {
    expect(postmortemUrl("https://fb.example/", "INC-4")).toBe(
      "https://fb.example/incidents/INC-4/postmortem.md",
    );
    expect(postmortemUrl("https://fb.example", "INC-4", "a b&c")).toBe(
      "https://fb.example/incidents/INC-4/postmortem.md?token=a%20b%26c",
    );
  });

  it("starts once, due after due_after, with the postmortem_created event", () => {
    const started = startPostmortem(settings, incident(), "U0BOB", T0);
    expect(started?.incident.postmortem).toEqual({
      createdAt: T0.toISOString(),
      by: "U0BOB",
      owner: "U0ALICE",
      dueAt: new Date(T0.getTime() + 5 * DAY).toISOString(),
    });
    expect(started?.firstReminder.toISOString()).toBe(new Date(T0.getTime() + DAY).toISOString());
    expect(started?.events.map((e) => [e.type, e.actor, e.data.owner])).toEqual([
      ["postmortem_created", "U0BOB", "U0ALICE"],
    ]);
    expect(startPostmortem(settings, started?.incident as Incident, "U0BOB", T0)).toBeNull();
  });

  it("finishes once, recording who and when", () => {
    const open = startPostmortem(settings, incident(), "U0BOB", T0)?.incident as Incident;
    const later = new Date(T0.getTime() + 2 * DAY);
    const done = finishPostmortem(open, "U0DANA", later);
    expect(done?.incident.postmortem?.done).toEqual({ at: later.toISOString(), by: "U0DANA" });
    expect(done?.events.map((e) => e.type)).toEqual(["postmortem_done"]);
    expect(finishPostmortem(done?.incident as Incident, "U0DANA", later)).toBeNull();
    expect(finishPostmortem(incident(), "U0DANA", later)).toBeNull();
  });

  it.each([
    ["U0ALICE", true], // the owner
    ["U0DANA", true], // the commander (and a manager)
    ["U0BOB", false], // a reporter
  ])("%s may mark it done: %s", (actor, may) => {
    const open = startPostmortem(settings, incident({ commander: { platformUserId: "U0DANA" } }), "U0BOB", T0)
      ?.incident as Incident;
    expect(mayFinishPostmortem(settings, open, actor)).toBe(may);
  });

  it("lets a manager who is not the commander mark it done", () => {
    const open = startPostmortem(settings, incident({ commander: { platformUserId: "U0BOB" } }), "U0BOB", T0)
      ?.incident as Incident;
    expect(mayFinishPostmortem(settings, { ...open, commander: undefined }, "U0DANA")).toBe(true);
  });

  it("does not let the communications lead mark it done (only the owner, commander, managers, admins)", () => {
    const open = startPostmortem(
      settings,
      incident({ commander: { platformUserId: "U0DANA" }, comms: { platformUserId: "U0BOB" } }),
      "U0DANA",
      T0,
    )?.incident as Incident;
    expect(mayFinishPostmortem(settings, open, "U0BOB")).toBe(false);
  });

  it.each(["1s", "59m"])("refuses remind_every: %s (under an hour) in the config", (every) => {
    const text = CONFIG.replace("remind_every: 1d", `remind_every: ${every}`);
    expect(() => parseConfigText(text, "postmortem.yml")).toThrow(/remind at most once an hour/);
    expect(
      parseConfigText(CONFIG.replace("remind_every: 1d", "remind_every: 1h"), "x.yml").postmortem,
    ).toEqual({
      dueAfterMs: 5 * DAY,
      remindEveryMs: 3_600_000,
    });
  });

  it("opens with the owner named, recording them in the event", () => {
    const started = startPostmortem(settings, incident(), "U0DANA", T0, "U0BOB");
    expect(started?.incident.postmortem?.owner).toBe("U0BOB");
    expect(started?.events[0]?.data.owner).toBe("U0BOB");
  });

  it("hands it to a new owner, and changes nothing for the same one", () => {
    const open = startPostmortem(settings, incident(), "U0BOB", T0)?.incident as Incident;
    const later = new Date(T0.getTime() + 30 * 3_600_000);
    const moved = changePostmortemOwner(open, "U0DANA", later);
    expect(moved?.postmortem).toEqual({ ...open.postmortem, owner: "U0DANA" });
    expect(moved?.updatedAt).toBe(later.toISOString());
    expect(changePostmortemOwner(open, "U0ALICE", later)).toBeNull();
    expect(changePostmortemOwner(incident(), "U0DANA", later)).toBeNull();
    // The new owner's reminders go on from now: 30 h in, the next daily one is at 2 days.
    expect(
      nextReminder(settings, open.postmortem as NonNullable<Incident["postmortem"]>, later).getTime(),
    ).toBe(T0.getTime() + 2 * DAY);
  });
});

describe("the reminder schedule", () => {
  const h = 3_600_000;
  const schedule = (dueAfter: number) => ({
    createdAt: T0.toISOString(),
    dueAt: new Date(T0.getTime() + dueAfter).toISOString(),
  });
  const t = (ms: number) => T0.getTime() + ms;

  it.each([
    // due after 5 days, reminded daily: every day, the due date being the fifth reminder
    [5 * DAY, DAY, 0, DAY],
    [5 * DAY, DAY, DAY, 2 * DAY],
    [5 * DAY, DAY, 4 * DAY + h, 5 * DAY],
    [5 * DAY, DAY, 5 * DAY, 6 * DAY],
    // due after 36 hours, reminded daily: the due date slots in between
    [36 * h, DAY, DAY, 36 * h],
    [36 * h, DAY, 36 * h, 2 * DAY],
    // reminded less often than it is due: the due date comes first
    [2 * DAY, 3 * DAY, 0, 2 * DAY],
    [2 * DAY, 3 * DAY, 2 * DAY, 3 * DAY],
  ])("due after %d ms, every %d ms: after %d the next is at %d", (dueAfter, every, after, next) => {
    expect(nextPoint(schedule(dueAfter), every, t(after))).toBe(t(next));
  });

  it.each([
    [5 * DAY, DAY, 2 * DAY, DAY],
    [5 * DAY, DAY, DAY, null],
    [36 * h, DAY, 2 * DAY, 36 * h],
    [36 * h, DAY, 36 * h, DAY],
    [2 * DAY, 3 * DAY, 3 * DAY, 2 * DAY],
  ])("due after %d ms, every %d ms: before %d the last was at %s", (dueAfter, every, before, last) => {
    expect(previousPoint(schedule(dueAfter), every, t(before))).toBe(last === null ? null : t(last));
  });

  it("walks from one reminder to the next and back again, for every schedule above", () => {
    for (const [dueAfter, every] of [
      [5 * DAY, DAY],
      [36 * h, DAY],
      [2 * DAY, 3 * DAY],
      [DAY, DAY],
    ] as const) {
      let at = T0.getTime();
      for (let i = 0; i < 8; i++) {
        const next = nextPoint(schedule(dueAfter), every, at);
        expect(next).toBeGreaterThan(at);
        if (i > 0) expect(previousPoint(schedule(dueAfter), every, next)).toBe(at);
        at = next;
      }
    }
  });

  /** The incident with its post-mortem opened at T0 and the reminder due at `dueMs` after T0 armed. */
  function armedAt(dueMs: number): Incident {
    const open = startPostmortem(settings, incident(), "U0BOB", T0)?.incident as Incident;
    return { ...open, timers: armTimer(open, "postmortem", new Date(t(dueMs))) };
  }
  const fire = (current: Incident, nowMs: number) => {
    const timer = current.timers?.postmortem;
    const ref = {
      incidentId: "INC-4",
      kind: "postmortem" as const,
      gen: timer?.gen ?? 0,
      dueAt: timer?.dueAt ?? "",
    };
    return fireTimerChange(settings, current, ref, new Date(t(nowMs)))?.incident as Incident;
  };

  it.each([
    // A job a few seconds early stands for its own instant and re-arms the next one, not itself again.
    ["5 s early", DAY, DAY - 5_000, 2 * DAY, DAY, false],
    ["on time", DAY, DAY, 2 * DAY, DAY, false],
    // Early at the due date: still the overdue firing.
    ["early at the due date", 5 * DAY, 5 * DAY - 1, 6 * DAY, 5 * DAY, true],
    // Late (the worker was down over days 2 to 3): no backlog, the next after now; it says overdue once due.
    ["late within the schedule", 2 * DAY, 3 * DAY + 3_600_000, 4 * DAY, 3 * DAY, false],
    ["late across the due date", 4 * DAY, 6 * DAY + 3_600_000, 7 * DAY, 6 * DAY, true],
  ])("a firing %s re-arms the next reminder once", (_label, dueMs, nowMs, nextMs, atMs, overdue) => {
    const fired = fire(armedAt(dueMs), nowMs);
    expect(fired.timers?.postmortem?.dueAt).toBe(new Date(t(nextMs)).toISOString());
    expect(firedReminder(settings, fired)).toEqual({ at: new Date(t(atMs)).toISOString(), overdue });
  });

  it("fires through the timer fence: re-armed while not done, stopped once done", () => {
    const started = startPostmortem(settings, incident(), "U0BOB", T0);
    const open = started?.incident as Incident;
    let current: Incident = { ...open, timers: armTimer(open, "postmortem", started?.firstReminder as Date) };
    const seen: Array<{ at: string; overdue: boolean }> = [];
    for (let day = 1; day <= 6; day++) {
      const timer = current.timers?.postmortem;
      const ref = {
        incidentId: "INC-4",
        kind: "postmortem" as const,
        gen: timer?.gen ?? 0,
        dueAt: timer?.dueAt ?? "",
      };
      expect(Date.parse(ref.dueAt)).toBe(t(day * DAY));
      const fired = fireTimerChange(settings, current, ref, new Date(ref.dueAt));
      expect(fired?.events).toEqual([]);
      current = fired?.incident as Incident;
      // A second run of the same job is fenced out.
      expect(fireTimerChange(settings, current, ref, new Date(ref.dueAt))).toBeNull();
      seen.push(firedReminder(settings, current) as { at: string; overdue: boolean });
    }
    expect(seen.map((s) => s.overdue)).toEqual([false, false, false, false, true, true]);
    expect(seen[0]?.at).toBe(new Date(t(DAY)).toISOString());
    // Done: the next firing stops the timer.
    const done = finishPostmortem(current, "U0ALICE", new Date(t(6 * DAY + 1)))?.incident as Incident;
    const timer = done.timers?.postmortem;
    const ref = {
      incidentId: "INC-4",
      kind: "postmortem" as const,
      gen: timer?.gen ?? 0,
      dueAt: timer?.dueAt ?? "",
    };
    const last = fireTimerChange(settings, done, ref, new Date(ref.dueAt));
    expect(last?.incident.timers?.postmortem?.dueAt).toBeUndefined();
    expect(firedReminder(settings, last?.incident as Incident)).toBeNull();
  });
});

describe("the draft", () => {
  const source = readFileSync(join(DEFAULT_TEMPLATES_DIR, "postmortem.md.hbs"), "utf8");
  const template = compilePostmortemTemplate(source, "templates/postmortem.md.hbs");
  const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
  const ev = (type: TimelineEvent["type"], minutes: number, data: Record<string, string>, actor?: string) =>
    timelineEvent(type, at(minutes), data, actor);

  const recorded = incident({
    title: HOSTILE,
    reporters: [{ platformUserId: "U0BOB" }, { platformUserId: "U0ERIN" }, { platformUserId: "U0BOB" }],
    responders: [{ platformUserId: "U0ALICE" }],
    milestones: { acknowledged: at(3).toISOString(), resolved: at(135).toISOString() },
    resolution: { at: at(135).toISOString(), actor: "U0DANA", summary: `Rolled back.\n${HOSTILE}` },
    fixes: [
      {
        ref: "https://git.example/c/1_2",
        refKind: "link",
        at: at(60).toISOString(),
        actor: "U0ALICE",
        deployedAt: at(90).toISOString(),
      },
      { ref: "abc1234", refKind: "sha", at: at(61).toISOString(), actor: "U0ALICE" },
    ],
    deploys: [
      {
        service: "search",
        environment: "production",
        version: "v1.2.3",
        at: at(90).toISOString(),
        fixes: ["abc1234"],
      },
    ],
    followups: [
      {
        n: 1,
        text: `Add an alert ${HOSTILE}`,
        owner: "U0ALICE",
        state: "open",
        by: "U0DANA",
        at: at(140).toISOString(),
      },
      {
        n: 2,
        text: "Write the runbook",
        state: "done",
        by: "U0DANA",
        at: at(141).toISOString(),
        doneAt: at(200).toISOString(),
        doneBy: "U0DANA",
      },
    ],
    postmortem: {
      createdAt: at(150).toISOString(),
      by: "U0DANA",
      owner: "U0ALICE",
      dueAt: at(150 + 5 * 1440).toISOString(),
    },
  });
  const timeline = [
    ev("incident_opened", 0, { title: HOSTILE, severity: "SEV2" }, "U0BOB"),
    ev("acknowledged", 3, {}, "U0DANA"),
    ev("status_update_posted", 10, { text: `Looking\ninto it ${HOSTILE}` }, "U0DANA"),
    ev("fix_recorded", 60, { ref: "https://git.example/c/1_2" }, "U0ALICE"),
    ev("fix_deployed", 90, { ref: "abc1234" }),
    ev("status_changed", 135, { from: "fix_deployed", to: "resolved", summary: "Rolled back" }, "U0DANA"),
    ev("followup_added", 140, { n: "1", text: "Add an alert", owner: "U0ALICE" }, "U0DANA"),
    ev("postmortem_created", 150, { owner: "U0ALICE", dueAt: at(150 + 5 * 1440).toISOString() }, "U0DANA"),
    ev("commander_changed", 5, { from: "U0DANA", to: "U0ALICE" }, "U0DANA"),
  ];
  const names = new Map([
    ["U0ALICE", "Alice Archer"],
    ["U0BOB", "Bob *the* reporter"],
    ["U0DANA", "Dana"],
  ]);
  const md = template(postmortemDraftVars(settings, recorded, timeline, names, at(300)));

  it("names everyone the draft mentions, once", () => {
    expect(peopleInDraft(recorded, timeline).sort()).toEqual(["U0ALICE", "U0BOB", "U0DANA", "U0ERIN"]);
  });

  it("has every section, in order", () => {
    const headings = md.split("\n").filter((l) => /^#{1,2} /.test(l));
    expect(headings.map((h) => h.replace(/:.*/, ""))).toEqual([
      "# Post-mortem of INC-4",
      "## Summary",
      "## Impact",
      "## Timeline",
      "## Fixes and deploys",
      "## Contributing factors",
      "## What went well",
      "## What went badly",
      "## Deploy review",
      "## Follow-ups",
    ]);
    expect(md).toContain("regenerated every time this page is opened");
  });

  it("says the impact: severity, service, duration and how many reported it", () => {
    expect(md).toContain("- **Severity:** SEV2");
    expect(md).toContain("- **Service:** Search API");
    expect(md).toContain(
      "- **Duration:** 2h15m (opened 2026-11-20 22:05 CET, resolved 2026-11-21 00:20 CET)",
    );
    expect(md).toContain("- **Reporters:** 2 (Bob \\*the\\* reporter, U0ERIN)");
    expect(md).toContain("- **Owner:** Alice Archer");
    expect(md).toContain("- **Due:** 2026-11-26 00:35 CET");
  });

  it("lists the timeline oldest first, one line per event, times in the config zone", () => {
    const lines =
      md
        .split("## Timeline")[1]
        ?.split("##")[0]
        ?.split("\n")
        .filter((l) => l.startsWith("- ")) ?? [];
    expect(lines).toHaveLength(timeline.length);
    expect(lines[0]).toMatch(/^- 2026-11-20 22:05 CET · Bob \\\*the\\\* reporter · opened it: \\# Heading/);
    expect(lines[1]).toBe("- 2026-11-20 22:08 CET · Dana · acknowledged the page");
    expect(lines[2]).toBe("- 2026-11-20 22:10 CET · Dana · made Alice Archer the Incident Commander");
    expect(lines[3]).toMatch(
      /^- 2026-11-20 22:15 CET · Dana · posted an update: Looking into it \\# Heading/,
    );
    expect(lines[4]).toBe(
      "- 2026-11-20 23:05 CET · Alice Archer · recorded a fix: <https://git.example/c/1_2>",
    );
    expect(lines[5]).toBe("- 2026-11-20 23:35 CET · Firebreak · deployed the fix abc1234");
    expect(lines[6]).toBe(
      "- 2026-11-21 00:20 CET · Dana · moved it from fix\\_deployed to resolved: Rolled back",
    );
    expect(lines[7]).toBe(
      "- 2026-11-21 00:25 CET · Dana · added follow-up 1: Add an alert (owner Alice Archer)",
    );
    expect(lines[8]).toBe(
      "- 2026-11-21 00:35 CET · Dana · opened the post-mortem, owned by Alice Archer, due 2026-11-26 00:35 CET",
    );
  });

  it("lists fixes, deploys, the deploy-review questions and the follow-ups with their state and owner", () => {
    expect(md).toContain(
      "- Fix <https://git.example/c/1_2> recorded 2026-11-20 23:05 CET by Alice Archer; live 2026-11-20 23:35 CET",
    );
    expect(md).toContain(
      "- Fix abc1234 recorded 2026-11-20 23:06 CET by Alice Archer; not recorded as deployed",
    );
    expect(md).toContain("- Deploy of search v1.2.3 to production at 2026-11-20 23:35 CET");
    expect(md).toContain("outside the normal deploy train");
    expect(md).toContain("How was the code reviewed and tested");
    expect(md).toContain("appear to work elsewhere");
    expect(md).toContain("several steps in a set order");
    expect(md).toMatch(/^- \[ \] 1\. Add an alert \\# Heading .* — open, owner Alice Archer$/m);
    expect(md).toContain("- [x] 2. Write the runbook — done, no owner, done 2026-11-21 01:25 CET");
  });

  it("never lets typed text make Markdown: no heading, link, image, HTML or emphasis of its own", () => {
    // Every line the hostile text reached keeps it literal: each special character backslash-escaped.
    const hostileLines = md.split("\n").filter((l) => l.includes("Heading"));
    expect(hostileLines.length).toBeGreaterThanOrEqual(5);
    for (const line of hostileLines) {
      expect(line).not.toMatch(/(^|[^\\])\[click\]/);
      expect(line).not.toMatch(/(^|[^\\])<script>/);
      expect(line).not.toMatch(/(^|[^\\])!\[img\]/);
      expect(line.replace(/^# Post-mortem of INC-4: /, "")).not.toMatch(/^#/);
      expect(line).toContain("\\<script\\>");
    }
    // The multi-line summary stayed one paragraph.
    expect(md).toContain("Rolled back. \\# Heading");
  });

  it("refuses a template that does not parse, naming the file and line", () => {
    expect(() =>
      compilePostmortemTemplate("# x\n\n{{#if a}}never closed", "templates/postmortem.md.hbs"),
    ).toThrow(ConfigError);
    expect(() => compilePostmortemTemplate("# x\n{{#each}}\n{{/if}}", "mine/postmortem.md.hbs")).toThrow(
      /mine\/postmortem\.md\.hbs:\d+/,
    );
  });

  it("says so when nothing was summarised, fixed or followed up", () => {
    const bare = template(
      postmortemDraftVars(settings, incident({ service: undefined, state: "closed" }), [], new Map(), at(10)),
    );
    expect(bare).toContain("No resolution summary was recorded");
    expect(bare).toContain("- **Service:** not recorded");
    expect(bare).toContain("No fix was recorded");
    expect(bare).toContain("No follow-ups yet");
    expect(bare).toContain("_Nothing was recorded._");
  });
});
