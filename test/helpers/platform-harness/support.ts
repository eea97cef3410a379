// Pieces every harness shares: serving an express app on a real port, and a logger that remembers what the
// adapter complained about (an adapter that logs an error during a contract test has failed it).

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Express } from "express";
import type { Logger } from "../../../src/core/ports.js";

export interface Served {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  close(): Promise<void>;
}

export async function serve(app: Express): Promise<Served> {
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export interface RecordingLogger extends Logger {
  /** Error lines logged since the last `takeErrors`. */
  takeErrors(): string[];
}

export function recordingLogger(): RecordingLogger {
  let errors: string[] = [];
  return {
    debug() {},
    info() {},
    warn() {},
    error(fields, msg) {
      errors.push(`${msg} ${JSON.stringify(fields)}`);
    },
    takeErrors() {
      const taken = errors;
      errors = [];
      return taken;
    },
  };
}

/** Fails with the error lines an adapter logged, so a swallowed failure is not a silent pass. */
export function assertNoErrorsLogged(platform: string, logger: RecordingLogger): void {
  const errors = logger.takeErrors();
  if (errors.length > 0) {
    throw new Error(`the ${platform} adapter logged ${errors.length} error(s):\n  ${errors.join("\n  ")}`);
  }
}

/** POSTs JSON and reads the answer (JSON when it is JSON). */
export async function postJson(url: string, body: unknown): Promise<{ status: number; data: unknown }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let data: unknown = text;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: the text itself is the answer.
  }
  return { status: res.status, data };
}
