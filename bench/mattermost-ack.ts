import { fmt, progress } from "./common.js";
import {
  type LoadResult,
  mattermostSlashCommand,
  openLoop,
  slashCommand,
  startTarget,
  type Target,
  type TargetReport,
} from "./load.js";

/**
 * Slash-command ack latency on Mattermost next to Slack's, in one run on one machine: the same Firebreak web
 * process (`firebreak-both`: both platforms configured, one config, both fakes in the target process) answers
 * the same commands at the same open-loop rates, once through Bolt's receiver and once through
 * POST /mattermost/command. A fresh target per measurement, so neither platform inherits the other's data.
 */

type Platform = "slack" | "mattermost";

export interface AckScenario {
  name: string;
  text: (i: number) => string;
}

interface Measurement {
  scenario: string;
  platform: Platform;
  result: LoadResult;
  report: TargetReport;
}

const PLATFORM_NAMES: Record<Platform, string> = { slack: "Slack", mattermost: "Mattermost" };
const TARGET_RATIO = 1.5;

function endpoint(platform: Platform, target: Target, secret: string) {
  if (platform === "slack") {
    return {
      url: `http://127.0.0.1:${target.port}/slack/events`,
      request: (text: string) => slashCommand(secret, text),
    };
  }
  const command = target.mattermost;
  if (!command) throw new Error("the firebreak-both target did not say how to reach its Mattermost side");
  return {
    url: `http://127.0.0.1:${target.port}/mattermost/command`,
    request: (text: string) => mattermostSlashCommand(command, text),
  };
}

/** The answer to one command, shortened, so a run that only measured refusals shows it. */
async function probe(url: string, request: { body: string; headers: Record<string, string> }) {
  const res = await fetch(url, { method: "POST", ...request, signal: AbortSignal.timeout(10_000) });
  const body = (await res.text()).replace(/\s+/g, " ");
  return `${res.status} ${body.length > 140 ? `${body.slice(0, 140)}…` : body}`;
}

async function measure(
  scenario: AckScenario,
  platform: Platform,
  rate: number,
  options: { seconds: number; secret: string },
): Promise<Measurement> {
  const target = await startTarget("firebreak-both", options.secret);
  let result: LoadResult;
  try {
    const { url, request } = endpoint(platform, target, options.secret);
    progress(
      `${scenario.name} on ${PLATFORM_NAMES[platform]}: first answer ${await probe(url, request(scenario.text(-1_000_000)))}`,
    );
    // Warm up connections and JIT before measuring, as the ack section does.
    await openLoop({ url, rate: 50, seconds: 1, request: (i) => request(scenario.text(-i - 1)) });
    result = await openLoop({
      url,
      rate,
      seconds: options.seconds,
      request: (i) => request(scenario.text(i)),
    });
  } catch (err) {
    await target.stop();
    throw err;
  }
  const report = await target.stop();
  progress(
    `${scenario.name} on ${PLATFORM_NAMES[platform]} @ ${rate}/s: p50 ${fmt(result.p50)} ms, p99 ${fmt(result.p99)} ms`,
  );
  return { scenario: scenario.name, platform, result, report };
}

function row(m: Measurement): string {
  const r = m.result;
  const calls = m.platform === "slack" ? m.report.slackCalls : m.report.mattermostCalls;
  return `| ${m.scenario} | ${PLATFORM_NAMES[m.platform]} | ${r.rate}/s | ${r.sent} | ${r.ok} | ${r.failed} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.max)} | ${r.over3s} | ${calls ?? "–"} |`;
}

export async function mattermostSection(options: {
  scenarios: AckScenario[];
  rates: number[];
  seconds: number;
  secret: string;
}): Promise<void> {
  const { scenarios, rates, seconds } = options;
  const measurements: Measurement[] = [];
  let turn = 0;
  for (const scenario of scenarios) {
    for (const rate of rates) {
      // Taking turns at going first, so neither platform always runs on a machine the other just warmed.
      const order: Platform[] = turn++ % 2 === 0 ? ["slack", "mattermost"] : ["mattermost", "slack"];
      for (const platform of order) measurements.push(await measure(scenario, platform, rate, options));
    }
  }

  console.log(
    `\n## Slash-command ack latency, Mattermost next to Slack (open loop, ${seconds} s per rate, latency from scheduled send, ms)\n`,
  );
  console.log(
    "One Firebreak web process serving both platforms with one config, a fresh one per row; `calls` counts the REST calls that row's platform's fake server answered in the target's life, start-up included.\n",
  );
  console.log("| scenario | platform | rate | sent | 200 OK | failed | p50 | p99 | max | > 3 s | calls |");
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const platform of ["slack", "mattermost"] as const) {
    for (const m of measurements.filter((x) => x.platform === platform)) console.log(row(m));
  }
  console.log("");
  for (const scenario of scenarios) {
    for (const rate of rates) {
      const of = (platform: Platform) =>
        measurements.find(
          (m) => m.scenario === scenario.name && m.platform === platform && m.result.rate === rate,
        )?.result;
      const slack = of("slack");
      const mattermost = of("mattermost");
      if (!slack || !mattermost) continue;
      const ratio = mattermost.p99 / slack.p99;
      const verdict = ratio <= TARGET_RATIO ? "met" : "NOT met";
      // A p99 over the answered requests alone flatters a platform that dropped some: say so next to it.
      const failures =
        slack.failed + mattermost.failed > 0
          ? `; not answered with 200: Slack ${slack.failed}, Mattermost ${mattermost.failed}`
          : "";
      console.log(
        `- ${scenario.name} @ ${rate}/s: Mattermost p99 = ${fmt(ratio)}× the Slack p99 (target ≤ ${TARGET_RATIO}×: ${verdict}${failures})`,
      );
    }
  }
  const violations = measurements.flatMap((m) => m.report.mattermostViolations ?? []);
  if (violations.length > 0) {
    console.log(`- the fake Mattermost recorded ${violations.length} violation(s), first: ${violations[0]}`);
  }
}
