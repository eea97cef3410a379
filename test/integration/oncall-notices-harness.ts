/**
 * What the shift-notice and calendar tests share: Firebreak (web and worker in one process) on the real Redis
 * with Slack faked, a clock the test moves by hand, and a way to run one shift scan through the real worker and
 * wait for it. Unlike slackWorld, a test may restart Firebreak on the same Redis prefix with another config
 * file, which is how a config change is made.
 */
import { afterAll, afterEach } from "vitest";
import type { Override } from "../../src/core/oncall/types.js";
import type { Clock } from "../../src/core/ports.js";
import { createQueues } from "../../src/infra/queue/queues.js";
import { createKeys } from "../../src/infra/redis/keys.js";
import { createRedisOncallStore } from "../../src/infra/redis/oncall-store.js";
import { createLogger } from "../../src/main/logger.js";
import { type Running, startRuntime } from "../../src/main/runtime.js";
import { type FakeSlack, startFakeSlack } from "../helpers/fake-slack/index.js";
import { eventually, writeConfig } from "../helpers/firebreak.js";
import { type HandClock, handClock } from "../helpers/hand-clock.js";
import { deletePrefix, TEST_REDIS_URL, testRedis, uniquePrefix } from "../helpers/redis.js";
import { allText } from "../helpers/slack-world.js";

export interface NoticesWorld {
  fake: FakeSlack;
  app: Running & { url: string };
  prefix: string;
  clock: HandClock;
}

export function noticesWorld() {
  const redis = testRedis();
  let current: NoticesWorld | undefined;
  let scans = 0;

  afterEach(async () => {
    if (!current) return;
    await current.app.stop();
    await current.fake.close();
    await deletePrefix(redis, current.prefix);
    current = undefined;
  });
  afterAll(() => redis.disconnect());

  const world = (): NoticesWorld => {
    if (!current) throw new Error("start() the world first");
    return current;
  };

  async function startApp(prefix: string, config: string, fake: FakeSlack, clock: Clock) {
    const app = await startRuntime(
      {
        port: 0,
        redisUrl: TEST_REDIS_URL,
        redisPrefix: prefix,
        configPath: writeConfig(config),
        slack: {
          kind: "http",
          botToken: fake.botToken,
          signingSecret: fake.signingSecret,
          apiUrl: fake.apiUrl,
        },
        logLevel: "silent",
      },
      "all",
      createLogger(process.env.TEST_LOG_LEVEL ?? "silent"),
      { clock },
    );
    fake.botUrl = `${app.url}/slack/events`;
    return { ...app, url: app.url as string };
  }

  return {
    world,
    async start(options: { label: string; config: string; at: string; channels?: string[] }) {
      const fake = await startFakeSlack({
        channels: (options.channels ?? ["general", "incidents", "oncall"]).map((name) => ({ name })),
      });
      const prefix = uniquePrefix(`notices-${options.label}`);
      const clock = handClock(options.at);
      current = { fake, prefix, clock, app: await startApp(prefix, options.config, fake, clock) };
      return current;
    },
    /** Stops Firebreak and starts it again on the same Redis prefix and fake Slack, with another config. */
    async restart(config: string) {
      const w = world();
      await w.app.stop();
      w.app = await startApp(w.prefix, config, w.fake, w.clock);
      return w;
    },
    /** Runs one shift scan in the running worker (as its minutely job does) and waits until it is done. */
    async scan(): Promise<void> {
      const queues = createQueues(redis, createKeys(world().prefix));
      try {
        const jobId = `test-scan-${++scans}`;
        await queues.timers.add("oncall-scan", {}, { jobId });
        await eventually(async () => {
          const state = await queues.timers.getJobState(jobId);
          if (state === "failed") {
            const job = await queues.timers.getJob(jobId);
            throw new Error(`the scan failed: ${job?.failedReason}`);
          }
          if (state !== "completed") throw new Error(`scan ${jobId} is ${state}`);
        }, 10_000);
      } finally {
        await queues.timers.close();
      }
    },
    /** Writes overrides straight to the store, as the override commands would. */
    async addOverrides(rotation: string, overrides: Override[]): Promise<void> {
      const store = createRedisOncallStore(redis, createKeys(world().prefix));
      await store.changeOverrides(rotation, new Date(0), () => ({ add: overrides }));
    },
    /** The calendar secret, as the running Firebreak has it. */
    async calendarSecret(): Promise<string> {
      return createRedisOncallStore(redis, createKeys(world().prefix)).calendarSecret();
    },
    /** Everything the bot said to a person by DM, one string per message. */
    dmsTo(user: string): string[] {
      return (world().fake.imWith(user)?.messages ?? []).map(allText);
    },
    /** Everything said in a channel, one string per message. */
    inChannel(channel: string): string[] {
      return world().fake.messages(channel).map(allText);
    },
  };
}

/** An override as the store keeps it. */
export function override(
  fields: Pick<Override, "id" | "rotation" | "personId" | "from" | "to"> & Partial<Override>,
): Override {
  return { kind: "override", by: "dana", at: "2026-11-01T12:00:00.000Z", ...fields };
}

/** Waits a little so that anything queued has had its chance to arrive (for "nothing more came" checks). */
export const settle = (ms = 600) => new Promise((r) => setTimeout(r, ms));
