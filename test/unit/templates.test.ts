import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ActionIds } from "../../src/core/action-ids.js";
import { markupToPlain, parseMarkup, type Span } from "../../src/core/markup.js";
import type { Block, Message } from "../../src/core/message.js";
import {
  createTemplates,
  DEFAULT_TEMPLATES_DIR,
  escapeVars,
  formatTime,
  loadTemplates,
  TEMPLATE_NAMES,
  type Templates,
  type TemplateVarsMap,
} from "../../src/core/templates/index.js";
import { TEMPLATE_SAMPLES } from "./template-samples/index.js";
import { HOSTILE, incident } from "./template-samples/shared.js";

// Chat messages are the YAML files; templates/ also holds the post-mortem's Markdown draft (postmortem.md.hbs).
const realFiles = readdirSync(DEFAULT_TEMPLATES_DIR)
  .filter((name) => name.endsWith(".yml"))
  .map((name) => ({
    name,
    source: readFileSync(join(DEFAULT_TEMPLATES_DIR, name), "utf8"),
  }));

/** The real templates with some files replaced, for exercising the engine with templates of our own. */
function withFiles(overrides: Record<string, string>): Templates {
  const files = realFiles.map((f) =>
    f.name in overrides ? { ...f, source: overrides[f.name] as string } : f,
  );
  return createTemplates("templates", files);
}

function kickoffVars(over: Partial<TemplateVarsMap["kickoff"]> = {}): TemplateVarsMap["kickoff"] {
  return {
    incident: incident(),
    severity: "SEV1",
    reporter: "U0ALICE",
    commander: "U0BOB",
    ackWithin: 5 * 60_000,
    updateEvery: 30 * 60_000,
    timezone: "Europe/Berlin",
    ...over,
  };
}

/** Every markup text of a message: the fallback, sections, contexts and field values. */
function markups(m: Message): string[] {
  const out = [m.text];
  for (const b of m.blocks) {
    if (b.type === "section" || b.type === "context") out.push(b.text);
    if (b.type === "fields") out.push(...b.fields.map((f) => f.value));
  }
  return out;
}

function spans(m: Message): Span[] {
  return markups(m).flatMap((t) => parseMarkup(t));
}

function blocksOf<T extends Block["type"]>(m: Message, type: T): Extract<Block, { type: T }>[] {
  return m.blocks.filter((b): b is Extract<Block, { type: T }> => b.type === type);
}

function sectionText(m: Message): string {
  return blocksOf(m, "section")
    .map((b) => b.text)
    .join("\n");
}

let templates: Templates;
beforeAll(async () => {
  templates = await loadTemplates();
});

describe("the shipped templates", () => {
  it("load from templates/ without problems", async () => {
    await expect(loadTemplates(DEFAULT_TEMPLATES_DIR)).resolves.toBeDefined();
    expect(realFiles.map((f) => f.name).sort()).toEqual(TEMPLATE_NAMES.map((n) => `${n}.yml`).sort());
  });

  it("each start with a comment saying where they are used", () => {
    for (const f of realFiles) expect(f.source, f.name).toMatch(/^# \S/);
  });
});

describe("kickoff", () => {
  it("shows the incident, the people, how to acknowledge and the main commands", () => {
    const m = templates.render("kickoff", kickoffVars());
    expect(m.text).toBe("INC-12: Search is down (SEV1)");
    expect(blocksOf(m, "header")[0]?.text).toBe("INC-12 · Search is down");
    const fields = Object.fromEntries(blocksOf(m, "fields")[0]?.fields.map((f) => [f.label, f.value]) ?? []);
    expect(fields).toEqual({
      Severity: "*SEV1*",
      Service: "Search API",
      "Reported by": "<@U0ALICE>",
      "Incident Commander": "<@U0BOB>",
      Opened: "Fri 20 Nov 23:05 CET",
    });
    const body = sectionText(m);
    expect(body).toContain("<@U0BOB>, you are the Incident Commander");
    expect(body).toContain("Acknowledge within *5m* with `/incident ack`");
    expect(body).toContain("every 30m");
    for (const verb of ["update", "sev", "status", "resolve", "help"])
      expect(body).toContain(`\`/incident ${verb}`);
    expect(body).not.toContain("No Incident Commander");
    expect(blocksOf(m, "actions")).toEqual([
      {
        type: "actions",
        buttons: [
          { actionId: ActionIds.acknowledge, label: "Acknowledge", value: "INC-12", style: "primary" },
          { actionId: ActionIds.postUpdate, label: "Post update", value: "INC-12" },
        ],
      },
    ]);
  });

  it("is the status card: the last update, the next one due and the state, without asking for an ack", () => {
    const m = templates.render(
      "kickoff",
      kickoffVars({
        incident: incident({ state: "acknowledged" }),
        acknowledged: true,
        lastUpdate: { text: "Rolled back", at: "2026-11-20T22:20:00Z", author: "U0BOB" },
        nextUpdateDue: "2026-11-20T22:50:00Z",
      }),
    );
    const fields = Object.fromEntries(blocksOf(m, "fields")[0]?.fields.map((f) => [f.label, f.value]) ?? []);
    expect(fields).toMatchObject({ Status: "acknowledged", "Next update due": "Fri 20 Nov 23:50 CET" });
    const body = sectionText(m);
    expect(body).toContain("*Latest update* (Fri 20 Nov 23:20 CET, <@U0BOB>):\nRolled back");
    expect(body).not.toContain("Acknowledge within");
    expect(blocksOf(m, "actions")[0]?.buttons.map((b) => b.actionId)).toEqual([ActionIds.postUpdate]);
  });

  it("says loudly when no commander could be found, with the reason and the fix", () => {
    const m = templates.render(
      "kickoff",
      kickoffVars({ commander: undefined, commanderMissingReason: "nobody is on call for search" }),
    );
    expect(m.text).toContain("no Incident Commander");
    const body = sectionText(m);
    expect(body).toContain("⚠️ *No Incident Commander could be found: nobody is on call for search.*");
    expect(body).toContain("`/incident commander @you`");
    expect(body).not.toContain("you are the Incident Commander");
    const commanderField = blocksOf(m, "fields")[0]?.fields.find((f) => f.label === "Incident Commander");
    expect(commanderField?.value).toBe("*nobody yet*");
  });

  it("falls back from the service name to its id, and shows the description only when there is one", () => {
    const bare = templates.render("kickoff", kickoffVars({ incident: incident({ serviceName: undefined }) }));
    expect(blocksOf(bare, "fields")[0]?.fields.find((f) => f.label === "Service")?.value).toBe("search");
    expect(sectionText(bare)).not.toContain("It broke");
    const described = templates.render(
      "kickoff",
      kickoffVars({ incident: incident({ description: "It broke at 22:00" }) }),
    );
    expect(blocksOf(described, "section").map((b) => b.text)).toContain("It broke at 22:00");
  });

  it("keeps a hostile title literal everywhere", () => {
    const m = templates.render("kickoff", kickoffVars({ incident: incident({ title: HOSTILE }) }));
    // The title is the only thing in the fallback besides plain words, so all of it must be plain text.
    expect(parseMarkup(m.text).every((s) => s.kind === "text")).toBe(true);
    expect(markupToPlain(m.text)).toBe(`INC-12: ${HOSTILE} (SEV1)`);
    expect(blocksOf(m, "header")[0]?.text).toBe(`INC-12 · ${HOSTILE}`);
    expect(spans(m).filter((s) => s.kind === "link")).toEqual([]);
    const people = spans(m).filter((s) => s.kind === "user" || s.kind === "channel");
    expect(new Set(people.map((s) => ("id" in s ? s.id : "")))).toEqual(new Set(["U0ALICE", "U0BOB"]));
  });
});

describe("the other templates", () => {
  it("page mentions the commander and offers the acknowledge button", () => {
    const m = templates.render("page", {
      incident: incident(),
      severity: "SEV2",
      commander: "U0BOB",
      ackWithin: 900_000,
    });
    expect(parseMarkup(m.text)[0]).toEqual({ kind: "user", id: "U0BOB" });
    expect(sectionText(m)).toContain("acknowledge within *15m*");
    expect(blocksOf(m, "actions")[0]?.buttons[0]).toMatchObject({
      actionId: ActionIds.acknowledge,
      value: "INC-12",
    });
  });

  it("page-dm links the incident channel and offers the acknowledge button", () => {
    const m = templates.render("page-dm", {
      incident: incident(),
      severity: "SEV1",
      channel: "C0INC12",
      ackWithin: 300_000,
    });
    expect(m.text).toContain("acknowledge within 5m");
    expect(spans(m)).toContainEqual({ kind: "channel", id: "C0INC12" });
    expect(blocksOf(m, "header")[0]?.text).toBe("Paged: INC-12 · Search is down");
    expect(blocksOf(m, "actions")[0]?.buttons).toEqual([
      { actionId: ActionIds.acknowledge, label: "Acknowledge", value: "INC-12", style: "primary" },
    ]);
  });

  it("announcement names the channel, reporter and commander", () => {
    const m = templates.render("announcement", {
      incident: incident(),
      severity: "SEV1",
      channel: "C0INC12",
      reporter: "U0ALICE",
      commander: "U0BOB",
    });
    expect(blocksOf(m, "section")).toHaveLength(1);
    const s = sectionText(m);
    expect(s).toContain("*INC-12* (SEV1): Search is down");
    expect(s).toContain("Service: Search API · Reported by <@U0ALICE> · Incident Commander: <@U0BOB>");
    expect(s).toContain("Follow along in <#C0INC12>.");
  });

  it("announcement is loud when there is no commander", () => {
    const m = templates.render("announcement", {
      incident: incident(),
      severity: "SEV1",
      channel: "C0INC12",
      reporter: "U0ALICE",
      commanderMissingReason: "the rotation is empty",
    });
    expect(m.text).toContain("⚠️ no Incident Commander");
    expect(sectionText(m)).toContain("⚠️ *No Incident Commander could be found: the rotation is empty.*");
    expect(sectionText(m)).toContain("`/incident commander @you`");
  });

  it("opened-reply points to the channel; a text-only template is one section", () => {
    const m = templates.render("opened-reply", { incident: incident(), channel: "C0INC12" });
    expect(m.text).toContain("*INC-12*: Search is down. Continue in <#C0INC12>");
    expect(m.blocks).toEqual([{ type: "section", text: m.text }]);
  });

  it("opening-reply, error, internal-error, usage, not-yet and channel-failed say their piece", () => {
    expect(
      templates.render("opening-reply", { incident: { title: "Search is down" }, severity: "SEV1" }).text,
    ).toMatch(/^⏳ Opening an incident for “Search is down” \(SEV1\)/);
    // The open form may not have a severity yet; no empty brackets then.
    expect(templates.render("opening-reply", { incident: { title: "Slow" }, severity: "" }).text).toMatch(
      /^⏳ Opening an incident for “Slow” — /,
    );
    expect(() => templates.render("nope" as never, {} as never)).toThrow(/unknown template "nope"/);
    expect(templates.render("error", { message: "No incident INC-99." }).text).toBe("⚠️ No incident INC-99.");
    expect(templates.render("internal-error", { errorId: "e-7f3a" }).text).toBe(
      "Something went wrong on our side (error id `e-7f3a`). The team can find it in the logs.",
    );
    expect(templates.render("usage", { message: "Write sev 1 to 4." }).text).toBe(
      "Write sev 1 to 4.\nType `/incident help` to see every command.",
    );
    expect(templates.render("not-yet", { verb: "postmortem" }).text).toMatch(
      /^`postmortem` is not available/,
    );
    const failed = templates.render("channel-failed", { incident: incident(), reason: "name_taken" });
    expect(failed.text).toBe("⚠️ INC-12 is open, but its channel could not be created: name\\_taken");
    expect(markupToPlain(sectionText(failed))).toContain("could not be created: name_taken.");
  });

  it("help lists every command with the prefix, usage syntax kept literal in code", () => {
    const m = templates.render("help", {
      prefix: "/incident",
      commands: [
        { usage: "open <title> [sevN] [service:<id>]", summary: "open an incident" },
        { usage: "ack", summary: "acknowledge" },
      ],
    });
    const section = blocksOf(m, "section")[0]?.text ?? "";
    expect(parseMarkup(section)).toEqual([
      { kind: "code", text: "/incident open <title> [sevN] [service:<id>]" },
      { kind: "text", text: " — open an incident\n" },
      { kind: "code", text: "/incident ack" },
      { kind: "text", text: " — acknowledge" },
    ]);
  });
});

describe("timer templates", () => {
  it("escalation-page mentions every target, says which step, and repeats say so", () => {
    const first = templates.render("escalation-page", {
      incident: incident(),
      severity: "SEV1",
      targets: [{ id: "U0ALICE" }],
      step: 2,
      steps: 2,
      ackWithin: 300_000,
    });
    expect(parseMarkup(first.text)[0]).toEqual({ kind: "user", id: "U0ALICE" });
    expect(sectionText(first)).toContain("*Escalating to step 2 of 2*");
    expect(sectionText(first)).toContain("the next escalation is in 5m");
    const again = templates.render("escalation-page", {
      incident: incident(),
      severity: "SEV1",
      targets: [{ id: "U0ALICE" }],
      step: 2,
      steps: 2,
      repeat: 1,
      of: 2,
    });
    expect(sectionText(again)).toContain("*Paging again, 1 of 2*");
    const nobody = templates.render("escalation-page", {
      incident: incident(),
      severity: "SEV1",
      targets: [],
      step: 2,
      steps: 2,
      skipped: "erin has no slack account in the people list",
    });
    expect(sectionText(nobody)).toContain("nobody could be reached at this step: erin has no slack account");
  });

  it("update-overdue offers Post update and three snoozes carrying the incident and the duration", () => {
    const m = templates.render("update-overdue", {
      incident: incident(),
      severity: "SEV1",
      commander: "U0BOB",
      misses: 1,
      nextNudge: "2026-11-20T23:05:00Z",
      updateEvery: 1_800_000,
      timezone: "Europe/Berlin",
    });
    expect(parseMarkup(m.text)[0]).toEqual({ kind: "user", id: "U0BOB" });
    expect(sectionText(m)).toContain("Next reminder: Sat 21 Nov 00:05 CET");
    expect(blocksOf(m, "actions")[0]?.buttons.map((b) => [b.actionId, b.value])).toEqual([
      [ActionIds.postUpdate, "INC-12"],
      [ActionIds.snooze, "INC-12 30m"],
      [ActionIds.snooze, "INC-12 1h"],
      [ActionIds.snooze, "INC-12 2h"],
    ]);
  });

  it("reminders lists the escalation and the update reminder in the person's zone", () => {
    const m = templates.render("reminders", {
      incident: incident(),
      timezone: "America/New_York",
      nothing: false,
      escalation: {
        at: "2026-11-20T22:35:00Z",
        in: 600_000,
        step: 2,
        steps: 2,
        exhausts: false,
        queued: true,
      },
      update: { at: "2026-11-20T23:05:00Z", in: 2_400_000, misses: 0, snoozed: false, queued: true },
    });
    const s = sectionText(m);
    expect(s).toContain("Escalate to step 2 of 2 at Fri 20 Nov 17:35 EST (in 10m)");
    expect(s).toContain("Status update due at Fri 20 Nov 18:05 EST (in 40m)");
    expect(s).not.toContain("Not in the queue");
    const none = templates.render("reminders", { incident: incident(), timezone: "UTC", nothing: true });
    expect(sectionText(none)).toContain("Nothing is scheduled");
  });
});

describe("escaping", () => {
  const hostileVars = TEMPLATE_SAMPLES;

  it.each(TEMPLATE_NAMES)("%s never turns user text into a mention, broadcast or link", (name) => {
    const m = templates.render(name, hostileVars[name] as never);
    const all = spans(m);
    expect(all.filter((s) => s.kind === "link")).toEqual([]);
    for (const s of all) {
      if (s.kind === "user") expect(["U0ALICE", "U0BOB"]).toContain(s.id);
      if (s.kind === "channel") expect(s.id).toBe("C1");
      // Emphasis may only come from the template itself, never from the *x* inside the hostile text.
      if (s.kind === "bold" || s.kind === "italic") expect(s.text).not.toBe("x");
    }
    const plain = markups(m).map((t) => markupToPlain(t));
    expect(plain.some((t) => t.includes(HOSTILE))).toBe(true);
  });

  it("triple-stash prints the same escaped text, so it is no bypass", () => {
    const t = withFiles({ "error.yml": 'text: "{{{message}}} / {{message}}"' });
    const m = t.render("error", { message: HOSTILE });
    expect(parseMarkup(m.text).every((s) => s.kind === "text")).toBe(true);
    expect(markupToPlain(m.text)).toBe(`${HOSTILE} / ${HOSTILE}`);
  });

  it("plain fields (header, labels) and button values come out unescaped", () => {
    const t = withFiles({
      "error.yml": [
        'text: "x"',
        "blocks:",
        '  - header: "{{message}}"',
        '  - fields: [ { label: "{{message}}", value: "v" } ]',
        '  - actions: [ { action: acknowledge, label: "{{message}}", value: "{{message}}" } ]',
      ].join("\n"),
    });
    const m = t.render("error", { message: "a_b *c* <d>" });
    expect(m.blocks).toEqual([
      { type: "header", text: "a_b *c* <d>" },
      { type: "fields", fields: [{ label: "a_b *c* <d>", value: "v" }] },
      {
        type: "actions",
        buttons: [{ actionId: ActionIds.acknowledge, label: "a_b *c* <d>", value: "a_b *c* <d>" }],
      },
    ]);
  });

  it("escapes deeply and flattens values Handlebars would misuse", () => {
    const date = new Date("2026-01-02T03:04:05Z");
    expect(
      escapeVars({
        a: ["*x*", { b: "<y>" }],
        n: 3,
        d: date,
        f: () => "called",
        u: undefined,
        ["__proto__"]: "_p",
      }),
    ).toEqual({
      a: ["\\*x\\*", { b: "\\<y\\>" }],
      n: 3,
      d: "2026-01-02T03:04:05.000Z",
      f: undefined,
      u: undefined,
      ["__proto__"]: "\\_p",
    });
    const proto = escapeVars(JSON.parse('{"__proto__": {"polluted": "yes"}}')) as Record<string, unknown>;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
  });
});

describe("helpers", () => {
  it("user and channel make a mention only of something shaped like an id", () => {
    const t = withFiles({ "error.yml": 'text: "{{user message}} {{channel message}}"' });
    expect(t.render("error", { message: "john_doe" }).text).toBe("<@john_doe> <#john_doe>");
    const odd = t.render("error", { message: "a> <!channel" });
    expect(parseMarkup(odd.text).every((s) => s.kind === "text")).toBe(true);
    expect(t.render("error", { message: "" }).text).toBe("");
  });

  it("link makes a link only of http(s) and mailto URLs, with an escaped label", () => {
    const t = withFiles({ "error.yml": 'text: "{{link message \\"Run*book*\\"}}"' });
    const good = parseMarkup(t.render("error", { message: "https://wiki.example/run_book?a=1|2" }).text);
    expect(good).toEqual([
      { kind: "link", url: "https://wiki.example/run_book?a=1%7C2", label: "Run*book*" },
    ]);
    const bad = t.render("error", { message: "javascript:alert(1)" }).text;
    expect(parseMarkup(bad)).toEqual([{ kind: "text", text: "Run*book*" }]);
    const bare = withFiles({ "error.yml": 'text: "{{link message}}"' }).render("error", {
      message: "http://x.example",
    });
    expect(parseMarkup(bare.text)).toEqual([
      { kind: "link", url: "http://x.example", label: "http://x.example" },
    ]);
  });

  it.each([
    ["2026-11-20T22:05:00Z", "Europe/Berlin", "Fri 20 Nov 23:05 CET"],
    ["2026-07-20T22:05:00Z", "Europe/Berlin", "Tue 21 Jul 00:05 CEST"],
    ["2026-11-20T22:05:00Z", "America/New_York", "Fri 20 Nov 17:05 EST"],
    ["2026-07-01T12:00:00Z", "Europe/London", "Wed 1 Jul 13:00 BST"],
    ["2026-03-08T06:59:00Z", "America/New_York", "Sun 8 Mar 01:59 EST"],
    ["2026-03-08T07:00:00Z", "America/New_York", "Sun 8 Mar 03:00 EDT"],
    ["2026-07-20T22:05:00Z", "Asia/Kolkata", "Tue 21 Jul 03:35 GMT+5:30"],
    ["2026-07-20T22:05:00Z", "UTC", "Mon 20 Jul 22:05 UTC"],
    ["2026-07-20T22:05:00Z", "Not/AZone", "Mon 20 Jul 22:05 UTC"],
    ["2026-07-20T22:05:00Z", undefined, "Mon 20 Jul 22:05 UTC"],
    ["not a time", "UTC", "not a time"],
  ])("time %s in %s is %s", (iso, zone, want) => {
    expect(formatTime(iso, zone)).toBe(want);
  });

  it("time reads zones whose names markup would escape", () => {
    const t = withFiles({
      "error.yml": 'text: "{{time message \\"America/Port_of_Spain\\"}} {{time message}}"',
    });
    expect(t.render("error", { message: "2026-07-20T22:05:00Z" }).text).toBe(
      "Mon 20 Jul 18:05 AST Mon 20 Jul 22:05 UTC",
    );
  });

  it("duration writes milliseconds the way people write durations", () => {
    const t = withFiles({ "internal-error.yml": 'text: "[{{duration errorId}}]"' });
    expect(t.render("internal-error", { errorId: "5400000" }).text).toBe("[1h30m]");
    expect(t.render("internal-error", { errorId: "soon" }).text).toBe("[]");
    const k = templates.render("kickoff", kickoffVars({ ackWithin: 90 * 60_000 }));
    expect(sectionText(k)).toContain("*1h30m*");
  });
});

describe("conditions", () => {
  const source = [
    'text: "t"',
    "blocks:",
    '  - section: "has message"',
    "    when: message",
    '  - section: "no message"',
    '    when: "!message"',
    "  - fields:",
    '      - { label: A, value: "a", when: message }',
    '      - { label: B, value: "b" }',
    "  - actions:",
    "      - { action: acknowledge, label: Ack, when: message }",
    '  - section: "{{#if message}}{{else}}{{/if}}"',
  ].join("\n");

  it("when: includes blocks, fields and buttons only when the variable is truthy; ! negates", () => {
    const t = withFiles({ "error.yml": source });
    expect(t.render("error", { message: "yes" }).blocks).toEqual([
      { type: "section", text: "has message" },
      {
        type: "fields",
        fields: [
          { label: "A", value: "a" },
          { label: "B", value: "b" },
        ],
      },
      { type: "actions", buttons: [{ actionId: ActionIds.acknowledge, label: "Ack" }] },
    ]);
    // An empty string is falsy, as in {{#if}}; empty blocks are dropped because Slack rejects empty text.
    expect(t.render("error", { message: "" }).blocks).toEqual([
      { type: "section", text: "no message" },
      { type: "fields", fields: [{ label: "B", value: "b" }] },
    ]);
  });

  it("when: treats an empty list as false, like {{#if}}", () => {
    const t = withFiles({
      "help.yml":
        'text: "t"\nblocks:\n  - section: "{{#each commands}}{{usage}}{{/each}}"\n    when: commands\n  - divider: true',
    });
    expect(t.render("help", { prefix: "/i", commands: [] }).blocks).toEqual([{ type: "divider" }]);
    expect(t.render("help", { prefix: "/i", commands: [{ usage: "u", summary: "s" }] }).blocks).toHaveLength(
      2,
    );
  });
});
