import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Env, MattermostMode, SlackMode } from "../../src/config/env.js";
import type { Clock } from "../../src/core/ports.js";
import { createLogger } from "../../src/main/logger.js";
import { type Role, type Running, startRuntime } from "../../src/main/runtime.js";
import { STANDARD_SEVERITIES } from "./config-fixtures.js";
import { deletePrefix, TEST_REDIS_URL, testRedis, uniquePrefix } from "./redis.js";

/**
 * A test config: Dana alone on the primary rotation, so the commander is known whatever the date; Alice and Bob
 * report. Tests may pass their own YAML.
 */
export const TEST_CONFIG = `
timezone: Europe/Berlin
announce_channel: incidents
channel_name: "inc-{number}-{slug}"
people:
  - { id: alice, name: Alice, slack: U0ALICE, timezone: Europe/Berlin }
  - { id: bob, name: Bob, slack: U0BOB, timezone: America/New_York }
  - { id: dana, name: Dana, slack: U0DANA, timezone: Europe/Berlin }
  - { id: erin, name: Erin, timezone: Europe/Berlin }
rotations:
  - { id: primary, members: [dana], shift: 1w, handoff: "Mon 09:00", timezone: Europe/Berlin, start: 2020-01-06 }
  - { id: nobody, members: [erin], shift: 1w, handoff: "Mon 09:00", timezone: Europe/Berlin, start: 2020-01-06 }
escalation_policies:
  - id: default
    steps:
      - { notify: [rotation:primary] }
      - { notify: [person:alice], after: 30m }
  - id: unreachable
    steps:
      - { notify: [rotation:nobody] }
services:
  - { id: search, name: Search, owner: search-team, policy: default }
  - { id: legacy, name: Legacy, policy: unreachable }
fallback_policy: default
${STANDARD_SEVERITIES}`;

export interface TestFirebreak extends Running {
  url: string;
  prefix: string;
  stop(): Promise<void>;
}

export function writeConfig(yaml = TEST_CONFIG): string {
  const dir = mkdtempSync(join(tmpdir(), "firebreak-config-"));
  const path = join(dir, "firebreak.yml");
  writeFileSync(path, yaml);
  return path;
}

/** Starts Firebreak in-process on a random port with its own Redis prefix; stop() also deletes its keys. */
export async function startFirebreak(options: {
  slack?: SlackMode;
  mattermost?: MattermostMode;
  config?: string;
  role?: Role;
  label?: string;
  /** A clock of the test's (on-call tests move time by hand); the system clock when absent. */
  clock?: Clock;
  /** Environment the web pages read (deploy hook secret, page tokens, public URL). */
  env?: Partial<Pick<Env, "deployWebhookSecret" | "statusPageToken" | "apiToken" | "publicUrl">>;
}): Promise<TestFirebreak> {
  const prefix = uniquePrefix(options.label ?? "app");
  const env: Env = {
    port: 0,
    redisUrl: TEST_REDIS_URL,
    redisPrefix: prefix,
    configPath: writeConfig(options.config),
    slack: options.slack,
    mattermost: options.mattermost,
    logLevel: "silent",
    ...options.env,
  };
  const running = await startRuntime(
    env,
    options.role ?? "all",
    createLogger(process.env.TEST_LOG_LEVEL ?? "silent"),
    { clock: options.clock },
  );
  return {
    ...running,
    url: running.url as string,
    prefix,
    async stop() {
      await running.stop();
      const redis = testRedis();
      await deletePrefix(redis, prefix);
      redis.disconnect();
    },
  };
}

/** Polls until `check` stops throwing (or the time is up, when its last error is thrown). */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 5000, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }
}
