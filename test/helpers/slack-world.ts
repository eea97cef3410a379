import { afterAll, afterEach } from "vitest";
import type { Incident } from "../../src/core/incident/incident.js";
import type { Clock, IncidentStore } from "../../src/core/ports.js";
import { createRedisIncidentStore } from "../../src/infra/redis/incident-store.js";
import { createKeys } from "../../src/infra/redis/keys.js";
import {
  type FakeSlack,
  type FakeSlackOptions,
  type SlashCommandDelivery,
  startFakeSlack,
} from "./fake-slack/index.js";
import { eventually, startFirebreak, type TestFirebreak } from "./firebreak.js";
import { testRedis } from "./redis.js";

/** Everything a message says (its text and its blocks), for `toContain` checks. */
export const allText = (m: { text?: string; blocks?: unknown[] }): string =>
  `${m.text ?? ""}\n${JSON.stringify(m.blocks ?? [])}`;

/** What the person who typed a command was answered through its response URL (only they see it). */
export const answered = (d: SlashCommandDelivery): string =>
  JSON.stringify(d.responseUrl.posts.map((p) => p.body));

export interface SlackWorld {
  fake: FakeSlack;
  app: TestFirebreak;
}

/**
 * Firebreak on the real Redis (a prefix of its own) with Slack faked and wired both ways: the setup the
 * end-to-end integration tests share. Call it at the top of a test file: it stops what a test started after
 * that test, and closes its own Redis connection after the file.
 */
export function slackWorld() {
  const redis = testRedis();
  let current: SlackWorld | undefined;
  afterEach(async () => {
    await current?.app.stop();
    await current?.fake.close();
    current = undefined;
  });
  afterAll(() => redis.disconnect());
  const world = (): SlackWorld => {
    if (!current) throw new Error("start() the world first");
    return current;
  };
  const store = (): IncidentStore => createRedisIncidentStore(redis, createKeys(world().app.prefix));
  return {
    /** Starts the fake Slack (#general and #incidents unless `channels` says otherwise) and Firebreak. */
    async start(options: {
      label: string;
      config?: string;
      channels?: FakeSlackOptions["channels"];
      users?: Array<{ id: string; name: string }>;
      /** A clock the test moves by hand; the system clock when absent. */
      clock?: Clock;
      /** Environment the web pages read (deploy hook secret, page tokens). */
      env?: Parameters<typeof startFirebreak>[0]["env"];
    }): Promise<SlackWorld> {
      const fake = await startFakeSlack({
        channels: options.channels ?? [{ name: "general" }, { name: "incidents" }],
      });
      for (const user of options.users ?? []) fake.addUser(user);
      const app = await startFirebreak({
        label: options.label,
        config: options.config,
        clock: options.clock,
        env: options.env,
        slack: {
          kind: "http",
          botToken: fake.botToken,
          signingSecret: fake.signingSecret,
          apiUrl: fake.apiUrl,
        },
      });
      fake.botUrl = `${app.url}/slack/events`;
      current = { fake, app };
      return current;
    },
    /** The incident store of the running Firebreak, read straight from Redis. */
    store,
    /** The incident as stored; throws while it is not. */
    async incident(id = "INC-1"): Promise<Incident> {
      const found = await store().get(id);
      if (!found) throw new Error(`${id} is not stored`);
      return found;
    },
    /** `user` (Dana, who commands, unless told) types `/incident <text>` in `channel`. */
    say(channel: string, text: string, user = "U0DANA"): Promise<SlashCommandDelivery> {
      return world().fake.sendSlashCommand({ text, user, channel });
    },
    /** Says something and waits for the answer only the person sees. */
    async ask(channel: string, text: string, user = "U0DANA"): Promise<string> {
      const d = await world().fake.sendSlashCommand({ text, user, channel });
      return eventually(() => {
        if (d.responseUrl.posts.length === 0) throw new Error(`no answer to "${text}" yet`);
        return answered(d);
      }, 10_000);
    },
    /** Everything said in a channel, as one string. */
    inChannel(channel: string): string {
      return world().fake.messages(channel).map(allText).join("\n");
    },
    /** Everything the bot said to a person by DM, as one string. */
    dmsTo(user: string): string {
      return (world().fake.imWith(user)?.messages ?? []).map(allText).join("\n");
    },
  };
}
