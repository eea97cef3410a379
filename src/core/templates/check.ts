/**
 * Static checks of one template string against the variables its template declares. Handlebars itself
 * renders a misspelt variable as nothing, so without this an operator's typo would ship a kickoff message
 * with a blank where the commander should be. Walking the parsed template finds every variable, helper and
 * block, and reports each mistake with its line and what to write instead.
 */
import Handlebars from "handlebars";
import { editDistance } from "../commands/suggest.js";
import { TEMPLATE_BLOCK_HELPERS, TEMPLATE_HELPERS, type TemplateHelperName } from "./registry.js";

/** A mistake in one string; `line` is 1-based within the string. */
export interface StringProblem {
  line: number;
  message: string;
}

type Kind = "leaf" | "group" | "list";

/** The declared variable paths of one template, and how a path relates to them. */
export class VariableIndex {
  constructor(readonly declared: readonly string[]) {}

  /** `leaf` prints as a value, `group` has fields (`incident`), `list` can be iterated; undefined: unknown. */
  classify(path: string): Kind | undefined {
    let kind: Kind | undefined;
    for (const d of this.declared) {
      if (d === path) return "leaf";
      if (d.endsWith(".*") && (path.startsWith(d.slice(0, -1)) || path === d.slice(0, -2))) {
        return path === d.slice(0, -2) ? "group" : "leaf";
      }
      if (d.startsWith(`${path}[]`)) kind = "list";
      else if (!kind && d.startsWith(`${path}.`)) kind = "group";
    }
    return kind;
  }

  /** What a person may write at a scope ("" for the top, `commands[]` inside `{{#each commands}}`). */
  namesAt(scope: string): string[] {
    const prefix = scope ? `${scope}.` : "";
    const names = new Set<string>();
    for (const d of this.declared) {
      if (!d.startsWith(prefix)) continue;
      const rest = d.slice(prefix.length);
      const list = rest.indexOf("[]");
      names.add(list >= 0 ? rest.slice(0, list) : rest);
    }
    return [...names];
  }

  lists(scope: string): string[] {
    return this.namesAt(scope).filter((n) => this.classify(join(scope, n)) === "list");
  }
}

function join(scope: string, path: string): string {
  if (!scope) return path;
  return path ? `${scope}.${path}` : scope;
}

/** The closest known name, when it is close enough to be a plausible typo. */
export function suggest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = Math.max(2, Math.floor(name.length / 4)) + 1;
  for (const k of known) {
    const score = editDistance(name.toLowerCase(), k.toLowerCase(), { swaps: false });
    if (score < bestScore) {
      best = k;
      bestScore = score;
    }
  }
  return best;
}

const EACH_DATA = ["index", "first", "last", "key"];
const HELPER_NAMES = Object.keys(TEMPLATE_HELPERS) as TemplateHelperName[];
const BLOCK_NAMES: readonly string[] = TEMPLATE_BLOCK_HELPERS;
const HELPERS_HINT = `helpers: ${HELPER_NAMES.join(", ")}; blocks: ${TEMPLATE_BLOCK_HELPERS.map((b) => `#${b}`).join(", ")}`;

function isHelper(name: string): name is TemplateHelperName {
  return Object.hasOwn(TEMPLATE_HELPERS, name);
}

/** How a path is used: printed, passed to a helper, tested by #if/#unless, or iterated by #each. */
type Use = "print" | "argument" | "test" | "each";

/** One scope per enclosing `{{#each}}`: the declared path of its items, e.g. `commands[]`. */
interface Scope {
  path: string;
  /** The list as written, for messages. */
  label: string;
}

class Checker {
  readonly problems: StringProblem[] = [];
  constructor(private readonly vars: VariableIndex) {}

  private report(node: hbs.AST.Node | undefined, message: string): void {
    this.problems.push({ line: node?.loc?.start.line ?? 1, message });
  }

  program(program: hbs.AST.Program | undefined, scopes: Scope[]): void {
    if (!program) return;
    if (program.blockParams?.length) {
      this.report(
        program,
        'block parameters ("as |x|") are not supported — use "this" or the item\'s fields',
      );
    }
    for (const node of program.body) this.statement(node, scopes);
  }

  private statement(node: hbs.AST.Statement, scopes: Scope[]): void {
    switch (node.type) {
      case "ContentStatement":
      case "CommentStatement":
        break;
      case "MustacheStatement":
        this.mustache(node as hbs.AST.MustacheStatement, scopes);
        break;
      case "BlockStatement":
        this.block(node as hbs.AST.BlockStatement, scopes);
        break;
      case "PartialStatement":
      case "PartialBlockStatement":
        this.report(node, "partials ({{> name}}) are not supported — write the text in this template");
        break;
      default:
        // Only decorators ({{* name}}) are left, a Handlebars feature for code, not for message text.
        this.report(node, "decorators ({{* name}}) are not supported in templates");
    }
  }

  private mustache(node: hbs.AST.MustacheStatement, scopes: Scope[]): void {
    if (node.path.type !== "PathExpression") return; // a literal such as {{"text"}} prints itself
    const path = node.path as hbs.AST.PathExpression;
    if (node.params.length > 0 || node.hash !== undefined || isSimpleName(path, HELPER_NAMES)) {
      this.call(node, path, node.params, node.hash, scopes);
    } else if (isSimpleName(path, BLOCK_NAMES)) {
      this.report(
        node,
        `"${path.original}" must open a block: {{#${path.original} x}}...{{/${path.original}}}`,
      );
    } else {
      this.path(path, scopes, "print");
    }
  }

  /** A helper call: {{name args}} or (name args). */
  private call(
    node: hbs.AST.Node,
    path: hbs.AST.PathExpression,
    params: hbs.AST.Expression[],
    hash: hbs.AST.Hash | undefined,
    scopes: Scope[],
  ): void {
    const name = path.original;
    if (!isSimpleName(path, HELPER_NAMES)) {
      if (isSimpleName(path, BLOCK_NAMES)) {
        this.report(node, `"${name}" must open a block: {{#${name} x}}...{{/${name}}}`);
      } else {
        const hint = suggest(name, HELPER_NAMES);
        this.report(
          node,
          `unknown helper "${name}"${hint ? ` (did you mean "${hint}"?)` : ""} — known ${HELPERS_HINT}`,
        );
      }
    } else {
      const spec = TEMPLATE_HELPERS[name as TemplateHelperName];
      if (params.length < spec.min || params.length > spec.max) {
        const want = spec.min === spec.max ? `${spec.min}` : `${spec.min} to ${spec.max}`;
        this.report(
          node,
          `helper "${name}" takes ${want} argument${spec.max === 1 ? "" : "s"}, got ${params.length} — write ${spec.usage}`,
        );
      }
    }
    this.hash(hash);
    for (const p of params) this.expression(p, scopes, "argument");
  }

  private hash(hash: hbs.AST.Hash | undefined): void {
    if (hash?.pairs.length) this.report(hash, "named arguments (key=value) are not supported");
  }

  private expression(node: hbs.AST.Expression, scopes: Scope[], use: Use): void {
    if (node.type === "PathExpression") {
      this.path(node as hbs.AST.PathExpression, scopes, use);
      return;
    }
    if (node.type === "SubExpression") {
      const sub = node as hbs.AST.SubExpression;
      this.call(sub, sub.path, sub.params, sub.hash, scopes);
    }
    // String, number, boolean, null and undefined literals need no checking.
  }

  private block(node: hbs.AST.BlockStatement, scopes: Scope[]): void {
    const name = node.path.original;
    if (!isSimpleName(node.path, BLOCK_NAMES)) {
      const why = isHelper(name)
        ? `"${name}" is a helper, not a block — write {{${name} ...}} without "#"`
        : `unknown block "#${name}"${suggestText(name, BLOCK_NAMES)} — blocks are ${TEMPLATE_BLOCK_HELPERS.map((b) => `#${b}`).join(", ")}`;
      this.report(node, why);
      this.program(node.program, scopes);
      this.program(node.inverse, scopes);
      return;
    }
    this.hash(node.hash);
    if (node.params.length !== 1) {
      this.report(
        node,
        `{{#${name}}} takes exactly one argument, got ${node.params.length} — write {{#${name} x}}`,
      );
    }
    const arg = node.params[0];
    if (name !== "each") {
      for (const p of node.params) this.expression(p, scopes, "test");
      this.program(node.program, scopes);
      this.program(node.inverse, scopes);
      return;
    }
    let inner = scopes;
    if (arg?.type === "PathExpression") {
      const resolved = this.path(arg as hbs.AST.PathExpression, scopes, "each");
      if (resolved !== undefined) {
        inner = [...scopes, { path: `${resolved}[]`, label: (arg as hbs.AST.PathExpression).original }];
      }
    } else if (arg) {
      this.report(node, "{{#each}} needs a list variable");
    }
    for (const p of node.params.slice(1)) this.expression(p, scopes, "test");
    // Inside an unknown list nothing can be checked usefully; the list itself has been reported.
    if (inner !== scopes) this.program(node.program, inner);
    this.program(node.inverse, scopes);
  }

  /** Checks one variable reference; returns its declared path when it is known. */
  private path(path: hbs.AST.PathExpression, scopes: Scope[], use: Use): string | undefined {
    const top = scopes.length - 1;
    if (path.data) {
      const [head, ...rest] = path.parts;
      if (head === "root") return this.resolve(path, rest.join("."), [], use);
      if (top >= 0 && EACH_DATA.includes(head ?? "")) return "";
      this.report(
        path,
        top >= 0
          ? `unknown data variable "${path.original}" — inside {{#each}} use @index, @first, @last or @root.<variable>`
          : `"${path.original}" is only available inside {{#each}}`,
      );
      return undefined;
    }
    if (path.depth > top + 1) {
      this.report(path, `"${path.original}" goes above the template's variables — remove a "../"`);
      return undefined;
    }
    return this.resolve(path, path.parts.join("."), scopes.slice(0, scopes.length - path.depth), use);
  }

  private resolve(path: hbs.AST.PathExpression, rel: string, scopes: Scope[], use: Use): string | undefined {
    const scope = scopes[scopes.length - 1];
    const full = join(scope?.path ?? "", rel);
    if (!rel && !scope) {
      this.report(path, `"${path.original}" means the whole template context — name a variable instead`);
      return undefined;
    }
    const kind = this.vars.classify(full);
    if (kind === undefined) {
      this.unknown(path, rel, scopes);
      return undefined;
    }
    if (use === "each" && kind !== "list") {
      const lists = this.vars.lists(scope?.path ?? "");
      this.report(
        path,
        `"${path.original}" is not a list — ${lists.length ? `lists here: ${lists.join(", ")}` : "this template has no lists"}`,
      );
      return undefined;
    }
    if ((use === "print" || use === "argument") && kind !== "leaf") {
      const fields = this.vars.namesAt(full).map((n) => join(rel || "this", n));
      this.report(
        path,
        kind === "list"
          ? `"${path.original}" is a list — print its items with {{#each ${path.original}}}...{{/each}}`
          : `"${path.original}" is a group of values, not one — use one of: ${fields.join(", ")}`,
      );
      return undefined;
    }
    return full;
  }

  private unknown(path: hbs.AST.PathExpression, rel: string, scopes: Scope[]): void {
    const scope = scopes[scopes.length - 1];
    const prefix = scope ? `${scope.path}.` : "";
    const rels = this.vars.declared.filter((d) => d.startsWith(prefix)).map((d) => d.slice(prefix.length));
    const leaves = rels.filter((r) => !r.includes("[]"));
    const lists = [...new Set(rels.filter((r) => r.includes("[]")).map((r) => r.slice(0, r.indexOf("[]"))))];
    const known = [...leaves, ...lists];
    const hint = suggest(rel, known);
    const did = hint ? ` (did you mean "${hint}"?)` : "";
    if (!scope) {
      this.report(path, `unknown variable "${path.original}"${did} — known: ${known.join(", ") || "none"}`);
      return;
    }
    // A common slip: inside {{#each}}, plain names refer to the item, not to the template's variables.
    const outerScope = scopes[scopes.length - 2];
    const outerKnown = this.vars.classify(join(outerScope?.path ?? "", rel)) !== undefined;
    const fix = outerKnown ? `; write "../${path.original}" for the variable outside the loop` : "";
    this.report(
      path,
      `unknown variable "${path.original}" inside {{#each ${scope.label}}}${outerKnown ? "" : did} — items have: ${
        known.join(", ") || "no fields (use {{this}})"
      }${fix}`,
    );
  }
}

function isSimpleName(path: hbs.AST.PathExpression, names: readonly string[]): boolean {
  return !path.data && path.depth === 0 && path.parts.length === 1 && names.includes(path.original);
}

function suggestText(name: string, known: readonly string[]): string {
  const s = suggest(name, known);
  return s ? ` (did you mean "#${s}"?)` : "";
}

/**
 * The innermost block opened and never closed, found by a rough scan. Handlebars reports an unclosed block
 * at the end of the text, which is rarely where the fix goes.
 */
function unclosedBlock(source: string): { name: string; line: number } | undefined {
  const open: Array<{ name: string; line: number }> = [];
  const tag = /\{\{~?\s*([#/])\s*([^\s}~]+)/g;
  for (let m = tag.exec(source); m; m = tag.exec(source)) {
    const line = source.slice(0, m.index).split("\n").length;
    if (m[1] === "#") open.push({ name: m[2] as string, line });
    else if (open.at(-1)?.name === m[2]) open.pop();
  }
  return open.at(-1);
}

/** The line of a Handlebars parse error ("Parse error on line 3:") and a one-line description of it. */
function describeSyntaxError(err: unknown, source: string): StringProblem {
  const e = err as { message?: string; lineNumber?: number };
  const message = String(e.message ?? err);
  const lastLine = source.replace(/\n+$/, "").split("\n").length;
  const line = Math.min(e.lineNumber ?? Number(/on line (\d+)/.exec(message)?.[1] ?? 1), lastLine);
  const lines = message.split("\n");
  const got = /got '([^']+)'/.exec(message)?.[1];
  const unclosed = got === "EOF" ? unclosedBlock(source) : undefined;
  if (unclosed) {
    return {
      line: unclosed.line,
      message: `Handlebars syntax error: {{#${unclosed.name}}} is never closed — add {{/${unclosed.name}}} where it should end`,
    };
  }
  if (lines.length >= 3 && /^Parse error/.test(lines[0] ?? "")) {
    const near = (lines[1] ?? "").trim();
    const what =
      got === "EOF" ? "the text ends inside an expression or an open block" : `unexpected ${got ?? "token"}`;
    return {
      line,
      message: `Handlebars syntax error near "${near}": ${what} — check that every "{{" has its "}}" and every {{#block}} its {{/block}}`,
    };
  }
  const mismatch = /^(\S+) doesn't match (\S+)/.exec(message);
  if (mismatch) {
    const [, open, close] = mismatch;
    return {
      line,
      message: `Handlebars syntax error: {{#${open}}} is closed by {{/${close}}} — close it with {{/${open}}}`,
    };
  }
  return { line, message: `Handlebars syntax error: ${lines[0]?.replace(/ - \d+:\d+$/, "")}` };
}

/** Parses and checks one template string. `ast` is undefined when the string does not parse. */
export function checkTemplateString(
  source: string,
  vars: VariableIndex,
): { ast: hbs.AST.Program | undefined; problems: StringProblem[] } {
  let ast: hbs.AST.Program;
  try {
    ast = Handlebars.parse(source);
  } catch (err) {
    return { ast: undefined, problems: [describeSyntaxError(err, source)] };
  }
  const checker = new Checker(vars);
  checker.program(ast, []);
  return { ast, problems: checker.problems };
}
