import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The first `relativePath` found in the directory of `moduleUrl` or one of its ancestors. Shipped files
 * (templates, the demo config, the playground's page) are found this way, so the same code works run from
 * `src/` by tsx and compiled into `dist/`.
 */
export function findUp(moduleUrl: string, relativePath: string): string {
  let dir = dirname(fileURLToPath(moduleUrl));
  for (;;) {
    const candidate = join(dir, relativePath);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`${relativePath} not found above ${fileURLToPath(moduleUrl)}`);
    dir = parent;
  }
}
