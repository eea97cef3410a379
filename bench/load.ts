import { spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { signSlackRequest } from "../test/helpers/fake-slack/to-bot.js";

export interface LoadResult {
  rate: number;
  sent: number;
  ok: number;
  failed: number;
  over3s: number;
  p50: number;
  p99: number;
  max: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

/** A signed slash-command body, as Slack sends it; each has its own trigger id so none is a duplicate. */
export function slashCommand(
  secret: string,
  text: string,
): { body: string; headers: Record<string, string> } {
  const trigger = `${Date.now()}.${randomBytes(6).toString("hex")}`;
  const body = new URLSearchParams({
    token: "bench",
    team_id: "T0FIREBRK",
    team_domain: "bench",
    channel_id: "C0GENERAL",
    channel_name: "general",
    user_id: "U0BOB",
    user_name: "bob",
    command: "/incident",
    text,
    api_app_id: "A0FIREBRK",
    is_enterprise_install: "false",
    response_url: "http://127.0.0.1:9/response/bench",
    trigger_id: trigger,
  }).toString();
  const ts = Math.floor(Date.now() / 1000);
  return {
    body,
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": String(ts),
      "x-slack-signature": signSlackRequest(secret, ts, body),
    },
  };
}

/** What a Mattermost slash command needs to look real to the target: its fake server's ids and the token. */
export interface MattermostCommandTarget {
  commandToken: string;
  teamId: string;
  teamName: string;
  channelId: string;
  channelName: string;
  userId: string;
  userName: string;
}

/**
 * A slash command as Mattermost's server sends it (PLATFORMS.md §2.2): a form POST authorised by the
 * command's token, every field the server fills in, and a trigger id of its own per request. The response URL
 * points at the same dead port as the Slack one, so neither platform's target gets to use it and the two do
 * the same work.
 */
export function mattermostSlashCommand(
  target: MattermostCommandTarget,
  text: string,
): { body: string; headers: Record<string, string> } {
  // Mattermost's trigger ids are base64("clientId:userId:millis:signature"); the adapter only passes them on.
  const trigger = Buffer.from(
    `${randomBytes(13).toString("hex")}:${target.userId}:${Date.now()}:${randomBytes(32).toString("hex")}`,
  ).toString("base64");
  const body = new URLSearchParams({
    token: target.commandToken,
    team_id: target.teamId,
    team_domain: target.teamName,
    channel_id: target.channelId,
    channel_name: target.channelName,
    user_id: target.userId,
    user_name: target.userName,
    command: "/incident",
    text,
    trigger_id: trigger,
    root_id: "",
    response_url: `http://127.0.0.1:9/hooks/commands/${randomBytes(13).toString("hex")}`,
  }).toString();
  return {
    body,
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      accept: "application/json",
      authorization: `Token ${target.commandToken}`,
    },
  };
}

/**
 * Open-loop load: requests leave on a fixed schedule whether or not earlier ones were answered, and latency is
 * measured from each request's scheduled time, so a stalled server cannot hide its stall by slowing the load.
 */
export async function openLoop(options: {
  url: string;
  rate: number;
  seconds: number;
  request: (i: number) => { body: string; headers: Record<string, string> };
}): Promise<LoadResult> {
  const { rate, seconds } = options;
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  let failed = 0;
  const inflight: Array<Promise<void>> = [];
  const start = performance.now() + 50;
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const { body, headers } = options.request(i);
    inflight.push(
      fetch(options.url, { method: "POST", body, headers, signal: AbortSignal.timeout(10_000) })
        .then(async (res) => {
          await res.arrayBuffer();
          if (res.status === 200) latencies.push(performance.now() - due);
          else failed++;
        })
        .catch(() => {
          failed++;
        }),
    );
  }
  await Promise.all(inflight);
  latencies.sort((a, b) => a - b);
  return {
    rate,
    sent: total,
    ok: latencies.length,
    failed,
    over3s: latencies.filter((l) => l > 3000).length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? Number.NaN,
  };
}

/**
 * The process under load (bench/target.ts), one per measurement so no run inherits another's warm caches or
 * queued work:
 *   bare             a Bolt app that only acks
 *   firebreak        Firebreak's web process on Slack
 *   firebreak-both   Firebreak's web process serving Slack and Mattermost at once, one config naming everyone
 *                    on both, each platform's fake server in the target process: the same target whichever
 *                    platform the load arrives on
 */
export type TargetMode = "bare" | "firebreak" | "firebreak-both";

export interface Target {
  port: number;
  /** Present in `firebreak-both` mode: what a Mattermost slash command to this target carries. */
  mattermost?: MattermostCommandTarget;
  /** SIGTERM, then waits for the exit (the target deletes its keys and closes its fakes first). */
  stop(): Promise<TargetReport>;
}

/** REST calls the target's fake servers answered, reported when the target stops. */
export interface TargetReport {
  slackCalls?: number;
  mattermostCalls?: number;
  mattermostViolations?: string[];
}

const here = dirname(fileURLToPath(import.meta.url));
const START_TIMEOUT_MS = 60_000;

/** Starts a target under a Redis key prefix of its own, which it deletes when stopped. */
export async function startTarget(mode: TargetMode, secret: string): Promise<Target> {
  const prefix = `fbbench-${randomUUID().slice(0, 8)}`;
  // The IPC channel is only a lifeline: the target exits when it closes, so a bench that dies leaves no
  // target behind holding a port and Redis keys.
  const child = spawn(process.execPath, ["--import", "tsx", join(here, "target.ts"), mode, secret, prefix], {
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  let out = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async (): Promise<TargetReport> => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
    const m = /REPORT (\{.*\})\n/.exec(out);
    return m ? (JSON.parse(m[1] as string) as TargetReport) : {};
  };
  try {
    return await new Promise<Target>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${mode} target not ready after ${START_TIMEOUT_MS / 1000} s`)),
        START_TIMEOUT_MS,
      );
      child.stdout?.on("data", () => {
        const m = /READY (\d+)(?: (\{.*\}))?\n/.exec(out);
        if (!m) return;
        clearTimeout(timer);
        const info = m[2] ? (JSON.parse(m[2]) as { mattermost?: MattermostCommandTarget }) : {};
        resolve({ port: Number(m[1]), mattermost: info.mattermost, stop });
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`${mode} target exited with ${code}`));
      });
    });
  } catch (err) {
    await stop();
    throw err;
  }
}
