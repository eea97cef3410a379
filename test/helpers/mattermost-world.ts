import { afterAll, afterEach } from "vitest";
import type { Env, MattermostMode } from "../../src/config/env.js";
import type { Incident } from "../../src/core/incident/incident.js";
import type { Clock, IncidentStore } from "../../src/core/ports.js";
import { createRedisIncidentStore } from "../../src/infra/redis/incident-store.js";
import { createKeys } from "../../src/infra/redis/keys.js";
import {
  type FakeMattermost,
  type FakeMattermostOptions,
  type OpenedDialog,
  type SlashCommandDelivery,
  type StoredPost,
  startFakeMattermost,
} from "./fake-mattermost/index.js";
import { type FakeSlack, startFakeSlack } from "./fake-slack/index.js";
import { eventually, startFirebreak, TEST_CONFIG, type TestFirebreak, writeConfig } from "./firebreak.js";
import { TEST_REDIS_URL, testRedis } from "./redis.js";

/**
 * The test config with every person who has a Slack id also known on Mattermost by username, so one config
 * serves a Mattermost team, a Slack workspace, or both at once. Dana is on call; Erin is on no platform.
 */
export const MATTERMOST_CONFIG = TEST_CONFIG.replace(
  /slack: U0(ALICE|BOB|DANA),/g,
  (whole, name: string) => `${whole} mattermost: ${name.toLowerCase()},`,
);

/** Every string in a JSON value, one per line: what a person could read in a body, props or attachments. */
export function strings(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(strings).filter(Boolean).join("\n");
  if (value && typeof value === "object") return Object.values(value).map(strings).filter(Boolean).join("\n");
  return "";
}

/**
 * Markdown as a person reads it: backslash escapes, the few entities the renderer writes and the zero-width
 * spaces that keep literal `@` and `~` inert are gone, so tests can look for the words (bold stays `**`).
 */
export function readable(markdown: string): string {
  return markdown
    .replace(/\u200b/g, "")
    .replace(/\\([\\`*_{}[\]()#+\-.!>|~])/g, "$1")
    .replace(/&lt;/g, "<")
    .replace(/&#96;/g, "`")
    .replace(/&#36;/g, "$")
    .replace(/&amp;/g, "&");
}

/** Everything a post says, readable: its message and the text, buttons and fields of its attachments. */
export const postText = (post: { message: string; props?: Record<string, unknown> | null }): string =>
  readable(`${post.message}\n${strings(post.props ?? {})}`);

/** What the person who typed a command was answered (the command's own response and its response URL). */
export const answered = (d: SlashCommandDelivery): string =>
  readable([strings(d.body), ...d.responseUrl.posts.map((p) => strings(p.body))].filter(Boolean).join("\n"));

export interface MattermostWorld {
  fake: FakeMattermost;
  app: TestFirebreak;
  /** The fake Slack served at the same time, when the test asked for one. */
  slack?: FakeSlack;
}

/** The actions secret the world gives Firebreak; tests forge with other values. */
export const ACTIONS_SECRET = "actions-secret-for-tests-0123456789";

/** What Firebreak is told to reach the fake Mattermost: its site, the bot's token and its command token. */
export function mattermostMode(fake: FakeMattermost): MattermostMode {
  return {
    url: fake.url,
    botToken: fake.botToken,
    commandTokens: [fake.commandToken],
    actionsSecret: ACTIONS_SECRET,
  };
}

/**
 * The environment of a Firebreak process serving the fake Mattermost with MATTERMOST_CONFIG on the test Redis
 * under `prefix`, listening on `port` (any free one when not given), logging nothing.
 */
export function mattermostEnv(fake: FakeMattermost, prefix: string, port = 0): Env {
  return {
    port,
    redisUrl: TEST_REDIS_URL,
    redisPrefix: prefix,
    configPath: writeConfig(MATTERMOST_CONFIG),
    mattermost: mattermostMode(fake),
    logLevel: "silent",
  };
}

/**
 * Firebreak on the real Redis (a prefix of its own) with Mattermost faked and wired both ways: slash commands,
 * buttons and dialogs reach the bot over HTTP, mentions over the bot's WebSocket. People are Mattermost
 * usernames (alice, bob, dana), channels are named by their URL name. Call it at the top of a test file: it
 * stops what a test started after that test, and closes its own Redis connection after the file.
 */
export function mattermostWorld() {
  const redis = testRedis();
  // Filled as things start, so a start that fails half-way still has what it started stopped.
  let running: Partial<MattermostWorld> = {};
  afterEach(async () => {
    await running.app?.stop();
    await running.fake?.close();
    await running.slack?.close();
    running = {};
  });
  afterAll(() => redis.disconnect());
  const world = (): MattermostWorld => {
    const { fake, app, slack } = running;
    if (!fake || !app) throw new Error("start() the world first");
    return { fake, app, slack };
  };
  const store = (): IncidentStore => createRedisIncidentStore(redis, createKeys(world().app.prefix));
  const dialogsOf = (user: string) => world().fake.dialogs(user);

  return {
    /** The world a test started (throws before `start`). */
    current: world,
    /** This file's connection to the test Redis (for reading Firebreak's keys). */
    redis,
    /**
     * Starts the fake Mattermost (its default team: everybody in ~town-square and ~general, the bot in
     * ~town-square and ~incidents) and Firebreak; with `slack`, a fake Slack too, served by the same Firebreak.
     */
    async start(options: {
      label: string;
      config?: string;
      fake?: FakeMattermostOptions;
      /** Overrides of what Firebreak is told about Mattermost (a team, other command tokens). */
      mode?: Partial<MattermostMode>;
      slack?: boolean;
      clock?: Clock;
    }): Promise<MattermostWorld> {
      const fake = await startFakeMattermost(options.fake);
      running.fake = fake;
      const slack = options.slack
        ? await startFakeSlack({ channels: [{ name: "general" }, { name: "incidents" }] })
        : undefined;
      running.slack = slack;
      const app = await startFirebreak({
        label: options.label,
        config: options.config ?? MATTERMOST_CONFIG,
        clock: options.clock,
        mattermost: { ...mattermostMode(fake), ...options.mode },
        slack: slack && {
          kind: "http",
          botToken: slack.botToken,
          signingSecret: slack.signingSecret,
          apiUrl: slack.apiUrl,
        },
      });
      running.app = app;
      fake.botUrl = app.url;
      if (slack) slack.botUrl = `${app.url}/slack/events`;
      return world();
    },
    /** The incident store of the running Firebreak, read straight from Redis. */
    store,
    /** The incident as stored; throws while it is not. */
    async incident(id = "INC-1"): Promise<Incident> {
      const found = await store().get(id);
      if (!found) throw new Error(`${id} is not stored`);
      return found;
    },
    /** `user` (Dana, who commands, unless told) types `/incident <text>` in the channel named `channel`. */
    say(channel: string, text: string, user = "dana"): Promise<SlashCommandDelivery> {
      return world().fake.sendSlashCommand({ user, channel, text });
    },
    /**
     * Says something and waits until the person was answered (and, with `until`, until the answer says it);
     * returns all they were told about it.
     */
    async ask(channel: string, text: string, user = "dana", until?: string): Promise<string> {
      const d = await world().fake.sendSlashCommand({ user, channel, text });
      return eventually(() => {
        const said = answered(d);
        if (d.responseUrl.posts.length === 0 && until === undefined)
          throw new Error(`no answer to "${text}" yet`);
        if (until !== undefined && !said.includes(until))
          throw new Error(`the answer to "${text}" lacks "${until}"`);
        return said;
      }, 10_000);
    },
    /** Waits for the incident channel `name` to exist with its pinned card; returns the channel. */
    async incidentChannel(name: string) {
      return eventually(() => {
        const channel = world().fake.channel(name);
        if (!channel) throw new Error(`no channel ${name} yet`);
        const pinned = world()
          .fake.posts(name)
          .some((p) => p.isPinned);
        if (!pinned) throw new Error(`nothing pinned in ${name} yet`);
        return channel;
      }, 10_000);
    },
    /** The pinned status card of a channel. */
    card(channel: string): StoredPost {
      const pinned = world()
        .fake.posts(channel)
        .find((p) => p.isPinned);
      if (!pinned) throw new Error(`nothing pinned in ${channel}`);
      return pinned;
    },
    /** Everything said in a channel (by its name), as one string. */
    inChannel(channel: string): string {
      return world().fake.posts(channel).map(postText).join("\n");
    },
    /** Everything the bot said to a person by DM, as one string. */
    dmsTo(user: string): string {
      return world().fake.dmWith(user).map(postText).join("\n");
    },
    /** What only `user` was told: ephemeral posts (button answers included). */
    toldOnly(user: string): string {
      return world().fake.ephemerals(user).map(postText).join("\n");
    },
    /**
     * `user` clicks the button labelled `label` on the first post of `posts()` that has one (waiting for it);
     * the click must reach Firebreak and be answered 200.
     */
    async click(user: string, posts: () => StoredPost[], label: string) {
      const post = await eventually(() => {
        const found = posts().find((p) => buttons(p).some((b) => b.name === label));
        if (!found) throw new Error(`no "${label}" button yet`);
        return found;
      }, 10_000);
      const clicked = await world().fake.clickButton({ user, post, label });
      if (clicked.status !== 200) throw new Error(`the "${label}" click was answered ${clicked.status}`);
      return { post, clicked };
    },
    /** The next dialog opened for `user` after `before` of them were. */
    async dialog(user: string, before: number): Promise<OpenedDialog> {
      return eventually(() => {
        const opened = dialogsOf(user)[before];
        if (!opened) throw new Error(`no dialog opened for ${user} yet`);
        return opened;
      }, 10_000);
    },
    dialogCount(user: string): number {
      return dialogsOf(user).length;
    },
  };
}

/** The buttons of a post: label, the id Mattermost routes by, and the context they carry back. */
export function buttons(
  post: StoredPost,
): Array<{ id: string; name: string; context: Record<string, unknown> }> {
  const attachments = (post.props?.attachments ?? []) as Array<{ actions?: unknown[] }>;
  return attachments.flatMap((a) =>
    (
      (a.actions ?? []) as Array<{
        id: string;
        name: string;
        integration?: { context?: Record<string, unknown> };
      }>
    ).map((b) => ({ id: b.id, name: b.name, context: b.integration?.context ?? {} })),
  );
}
