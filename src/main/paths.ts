import { dirname } from "node:path";
import { findUp } from "../core/find-up.js";

/** Shipped files are found from `src/` (run by tsx) and from `dist/` (compiled) alike. */
export const ROOT = dirname(findUp(import.meta.url, "package.json"));
export const DEMO_CONFIG = findUp(import.meta.url, "config/demo.yml");
