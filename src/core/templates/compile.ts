/**
 * Turns template files (YAML text) into compiled templates, collecting every mistake with its file and line.
 * Pure: the caller supplies the file contents (load.ts reads them from disk), so tests and other sources of
 * templates need no file system.
 *
 * A file looks like this (see templates/kickoff.yml):
 *
 *   text: "fallback for notifications, neutral markup"
 *   blocks:
 *     - header: "plain text"
 *     - section: "markup"                       # also: context
 *       when: "incident.description"            # optional on any block, field or button; "!x" negates
 *     - fields:
 *         - { label: Severity, value: "{{severity}}" }
 *     - actions:
 *         - { action: acknowledge, label: Acknowledge, style: primary, value: "{{incident.id}}" }
 *     - divider: true
 *
 * Without `blocks`, the message is one section holding `text`.
 */
import Handlebars from "handlebars";
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, type YAMLMap } from "yaml";
import { ActionIds } from "../action-ids.js";
import { ConfigError } from "../errors.js";
import type { ButtonStyle } from "../message.js";
import { checkTemplateString, suggest, VariableIndex } from "./check.js";
import { helperImplementations } from "./helpers.js";
import { LIMITS } from "./limits.js";
import {
  isTemplateName,
  TEMPLATE_HELPERS,
  TEMPLATE_NAMES,
  TEMPLATE_VARIABLES,
  type TemplateName,
} from "./registry.js";

/** One template file as read: its file name within the templates directory and its text. */
export interface TemplateFile {
  name: string;
  source: string;
}

export interface TemplateProblem {
  /** The file as shown to the operator, e.g. "templates/kickoff.yml". */
  file: string;
  line?: number;
  message: string;
}

export function formatProblem(p: TemplateProblem): string {
  return `${p.file}${p.line === undefined ? "" : `:${p.line}`}: ${p.message}`;
}

/** Every problem found in the templates, thrown once at start-up so an operator can fix them all in one go. */
export class TemplateConfigError extends ConfigError {
  constructor(readonly problems: readonly TemplateProblem[]) {
    super(
      `${problems.length} problem${problems.length === 1 ? "" : "s"} in the message templates:\n${problems
        .map((p) => `  ${formatProblem(p)}`)
        .join("\n")}`,
    );
  }
}

export type Render = (context: unknown) => string;

/** `when: "a.b"` or `when: "!a.b"`: include the element only when the variable is (not) truthy. */
export interface Condition {
  path: readonly string[];
  negate: boolean;
}

export type CompiledBlock = { when?: Condition } & (
  | { type: "header" | "section" | "context"; text: Render }
  | { type: "fields"; fields: Array<{ label: Render; value: Render; when?: Condition }> }
  | {
      type: "actions";
      buttons: Array<{
        actionId: string;
        label: Render;
        value?: Render;
        style?: ButtonStyle;
        when?: Condition;
      }>;
    }
  | { type: "divider" }
);

export interface CompiledTemplate {
  name: TemplateName;
  text: Render;
  /** Undefined when the file has no `blocks`: the message is then one section with the text. */
  blocks: CompiledBlock[] | undefined;
}

const TEXT_BLOCKS = ["header", "section", "context"] as const;
const BLOCK_TYPES = [...TEXT_BLOCKS, "fields", "actions", "divider"] as const;
const BLOCK_KEYS = [...BLOCK_TYPES, "when"];
const ACTION_NAMES = Object.keys(ActionIds);
const STYLES: readonly ButtonStyle[] = ["primary", "danger"];

/** A fresh Handlebars environment per set of templates, so nothing leaks into or out of the global one. */
function createEnvironment(): typeof Handlebars {
  const env = Handlebars.create();
  for (const [name, fn] of Object.entries(helperImplementations)) env.registerHelper(name, fn);
  return env;
}

const COMPILE_OPTIONS = {
  // Variables arrive escaped for neutral markup; HTML escaping would be wrong for every platform.
  noEscape: true,
  // Only our helpers exist: a name that is not one is a variable, never a call to helperMissing.
  knownHelpersOnly: true,
  knownHelpers: Object.fromEntries(Object.keys(TEMPLATE_HELPERS).map((h) => [h, true])),
} as const;

/** Compiles one template file, collecting its problems; compile() returns undefined when there are any. */
class FileCompiler {
  readonly problems: TemplateProblem[] = [];
  private readonly lines = new LineCounter();
  private readonly vars: VariableIndex;

  constructor(
    private readonly env: typeof Handlebars,
    readonly name: TemplateName,
    private readonly file: string,
  ) {
    this.vars = new VariableIndex(TEMPLATE_VARIABLES[name]);
  }

  private lineOf(node: Node | undefined): number | undefined {
    const offset = node?.range?.[0];
    return offset === undefined ? undefined : this.lines.linePos(offset).line;
  }

  private report(node: Node | number | undefined, message: string): void {
    const line = typeof node === "number" ? node : this.lineOf(node);
    this.problems.push(
      line === undefined ? { file: this.file, message } : { file: this.file, line, message },
    );
  }

  compile(source: string): CompiledTemplate | undefined {
    const doc = parseDocument(source, { lineCounter: this.lines, uniqueKeys: true });
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        const first = e.message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "") ?? e.message;
        this.report(e.linePos?.[0]?.line, `bad YAML: ${first}`);
      }
      return undefined;
    }
    const root = doc.contents;
    if (!isMap(root)) {
      this.report(
        root ?? 1,
        root
          ? "a template must be a map with text: and blocks:"
          : "the file is empty — it needs at least text:",
      );
      return undefined;
    }
    let text: Render | undefined;
    let blocks: CompiledBlock[] | undefined;
    for (const pair of root.items) {
      const key = this.keyOf(pair.key);
      if (key === "text") text = this.string(pair.value, pair.key);
      else if (key === "blocks") blocks = this.blocks(pair.value, pair.key);
      else this.unknownKey(pair.key, key, ["text", "blocks"], "a template has");
    }
    if (!root.items.some((p) => this.keyOf(p.key) === "text")) {
      this.report(root, "missing text: — every message needs a fallback text for notifications");
    }
    return this.problems.length === 0 && text ? { name: this.name, text, blocks } : undefined;
  }

  private keyOf(node: unknown): string {
    return isScalar(node) ? String(node.value) : String(node);
  }

  private unknownKey(node: unknown, key: string, known: readonly string[], what: string): void {
    const hint = suggest(key, known);
    this.report(
      node as Node,
      `unknown key "${key}"${hint ? ` (did you mean "${hint}"?)` : ""} — ${what}: ${known.join(", ")}`,
    );
  }

  /** Compiles a template string; `owner` locates the problem when the value itself is missing. */
  private string(node: unknown, owner: unknown): Render | undefined {
    if (!isScalar(node) || node.value === null || typeof node.value === "object") {
      this.report((node ?? owner) as Node, "expected a text value (quote it if it starts with {{ )");
      return undefined;
    }
    const source = String(node.value);
    const base = this.lineOf(node) ?? 1;
    // In a block scalar (`|`) the text starts on the line after the indicator and keeps its line breaks, so
    // Handlebars' line within the string maps onto the file. Other scalars fold lines; their start is the
    // best place to point at.
    const block = node.type === "BLOCK_LITERAL" || node.type === "BLOCK_FOLDED";
    const at = (line: number) => (block ? base + line : base);
    const { ast, problems } = checkTemplateString(source, this.vars);
    for (const p of problems) this.report(at(p.line), p.message);
    if (!ast || problems.length > 0) return undefined;
    try {
      const render = this.env.compile(source, COMPILE_OPTIONS);
      // Handlebars compiles lazily on first use; render once now so a compile error surfaces at start-up.
      render({});
      return render;
    } catch (err) {
      this.report(at(1), `Handlebars error: ${(err as Error).message.split("\n")[0]}`);
      return undefined;
    }
  }

  /** Plain text that is not a template (action names, styles). */
  private plain(node: unknown, owner: unknown): string | undefined {
    if (!isScalar(node) || typeof node.value !== "string") {
      this.report((node ?? owner) as Node, "expected a name");
      return undefined;
    }
    return node.value;
  }

  private condition(node: unknown, owner: unknown): Condition | undefined {
    const expr = this.plain(node, owner)?.trim();
    if (expr === undefined) return undefined;
    const negate = expr.startsWith("!");
    const path = expr.slice(negate ? 1 : 0).trim();
    if (!/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(path)) {
      this.report(
        node as Node,
        `when: "${expr}" is not a variable path — write when: "incident.service" or "!commander"`,
      );
      return undefined;
    }
    if (this.vars.classify(path) === undefined) {
      const known = this.vars.declared.filter((d) => !d.includes("[]"));
      const lists = this.vars.namesAt("").filter((n) => this.vars.classify(n) === "list");
      const all = [...known, ...lists];
      const hint = suggest(path, all);
      this.report(
        node as Node,
        `unknown variable "${path}" in when:${hint ? ` (did you mean "${hint}"?)` : ""} — known: ${all.join(", ")}`,
      );
      return undefined;
    }
    return { path: path.split("."), negate };
  }

  private blocks(node: unknown, owner: unknown): CompiledBlock[] | undefined {
    if (!isSeq(node)) {
      this.report((node ?? owner) as Node, "blocks: must be a list (each item starts with - )");
      return undefined;
    }
    if (node.items.length > LIMITS.blocks) {
      this.report(
        node,
        `${node.items.length} blocks — Slack accepts at most ${LIMITS.blocks} in one message`,
      );
    }
    const out: CompiledBlock[] = [];
    for (const item of node.items) {
      const b = this.block(item);
      if (b) out.push(b);
    }
    return out;
  }

  private block(node: unknown): CompiledBlock | undefined {
    if (!isMap(node)) {
      this.report(
        node as Node,
        `a block must be a map such as "- section: text" — block types: ${BLOCK_TYPES.join(", ")}`,
      );
      return undefined;
    }
    let when: Condition | undefined;
    let strangers = 0;
    const typed: Array<{ type: (typeof BLOCK_TYPES)[number]; key: unknown; value: unknown }> = [];
    for (const pair of node.items) {
      const key = this.keyOf(pair.key);
      if (key === "when") when = this.condition(pair.value, pair.key);
      else if ((BLOCK_TYPES as readonly string[]).includes(key)) {
        typed.push({ type: key as (typeof BLOCK_TYPES)[number], key: pair.key, value: pair.value });
      } else {
        this.unknownKey(pair.key, key, BLOCK_KEYS, "block keys are");
        strangers++;
      }
    }
    if (typed.length === 0) {
      // A misspelt type ("sectoin") has been reported already; saying "no type" as well would be noise.
      if (strangers > 0) return undefined;
      this.report(node, `the block has no type — use one of: ${BLOCK_TYPES.join(", ")}`);
      return undefined;
    }
    if (typed.length > 1) {
      this.report(
        node,
        `one block has ${typed.map((t) => t.type).join(" and ")} — give each its own list item starting with -`,
      );
      return undefined;
    }
    const { type, key, value } = typed[0] as (typeof typed)[number];
    const base = when ? { when } : {};
    switch (type) {
      case "header":
      case "section":
      case "context": {
        const text = this.string(value, key);
        return text ? { ...base, type, text } : undefined;
      }
      case "divider":
        if (!isScalar(value) || value.value !== true) {
          this.report((value ?? key) as Node, "write a divider as divider: true");
          return undefined;
        }
        return { ...base, type };
      case "fields": {
        const fields = this.fields(value, key);
        return fields ? { ...base, type, fields } : undefined;
      }
      case "actions": {
        const buttons = this.buttons(value, key);
        return buttons ? { ...base, type, buttons } : undefined;
      }
    }
  }

  /** Items of a `fields` or `actions` list: maps with the given keys (plus `when`). */
  private items(
    node: unknown,
    owner: unknown,
    what: string,
    required: string[],
    optional: string[],
    max: number,
  ) {
    if (!isSeq(node)) {
      this.report(
        (node ?? owner) as Node,
        `${what} must be a list, e.g. - { ${required.map((k) => `${k}: ...`).join(", ")} }`,
      );
      return undefined;
    }
    if (node.items.length > max)
      this.report(node, `${node.items.length} ${what} — Slack accepts at most ${max}`);
    const known = [...required, ...optional, "when"];
    const out: Array<{ map: YAMLMap; get: (k: string) => unknown; when?: Condition }> = [];
    for (const item of node.items) {
      if (!isMap(item)) {
        this.report(item as Node, `each of ${what} must be a map with ${required.join(" and ")}`);
        continue;
      }
      const values = new Map<string, unknown>();
      for (const pair of item.items) {
        const key = this.keyOf(pair.key);
        if (known.includes(key)) values.set(key, pair.value);
        else this.unknownKey(pair.key, key, known, `keys of ${what} are`);
      }
      const missing = required.filter((k) => !values.has(k));
      if (missing.length > 0) this.report(item, `missing ${missing.join(" and ")} in ${what}`);
      const when = values.has("when") ? this.condition(values.get("when"), item) : undefined;
      out.push({ map: item, get: (k) => values.get(k), ...(when ? { when } : {}) });
    }
    return out;
  }

  private fields(
    node: unknown,
    owner: unknown,
  ): Array<{ label: Render; value: Render; when?: Condition }> | undefined {
    const items = this.items(node, owner, "fields", ["label", "value"], [], LIMITS.fields);
    if (!items) return undefined;
    const out: Array<{ label: Render; value: Render; when?: Condition }> = [];
    for (const it of items) {
      const label = it.get("label") === undefined ? undefined : this.string(it.get("label"), it.map);
      const value = it.get("value") === undefined ? undefined : this.string(it.get("value"), it.map);
      if (label && value) out.push({ label, value, ...(it.when ? { when: it.when } : {}) });
    }
    return out;
  }

  private buttons(node: unknown, owner: unknown) {
    const items = this.items(node, owner, "buttons", ["action", "label"], ["style", "value"], LIMITS.buttons);
    if (!items) return undefined;
    const out: Array<{
      actionId: string;
      label: Render;
      value?: Render;
      style?: ButtonStyle;
      when?: Condition;
    }> = [];
    for (const it of items) {
      const actionNode = it.get("action");
      const action = actionNode === undefined ? undefined : this.plain(actionNode, it.map);
      let actionId: string | undefined;
      if (action !== undefined) {
        if (Object.hasOwn(ActionIds, action)) actionId = ActionIds[action as keyof typeof ActionIds];
        else {
          const hint = suggest(action, ACTION_NAMES);
          this.report(
            actionNode as Node,
            `unknown action "${action}"${hint ? ` (did you mean "${hint}"?)` : ""} — known actions: ${ACTION_NAMES.join(", ")}`,
          );
        }
      }
      const label = it.get("label") === undefined ? undefined : this.string(it.get("label"), it.map);
      const value = it.get("value") === undefined ? undefined : this.string(it.get("value"), it.map);
      let style: ButtonStyle | undefined;
      const styleNode = it.get("style");
      if (styleNode !== undefined) {
        const s = this.plain(styleNode, it.map);
        if (s !== undefined && (STYLES as readonly string[]).includes(s)) style = s as ButtonStyle;
        else if (s !== undefined)
          this.report(styleNode as Node, `unknown style "${s}" — styles: ${STYLES.join(", ")}`);
      }
      if (actionId && label) {
        out.push({
          actionId,
          label,
          ...(value ? { value } : {}),
          ...(style ? { style } : {}),
          ...(it.when ? { when: it.when } : {}),
        });
      }
    }
    return out;
  }
}

/**
 * Compiles a full set of template files. `dir` is how the directory is shown in problems. Throws one
 * TemplateConfigError listing every problem: missing and unknown files, bad YAML, unknown keys, actions,
 * variables and helpers, Handlebars syntax errors, and platform limits that a template always exceeds.
 */
export function compileTemplates(
  dir: string,
  files: readonly TemplateFile[],
): Map<TemplateName, CompiledTemplate> {
  const env = createEnvironment();
  const shown = (file: string) => `${dir.replace(/\/+$/, "")}/${file}`;
  const problems: TemplateProblem[] = [];
  const compiled = new Map<TemplateName, CompiledTemplate>();
  const present = new Set<string>();
  for (const f of files) {
    const ext = /\.(ya?ml)$/.exec(f.name);
    if (!ext) continue; // READMEs and the like may live alongside
    const base = f.name.slice(0, -ext[0].length);
    if (!isTemplateName(base)) {
      const hint = suggest(base, TEMPLATE_NAMES);
      problems.push({
        file: shown(f.name),
        message: `not a known template${hint ? ` (did you mean ${hint}.yml?)` : ""} — templates: ${TEMPLATE_NAMES.join(", ")}`,
      });
      continue;
    }
    if (ext[1] === "yaml") {
      problems.push({
        file: shown(f.name),
        message: `rename to ${base}.yml — templates are read from .yml files`,
      });
      continue;
    }
    present.add(base);
    const c = new FileCompiler(env, base, shown(f.name));
    const t = c.compile(f.source);
    problems.push(...c.problems);
    if (t) compiled.set(base, t);
  }
  for (const name of TEMPLATE_NAMES) {
    if (!present.has(name)) {
      problems.push({
        file: shown(`${name}.yml`),
        message: "missing — every template must exist; copy it from Firebreak's templates/ directory",
      });
    }
  }
  if (problems.length > 0) {
    // Files in name order, and each file's problems top to bottom, as an operator would fix them.
    const order = (p: TemplateProblem) => p.line ?? 0;
    problems.sort((a, b) => a.file.localeCompare(b.file) || order(a) - order(b));
    throw new TemplateConfigError(problems);
  }
  return compiled;
}
