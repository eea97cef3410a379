/**
 * One benchmark target in its own process, so the load generator never competes with it inside one event loop:
 *   bare        a Bolt 5 app (default HTTP receiver) whose /incident listener only acks
 *   firebreak   Firebreak's web process (Slack over HTTP) on a real Redis, under a prefix of its own
 * Prints `READY <port>` when it listens; exits on SIGTERM after deleting its Redis keys.
 */
import { App, LogLevel } from "@slack/bolt";
import { createLogger } from "../src/main/logger.js";
import { startRuntime } from "../src/main/runtime.js";
import { startFakeSlack } from "../test/helpers/fake-slack/index.js";
import { writeConfig } from "../test/helpers/firebreak.js";
import { deletePrefix, TEST_REDIS_URL, testRedis } from "../test/helpers/redis.js";

const [mode = "bare", secret = "bench-secret", prefix = "fbbench"] = process.argv.slice(2);
const fake = await startFakeSlack({
  signingSecret: secret,
  channels: [{ name: "general" }, { name: "incidents" }],
});
let stop: () => Promise<void>;
let port: number;

if (mode === "bare") {
  const app = new App({
    token: fake.botToken,
    signingSecret: secret,
    clientOptions: { slackApiUrl: fake.apiUrl },
    logLevel: LogLevel.ERROR,
  });
  app.command("/incident", async ({ ack }) => {
    await ack();
  });
  const server = (await app.start(0)) as { address(): { port: number } };
  port = server.address().port;
  stop = () => app.stop() as Promise<void>;
} else {
  const running = await startRuntime(
    {
      port: 0,
      redisUrl: TEST_REDIS_URL,
      redisPrefix: prefix,
      configPath: writeConfig(),
      slack: { kind: "http", botToken: fake.botToken, signingSecret: secret, apiUrl: fake.apiUrl },
      logLevel: "silent",
    },
    "web",
    createLogger("silent"),
  );
  port = running.port as number;
  stop = async () => {
    await running.stop();
    const redis = testRedis();
    await deletePrefix(redis, prefix);
    redis.disconnect();
  };
}

process.stdout.write(`READY ${port}\n`);
process.on("SIGTERM", async () => {
  await stop();
  await fake.close();
  process.exit(0);
});
