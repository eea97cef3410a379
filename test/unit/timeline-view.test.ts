import { beforeAll, describe, expect, it } from "vitest";
import { itemsThatFit } from "../../handlers/fit-items.js";
import { eventVars } from "../../handlers/timeline-view.js";
import { TIMELINE_EVENT_TYPES, type TimelineEvent, timelineEvent } from "../../src/core/incident/timeline.js";
import { markupToPlain } from "../../src/core/markup.js";
import type { Message } from "../../src/core/message.js";
import { LIMITS, loadTemplates, type Templates } from "../../src/core/templates/index.js";
import type { TimelineEventVars } from "../../src/core/templates/registry-records.js";
import { incident } from "./template-samples/shared.js";

const T0 = new Date("2026-11-20T22:00:00Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

let templates: Templates;
beforeAll(async () => {
  templates = await loadTemplates();
});

const plain = (m: Message) =>
  m.blocks
    .filter((b) => b.type === "section" || b.type === "context")
    .map((b) => markupToPlain((b as { text: string }).text))
    .join("\n");

function render(events: readonly TimelineEventVars[], omitted: number, total = events.length + omitted) {
  return templates.render("timeline", {
    incident: incident({ id: "INC-4", title: "Search is down" }),
    timezone: "America/New_York",
    events,
    omitted,
    total,
  });
}

/** The timeline as /incident timeline renders it: the latest that fit, oldest first. */
function shown(events: TimelineEvent[]): Message {
  const all = events.map(eventVars);
  const newestFirst = [...all].reverse();
  const fit = itemsThatFit(newestFirst, (s, omitted) => render([...s].reverse(), omitted, all.length));
  return render(all.slice(all.length - fit), all.length - fit, all.length);
}

describe("timeline lines", () => {
  it.each<[string, TimelineEvent, string]>([
    [
      "an opening",
      timelineEvent("incident_opened", at(0), { title: "Search is down", severity: "SEV2" }, "U0BOB"),
      "@U0BOB · opened it: Search is down (SEV2)",
    ],
    [
      "a page by DM",
      timelineEvent("commander_paged", at(1), { commander: "U0DANA", via: "direct_message" }),
      "Firebreak · paged @U0DANA by DM",
    ],
    [
      "a page in the channel",
      timelineEvent("commander_paged", at(1), { commander: "U0DANA", via: "channel" }),
      "Firebreak · paged @U0DANA in the channel",
    ],
    [
      "an escalation, counting steps from 1",
      timelineEvent("escalated", at(5), { step: "1", steps: "2", targets: "U0ALICE,U0BOB" }),
      "Firebreak · escalated to step 2: @U0ALICE @U0BOB",
    ],
    [
      "a severity raised by a merge",
      timelineEvent("severity_changed", at(6), { from: "SEV3", to: "SEV1", merged: "INC-7" }, "U0DANA"),
      "changed the severity from SEV3 to SEV1, merging INC-7",
    ],
    [
      "a merge, on the duplicate",
      timelineEvent("merged", at(7), { into: "INC-2", from: "acknowledged" }, "U0DANA"),
      "@U0DANA · closed it as a duplicate of INC-2",
    ],
    [
      "a merge, on the survivor",
      timelineEvent(
        "duplicate_merged_in",
        at(7),
        { from: "INC-4", title: "No results", severity: "SEV1" },
        "U0DANA",
      ),
      "merged in its duplicate INC-4: No results (SEV1)",
    ],
    [
      "a note",
      timelineEvent("note_added", at(8), { text: "Cache hit rate is 0%" }, "U0ALICE"),
      "@U0ALICE · noted: Cache hit rate is 0%",
    ],
    [
      "a pinned message, mentions as plain text",
      timelineEvent(
        "message_pinned",
        at(9),
        {
          text: "Rolled back, <@U0BOB> watches",
          author: "U0DANA",
          at: at(8).toISOString(),
          link: "",
          messageId: "1.2",
        },
        "U0ALICE",
      ),
      "@U0ALICE · 📌 pinned a message from @U0DANA: Rolled back, @U0BOB watches",
    ],
    [
      "a snooze, in the asker's zone",
      timelineEvent(
        "reminder_snoozed",
        at(10),
        { until: at(40).toISOString(), durationMs: "1800000" },
        "U0DANA",
      ),
      "snoozed the update reminders until Fri 20 Nov 17:40 EST",
    ],
    [
      "a follow-up with its owner",
      timelineEvent(
        "followup_added",
        at(11),
        { n: "2", text: "Alert on queue depth", owner: "U0DANA" },
        "U0BOB",
      ),
      "@U0BOB · added follow-up 2: Alert on queue depth (owner @U0DANA)",
    ],
    [
      "a follow-up done",
      timelineEvent("followup_done", at(12), { n: "2" }, "U0DANA"),
      "@U0DANA · marked follow-up 2 done",
    ],
    [
      "a post-mortem opened, due in the asker's zone",
      timelineEvent("postmortem_created", at(13), { owner: "U0DANA", dueAt: at(40).toISOString() }, "U0BOB"),
      "opened the post-mortem, owned by @U0DANA, due Fri 20 Nov 17:40 EST",
    ],
    [
      "a deploy that carried a fix",
      timelineEvent("deploy_received", at(14), {
        service: "search",
        environment: "production",
        version: "v2026.11.21",
        refs: "abc1234",
        production: "true",
      }),
      "Firebreak · deploy v2026.11.21 reached production with abc1234",
    ],
  ])("%s", (_, event, line) => {
    expect(plain(render([eventVars(event)], 0))).toContain(line);
  });

  it("has a line for every kind of event, and shows the time in the asker's zone", () => {
    for (const type of TIMELINE_EVENT_TYPES) {
      const text = plain(render([eventVars(timelineEvent(type, at(0), {}, "U0DANA"))], 0));
      expect(text, type).toMatch(/• Fri 20 Nov 17:00 EST · @U0DANA · \S/);
    }
  });

  it("says who did it, or that Firebreak did", () => {
    expect(plain(render([eventVars(timelineEvent("kickoff_posted", at(0)))], 0))).toContain(
      "Firebreak · posted and pinned the status card",
    );
  });

  it("quotes long texts shortly, whole in the record", () => {
    const long = "x".repeat(2000);
    const vars = eventVars(timelineEvent("note_added", at(0), { text: long }));
    expect(vars.text?.length).toBeLessThanOrEqual(300);
  });
});

describe("long timelines", () => {
  it("show the latest events that fit, in order, and say how many earlier ones are left out", () => {
    const events = Array.from({ length: 400 }, (_, i) =>
      timelineEvent("note_added", at(i), { text: `note ${i} ${"·".repeat(250)}` }, "U0BOB"),
    );
    const m = shown(events);
    const text = plain(m);
    const numbers = [...text.matchAll(/note (\d+) /g)].map((x) => Number(x[1]));
    expect(numbers.length).toBeGreaterThan(10);
    expect(numbers.length).toBeLessThan(400);
    // The latest, in order, none missing.
    expect(numbers.at(-1)).toBe(399);
    expect(numbers).toEqual(numbers.map((_, i) => 400 - numbers.length + i));
    expect(text).toContain(`${400 - numbers.length} earlier of 400 events are not shown`);
    // Within Slack's limits, and nothing cut by the renderer.
    expect(m.blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
    for (const b of m.blocks)
      if (b.type === "section") expect(b.text.length).toBeLessThanOrEqual(LIMITS.section);
    expect(text).not.toContain("…");
    expect(text).toContain("Times in America/New_York");
  });

  it("show every event of a short timeline, without a word about earlier ones", () => {
    const events = [0, 1, 2].map((i) => timelineEvent("note_added", at(i), { text: `note ${i}` }, "U0BOB"));
    const text = plain(shown(events));
    expect(text).toContain("note 0");
    expect(text).toContain("note 2");
    expect(text).not.toContain("not shown");
  });
});
