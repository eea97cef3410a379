/**
 * `npm run bench`: prints the figures the project tracks. Nothing here is asserted; the numbers are for people.
 *   1. Slash-command ack latency through Bolt's HTTP receiver, open-loop at 200/s and 500/s for 20 s each:
 *      a bare Bolt app that only acks, Firebreak answering `help`, and Firebreak opening incidents (web process:
 *      dedupe, INC number, store, enqueue), all in the same run on the same machine.
 *   2. Command received → commander paged, with the fake Slack adding 50 ms to every call.
 * BENCH_SECONDS shortens the load phases (e.g. BENCH_SECONDS=3 for a quick look); BENCH_ONLY=open runs only
 * the scenarios whose name contains it (and the bare baseline).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type LoadResult, openLoop, slashCommand } from "./load.js";
import { measurePageLatency } from "./page-latency.js";

const here = dirname(fileURLToPath(import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const RATES = [200, 500];
const SECRET = "bench-signing-secret";

async function startTarget(mode: "bare" | "firebreak"): Promise<{ port: number; child: ChildProcess }> {
  const prefix = `fbbench-${randomUUID().slice(0, 8)}`;
  const child = spawn(process.execPath, ["--import", "tsx", join(here, "target.ts"), mode, SECRET, prefix], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = /READY (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once("exit", (code) => reject(new Error(`${mode} target exited with ${code}`)));
  });
  return { port, child };
}

async function stopTarget(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

const fmt = (n: number) => (Number.isNaN(n) ? "–" : n < 10 ? n.toFixed(2) : n.toFixed(1));

function row(name: string, r: LoadResult): string {
  return `| ${name} | ${r.rate}/s | ${r.sent} | ${r.ok} | ${r.failed} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.max)} | ${r.over3s} |`;
}

const scenarios = [
  { name: "bare Bolt app (ack only)", mode: "bare" as const, text: () => "open Bench" },
  { name: "Firebreak: help", mode: "firebreak" as const, text: () => "help" },
  {
    name: "Firebreak: open",
    mode: "firebreak" as const,
    text: (i: number) => `open Bench incident ${i} sev2 service:search`,
  },
];

const only = process.env.BENCH_ONLY;
const results: Array<{ name: string; result: LoadResult }> = [];
for (const scenario of scenarios.filter((s) => !only || s.name.includes(only) || s.mode === "bare")) {
  for (const rate of RATES) {
    const { port, child } = await startTarget(scenario.mode);
    const url = `http://127.0.0.1:${port}/slack/events`;
    // Warm up connections and JIT before measuring.
    await openLoop({
      url,
      rate: 50,
      seconds: 1,
      request: (i) => slashCommand(SECRET, scenario.text(-i - 1)),
    });
    const result = await openLoop({
      url,
      rate,
      seconds: SECONDS,
      request: (i) => slashCommand(SECRET, scenario.text(i)),
    });
    results.push({ name: scenario.name, result });
    process.stderr.write(
      `${scenario.name} @ ${rate}/s: p50 ${fmt(result.p50)} ms, p99 ${fmt(result.p99)} ms\n`,
    );
    await stopTarget(child);
  }
}

console.log(
  `\n## Slash-command ack latency (open loop, ${SECONDS} s per rate, latency from scheduled send, ms)\n`,
);
console.log("| target | rate | sent | 200 OK | failed | p50 | p99 | max | > 3 s |");
console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
for (const { name, result } of results) console.log(row(name, result));
console.log("");
for (const rate of RATES) {
  const bare = results.find((r) => r.name.startsWith("bare") && r.result.rate === rate)?.result;
  for (const { name, result } of results.filter(
    (r) => !r.name.startsWith("bare") && r.result.rate === rate,
  )) {
    if (bare)
      console.log(`- ${name} @ ${rate}/s: p99 ${fmt(result.p99 / bare.p99)}× the bare app's (target ≤ 1.5×)`);
  }
}

const page = await measurePageLatency(Number(process.env.BENCH_PAGES ?? 30), 50);
console.log(
  `\n## Command received → commander paged (fake Slack +${page.latencyMs} ms per call, ${page.count} incidents)\n`,
);
console.log(
  `p50 ${fmt(page.p50)} ms, p90 ${fmt(page.p90)} ms, max ${fmt(page.max)} ms (target p50 ≤ 400 ms)`,
);
process.exit(0);
