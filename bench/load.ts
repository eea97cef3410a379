import { randomBytes } from "node:crypto";
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
