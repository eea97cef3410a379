import { createServer } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Env } from "../../src/config/env.js";
import { createLogger } from "../../src/main/logger.js";
import { playgroundBanner } from "../../src/main/main.js";
import { startRuntime } from "../../src/main/runtime.js";
import { type FakeMattermost, startFakeMattermost } from "../helpers/fake-mattermost/index.js";
import { eventually } from "../helpers/firebreak.js";
import { mattermostEnv } from "../helpers/mattermost-world.js";
import { deletePrefix, testRedis, uniquePrefix } from "../helpers/redis.js";

/**
 * How a process starts: one whose start-up fails after the web server listens leaves nothing listening behind
 * the error, and the playground is announced only when it is what the process serves.
 */

/** Set by a test: the Mattermost adapter's start() then fails once it has connected (a refused WebSocket). */
const failing = vi.hoisted(() => ({ start: false }));

vi.mock("../../src/adapters/mattermost/index.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../src/adapters/mattermost/index.js")>();
  return {
    ...real,
    createMattermostAdapter: async (options: Parameters<typeof real.createMattermostAdapter>[0]) => {
      const adapter = await real.createMattermostAdapter(options);
      return {
        ...adapter,
        async start() {
          await adapter.start();
          if (failing.start) throw new Error("the adapter could not start");
        },
      };
    },
  };
});

/** A port nothing listens on now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== "object" || !address) throw new Error("no port");
  return address.port;
}

/** Whether something listens on the port (on any address, as the web server does). */
async function listening(port: number): Promise<boolean> {
  const probe = createServer();
  return new Promise((resolve) => {
    probe.once("error", () => resolve(true));
    probe.listen(port, () => probe.close(() => resolve(false)));
  });
}

describe("a start-up that fails after the server listens", { timeout: 30_000 }, () => {
  let fake: FakeMattermost | undefined;
  const prefix = uniquePrefix("runtime-start");
  afterEach(async () => {
    failing.start = false;
    await fake?.close();
    const redis = testRedis();
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it("closes the server and the adapters it started, and rejects", async () => {
    fake = await startFakeMattermost();
    const port = await freePort();
    const env = mattermostEnv(fake, prefix, port);
    failing.start = true;
    await expect(startRuntime(env, "web", createLogger("silent"))).rejects.toThrow(
      "the adapter could not start",
    );
    expect(await listening(port)).toBe(false);
    // The WebSocket the adapter had opened is closed too.
    const bot = fake;
    await eventually(() => expect(bot.webSocketCount()).toBe(0));

    // The same start-up, when nothing fails, serves on that port (the check above can see a server).
    failing.start = false;
    const running = await startRuntime(env, "web", createLogger("silent"));
    expect(await listening(port)).toBe(true);
    await running.stop();
    expect(await listening(port)).toBe(false);
  });
});

describe("the playground banner", () => {
  const running = { url: "http://127.0.0.1:3000", port: 3000 };
  const mattermost = {
    url: "https://chat.example.com",
    botToken: "t",
    commandTokens: ["c"],
    actionsSecret: "s",
  };
  const slack = { kind: "http", botToken: "xoxb", signingSecret: "s" } as Env["slack"];

  it("is printed when neither Slack nor Mattermost is configured", () => {
    expect(playgroundBanner({}, running)).toBe("\nFirebreak playground: http://localhost:3000/\n\n");
  });

  it("is not printed for a deployment serving Slack, Mattermost or both, nor without a web server", () => {
    expect(playgroundBanner({ mattermost }, running)).toBeUndefined();
    expect(playgroundBanner({ slack }, running)).toBeUndefined();
    expect(playgroundBanner({ slack, mattermost }, running)).toBeUndefined();
    expect(playgroundBanner({}, { url: undefined, port: undefined })).toBeUndefined();
  });
});
