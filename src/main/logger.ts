import { pino } from "pino";
import type { Logger } from "../core/ports.js";

/** Structured JSON logs; secrets never reach them because nothing logs the env or tokens. */
export function createLogger(level: string, name = "firebreak"): Logger & { flush?: () => void } {
  return pino({ name, level, redact: { paths: ["*.token", "*.secret", "*.authorization"], remove: true } });
}
