import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root, so defaults work whatever directory the process starts in. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const DEMO_CONFIG = resolve(ROOT, "config/demo.yml");
