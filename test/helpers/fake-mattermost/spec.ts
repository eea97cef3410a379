// Loads Mattermost's published OpenAPI sources (split YAML, server ~v11.2) so the fake can check what the bot sends
// against them. The specs live next to the repo (`../shared/specs/mattermost`); a fresh clone may not have them:
// everything here then returns `undefined` instead of throwing, and the fake keeps working with its own rules
// (the contract tests say in their names what they could not check).

import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { parse } from "yaml";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** `../shared/specs/mattermost` from the repo root; `MATTERMOST_SPECS_DIR` overrides it. */
export const mattermostSpecsDir: string =
  process.env.MATTERMOST_SPECS_DIR ?? resolve(repoRoot, "../shared/specs/mattermost");

/**
 * The source files read (each a fragment of the `paths:` map), plus `definitions.yaml` for the components. Only the
 * areas a bot can reach; the other 40 files cost time and say nothing about what Firebreak calls.
 */
export const SPEC_PATH_FILES = [
  "users",
  "roles",
  "status",
  "teams",
  "channels",
  "posts",
  "preferences",
  "files",
  "system",
  "webhooks",
  "commands",
  "reactions",
  "actions",
  "bots",
] as const;

export interface SpecOperation {
  method: string;
  /** As written in the spec, e.g. `/api/v4/channels/{channel_id}/members`. */
  template: string;
  file: string;
  /** The `application/json` requestBody schema, with errata applied; undefined when the operation takes none. */
  requestSchema: unknown;
  /** Whether the spec marks the requestBody `required`. */
  requestBodyRequired: boolean;
  /** The path and query parameters the operation declares, with their schemas. */
  parameters: SpecParameter[];
  /** Declared response status codes, e.g. `["201", "400", "401", "403"]`. */
  responses: string[];
}

export interface ParamProblem {
  /** The parameter's name. */
  name: string;
  message: string;
}

export interface SpecParameter {
  name: string;
  in: "path" | "query";
  required: boolean;
  schema: unknown;
}

/**
 * Places where the published schema contradicts the server, corrected before validating (the contract tests prove
 * each one is still present in the sources, so a fixed upstream spec makes them fail and get removed).
 */
export const SPEC_ERRATA: ReadonlyArray<{
  method: string;
  template: string;
  /** Path inside the requestBody schema. */
  pointer: readonly string[];
  was: unknown;
  becomes: unknown;
  why: string;
}> = [
  {
    method: "put",
    template: "/api/v4/posts/{post_id}",
    pointer: ["properties", "props", "type"],
    was: "string",
    becomes: "object",
    why: "model.Post.Props is a JSON object (StringInterface); Client4.updatePost sends it as one",
  },
  {
    method: "put",
    template: "/api/v4/posts/{post_id}/patch",
    pointer: ["properties", "props", "type"],
    was: "string",
    becomes: "object",
    why: "model.PostPatch.Props is *StringInterface, a JSON object; a string fails to decode on the server",
  },
];

export interface MattermostSpec {
  dir: string;
  version: string;
  operations: SpecOperation[];
  /** For each erratum, whether the sources still hold the value it corrects. */
  errataFound: boolean[];
  /** The operation for a concrete request, preferring literal segments over `{params}`. */
  find(method: string, path: string): SpecOperation | undefined;
  /** Schema errors for a body (ajv messages), or `[]` when it conforms or the operation has no schema. */
  validateBody(op: SpecOperation, body: unknown): string[];
  /**
   * What is wrong with a request's path and query parameters for the operation: a required one missing, or a
   * value its schema refuses (read as the server reads a URL: `"12"` is an integer, `"true"` a boolean).
   * Query parameters the operation does not declare are not the spec's business and pass.
   */
  validateParams(op: SpecOperation, path: string, query: URLSearchParams): ParamProblem[];
}

interface RawOperation {
  requestBody?: { required?: boolean; content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, unknown>;
  parameters?: Array<{ name?: unknown; in?: unknown; required?: unknown; schema?: unknown }>;
}

const HTTP_METHODS = new Set(["get", "post", "put", "patch", "delete"]);
const cache = new Map<string, MattermostSpec | undefined>();

/** The parsed sources, or undefined when the folder is absent (the cross-checks are skipped, not the rules). */
export function loadMattermostSpec(dir: string = mattermostSpecsDir): MattermostSpec | undefined {
  if (cache.has(dir)) return cache.get(dir);
  const spec = existsSync(resolve(dir, "api/v4/source/definitions.yaml")) ? build(dir) : undefined;
  cache.set(dir, spec);
  return spec;
}

function readYaml(dir: string, file: string, asPaths: boolean): Record<string, unknown> {
  const text = readFileSync(resolve(dir, "api/v4/source", `${file}.yaml`), "utf8");
  // The split files are fragments of one concatenated document; one path appears twice upstream, so duplicate
  // keys must be tolerated (see the specs README).
  return (parse(asPaths ? `paths:\n${text}` : text, { uniqueKeys: false }) ?? {}) as Record<string, unknown>;
}

function build(dir: string): MattermostSpec {
  const operations: SpecOperation[] = [];
  for (const file of SPEC_PATH_FILES) {
    const paths = (readYaml(dir, file, true).paths ?? {}) as Record<string, Record<string, RawOperation>>;
    for (const [template, ops] of Object.entries(paths)) {
      for (const [method, op] of Object.entries(ops ?? {})) {
        if (!HTTP_METHODS.has(method)) continue;
        // Later files win, as in the concatenated document.
        const at = operations.findIndex((o) => o.method === method && o.template === template);
        if (at >= 0) operations.splice(at, 1);
        operations.push({
          method,
          template,
          file,
          requestSchema: structuredClone(op.requestBody?.content?.["application/json"]?.schema),
          requestBodyRequired: op.requestBody?.required === true,
          parameters: (op.parameters ?? []).flatMap((p): SpecParameter[] =>
            typeof p.name === "string" && (p.in === "path" || p.in === "query")
              ? [{ name: p.name, in: p.in, required: p.required === true, schema: p.schema ?? {} }]
              : [],
          ),
          responses: Object.keys(op.responses ?? {}),
        });
      }
    }
  }
  const errataFound = SPEC_ERRATA.map((e) => {
    const op = operations.find((o) => o.method === e.method && o.template === e.template);
    const parent = walk(op?.requestSchema, e.pointer.slice(0, -1));
    const key = e.pointer[e.pointer.length - 1] ?? "";
    if (!isObject(parent) || parent[key] !== e.was) return false;
    parent[key] = e.becomes;
    return true;
  });
  const definitions = readYaml(dir, "definitions", false) as { components?: Record<string, unknown> };
  const intro = readFileSync(resolve(dir, "api/v4/source/introduction.yaml"), "utf8");
  const version = /^\s*version:\s*"?([^"\n]+)"?/m.exec(intro)?.[1]?.trim() ?? "unknown";

  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  addFormats.default(ajv);
  for (const f of ["int64", "int32", "binary", "byte"]) ajv.addFormat(f, true);
  ajv.addSchema({ $id: "mattermost-components", components: definitions.components ?? {} });
  const validators = new Map<SpecOperation, ValidateFunction | null>();
  // URL parameters arrive as text; coercion reads them the way the server's handlers parse them.
  const paramAjv = new Ajv({ strict: false, allErrors: true, logger: false, coerceTypes: true });
  for (const f of ["int64", "int32", "binary", "byte"]) paramAjv.addFormat(f, true);
  const paramValidators = new Map<string, ValidateFunction>();
  const paramValidator = (schema: unknown): ValidateFunction => {
    const key = JSON.stringify(schema);
    let validate = paramValidators.get(key);
    if (!validate) {
      validate = paramAjv.compile({ type: "object", properties: { value: schema } });
      paramValidators.set(key, validate);
    }
    return validate;
  };

  const matchers = operations.map((op) => ({ op, ...matcherFor(op.template) }));

  return {
    dir,
    version,
    operations,
    errataFound,
    find(method, path) {
      const m = method.toLowerCase();
      let best: { op: SpecOperation; literals: number } | undefined;
      for (const c of matchers) {
        if (c.op.method !== m || !c.regex.test(path)) continue;
        if (!best || c.literals > best.literals) best = { op: c.op, literals: c.literals };
      }
      return best?.op;
    },
    validateBody(op, body) {
      let validate = validators.get(op);
      if (validate === undefined) {
        validate = op.requestSchema ? ajv.compile(rewriteRefs(op.requestSchema) as object) : null;
        validators.set(op, validate);
      }
      if (!validate || validate(body)) return [];
      return (validate.errors ?? []).map((e) => `${e.instancePath || "(body)"} ${e.message ?? "is invalid"}`);
    },
    validateParams(op, path, query) {
      const inPath = matchers.find((m) => m.op === op)?.regex.exec(path)?.groups ?? {};
      const problems: ParamProblem[] = [];
      const problem = (param: SpecParameter, what: string) =>
        problems.push({ name: param.name, message: `${param.in} parameter ${param.name} ${what}` });
      for (const param of op.parameters) {
        const raw = param.in === "path" ? inPath[groupName(param.name)] : query.get(param.name);
        if (raw === undefined || raw === null) {
          if (param.required) problem(param, "is required");
          continue;
        }
        let value: string = raw;
        try {
          value = param.in === "path" ? decodeURIComponent(raw) : raw;
        } catch {
          problem(param, "is not valid percent-encoding");
          continue;
        }
        const validate = paramValidator(param.schema);
        if (!validate({ value })) {
          const why = (validate.errors ?? []).map((e) => e.message ?? "is invalid").join(", ");
          problem(param, `= ${JSON.stringify(value)}: ${why}`);
        }
      }
      return problems;
    },
  };
}

/** A regex group name for a path parameter (names like `user_id` are fine; anything else is made so). */
function groupName(param: string): string {
  return `p_${param.replace(/[^A-Za-z0-9_]/g, "_")}`;
}

function matcherFor(template: string): { regex: RegExp; literals: number } {
  const segments = template.split("/").filter(Boolean);
  const pattern = segments
    .map((s) => {
      const param = /^\{([^}]+)\}$/.exec(s)?.[1];
      return param !== undefined ? `(?<${groupName(param)}>[^/]+)` : s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("/");
  return {
    regex: new RegExp(`^/${pattern}/?$`),
    literals: segments.filter((s) => !s.startsWith("{")).length,
  };
}

/** `#/components/...` refs point into the concatenated document; here they live in a separately added schema. */
function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (!isObject(node)) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    out[k] =
      k === "$ref" && typeof v === "string" && v.startsWith("#/components/")
        ? `mattermost-components${v}`
        : rewriteRefs(v);
  }
  return out;
}

function walk(node: unknown, pointer: readonly string[]): unknown {
  let at = node;
  for (const key of pointer) {
    if (!isObject(at)) return undefined;
    at = at[key];
  }
  return at;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
