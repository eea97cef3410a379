import { type Env, parseEnv } from "../config/env.js";
import { FirebreakError } from "../core/errors.js";
import { createLogger } from "./logger.js";
import { type Role, type Running, startRuntime } from "./runtime.js";

/**
 * Process entry: parse the environment, start the role, stop gracefully on SIGTERM/SIGINT. Configuration
 * mistakes print a readable message (no stack trace) and exit non-zero before anything is served.
 */
export async function main(role: Role): Promise<void> {
  let env: ReturnType<typeof parseEnv>;
  try {
    env = parseEnv(process.env);
  } catch (err) {
    process.stderr.write(`firebreak: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const logger = createLogger(env.logLevel);
  let running: Awaited<ReturnType<typeof startRuntime>>;
  try {
    running = await startRuntime(env, role, logger);
  } catch (err) {
    // Configuration and reachability problems are the operator's to fix: say what, without a stack trace.
    const known = err instanceof FirebreakError;
    process.stderr.write(`firebreak: ${known ? (err as Error).message : (err as Error).stack}\n`);
    process.exit(known ? 2 : 1);
  }
  const banner = playgroundBanner(env, running);
  if (banner) process.stdout.write(banner);
  let stopping = false;
  const stop = async (signal: string) => {
    // A second signal means "now": whoever sends it has decided not to wait for the jobs in hand.
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, "stopping");
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    await running.stop();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

/**
 * The line that tells someone trying Firebreak out where the playground is: only when it serves one, which is
 * when neither Slack nor Mattermost is configured.
 */
export function playgroundBanner(
  env: Pick<Env, "slack" | "mattermost">,
  running: Pick<Running, "url" | "port">,
): string | undefined {
  if (!running.url || env.slack || env.mattermost) return undefined;
  return `\nFirebreak playground: http://localhost:${running.port}/\n\n`;
}
