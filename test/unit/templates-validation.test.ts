import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ActionIds } from "../../src/core/action-ids.js";
import { ConfigError } from "../../src/core/errors.js";
import {
  DEFAULT_TEMPLATES_DIR,
  loadTemplates,
  TemplateConfigError,
  type TemplateProblem,
} from "../../src/core/templates/index.js";
import { TEMPLATE_NAMES } from "../../src/core/templates/registry.js";

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "firebreak-templates-"));
  cpSync(DEFAULT_TEMPLATES_DIR, dir, { recursive: true });
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, source: string): void {
  writeFileSync(join(dir, name), source);
}

/** 1-based line of the first line containing `needle`. */
function lineOf(source: string, needle: string): number {
  const i = source.split("\n").findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`"${needle}" not in source`);
  return i + 1;
}

async function problems(): Promise<TemplateProblem[]> {
  try {
    await loadTemplates(dir);
  } catch (err) {
    expect(err).toBeInstanceOf(TemplateConfigError);
    expect(err).toBeInstanceOf(ConfigError);
    return [...(err as TemplateConfigError).problems];
  }
  throw new Error("the templates loaded without problems");
}

/** The one problem reported, as the operator sees it ("<dir>/file.yml:7: message"). */
async function onlyProblem(): Promise<string> {
  const all = await problems();
  expect(all, JSON.stringify(all, null, 2)).toHaveLength(1);
  const p = all[0] as TemplateProblem;
  expect(p.file.startsWith(dir)).toBe(true);
  return `${p.file.slice(dir.length + 1)}:${p.line ?? "-"}: ${p.message}`;
}

const KICKOFF = readFileSync(join(DEFAULT_TEMPLATES_DIR, "kickoff.yml"), "utf8");

describe("template validation", () => {
  it("reports an unknown variable with file, line, a suggestion and the known names", async () => {
    const source = KICKOFF.replace(
      'header: "{{incident.id}} · {{incident.title}}"',
      'header: "{{incident.titel}}"',
    );
    write("kickoff.yml", source);
    const p = await onlyProblem();
    expect(p).toMatch(
      new RegExp(
        `^kickoff\\.yml:${lineOf(source, "incident.titel")}: unknown variable "incident\\.titel" \\(did you mean "incident\\.title"\\?\\) — known: incident\\.id, incident\\.title, `,
      ),
    );
    expect(p).toContain("commanderMissingReason");
  });

  it("adds the line within a multi-line block to the block's line", async () => {
    const source = [
      "# test",
      'text: "x"',
      "blocks:",
      "  - section: |",
      "      one",
      "      two {{comander}}",
      "      three",
    ].join("\n");
    write("kickoff.yml", source);
    expect(await onlyProblem()).toMatch(
      /^kickoff\.yml:6: unknown variable "comander" \(did you mean "commander"\?\)/,
    );
  });

  it("reports an unknown helper", async () => {
    write("page.yml", 'text: "{{upper incident.title}}"');
    expect(await onlyProblem()).toMatch(
      /^page\.yml:1: unknown helper "upper" \(did you mean "user"\?\) — known helpers: user, channel, link, time, duration/,
    );
  });

  it("reports a helper called with the wrong number of arguments", async () => {
    write("page.yml", "text: |\n  {{user}}\n  {{link incident.id incident.title severity}}");
    const all = await problems();
    expect(all.map((p) => [p.line, p.message])).toEqual([
      [2, 'helper "user" takes 1 argument, got 0 — write {{user id}}'],
      [3, 'helper "link" takes 1 to 2 arguments, got 3 — write {{link url label}}'],
    ]);
  });

  it.each([
    [
      "an unclosed expression",
      "text: |\n  ok\n  {{incident.title}\n  more",
      3,
      /Handlebars syntax error near .*incident\.title\}/,
    ],
    [
      "an unclosed block",
      "text: |\n  {{#if commander}}\n  x",
      2,
      /\{\{#if\}\} is never closed — add \{\{\/if\}\}/,
    ],
    [
      "an expression left open at the end",
      "text: |\n  a\n  {{incident.title",
      3,
      /the text ends inside an expression/,
    ],
    [
      "a block closed by the wrong name",
      "text: |\n  a\n  {{#if commander}}x{{/each}}",
      3,
      /\{\{#if\}\} is closed by \{\{\/each\}\} — close it with \{\{\/if\}\}/,
    ],
  ])("reports a Handlebars syntax error: %s", async (_, source, line, message) => {
    write("page.yml", source);
    const all = await problems();
    expect(all).toHaveLength(1);
    expect(all[0]?.line).toBe(line);
    expect(all[0]?.message).toMatch(message);
  });

  it("reports an unknown block key, with the likely intended one", async () => {
    const source = KICKOFF.replace("  - divider: true", "  - dividr: true");
    write("kickoff.yml", source);
    expect(await onlyProblem()).toBe(
      `kickoff.yml:${lineOf(source, "dividr")}: unknown key "dividr" (did you mean "divider"?) — block keys are: header, section, context, fields, actions, divider, when`,
    );
  });

  it("reports an unknown action", async () => {
    const source = KICKOFF.replace("action: acknowledge", "action: acknowlege");
    write("kickoff.yml", source);
    expect(await onlyProblem()).toBe(
      `kickoff.yml:${lineOf(source, "acknowlege")}: unknown action "acknowlege" (did you mean "acknowledge"?) — known actions: ${Object.keys(ActionIds).join(", ")}`,
    );
  });

  it("reports a missing template file", async () => {
    unlinkSync(join(dir, "page-dm.yml"));
    expect(await onlyProblem()).toBe(
      "page-dm.yml:-: missing — every template must exist; copy it from Firebreak's templates/ directory",
    );
  });

  it("reports bad YAML with its line", async () => {
    write("usage.yml", '# c\ntext: "{{message}}\nblocks: []\n');
    const p = await onlyProblem();
    expect(p).toMatch(/^usage\.yml:\d+: bad YAML: /);
    const dup = "# c\ntext: a\ntext: b\n";
    write("usage.yml", dup);
    expect(await onlyProblem()).toBe("usage.yml:3: bad YAML: Map keys must be unique");
  });

  it("reports unknown files, .yaml files and an unreadable directory", async () => {
    write("kickof.yml", 'text: "x"');
    write("page.yaml", 'text: "x"');
    write("README.md", "Operators: edit these files.");
    const all = (await problems()).map((p) => `${p.file.slice(dir.length + 1)}: ${p.message}`);
    expect(all).toEqual([
      `kickof.yml: not a known template (did you mean kickoff.yml?) — templates: ${TEMPLATE_NAMES.join(", ")}`,
      "page.yaml: rename to page.yml — templates are read from .yml files",
    ]);
    await expect(loadTemplates(join(dir, "nope"))).rejects.toThrow(
      /cannot read the templates directory .*nope \(ENOENT\)/,
    );
  });

  it("reports structural mistakes in blocks, fields and buttons", async () => {
    const source = [
      "# c",
      'text: "x"',
      "colour: red",
      "blocks:",
      "  - section: a",
      "    header: b",
      "  - divider: yes please",
      "  - fields:",
      "      - { label: A }",
      "      - { label: B, value: b, hint: c }",
      "  - actions:",
      "      - { action: acknowledge, label: Ack, style: loud }",
      "  - context: [not, text]",
      "  - when: commander",
      "  - just text",
    ].join("\n");
    write("kickoff.yml", source);
    expect((await problems()).map((p) => `${p.line}: ${p.message}`)).toEqual([
      '3: unknown key "colour" — a template has: text, blocks',
      "5: one block has section and header — give each its own list item starting with -",
      "7: write a divider as divider: true",
      "9: missing value in fields",
      '10: unknown key "hint" — keys of fields are: label, value, when',
      '12: unknown style "loud" — styles: primary, danger',
      "13: expected a text value (quote it if it starts with {{ )",
      "14: the block has no type — use one of: header, section, context, fields, actions, divider",
      '15: a block must be a map such as "- section: text" — block types: header, section, context, fields, actions, divider',
    ]);
  });

  it("reports a missing text and an empty file", async () => {
    write("error.yml", "# c\nblocks:\n  - divider: true\n");
    write("usage.yml", "# nothing yet\n");
    expect((await problems()).map((p) => `${p.file.slice(dir.length + 1)}:${p.line}: ${p.message}`)).toEqual([
      "error.yml:2: missing text: — every message needs a fallback text for notifications",
      "usage.yml:1: the file is empty — it needs at least text:",
    ]);
  });

  it("reports an unknown variable in when:", async () => {
    write(
      "page.yml",
      'text: "x"\nblocks:\n  - section: "y"\n    when: "!comander"\n  - divider: true\n    when: "a b"',
    );
    expect((await problems()).map((p) => `${p.line}: ${p.message}`)).toEqual([
      '4: unknown variable "comander" in when: (did you mean "commander"?) — known: incident.id, incident.title, incident.severity, incident.state, incident.service, incident.serviceName, incident.description, incident.createdAt, severity, commander, ackWithin, acknowledgedBy, fallback.policy, fallback.noService, fallback.unowned, fallback.owner',
      '6: when: "a b" is not a variable path — write when: "incident.service" or "!commander"',
    ]);
  });

  it("understands {{#each}} scopes: item fields, this, @index and ../", async () => {
    write(
      "help.yml",
      'text: "{{#each commands}}{{@index}} {{this.usage}} {{summary}}{{#if usage}}{{../prefix}}{{/if}}{{else}}none {{prefix}}{{/each}}"',
    );
    await expect(loadTemplates(dir)).resolves.toBeDefined();
    write(
      "help.yml",
      "text: |\n  {{#each commands}}\n  {{prefix}} {{usage}} {{sumary}}\n  {{/each}}\n  {{#each prefix}}{{/each}}",
    );
    expect((await problems()).map((p) => `${p.line}: ${p.message}`)).toEqual([
      '3: unknown variable "prefix" inside {{#each commands}} — items have: usage, summary; write "../prefix" for the variable outside the loop',
      '3: unknown variable "sumary" inside {{#each commands}} (did you mean "summary"?) — items have: usage, summary',
      '5: "prefix" is not a list — lists here: commands',
    ]);
  });

  it("refuses groups and lists where a value is printed, and partials, @data and ../ outside loops", async () => {
    write("help.yml", 'text: "{{commands}} {{> other}} {{@index}} {{../prefix}} {{this}}"');
    write("page.yml", 'text: "{{incident}}"');
    const all = (await problems()).map((p) => `${p.file.slice(dir.length + 1)}: ${p.message}`);
    expect(all).toEqual([
      'help.yml: "commands" is a list — print its items with {{#each commands}}...{{/each}}',
      "help.yml: partials ({{> name}}) are not supported — write the text in this template",
      'help.yml: "@index" is only available inside {{#each}}',
      'help.yml: "../prefix" goes above the template\'s variables — remove a "../"',
      'help.yml: "this" means the whole template context — name a variable instead',
      'page.yml: "incident" is a group of values, not one — use one of: incident.id, incident.title, incident.severity, incident.state, incident.service, incident.serviceName, incident.description, incident.createdAt',
    ]);
  });

  it("refuses templates over Slack's block, field and button limits", async () => {
    const many = (n: number, item: string) => Array.from({ length: n }, () => item).join("\n");
    write("error.yml", `text: "x"\nblocks:\n${many(51, "  - divider: true")}`);
    write(
      "usage.yml",
      `text: "x"\nblocks:\n  - fields:\n${many(11, "      - { label: a, value: b }")}\n  - actions:\n${many(26, "      - { action: acknowledge, label: a }")}`,
    );
    expect((await problems()).map((p) => `${p.file.slice(dir.length + 1)}:${p.line}: ${p.message}`)).toEqual([
      "error.yml:3: 51 blocks — Slack accepts at most 50 in one message",
      "usage.yml:4: 11 fields — Slack accepts at most 10",
      "usage.yml:16: 26 buttons — Slack accepts at most 25",
    ]);
  });

  it("collects every problem in every file into one ConfigError", async () => {
    write("page.yml", 'text: "{{incident.titel}}"');
    write("help.yml", 'text: "{{#each commands}}"');
    unlinkSync(join(dir, "error.yml"));
    const err = await loadTemplates(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    expect(message).toMatch(/^3 problems in the message templates:\n/);
    expect(message).toContain(`${join(dir, "error.yml")}: missing`);
    expect(message).toContain(`${join(dir, "help.yml")}:1: Handlebars syntax error`);
    expect(message).toContain(`${join(dir, "page.yml")}:1: unknown variable "incident.titel"`);
  });
});
