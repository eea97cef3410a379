/**
 * `npm run bench`: prints the figures the project tracks. Nothing here is asserted; the numbers are for people.
 * Sections, in this order:
 *   ack        Slash-command ack latency through Bolt's HTTP receiver, open-loop at 200/s and 500/s for 20 s
 *              each: a bare Bolt app that only acks, Firebreak answering `help`, and Firebreak opening incidents
 *              (web process: dedupe, INC number, store, enqueue), all in the same run on the same machine.
 *   mattermost Slash-command ack latency on Mattermost next to Slack's, for the ack section's Firebreak scenarios
 *              (help, open) at the same rates and BENCH_SECONDS: one Firebreak web process serving both platforms
 *              with one config (both fake servers inside it), a fresh one per measurement, loaded once through
 *              Bolt's receiver and once through POST /mattermost/command; prints Mattermost's p99 as a multiple
 *              of Slack's (target ≤ 1.5×) (bench/mattermost-ack.ts).
 *   page       Command received → commander paged, with the fake Slack adding 50 ms to every call.
 *   reminders  Reminder firing drift (fired − due) with 10,000 and with 100,000 pending reminders (bench/reminders.ts).
 *   burst      2,000 reminders due in the same second: time until the last one fired (bench/reminders.ts).
 *   rss        Resident memory of a real worker process, idle and with 100,000 pending reminders (bench/worker-rss.ts).
 *   outbox     10,000 messages over 100 channels, fake Slack enforcing 1 msg/s/channel (bench/outbox.ts).
 *   oncall     Who-is-on lookup in a rotation with five years of history and 1,000 overrides (bench/oncall-lookup.ts).
 *   planner    The fair planner: 20 people × 52 weekly shifts with random unavailability (bench/planner.ts).
 * Environment:
 *   BENCH_ONLY                 comma-separated section names (e.g. `reminders,outbox`) runs only those. Any other
 *                              value keeps the old meaning: the ack scenarios whose name contains it (and the bare
 *                              baseline), then the page section.
 *   BENCH_SECONDS              length of each ack and mattermost load phase (default 20; e.g. 3 for a quick look)
 *   BENCH_PAGES                incidents in the page section (default 30)
 *   BENCH_REMINDERS_SMALL      pending reminders of the first drift run (default 10000)
 *   BENCH_REMINDERS_LARGE      pending reminders of the second drift run (default 100000)
 *   BENCH_REMINDERS_MEASURED   reminders measured among them, due over the next BENCH_REMINDERS_SPREAD_S seconds
 *                              (defaults 2000 and 15)
 *   BENCH_BURST                reminders due in the same second (default 2000)
 *   BENCH_BURST_PENDING        pending reminders during the burst, the burst included (default 10000)
 *   BENCH_RSS_PENDING          pending reminders for the worker RSS figure (default 100000)
 *   BENCH_RSS_SETTLE_S         seconds between "worker started" and the first RSS sample (default 10)
 *   BENCH_OUTBOX_CHANNELS      channels of the outbox run (default 100)
 *   BENCH_OUTBOX_PER_CHANNEL   messages per channel (default 100)
 *   REDIS_URL                  Redis for everything (default redis://127.0.0.1:6379); every run uses its own
 *                              `fbbench-…` key prefix and deletes it at the end.
 * Quick look at the queue sections: BENCH_ONLY=reminders,burst,rss,outbox BENCH_REMINDERS_LARGE=20000
 *   BENCH_RSS_PENDING=20000 BENCH_OUTBOX_CHANNELS=10 BENCH_OUTBOX_PER_CHANNEL=10 npm run bench
 */
import { type LoadResult, openLoop, slashCommand, startTarget } from "./load.js";
import { mattermostSection } from "./mattermost-ack.js";
import { whoIsOnSection } from "./oncall-lookup.js";
import { measurePageLatency } from "./page-latency.js";
import { plannerSection } from "./planner.js";
import { burstSection, outboxSection, remindersSection, rssSection } from "./queue-sections.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const RATES = [200, 500];
const SECRET = "bench-signing-secret";

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

const SECTIONS = [
  "ack",
  "mattermost",
  "page",
  "reminders",
  "burst",
  "rss",
  "outbox",
  "oncall",
  "planner",
] as const;
type Section = (typeof SECTIONS)[number];
const only = process.env.BENCH_ONLY;
const tokens = (only ?? "")
  .split(",")
  .map((t) => t.trim())
  .filter(Boolean);
const named = tokens.filter((t): t is Section => (SECTIONS as readonly string[]).includes(t));
/** BENCH_ONLY that names no section filters the ack scenarios by name, as before the queue sections existed. */
const scenarioFilter = tokens.length > 0 && named.length === 0 ? only : undefined;
const runs = (section: Section) =>
  tokens.length === 0 ||
  named.includes(section) ||
  (scenarioFilter !== undefined && (section === "ack" || section === "page"));

async function ackSection(): Promise<void> {
  const results: Array<{ name: string; result: LoadResult }> = [];
  for (const scenario of scenarios.filter(
    (s) => !scenarioFilter || s.name.includes(scenarioFilter) || s.mode === "bare",
  )) {
    for (const rate of RATES) {
      const target = await startTarget(scenario.mode, SECRET);
      const url = `http://127.0.0.1:${target.port}/slack/events`;
      let result: LoadResult;
      try {
        // Warm up connections and JIT before measuring.
        await openLoop({
          url,
          rate: 50,
          seconds: 1,
          request: (i) => slashCommand(SECRET, scenario.text(-i - 1)),
        });
        result = await openLoop({
          url,
          rate,
          seconds: SECONDS,
          request: (i) => slashCommand(SECRET, scenario.text(i)),
        });
      } finally {
        await target.stop();
      }
      results.push({ name: scenario.name, result });
      process.stderr.write(
        `${scenario.name} @ ${rate}/s: p50 ${fmt(result.p50)} ms, p99 ${fmt(result.p99)} ms\n`,
      );
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
        console.log(
          `- ${name} @ ${rate}/s: p99 ${fmt(result.p99 / bare.p99)}× the bare app's (target ≤ 1.5×)`,
        );
    }
  }
}

async function pageSection(): Promise<void> {
  const page = await measurePageLatency(Number(process.env.BENCH_PAGES ?? 30), 50);
  console.log(
    `\n## Command received → commander paged (fake Slack +${page.latencyMs} ms per call, ${page.count} incidents)\n`,
  );
  console.log(
    `p50 ${fmt(page.p50)} ms, p90 ${fmt(page.p90)} ms, max ${fmt(page.max)} ms (target p50 ≤ 400 ms)`,
  );
}

const sections: Record<Section, () => Promise<void>> = {
  ack: ackSection,
  mattermost: () =>
    mattermostSection({
      scenarios: scenarios.filter((s) => s.mode === "firebreak"),
      rates: RATES,
      seconds: SECONDS,
      secret: SECRET,
    }),
  page: pageSection,
  reminders: remindersSection,
  burst: burstSection,
  rss: rssSection,
  outbox: outboxSection,
  oncall: whoIsOnSection,
  planner: plannerSection,
};
for (const section of SECTIONS) {
  if (runs(section)) await sections[section]();
}
process.exit(0);
