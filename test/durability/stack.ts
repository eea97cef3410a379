import { type FakeSlack, startFakeSlack } from "../helpers/fake-slack/index.js";
import { TEST_CONFIG, writeConfig } from "../helpers/firebreak.js";
import { FirebreakProcess } from "../helpers/processes.js";
import { uniquePrefix } from "../helpers/redis.js";
import { freePort, TestRedisServer } from "../helpers/redis-server.js";

/** The test config with cadences compressed to seconds. */
export const FAST_CONFIG = TEST_CONFIG.replace(
  /severities:[\s\S]*$/,
  `severities:
  sev1: { update_every: 4s, ack_within: 2s }
  sev2: { update_every: 6s, ack_within: 3s }
  sev3: { update_every: 1h, ack_within: 1h }
  sev4: { update_every: 1d, ack_within: 1h }
`,
);

/**
 * Firebreak as production runs it: `web` and `worker` as separate processes (any number of workers), a
 * redis-server of the test's own with the append-only file on, and the fake Slack.
 */
export class Stack {
  web?: FirebreakProcess;
  workers: FirebreakProcess[] = [];
  readonly prefix = uniquePrefix("durability");

  private constructor(
    readonly redis: TestRedisServer,
    readonly fake: FakeSlack,
    readonly env: Record<string, string>,
  ) {}

  static async start(options: { workers?: number; config?: string } = {}): Promise<Stack> {
    const redis = await TestRedisServer.start();
    const fake = await startFakeSlack({ channels: [{ name: "general" }, { name: "incidents" }] });
    const port = await freePort();
    const stack = new Stack(redis, fake, {
      PORT: String(port),
      REDIS_URL: redis.url,
      FIREBREAK_CONFIG: writeConfig(options.config ?? FAST_CONFIG),
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_SIGNING_SECRET: fake.signingSecret,
      SLACK_API_URL: fake.apiUrl,
    });
    stack.env.REDIS_PREFIX = stack.prefix;
    fake.botUrl = `http://127.0.0.1:${port}/slack/events`;
    const [web, ...workers] = await Promise.all([
      FirebreakProcess.start("web", stack.env),
      ...Array.from({ length: options.workers ?? 1 }, () => FirebreakProcess.start("worker", stack.env)),
    ]);
    stack.web = web;
    stack.workers = workers;
    return stack;
  }

  async addWorker(): Promise<FirebreakProcess> {
    const worker = await FirebreakProcess.start("worker", this.env);
    this.workers.push(worker);
    return worker;
  }

  async stop(): Promise<void> {
    await Promise.all([this.web, ...this.workers].map((p) => p?.kill()));
    await this.fake.close();
    await this.redis.stop();
  }
}
