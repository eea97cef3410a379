import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../src/main/paths.js";

/** DESIGN.md §2: core imports only itself; handlers import core; only src/main knows every piece; no cycles. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "public" ? [] : sourceFiles(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)[^"';]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(IMPORT)].map((m) => (m[1] ?? m[2]) as string);
}

function resolveLocal(from: string, spec: string): string | null {
  if (!spec.startsWith(".")) return null;
  return resolve(dirname(from), spec).replace(/\.js$/, ".ts");
}

const files = [...sourceFiles(join(ROOT, "src")), ...sourceFiles(join(ROOT, "handlers"))];
const rel = (f: string) => relative(ROOT, f);
const PLATFORM_OR_INFRA = /^(@slack\/|@mattermost\/|ioredis|bullmq|express|pino|playwright)/;

describe("dependency rule", () => {
  it("keeps the core free of the project's other layers and of platform SDKs, Redis and queues", () => {
    const offences = files
      .filter((f) => rel(f).startsWith("src/core/"))
      .flatMap((f) =>
        imports(f).flatMap((spec) => {
          const local = resolveLocal(f, spec);
          if (local && !rel(local).startsWith("src/core/")) return [`${rel(f)} → ${spec}`];
          if (!local && PLATFORM_OR_INFRA.test(spec)) return [`${rel(f)} → ${spec}`];
          return [];
        }),
      );
    expect(offences).toEqual([]);
  });

  it("lets handlers use the core and each other only", () => {
    const offences = files
      .filter((f) => rel(f).startsWith("handlers/"))
      .flatMap((f) =>
        imports(f).flatMap((spec) => {
          const local = resolveLocal(f, spec);
          const ok = local ? /^(src\/core\/|handlers\/)/.test(rel(local)) : !PLATFORM_OR_INFRA.test(spec);
          return ok ? [] : [`${rel(f)} → ${spec}`];
        }),
      );
    expect(offences).toEqual([]);
  });

  it("keeps adapters and infra apart: neither imports the other, and only src/main wires them", () => {
    const offences = files
      .filter((f) => /^src\/(adapters|infra|http)\//.test(rel(f)))
      .flatMap((f) =>
        imports(f).flatMap((spec) => {
          const local = resolveLocal(f, spec);
          if (!local) return [];
          const own = rel(f).split("/").slice(0, 2).join("/");
          const target = rel(local);
          const allowed =
            target.startsWith("src/core/") ||
            target.startsWith(own) ||
            target.startsWith("src/config/") ||
            target === "handlers/context.ts";
          return allowed ? [] : [`${rel(f)} → ${spec}`];
        }),
      );
    expect(offences).toEqual([]);
  });

  it("has no import cycles", () => {
    const graph = new Map(
      files.map((f) => [
        f,
        imports(f)
          .map((s) => resolveLocal(f, s))
          .filter((x): x is string => Boolean(x)),
      ]),
    );
    const cycles: string[] = [];
    const state = new Map<string, "visiting" | "done">();
    const visit = (f: string, path: string[]) => {
      if (state.get(f) === "done") return;
      if (state.get(f) === "visiting") {
        cycles.push([...path.slice(path.indexOf(f)), f].map(rel).join(" → "));
        return;
      }
      state.set(f, "visiting");
      for (const next of graph.get(f) ?? []) visit(next, [...path, f]);
      state.set(f, "done");
    };
    for (const f of files) visit(f, []);
    expect(cycles).toEqual([]);
  });
});
