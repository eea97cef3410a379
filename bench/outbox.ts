import { fetchSlackIdentity } from "../src/adapters/slack/identity.js";
import { createSlackPlatform } from "../src/adapters/slack/slack-platform.js";
import { createSlackWebClient } from "../src/adapters/slack/web-client.js";
import { textMessage } from "../src/core/message.js";
import type { Logger as CoreLogger, OutboxItem } from "../src/core/ports.js";
import { createOutbox } from "../src/infra/queue/outbox.js";
import { createQueues } from "../src/infra/queue/queues.js";
import { startWorkers } from "../src/infra/queue/workers.js";
import { createRedis } from "../src/infra/redis/connection.js";
import { createKeys } from "../src/infra/redis/keys.js";
import { type FakeSlack, startFakeSlack } from "../test/helpers/fake-slack/index.js";
import { benchPrefix, cleanupPrefix, progress, quietLogger, REDIS_URL, sleep } from "./common.js";

/**
 * Outbox delivery through the real producer (`createOutbox`), store, workers and Slack platform, against the
 * fake Slack enforcing its rate limits (chat.postMessage: 60 per channel per sliding minute). All messages are
 * sent at once, one per channel per round; the clock stops when the fake holds every one of them.
 */

export interface OutboxResult {
  channels: number;
  perChannel: number;
  total: number;
  delivered: number;
  /** From the first send until the fake held every message (or the deadline). */
  elapsedMs: number;
  /** Messages per channel × 1 s. */
  idealMs: number;
  /** How long `send` took for all of them. */
  enqueueMs: number;
  rateLimited: number;
  postCalls: number;
  duplicates: number;
  /** Messages that arrived after a later message of the same channel. */
  outOfOrder: number;
  /** Largest gap between two consecutive posts in one channel, and the smallest (pacing check), ms. */
  maxGapMs: number;
  minGapMs: number;
}

const textOf = (channel: number, n: number) => `bench c${channel} m${n}`;

export async function measureOutbox(opts: { channels: number; perChannel: number }): Promise<OutboxResult> {
  const names = Array.from({ length: opts.channels }, (_, c) => `bench-${String(c).padStart(3, "0")}`);
  const fake = await startFakeSlack({
    rateLimits: true,
    channels: names.map((name) => ({ name, botIsMember: true })),
  });
  const prefix = benchPrefix("outbox");
  const keys = createKeys(prefix);
  const queues = createQueues(createRedis(REDIS_URL, "worker"), keys);
  const slack = await slackPlatformFor(fake, quietLogger);
  let workers: { close(): Promise<void> } | undefined;
  try {
    workers = await startWorkers({
      redisUrl: REDIS_URL,
      keys,
      queues,
      platform: () => slack,
      runner: {
        async openEffects() {},
        async fireTimer() {},
        async reconcileTimers() {},
        async scanShifts() {},
      },
      logger: quietLogger,
    });
    const outbox = createOutbox(queues);
    const ids = names.map((name) => {
      const id = fake.channel(name)?.id;
      if (!id) throw new Error(`fake Slack has no #${name}`);
      return id;
    });
    await sleep(500);

    const total = opts.channels * opts.perChannel;
    const started = Date.now();
    // One `send` per round, one message per channel each: interleaved, as many incidents talking at once.
    for (let n = 0; n < opts.perChannel; n++) {
      const round: OutboxItem[] = ids.map((channelId, c) => ({
        key: `bench-${c}-${n}`,
        platform: "slack",
        op: { kind: "post", channelId, message: textMessage(textOf(c, n)) },
      }));
      await outbox.send(...round);
    }
    const enqueueMs = Date.now() - started;
    progress(`  outbox: ${total} messages enqueued in ${enqueueMs} ms`);

    const idealMs = opts.perChannel * 1000;
    const deadline = started + idealMs * 3 + 60_000;
    const count = () => ids.reduce((sum, id) => sum + fake.messages(id).length, 0);
    let delivered = count();
    let lastReport = Date.now();
    while (delivered < total && Date.now() < deadline) {
      await sleep(50);
      delivered = count();
      if (Date.now() - lastReport >= 10_000) {
        lastReport = Date.now();
        progress(`  outbox: ${delivered}/${total} after ${((lastReport - started) / 1000).toFixed(0)} s`);
      }
    }
    const elapsedMs = Date.now() - started;
    // Any further post now would be a duplicate: give one a moment to show up.
    await sleep(2000);

    let duplicates = 0;
    let outOfOrder = 0;
    let maxGapMs = 0;
    let minGapMs = Number.POSITIVE_INFINITY;
    ids.forEach((id, c) => {
      const messages = fake.messages(id);
      const seen = new Set<string>();
      let last = -1;
      let lastTs: number | undefined;
      for (const m of messages) {
        if (seen.has(m.text)) duplicates++;
        seen.add(m.text);
        const n = Number(/ m(\d+)$/.exec(m.text)?.[1] ?? -1);
        if (m.text !== textOf(c, n)) continue;
        if (n < last) outOfOrder++;
        last = Math.max(last, n);
        const ts = Number(m.ts) * 1000;
        if (lastTs !== undefined) {
          maxGapMs = Math.max(maxGapMs, ts - lastTs);
          minGapMs = Math.min(minGapMs, ts - lastTs);
        }
        lastTs = ts;
      }
    });
    const posts = fake.callsTo("chat.postMessage");
    return {
      channels: opts.channels,
      perChannel: opts.perChannel,
      total,
      delivered,
      elapsedMs,
      idealMs,
      enqueueMs,
      rateLimited: posts.filter((c) => c.status === 429 || c.fault !== undefined).length,
      postCalls: posts.length,
      duplicates,
      outOfOrder,
      maxGapMs,
      minGapMs: Number.isFinite(minGapMs) ? minGapMs : Number.NaN,
    };
  } finally {
    await workers?.close();
    await queues.close();
    queues.redis.disconnect();
    await fake.close();
    await cleanupPrefix(prefix);
  }
}

/** The real Slack platform against the fake, with the identity the bot learns at start-up. */
async function slackPlatformFor(fake: FakeSlack, logger: CoreLogger) {
  const client = createSlackWebClient(fake.botToken, fake.apiUrl);
  return createSlackPlatform(client, await fetchSlackIdentity(client), logger);
}
