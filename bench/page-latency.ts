import { startFakeSlack } from "../test/helpers/fake-slack/index.js";
import { eventually, startFirebreak } from "../test/helpers/firebreak.js";
import { percentile } from "./load.js";

/**
 * Command received → commander paged (the page posted in the incident channel), with every Slack call taking
 * 50 ms more, as over a real network. Commands are sent one after another so each is measured on its own.
 */
export async function measurePageLatency(count: number, latencyMs: number) {
  const fake = await startFakeSlack({ channels: [{ name: "general" }, { name: "incidents" }] });
  const app = await startFirebreak({
    label: "bench-page",
    slack: { kind: "http", botToken: fake.botToken, signingSecret: fake.signingSecret, apiUrl: fake.apiUrl },
  });
  fake.botUrl = `${app.url}/slack/events`;
  fake.setLatency(latencyMs);
  const samples: number[] = [];
  try {
    for (let i = 1; i <= count; i++) {
      const sent = Date.now();
      await fake.sendSlashCommand({ text: `open Bench incident ${i} sev1 service:search` });
      const paged = await eventually(
        () => {
          const call = fake
            .callsTo("chat.postMessage")
            .find(
              (c) =>
                String(c.args.text ?? "").includes("<@U0DANA>") && String(c.args.text).includes(`INC-${i} `),
            );
          if (!call) throw new Error(`INC-${i} not paged yet`);
          return call;
        },
        10_000,
        2,
      );
      samples.push(paged.at + paged.durationMs - sent);
      // Let the rest of this incident's effects finish so they do not overlap the next measurement.
      await eventually(
        () => {
          if (
            !fake
              .callsTo("chat.postMessage")
              .some(
                (c) =>
                  String(c.args.channel) === fake.channel("incidents")?.id &&
                  String(c.args.text).includes(`INC-${i} `),
              )
          )
            throw new Error("not announced yet");
        },
        10_000,
        5,
      );
    }
  } finally {
    await app.stop();
    await fake.close();
  }
  samples.sort((a, b) => a - b);
  return {
    count,
    latencyMs,
    p50: percentile(samples, 50),
    p90: percentile(samples, 90),
    max: samples.at(-1) ?? Number.NaN,
  };
}
