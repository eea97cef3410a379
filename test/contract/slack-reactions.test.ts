// An emoji reaction, end to end through the Slack adapter: the fake Slack signs a `reaction_added` event and
// posts it to Bolt's real receiver; the adapter turns it into a neutral `reaction` Inbound for the real
// dispatcher, whose delivery claims live on the real Redis. A route registered for the emoji runs once per
// event and can read the message back through the adapter's own platform.

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import type { HandlerContext } from "../../handlers/context.js";
import { createDispatcher } from "../../handlers/dispatch.js";
import { mergeRoutes, type ReactionRoute } from "../../handlers/routes.js";
import {
  createSlackAdapter,
  SLACK_EVENTS_PATH,
  type SlackAdapter,
} from "../../src/adapters/slack/bolt-app.js";
import type { FetchedMessage, Inbound, Logger } from "../../src/core/ports.js";
import { createRedisIdempotencyStore } from "../../src/infra/redis/idempotency-store.js";
import { createKeys } from "../../src/infra/redis/keys.js";
import { type FakeSlack, startFakeSlack } from "../helpers/fake-slack/index.js";
import { eventually } from "../helpers/firebreak.js";
import { deletePrefix, testRedis, uniquePrefix } from "../helpers/redis.js";
import { anIncident, fakeContext } from "../unit/handler-fakes.js";

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const redis = testRedis();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let fake: FakeSlack;
let adapter: SlackAdapter;
let server: Server;
let prefix: string;
/** Every Inbound the adapter handed to the dispatcher. */
let seen: Inbound[];
/** Every run of the pushpin route, with what it read back. */
let pinned: { inbound: Inbound; messageId: string; fetched: FetchedMessage | null }[];

/** The dispatcher's context: in memory but for the delivery claims (loading the templates once is enough). */
let ctx: HandlerContext;
beforeAll(async () => {
  ({ ctx } = await fakeContext(anIncident()));
});

beforeEach(async () => {
  fake = await startFakeSlack({
    channels: [
      { name: "general", members: ["U0ALICE", "U0BOB", "U0DANA"] },
      { name: "inc-1-search", members: ["U0ALICE", "U0BOB"], botIsMember: true },
    ],
  });
  prefix = uniquePrefix("reactions");
  seen = [];
  pinned = [];
  const pushpin: ReactionRoute = async (_ctx, inbound, messageId) => {
    const fetched = await adapter.platform.fetchMessage(inbound.conversationId, messageId);
    pinned.push({ inbound, messageId, fetched });
  };
  const { prepare } = createDispatcher(
    { ...ctx, idempotency: createRedisIdempotencyStore(redis, createKeys(prefix)), logger: quiet },
    mergeRoutes({ reactions: { pushpin } }),
  );
  const expressApp = express();
  adapter = await createSlackAdapter({
    mode: { kind: "http", botToken: fake.botToken, signingSecret: fake.signingSecret, apiUrl: fake.apiUrl },
    expressApp,
    prepare: (inbound) => {
      seen.push(inbound);
      return prepare(inbound);
    },
    logger: quiet,
  });
  server = createServer(expressApp);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  fake.botUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${SLACK_EVENTS_PATH}`;
});

afterEach(async () => {
  await adapter.stop();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await fake.close();
  await deletePrefix(redis, prefix);
});

afterAll(() => redis.disconnect());

const channelId = () => fake.channel("inc-1-search")?.id as string;

describe("reaction_added through Bolt's receiver", () => {
  test("a :pushpin: on a person's message reaches its route as a reaction Inbound, once", async () => {
    const m = fake.postAsUser({
      user: "U0BOB",
      channel: "inc-1-search",
      text: "Rolled back <@U0ALICE|alice>'s deploy",
    });
    const d = await fake.sendReactionAdded({
      user: "U0ALICE",
      channel: "inc-1-search",
      ts: m.ts,
      reaction: "pushpin",
    });
    expect(d.status).toBe(200);
    const [run] = await eventually(() => {
      if (pinned.length === 0) throw new Error("the route has not run yet");
      return pinned;
    });
    expect(run?.inbound).toEqual({
      platform: "slack",
      actor: "U0ALICE",
      conversationId: channelId(),
      deliveryId: `reaction-${d.envelope.event_id}`,
      body: { kind: "reaction", reaction: "pushpin", messageId: m.ts },
    });
    expect(run?.messageId).toBe(m.ts);
    expect(run?.fetched).toMatchObject({ text: "Rolled back <@U0ALICE>'s deploy", author: "U0BOB" });
    expect(run?.fetched?.link).toContain(channelId());
    fake.assertNoViolations();
  });

  test("a redelivery of the same event (Slack's retry) reaches the adapter but runs nothing again", async () => {
    const m = fake.postAsUser({ user: "U0BOB", channel: "inc-1-search", text: "found it" });
    const first = await fake.sendReactionAdded({ channel: "inc-1-search", ts: m.ts, reaction: "pushpin" });
    await eventually(() => expect(pinned).toHaveLength(1));
    const again = await fake.redeliverEvent(first.envelope, { retryNum: 1, retryReason: "http_timeout" });
    expect(again.status).toBe(200);
    await eventually(() => expect(seen).toHaveLength(2));
    expect(seen[1]?.deliveryId).toBe(seen[0]?.deliveryId);
    await sleep(300);
    expect(pinned).toHaveLength(1);
    // The same reaction by someone else is a new event, and runs.
    await fake.sendReactionAdded({ user: "U0BOB", channel: "inc-1-search", ts: m.ts, reaction: "pushpin" });
    await eventually(() => expect(pinned).toHaveLength(2));
  });

  test("a reaction in a thread carries the reply's ts, and the reply is read back", async () => {
    const parent = fake.postAsUser({ user: "U0ALICE", channel: "inc-1-search", text: "Search is slow" });
    const reply = fake.postAsUser({
      user: "U0BOB",
      channel: "inc-1-search",
      text: "cache is cold",
      threadTs: parent.ts,
    });
    await fake.sendReactionAdded({ channel: "inc-1-search", ts: reply.ts, reaction: "pushpin" });
    await eventually(() => expect(pinned).toHaveLength(1));
    expect(pinned[0]?.messageId).toBe(reply.ts);
    expect(pinned[0]?.fetched?.text).toBe("cache is cold");
  });

  test("forged and stale signatures are refused with 401 and nothing reaches the dispatcher", async () => {
    const m = fake.postAsUser({ user: "U0BOB", channel: "inc-1-search", text: "x" });
    const input = { channel: "inc-1-search", ts: m.ts, reaction: "pushpin" };
    expect((await fake.sendReactionAdded(input, { forgeSignature: true })).status).toBe(401);
    expect((await fake.sendReactionAdded(input, { signingSecret: "not-the-secret" })).status).toBe(401);
    expect((await fake.sendReactionAdded(input, { stale: true })).status).toBe(401);
    await sleep(200);
    expect(seen).toEqual([]);
    expect(pinned).toEqual([]);
  });

  test("the bot's own reaction and reactions on files are ignored", async () => {
    const m = fake.postAsUser({ user: "U0BOB", channel: "inc-1-search", text: "x" });
    const own = await fake.sendReactionAdded({
      user: fake.botUserId,
      channel: "inc-1-search",
      ts: m.ts,
      reaction: "pushpin",
    });
    expect(own.status).toBe(200);
    const onFile = await fake.sendEvent({
      type: "reaction_added",
      user: "U0ALICE",
      reaction: "pushpin",
      item_user: "U0BOB",
      item: { type: "file", file: "F0FILE" },
    });
    expect(onFile.status).toBe(200);
    await sleep(300);
    expect(seen).toEqual([]);
    expect(pinned).toEqual([]);
  });

  test("an emoji no route claims is handed over and does nothing", async () => {
    const m = fake.postAsUser({ user: "U0BOB", channel: "inc-1-search", text: "x" });
    await fake.sendReactionAdded({ channel: "inc-1-search", ts: m.ts, reaction: "eyes" });
    await eventually(() => expect(seen).toHaveLength(1));
    expect(seen[0]?.body).toEqual({ kind: "reaction", reaction: "eyes", messageId: m.ts });
    await sleep(200);
    expect(pinned).toEqual([]);
    expect(fake.ephemerals()).toEqual([]);
  });
});
