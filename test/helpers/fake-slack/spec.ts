// Loads Slack's published Web API spec (OpenAPI 2.0, frozen October 2020) so the fake can be checked against it.
// The specs live next to the repo (`../shared/specs/slack`). They are present in CI, but a fresh clone may not
// have them: everything here returns `undefined` instead of throwing, and the fake then falls back to its own
// catalogue (which the contract tests prove equal to the spec whenever the spec is there).

import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** `../shared/specs/slack` from the repo root; `SLACK_SPECS_DIR` overrides it. */
export const slackSpecsDir: string =
  process.env.SLACK_SPECS_DIR ?? resolve(repoRoot, "../shared/specs/slack");
export const webApiSpecPath: string = resolve(
  slackSpecsDir,
  "web-api/slack_web_openapi_v2_without_examples.json",
);

export type SpecParamType = "string" | "boolean" | "integer" | "number" | "array";

export interface SpecParam {
  name: string;
  in: "header" | "query" | "formData";
  type: SpecParamType;
  required: boolean;
}

export interface SpecMethod {
  name: string;
  /** As declared. `views.*` say `get`, yet every client POSTs them (see specs/slack/README.md). */
  httpMethod: string;
  consumes: string[];
  /** Every parameter except `token`, which real clients send as `Authorization: Bearer`. */
  params: SpecParam[];
  /** The `default` response's `error` enum, or undefined where the spec has none (e.g. views.open). */
  errors: string[] | undefined;
  scopes: string[];
  /** The 200 response schema (may `$ref` `#/definitions/...`). */
  successSchema: unknown;
}

export interface SlackWebApiSpec {
  path: string;
  version: string;
  methods: Map<string, SpecMethod>;
  definitions: Record<string, unknown>;
}

interface RawParam {
  name: string;
  in: string;
  type?: string;
  required?: boolean;
}

interface RawOperation {
  consumes?: string[];
  parameters?: RawParam[];
  security?: Array<Record<string, string[]>>;
  responses?: Record<string, { schema?: { properties?: { error?: { enum?: string[] } } } }>;
}

const cache = new Map<string, SlackWebApiSpec | undefined>();

/** The parsed spec, or undefined when the file is absent (the cross-check is then skipped, not the rules). */
export function loadWebApiSpec(path: string = webApiSpecPath): SlackWebApiSpec | undefined {
  if (cache.has(path)) return cache.get(path);
  let spec: SlackWebApiSpec | undefined;
  if (existsSync(path)) {
    const raw = JSON.parse(readFileSync(path, "utf8")) as {
      info: { version: string };
      paths: Record<string, Record<string, RawOperation>>;
      definitions: Record<string, unknown>;
    };
    const methods = new Map<string, SpecMethod>();
    for (const [p, ops] of Object.entries(raw.paths)) {
      const name = p.replace(/^\//, "");
      // Each path has exactly one operation in this spec; take the first rather than guessing the verb.
      const [httpMethod, op] = Object.entries(ops)[0] ?? [];
      if (!httpMethod || !op) continue;
      methods.set(name, {
        name,
        httpMethod,
        consumes: op.consumes ?? [],
        params: (op.parameters ?? [])
          .filter((q) => q.name !== "token")
          .map((q) => ({
            name: q.name,
            in: q.in as SpecParam["in"],
            type: (q.type ?? "string") as SpecParamType,
            required: q.required === true,
          })),
        errors: op.responses?.default?.schema?.properties?.error?.enum,
        scopes: op.security?.flatMap((s) => s.slackAuth ?? []) ?? [],
        successSchema: op.responses?.["200"]?.schema,
      });
    }
    spec = { path, version: raw.info.version, methods, definitions: raw.definitions };
  }
  cache.set(path, spec);
  return spec;
}
