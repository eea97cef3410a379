import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ActionIds } from "../../src/core/action-ids.js";
import { escapeMarkup, markupToPlain, parseMarkup } from "../../src/core/markup.js";
import type { Block, Message } from "../../src/core/message.js";
import {
  createTemplates,
  DEFAULT_TEMPLATES_DIR,
  fitMessage,
  LIMITS,
  splitMarkup,
  type Templates,
  truncateMarkup,
  truncatePlain,
} from "../../src/core/templates/index.js";

const ELLIPSIS = "…";

const realFiles = readdirSync(DEFAULT_TEMPLATES_DIR).map((name) => ({
  name,
  source: readFileSync(join(DEFAULT_TEMPLATES_DIR, name), "utf8"),
}));
const templates: Templates = createTemplates("templates", realFiles);

const incident = {
  id: "INC-7",
  title: "Checkout is slow",
  severity: "sev2",
  state: "triggered",
  createdAt: "2026-11-20T22:05:00Z",
};

function kickoff(description: string): Message {
  return templates.render("kickoff", {
    incident: { ...incident, description },
    severity: "SEV2",
    reporter: "U0ALICE",
    commander: "U0BOB",
    ackWithin: 900_000,
    updateEvery: 3_600_000,
    timezone: "Europe/Berlin",
  });
}

function texts(m: Message): string[] {
  return m.blocks.flatMap((b) => (b.type === "section" || b.type === "context" ? [b.text] : []));
}

function total(m: Message): number {
  const count = (b: Block) =>
    b.type === "fields"
      ? b.fields.reduce((n, f) => n + f.label.length + f.value.length, 0)
      : b.type === "actions"
        ? b.buttons.reduce((n, x) => n + x.label.length, 0)
        : "text" in b
          ? b.text.length
          : 0;
  return m.text.length + m.blocks.reduce((n, b) => n + count(b), 0);
}

describe("truncateMarkup", () => {
  it("leaves short text alone and cuts long text to the limit with an ellipsis, at a word if close", () => {
    expect(truncateMarkup("short", 10)).toBe("short");
    expect(truncateMarkup("alpha beta gamma delta", 15)).toBe("alpha beta…");
    expect(truncateMarkup("x".repeat(20), 10)).toBe(`${"x".repeat(9)}${ELLIPSIS}`);
  });

  it("never cuts inside an escape", () => {
    const src = escapeMarkup("<".repeat(100));
    for (let max = 2; max < 40; max++) {
      const out = truncateMarkup(src, max);
      expect(out.length).toBeLessThanOrEqual(max);
      expect(markupToPlain(out)).toBe(`${"<".repeat((out.length - 1) / 2)}${ELLIPSIS}`);
    }
  });

  it("never cuts inside a mention or a link", () => {
    const src = `see <@U0ALICE> and <https://example.com/a/long/path|the runbook> now`;
    for (let max = 5; max < src.length; max++) {
      const out = truncateMarkup(src, max);
      expect(out.length, out).toBeLessThanOrEqual(max);
      const kinds = parseMarkup(out).map((s) => s.kind);
      const text = parseMarkup(out)
        .filter((s) => s.kind === "text")
        .map((s) => ("text" in s ? s.text : ""))
        .join("");
      // A half token would show up as stray "<" or "|" text.
      expect(text, out).not.toMatch(/[<|>]/);
      expect(kinds.filter((k) => k === "user").length).toBeLessThanOrEqual(1);
    }
  });

  it("cuts inside a long span and closes it again, rather than dropping it", () => {
    const out = truncateMarkup(`log: \`${"e".repeat(100)}\``, 50);
    expect(out.length).toBeLessThanOrEqual(50);
    expect(parseMarkup(out)).toEqual([
      { kind: "text", text: "log: " },
      { kind: "code", text: `${"e".repeat(out.length - 8)}${ELLIPSIS}` },
    ]);
  });

  it("does not split an emoji", () => {
    const out = truncateMarkup("🔥".repeat(10), 6);
    expect(out).toBe(`🔥🔥${ELLIPSIS}`);
  });

  it("keeps any escaped text a literal prefix of the original (property)", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom("a", " ", "*", "_", "`", "<", ">", "\\", "|", "@", "\n") }),
        fc.integer({ min: 1, max: 60 }),
        (s, max) => {
          const out = truncateMarkup(escapeMarkup(s), max);
          expect(out.length).toBeLessThanOrEqual(Math.max(max, 0));
          const spans = parseMarkup(out);
          expect(spans.every((x) => x.kind === "text")).toBe(true);
          const plain = markupToPlain(out);
          const kept = plain.endsWith(ELLIPSIS) && out !== escapeMarkup(s) ? plain.slice(0, -1) : plain;
          expect(s.startsWith(kept)).toBe(true);
        },
      ),
    );
  });
});

describe("truncatePlain", () => {
  it("cuts plain text at a word boundary when one is near", () => {
    expect(truncatePlain("Search is down in every region", 20)).toBe("Search is down in…");
    expect(truncatePlain("a".repeat(200), 150)).toHaveLength(150);
  });
});

describe("splitMarkup", () => {
  it("splits at line breaks, truncating only a line longer than the limit", () => {
    const lines = ["one", "two", "x".repeat(30), "three"];
    expect(splitMarkup(lines.join("\n"), 12, 10)).toEqual([
      "one\ntwo",
      `${"x".repeat(11)}${ELLIPSIS}`,
      "three",
    ]);
  });

  it("truncates the last piece when it runs out of pieces", () => {
    const pieces = splitMarkup(Array.from({ length: 10 }, (_, i) => `line ${i}`).join("\n"), 14, 2);
    expect(pieces).toHaveLength(2);
    expect(pieces[0]).toBe("line 0\nline 1");
    expect(pieces[1]?.endsWith(ELLIPSIS)).toBe(true);
    expect(pieces[1]?.length).toBeLessThanOrEqual(14);
  });
});

describe("rendered messages fit the platforms", () => {
  it("truncates a section over 3000 characters with an ellipsis", () => {
    const m = kickoff("word ".repeat(1000).trim());
    const description = texts(m).find((t) => t.startsWith("word"));
    expect(description?.length).toBeLessThanOrEqual(LIMITS.section);
    expect(description?.endsWith(`word${ELLIPSIS}`)).toBe(true);
  });

  it("truncates user text full of escapes without breaking an escape", () => {
    const m = kickoff("<".repeat(2000)); // escapes to 4000 characters
    const description = texts(m).find((t) => t.startsWith("\\<")) ?? "";
    expect(description.length).toBeLessThanOrEqual(LIMITS.section);
    expect(parseMarkup(description).every((s) => s.kind === "text")).toBe(true);
    expect(markupToPlain(description)).toMatch(/^<+…$/);
  });

  it("splits a long multi-line section (a long help list) instead of losing commands", () => {
    const commands = Array.from({ length: 80 }, (_, i) => ({
      usage: `verb${i} <arg>`,
      summary: "does a thing ".repeat(4),
    }));
    const m = templates.render("help", { prefix: "/incident", commands });
    const sections = m.blocks.filter((b) => b.type === "section");
    expect(sections.length).toBeGreaterThan(1);
    const joined = texts(m).join("\n");
    for (const c of commands) expect(joined).toContain(`\`/incident ${escapeMarkup(c.usage)}\``);
    for (const t of texts(m)) expect(t.length).toBeLessThanOrEqual(LIMITS.section);
  });

  it("keeps the whole message within Mattermost's post size, keeping the buttons", () => {
    const description = Array.from({ length: 400 }, (_, i) => `line ${i} ${"z".repeat(90)}`).join("\n");
    const m = kickoff(description);
    expect(total(m)).toBeLessThanOrEqual(LIMITS.total);
    expect(m.blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
    expect(
      m.blocks.some((b) => b.type === "actions" && b.buttons[0]?.actionId === ActionIds.acknowledge),
    ).toBe(true);
    expect(texts(m).some((t) => t.endsWith(ELLIPSIS))).toBe(true);
    // The top of the message survives: the header and the start of the description.
    expect(m.blocks[0]).toEqual({ type: "header", text: "INC-7 · Checkout is slow" });
    expect(texts(m)[0]?.startsWith("line 0 ")).toBe(true);
  });

  it("caps the fallback text, headers and labels", () => {
    const m = templates.render("page-dm", {
      incident: { ...incident, title: "t".repeat(5000) },
      severity: "SEV2",
      channel: "C1",
      ackWithin: 60_000,
    });
    expect(m.text.length).toBeLessThanOrEqual(LIMITS.text);
    const header = m.blocks.find((b) => b.type === "header");
    expect(header && "text" in header && header.text.length).toBeLessThanOrEqual(LIMITS.header);
  });

  it("never produces more than 50 blocks", () => {
    const blocks: Block[] = Array.from({ length: 49 }, () => ({ type: "divider" }) as const);
    const m = fitMessage({ text: "t", blocks: [...blocks, { type: "section", text: "a\n".repeat(4000) }] });
    expect(m.blocks).toHaveLength(LIMITS.blocks);
    const last = m.blocks.at(-1);
    expect(
      last?.type === "section" && last.text.length <= LIMITS.section && last.text.endsWith(ELLIPSIS),
    ).toBe(true);
  });
});
