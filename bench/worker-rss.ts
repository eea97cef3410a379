import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createQueues } from "../src/infra/queue/queues.js";
import { createRedis } from "../src/infra/redis/connection.js";
import { createKeys } from "../src/infra/redis/keys.js";
import { startFakeSlack } from "../test/helpers/fake-slack/index.js";
import { benchPrefix, cleanupPrefix, fillFarTimers, REDIS_URL, sleep } from "./common.js";

/**
 * Resident memory of a real worker process as the Procfile runs it (`node dist/src/main/worker.js`, compiled
 * first with `npm run build`) with `pending` delayed timers under its prefix. The fake Slack only answers the
 * start-up token check: nothing is due for a day, so nothing is sent.
 */

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

export interface RssResult {
  pending: number;
  /** VmRSS samples, MB. */
  samples: number[];
  maxMb: number;
  /** VmHWM (peak resident) at the last sample, MB. */
  peakMb: number;
  startupMs: number;
}

function readStatusMb(pid: number, field: "VmRSS" | "VmHWM"): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
  if (!m) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(m[1]) / 1024;
}

/** Compiles once per bench run, so the figure is that of the code as it stands. */
let built = false;
function build(): void {
  if (built) return;
  execFileSync("npm", ["run", "build"], { cwd: root, stdio: "ignore" });
  built = true;
}

async function startWorker(
  prefix: string,
  slack: { botToken: string; apiUrl: string },
): Promise<{ child: ChildProcess; startupMs: number }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    REDIS_URL,
    REDIS_PREFIX: prefix,
    // "info", not "warn": the "Firebreak started" line that says the worker is up is logged at info. Nothing
    // else is logged at info here (no timer is due).
    LOG_LEVEL: "info",
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: "bench",
    SLACK_API_URL: slack.apiUrl,
  };
  delete env.SLACK_APP_TOKEN;
  build();
  const started = performance.now();
  const child = spawn(process.execPath, [join(root, "dist/src/main/worker.js")], {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    let out = "";
    const timeout = setTimeout(() => reject(new Error("the worker did not start within 30 s")), 30_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('"msg":"Firebreak started"')) {
        clearTimeout(timeout);
        resolve();
      }
      // Keep only the tail; the line we look for may be split over two chunks.
      if (out.length > 4096) out = out.slice(-1024);
    });
    child.once("exit", (code) => {
      clearTimeout(timeout);
      reject(new Error(`the worker exited with ${code} before it started`));
    });
  });
  return { child, startupMs: performance.now() - started };
}

async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  await exited;
  clearTimeout(timer);
}

export async function measureWorkerRss(opts: {
  pending: number;
  settleMs?: number;
  samples?: number;
  everyMs?: number;
}): Promise<RssResult> {
  const prefix = benchPrefix(`rss${opts.pending}`);
  const queues = createQueues(createRedis(REDIS_URL, "worker"), createKeys(prefix));
  let child: ChildProcess | undefined;
  let queuesOpen = true;
  const fake = await startFakeSlack();
  try {
    await fillFarTimers(queues, opts.pending);
    queuesOpen = false;
    await queues.close();
    queues.redis.disconnect();
    const worker = await startWorker(prefix, fake);
    child = worker.child;
    const pid = child.pid as number;
    await sleep(opts.settleMs ?? 10_000);
    const samples: number[] = [];
    for (let i = 0; i < (opts.samples ?? 5); i++) {
      if (i > 0) await sleep(opts.everyMs ?? 1000);
      samples.push(readStatusMb(pid, "VmRSS"));
    }
    return {
      pending: opts.pending,
      samples,
      maxMb: Math.max(...samples),
      peakMb: readStatusMb(pid, "VmHWM"),
      startupMs: worker.startupMs,
    };
  } finally {
    if (child) await stopWorker(child);
    if (queuesOpen) await queues.close().catch(() => undefined);
    queues.redis.disconnect();
    await cleanupPrefix(prefix);
    await fake.close();
  }
}
