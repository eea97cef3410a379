import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { carriesKey } from "../../src/adapters/slack/block-kit.js";
import { fetchSlackIdentity } from "../../src/adapters/slack/identity.js";
import { createSlackPlatform } from "../../src/adapters/slack/slack-platform.js";
import { createSlackWebClient } from "../../src/adapters/slack/web-client.js";
import { textMessage } from "../../src/core/message.js";
import type { Logger as CoreLogger, Outbox, OutboxItem } from "../../src/core/ports.js";
import { createOutbox } from "../../src/infra/queue/outbox.js";
import type { OutboxStore } from "../../src/infra/queue/outbox-store.js";
import { createQueues, type Queues } from "../../src/infra/queue/queues.js";
import { startWorkers } from "../../src/infra/queue/workers.js";
import { createRedis } from "../../src/infra/redis/connection.js";
import { createKeys } from "../../src/infra/redis/keys.js";
import { createLogger } from "../../src/main/logger.js";
import { type FakeSlack, startFakeSlack } from "../helpers/fake-slack/index.js";
import { eventually } from "../helpers/firebreak.js";
import { deletePrefix, TEST_REDIS_URL, testRedis, uniquePrefix } from "../helpers/redis.js";

/**
 * The outbox against the fake Slack and a real Redis: bursts of 429s, 500s and lost answers, and every
 * message still arrives once, in order per channel, no faster than one per second per channel.
 */
let fake: FakeSlack;
let queues: Queues;
let store: OutboxStore;
let outbox: Outbox;
let workers: { close(): Promise<void> };
let prefix: string;

const CHANNELS = ["alpha", "bravo", "charlie"];
const logger = createLogger(process.env.TEST_LOG_LEVEL ?? "silent");

beforeEach(async () => {
  fake = await startFakeSlack({
    channels: [{ name: "general" }, ...CHANNELS.map((name) => ({ name, botIsMember: true }))],
  });
  prefix = uniquePrefix("outbox");
  const keys = createKeys(prefix);
  queues = createQueues(createRedis(TEST_REDIS_URL, "worker"), keys);
  store = queues.outboxStore;
  outbox = createOutbox(queues);
  const slack = await slackPlatformFor(fake, logger);
  workers = await startWorkers({
    redisUrl: TEST_REDIS_URL,
    keys,
    queues,
    platform: () => slack,
    runner: {
      openEffects: async () => {},
      fireTimer: async () => {},
      reconcileTimers: async () => {},
      scanShifts: async () => {},
    },
    logger,
  });
});

afterEach(async () => {
  await workers.close();
  await queues.close();
  queues.redis.disconnect();
  const redis = testRedis();
  await deletePrefix(redis, prefix);
  redis.disconnect();
  await fake.close();
});

const channelId = (name: string) => fake.channel(name)?.id as string;
const post = (key: string, channel: string, text = key): OutboxItem => ({
  key,
  platform: "slack",
  op: { kind: "post", channelId: channelId(channel), message: textMessage(text) },
});
const texts = (channel: string) => fake.messages(channel).map((m) => m.text);

/** Times at which chat.postMessage succeeded in a channel. */
function successfulPostTimes(channel: string): number[] {
  return fake
    .callsTo("chat.postMessage")
    .filter((c) => c.status === 200 && c.response.ok === true && c.response.channel === channelId(channel))
    .map((c) => c.at);
}

describe("the outbox", () => {
  it("delivers every message once, in order per channel, through bursts of 429s and 500s", async () => {
    fake.rateLimitNext("chat.postMessage", 3, 1);
    fake.failNext("chat.postMessage", 3, 500);
    fake.inject("chat.postMessage", { type: "slack_error", error: "internal_error" }, 2);
    fake.failNext("chat.postMessage", 2, 503);

    const perChannel = 5;
    await Promise.all(
      CHANNELS.map((channel) =>
        outbox.send(...Array.from({ length: perChannel }, (_, i) => post(`${channel}-${i}`, channel))),
      ),
    );

    await eventually(
      () => {
        for (const channel of CHANNELS) expect(texts(channel)).toHaveLength(perChannel);
      },
      40_000,
      100,
    );
    // Nothing more arrives afterwards (a late duplicate would show here).
    await new Promise((r) => setTimeout(r, 1500));
    for (const channel of CHANNELS) {
      expect(texts(channel)).toEqual(Array.from({ length: perChannel }, (_, i) => `${channel}-${i}`));
      const times = successfulPostTimes(channel);
      for (let i = 1; i < times.length; i++) {
        // One post per second per channel; the fake's clock and ours differ by a few ms at most.
        expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThanOrEqual(950);
      }
    }
    // Every injected fault was actually met: the test exercised what it claims to.
    const faults = fake.callsTo("chat.postMessage").filter((c) => c.fault);
    expect(faults).toHaveLength(10);
    fake.assertNoViolations();
  }, 60_000);

  it("honours Retry-After for the whole channel", async () => {
    fake.rateLimitNext("chat.postMessage", 1, 3);
    const started = Date.now();
    await outbox.send(post("first", "alpha"), post("second", "alpha"));
    await eventually(() => expect(texts("alpha")).toEqual(["first", "second"]), 15_000, 50);
    const [first] = successfulPostTimes("alpha");
    expect((first as number) - started).toBeGreaterThanOrEqual(2900);
  }, 20_000);

  it("ignores a key sent before, so callers may retry freely", async () => {
    await outbox.send(post("once", "alpha"));
    await outbox.send(post("once", "alpha", "a different text"));
    await eventually(() => expect(texts("alpha")).toEqual(["once"]), 5000, 50);
    await new Promise((r) => setTimeout(r, 1200));
    expect(texts("alpha")).toEqual(["once"]);
    expect(await outbox.delivered("once")).toEqual({
      channelId: channelId("alpha"),
      messageId: fake.messages("alpha")[0]?.ts,
    });
  });

  it("edits and pins a message it posted earlier, by key", async () => {
    await outbox.send(post("card", "bravo", "status: investigating"), {
      key: "card-pin",
      platform: "slack",
      op: { kind: "pin", channelId: channelId("bravo"), ref: "card" },
    });
    await outbox.send({
      key: "card-v2",
      platform: "slack",
      op: {
        kind: "update",
        channelId: channelId("bravo"),
        ref: "card",
        message: textMessage("status: fixed"),
      },
    });
    await eventually(() => {
      const [card] = fake.messages("bravo");
      expect(card?.text).toBe("status: fixed");
      expect(fake.channel("bravo")?.pins.has(card?.ts as string)).toBe(true);
    }, 8000);
    expect(fake.messages("bravo")).toHaveLength(1);
    // The edit kept the post's key (the op's ref): a later retry of the post would still find it, not repeat it.
    const slack = await slackPlatformFor(fake, logger);
    expect(await slack.findPosted(channelId("bravo"), "card", new Date(Date.now() - 60_000))).toEqual(
      await outbox.delivered("card"),
    );
    expect(fake.callsTo("chat.update")).toHaveLength(1);
    expect(carriesKey(fake.messages("bravo")[0] ?? {}, "card")).toBe(true);
    fake.assertNoViolations();
  });

  it("finds the post of an attempt whose answer was lost instead of posting again", async () => {
    // The state a worker leaves when it dies after Slack stored the message but before the answer arrived.
    const slack = await slackPlatformFor(fake, logger);
    const item = post("lost-answer", "charlie");
    await store.enqueue(item, Date.now());
    await store.markAttempt(item.key, Date.now());
    await slack.post(channelId("charlie"), textMessage("lost-answer"), { key: item.key });
    await queues.outbox.add("deliver", { key: item.key }, { jobId: "o-lost" });

    await eventually(async () => expect(await outbox.delivered(item.key)).not.toBeNull(), 8000);
    expect(texts("charlie")).toEqual(["lost-answer"]);
    expect(fake.callsTo("chat.postMessage")).toHaveLength(1);
  });

  it("does not let a message the platform refuses block the ones behind it", async () => {
    await outbox.send(
      {
        key: "edit-of-nothing",
        platform: "slack",
        op: { kind: "update", channelId: channelId("alpha"), ref: "never-sent", message: textMessage("x") },
      },
      post("after", "alpha"),
    );
    await eventually(() => expect(texts("alpha")).toEqual(["after"]), 8000, 50);
    expect((await store.load("edit-of-nothing"))?.state).toBe("failed");
  });

  it("adds the job of an item whose producer died before adding it", async () => {
    const item = post("orphan", "bravo");
    await store.enqueue(item, Date.now() - 10_000);
    // No job was added: the sweeper (every 5 s) must find the item and deliver it.
    await eventually(() => expect(texts("bravo")).toEqual(["orphan"]), 15_000, 100);
  }, 20_000);
});

/** The real Slack platform against the fake, with the identity the bot learns at start-up. */
async function slackPlatformFor(fake: FakeSlack, logger: CoreLogger) {
  const client = createSlackWebClient(fake.botToken, fake.apiUrl);
  return createSlackPlatform(client, await fetchSlackIdentity(client), logger);
}
