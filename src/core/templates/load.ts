/** Reads the template directory at start-up. The only part of the template engine that touches the disk. */
import { readdir, readFile } from "node:fs/promises";
import { dirname, isAbsolute, join, relative } from "node:path";
import { ConfigError } from "../errors.js";
import { findUp } from "../find-up.js";
import type { TemplateFile } from "./compile.js";
import { createTemplates, type Templates } from "./render.js";

/** The templates shipped with Firebreak (`templates/` at the repository root). */
export const DEFAULT_TEMPLATES_DIR = dirname(findUp(import.meta.url, "templates/kickoff.yml"));

/** How a path is shown in problems: relative to the working directory when inside it, as operators type it. */
function display(dir: string): string {
  const rel = relative(process.cwd(), dir);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : dir;
}

/**
 * Loads and validates every template in `dir`. Throws one ConfigError (a TemplateConfigError) naming each
 * problem's file and line, so a broken template stops the bot at start-up rather than at the first incident.
 */
export async function loadTemplates(dir: string = DEFAULT_TEMPLATES_DIR): Promise<Templates> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  } catch (err) {
    throw new ConfigError(
      `cannot read the templates directory ${display(dir)} (${(err as NodeJS.ErrnoException).code ?? err}) — ` +
        "point it at a directory holding the .yml templates, or copy Firebreak's templates/ there",
    );
  }
  const files: TemplateFile[] = await Promise.all(
    names
      .filter((n) => /\.ya?ml$/.test(n))
      .sort()
      .map(async (name) => ({ name, source: await readFile(join(dir, name), "utf8") })),
  );
  return createTemplates(display(dir), files);
}
