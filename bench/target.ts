/**
 * One benchmark target in its own process, so the load generator never competes with it inside one event loop:
 *   bare             a Bolt 5 app (default HTTP receiver) whose /incident listener only acks
 *   firebreak        Firebreak's web process (Slack over HTTP) on a real Redis, under a prefix of its own
 *   firebreak-both   Firebreak's web process serving Slack and Mattermost at once, with one config that names
 *                    every person on both: whichever platform the load arrives on, the process, its config and
 *                    its fakes are the same
 * The fake platform servers run in this process too (the fake Slack in every mode, the fake Mattermost beside it
 * in `firebreak-both`), so what they cost is paid alike whichever platform is measured. Prints `READY <port>` when it
 * listens (`READY <port> {"mattermost":{…}}` in `firebreak-both`: what a slash command to it carries). On
 * SIGTERM or SIGINT, or when the bench that started it goes away, it deletes its Redis keys, prints
 * `REPORT {…}` (the calls its fakes answered) and exits.
 */
import { App, LogLevel } from "@slack/bolt";
import type { Env } from "../src/config/env.js";
import { createLogger } from "../src/main/logger.js";
import { startRuntime } from "../src/main/runtime.js";
import { startFakeMattermost } from "../test/helpers/fake-mattermost/index.js";
import { startFakeSlack } from "../test/helpers/fake-slack/index.js";
import { TEST_CONFIG, writeConfig } from "../test/helpers/firebreak.js";
import { deletePrefix, TEST_REDIS_URL, testRedis } from "../test/helpers/redis.js";
import type { MattermostCommandTarget, TargetReport } from "./load.js";

const [mode = "bare", secret = "bench-secret", prefix = "fbbench"] = process.argv.slice(2);
const fake = await startFakeSlack({
  signingSecret: secret,
  channels: [{ name: "general" }, { name: "incidents" }],
});
let stop: () => Promise<void>;
let port = 0;
let ready = "";
let report: () => TargetReport = () => ({ slackCalls: fake.calls.length });

/**
 * The test config with each person who has a Slack id also named on Mattermost by the same first name, as the
 * fake Mattermost's default users are (alice, bob, dana).
 */
const bothPlatformsConfig = () =>
  TEST_CONFIG.replace(
    /slack: (U0([A-Z]+))/g,
    (_, id: string, name: string) => `slack: ${id}, mattermost: ${name.toLowerCase()}`,
  );

async function startFirebreak(env: Partial<Env>, config?: string): Promise<void> {
  const running = await startRuntime(
    {
      port: 0,
      redisUrl: TEST_REDIS_URL,
      redisPrefix: prefix,
      configPath: writeConfig(config),
      slack: { kind: "http", botToken: fake.botToken, signingSecret: secret, apiUrl: fake.apiUrl },
      logLevel: "silent",
      ...env,
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

async function start(): Promise<void> {
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
  } else if (mode === "firebreak") {
    await startFirebreak({});
  } else if (mode === "firebreak-both") {
    const mattermost = await startFakeMattermost();
    await startFirebreak(
      {
        mattermost: {
          url: mattermost.url,
          botToken: mattermost.botToken,
          commandTokens: [mattermost.commandToken],
          actionsSecret: `${secret}-mattermost-actions`,
          team: mattermost.teamName,
        },
      },
      bothPlatformsConfig(),
    );
    mattermost.botUrl = `http://127.0.0.1:${port}`;
    const stopFirebreak = stop;
    stop = async () => {
      await stopFirebreak();
      await mattermost.close();
    };
    report = () => ({
      slackCalls: fake.calls.length,
      mattermostCalls: mattermost.calls.length,
      mattermostViolations: mattermost.violations.map((v) => JSON.stringify(v)),
    });
    const general = mattermost.channel("general");
    if (!general) throw new Error("the fake Mattermost has no general channel");
    const bob = mattermost.user("bob");
    const command: MattermostCommandTarget = {
      commandToken: mattermost.commandToken,
      teamId: mattermost.teamId,
      teamName: mattermost.teamName,
      channelId: general.id,
      channelName: general.name,
      userId: bob.id,
      userName: bob.username,
    };
    ready = ` ${JSON.stringify({ mattermost: command })}`;
  } else {
    throw new Error(`unknown target mode ${mode}`);
  }
}

try {
  await start();
} catch (err) {
  // Whatever got written before the failure goes too; the bench reports the exit.
  process.stderr.write(`${mode} target failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  const redis = testRedis();
  await deletePrefix(redis, prefix);
  redis.disconnect();
  process.exit(1);
}

let stopping = false;
const shutdown = async () => {
  // SIGTERM and the bench going away may both arrive; one shutdown is enough.
  if (stopping) return;
  stopping = true;
  // Read before closing: closing the fakes may let go of what they recorded.
  const done = report();
  await stop();
  await fake.close();
  process.stdout.write(`REPORT ${JSON.stringify(done)}\n`);
  process.exit(0);
};
process.on("SIGTERM", shutdown);
// Ctrl-C in a terminal reaches the whole process group, this process too: clean up rather than die.
process.on("SIGINT", shutdown);
// The bench holds an IPC channel open to this process; it closes when the bench exits, however it exits.
process.on("disconnect", shutdown);
// With the bench gone, stdout is a broken pipe, and anything printing to it (Mattermost's WebSocketClient logs
// its close with console.log) would crash the process before it deleted its keys.
process.stdout.on("error", () => undefined);

process.stdout.write(`READY ${port}${ready}\n`);
