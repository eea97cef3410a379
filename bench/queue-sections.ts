import { envNumber, fmt, progress } from "./common.js";
import { measureOutbox } from "./outbox.js";
import { type DriftResult, measureBurst, measureDrift } from "./reminders.js";
import { measureWorkerRss } from "./worker-rss.js";

/** The printed sections of the queue benchmarks (issue 3's figures); bench/run.ts decides which run. */

const n = (x: number) => x.toLocaleString("en-US");
const ms = (x: number) => `${fmt(x)} ms`;
const s = (x: number) => `${(x / 1000).toFixed(1)} s`;
const verdict = (ok: boolean) => (ok ? "met" : "NOT met");

function driftRow(r: DriftResult): string {
  return `| ${n(r.pending)} | ${n(r.count)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.max)} | ${r.early} | ${r.repeats} | ${r.missing} | ${s(r.fillMs)} |`;
}

export async function remindersSection(): Promise<void> {
  const sizes = [envNumber("BENCH_REMINDERS_SMALL", 10_000), envNumber("BENCH_REMINDERS_LARGE", 100_000)];
  const measured = envNumber("BENCH_REMINDERS_MEASURED", 2000);
  const spreadMs = envNumber("BENCH_REMINDERS_SPREAD_S", 15) * 1000;
  const results: DriftResult[] = [];
  for (const pending of sizes) {
    progress(`reminders: ${n(pending)} pending, ${n(measured)} measured over ${s(spreadMs)}...`);
    const r = await measureDrift({ pending, measured, spreadMs });
    progress(`reminders: ${n(pending)} pending: p50 ${ms(r.p50)}, p99 ${ms(r.p99)}, early ${r.early}`);
    results.push(r);
  }
  console.log(
    `\n## Reminder firing drift (fired − due, ms; ${n(measured)} measured reminders due over ${s(spreadMs)} among the pending)\n`,
  );
  console.log("| pending | fired | p50 | p99 | max | early | fired twice | never fired | fill time |");
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const r of results) console.log(driftRow(r));
  console.log("");
  for (const r of results) {
    console.log(
      `- p99 with ${n(r.pending)} pending: ${ms(r.p99)} (target ≤ 150 ms: ${verdict(r.p99 <= 150)})`,
    );
  }
  const [small, large] = results;
  if (small && large) {
    const ratio = large.p99 / small.p99;
    console.log(
      `- p99 at ${n(large.pending)} / p99 at ${n(small.pending)}: ${fmt(ratio)}× (target ≤ 1.1×: ${verdict(ratio <= 1.1)})`,
    );
  }
  const early = results.reduce((sum, r) => sum + r.early, 0);
  console.log(`- early fires: ${early} (target 0: ${verdict(early === 0)})`);
}

export async function burstSection(): Promise<void> {
  const count = envNumber("BENCH_BURST", 2000);
  const pending = envNumber("BENCH_BURST_PENDING", 10_000);
  progress(`burst: ${n(count)} reminders due in one second, ${n(pending)} pending...`);
  const r = await measureBurst({ pending, count });
  console.log(
    `\n## Burst: ${n(count)} reminders due in the same second (${n(Math.max(pending, count))} pending)\n`,
  );
  console.log(
    `From the start of that second until the last one fired: ${s(r.lastFiredAfterMs)} (target ≤ 3 s: ${verdict(r.lastFiredAfterMs <= 3000)})`,
  );
  console.log(
    `Drift of the burst: p50 ${ms(r.p50)}, p99 ${ms(r.p99)}, max ${ms(r.max)}; fired ${n(r.count)}, early ${r.early}, fired twice ${r.repeats}, never fired ${r.missing}`,
  );
}

export async function rssSection(): Promise<void> {
  const pending = envNumber("BENCH_RSS_PENDING", 100_000);
  const settleMs = envNumber("BENCH_RSS_SETTLE_S", 10) * 1000;
  const results = [];
  for (const p of [0, pending]) {
    progress(`rss: worker process with ${n(p)} pending reminders...`);
    results.push(await measureWorkerRss({ pending: p, settleMs }));
  }
  console.log(
    `\n## Worker process resident memory (compiled, as the Procfile runs it: node dist/src/main/worker.js; VmRSS, ${s(settleMs)} after start, 5 samples 1 s apart)\n`,
  );
  console.log("| pending reminders | max VmRSS | samples | peak (VmHWM) | start-up |");
  console.log("| --- | --- | --- | --- | --- |");
  for (const r of results) {
    console.log(
      `| ${n(r.pending)} | ${fmt(r.maxMb)} MB | ${r.samples.map((x) => x.toFixed(0)).join(", ")} | ${fmt(r.peakMb)} MB | ${s(r.startupMs)} |`,
    );
  }
  const loaded = results.at(-1);
  const idle = results[0];
  if (loaded && idle) {
    console.log(
      `\n- with ${n(loaded.pending)} pending: ${fmt(loaded.maxMb)} MB (target ≤ 150 MB: ${verdict(loaded.maxMb <= 150)}); idle: ${fmt(idle.maxMb)} MB (difference ${(loaded.maxMb - idle.maxMb).toFixed(1)} MB)`,
    );
  }
}

export async function outboxSection(): Promise<void> {
  const channels = envNumber("BENCH_OUTBOX_CHANNELS", 100);
  const perChannel = envNumber("BENCH_OUTBOX_PER_CHANNEL", 100);
  progress(`outbox: ${n(channels * perChannel)} messages over ${n(channels)} channels...`);
  const r = await measureOutbox({ channels, perChannel });
  const ratio = r.elapsedMs / r.idealMs;
  console.log(
    `\n## Outbox: ${n(r.total)} messages over ${n(r.channels)} channels (fake Slack enforcing its limits: 60 posts per channel per minute)\n`,
  );
  console.log(
    `Delivered ${n(r.delivered)}/${n(r.total)} in ${s(r.elapsedMs)}; ideal ${r.perChannel} per channel × 1 s = ${s(r.idealMs)}: ${fmt(ratio)}× (target within 10 %: ${verdict(Math.abs(ratio - 1) <= 0.1)}; the first post of a channel goes at once, so ${s(r.idealMs - 1000)} is the floor)`,
  );
  console.log(
    `429 answers: ${r.rateLimited} of ${n(r.postCalls)} chat.postMessage calls; duplicates: ${r.duplicates} (target 0); out of order: ${r.outOfOrder}; gap between posts in a channel: ${ms(r.minGapMs)} to ${ms(r.maxGapMs)}; enqueueing took ${s(r.enqueueMs)}`,
  );
}
