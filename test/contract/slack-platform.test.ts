// The Slack ChatPlatform against the fake Slack (which rejects what real Slack would): the durable-outbox
// contract (a post carries its key where `findPosted` can read it back; `openDirect` is stable) and the error
// translation the outbox relies on (429 → retryable with Retry-After, 5xx and network errors → retryable),
// with a WebClient that neither sleeps nor retries on its own.

import express from "express";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { carriesKey, keyBlockId, toBlockKit } from "../../src/adapters/slack/block-kit.js";
import { createSlackAdapter } from "../../src/adapters/slack/bolt-app.js";
import { fetchSlackIdentity } from "../../src/adapters/slack/identity.js";
import { createSlackPlatform, toSlackTs } from "../../src/adapters/slack/slack-platform.js";
import { createSlackWebClient, slackClientOptions } from "../../src/adapters/slack/web-client.js";
import { PlatformError } from "../../src/core/errors.js";
import type { Message } from "../../src/core/message.js";
import type { ChatPlatform, Logger } from "../../src/core/ports.js";
import { type FakeSlack, type FakeSlackOptions, startFakeSlack } from "../helpers/fake-slack/index.js";

const logger: Logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
const started: FakeSlack[] = [];
let fake: FakeSlack;
let slack: ChatPlatform;

async function start(options: FakeSlackOptions = {}): Promise<{ fake: FakeSlack; slack: ChatPlatform }> {
  const f = await startFakeSlack({
    channels: [
      { name: "general", members: ["U0ALICE", "U0BOB", "U0DANA"] },
      { name: "incidents", members: ["U0ALICE", "U0BOB"], botIsMember: true },
    ],
    ...options,
  });
  started.push(f);
  const client = createSlackWebClient(f.botToken, f.apiUrl);
  return { fake: f, slack: createSlackPlatform(client, await fetchSlackIdentity(client), logger) };
}

beforeEach(async () => {
  vi.mocked(logger.warn).mockClear();
  ({ fake, slack } = await start());
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((f) => f.close()));
});

const id = (name: string) => fake.channel(name)?.id as string;
const msg = (text: string): Message => ({ text, blocks: [{ type: "section", text }] });
const aMinuteAgo = () => new Date(Date.now() - 60_000);

/** The PlatformError a call was rejected with. */
async function platformError(call: Promise<unknown>): Promise<PlatformError> {
  try {
    await call;
  } catch (err) {
    expect(err).toBeInstanceOf(PlatformError);
    return err as PlatformError;
  }
  throw new Error("expected the call to be rejected");
}

// ----------------------------------------------------------------------------------------------------------

describe("the outbox key in Block Kit", () => {
  test("is the first block's block_id: fbk.<key>, or fbh.<sha256> when too long or not plain ASCII", () => {
    expect(keyBlockId("INC-4/page")).toBe("fbk.INC-4/page");
    const long = `INC-4/${"x".repeat(300)}`;
    expect(keyBlockId(long)).toMatch(/^fbh\.[0-9a-f]{64}$/);
    expect(keyBlockId(long)).toBe(keyBlockId(long));
    expect(keyBlockId("INC-4/update ü")).toMatch(/^fbh\.[0-9a-f]{64}$/);
    expect(keyBlockId(`k${"y".repeat(250)}`)).toHaveLength(255); // 4 + 251 still fits as is
    expect(keyBlockId(`k${"y".repeat(251)}`)).toMatch(/^fbh\./);
  });

  test("replaces the first block's own block_id, and a message without blocks gets a section for it", () => {
    const withActions = toBlockKit(
      { text: "t", blocks: [{ type: "actions", buttons: [{ actionId: "ack", label: "Ack" }] }] },
      "INC-1/page",
    );
    expect(withActions.blocks[0]).toMatchObject({ type: "actions", block_id: "fbk.INC-1/page" });
    const bare = toBlockKit({ text: "*INC-1* opened", blocks: [] }, "INC-1/announce");
    expect(bare.blocks).toEqual([
      { type: "section", block_id: "fbk.INC-1/announce", text: { type: "mrkdwn", text: "*INC-1* opened" } },
    ]);
    expect(toBlockKit({ text: "plain", blocks: [] }).blocks).toEqual([]); // unkeyed: as before
    expect(carriesKey(bare, "INC-1/announce")).toBe(true);
    expect(carriesKey(bare, "INC-1/announce2")).toBe(false);
  });
});

describe("post with a key, then findPosted", () => {
  test("finds the message by key, not another key, not before `since`, not in another channel", async () => {
    const since = aMinuteAgo();
    const posted = await slack.post(id("incidents"), msg("Search is down"), { key: "INC-4/kickoff" });
    await slack.post(id("incidents"), msg("unkeyed"));
    await slack.post(id("incidents"), msg("other"), { key: "INC-4/update-1" });
    expect(fake.messages("incidents")[0]?.blocks?.[0]).toMatchObject({ block_id: "fbk.INC-4/kickoff" });

    expect(await slack.findPosted(id("incidents"), "INC-4/kickoff", since)).toEqual(posted);
    expect(await slack.findPosted(id("incidents"), "INC-4/update-2", since)).toBeNull();
    expect(await slack.findPosted(id("incidents"), "INC-4/kickoff", new Date(Date.now() + 5_000))).toBeNull();
    const other = await slack.createChannel("inc-4-other", {});
    expect(await slack.findPosted(other.id, "INC-4/kickoff", since)).toBeNull();

    const history = fake.callsTo("conversations.history");
    expect(history[0]?.args).toMatchObject({ channel: id("incidents"), inclusive: "true", limit: "200" });
    expect(history[0]?.args.oldest).toBe(toSlackTs(since));
    fake.assertNoViolations();
  });

  test("`since` is inclusive: a post in the very microsecond of `since` is found", async () => {
    const posted = await slack.post(id("incidents"), msg("x"), { key: "INC-5/page" });
    const at = new Date(Math.floor(Number(posted.messageId) * 1000)); // ms precision: at or just before it
    expect(await slack.findPosted(id("incidents"), "INC-5/page", at)).toEqual(posted);
  });

  test("ignores a message someone else posted with the same block_id", async () => {
    const since = aMinuteAgo();
    const stored = fake.postAsUser({ user: "U0ALICE", channel: "incidents", text: "copy" });
    stored.blocks = [
      { type: "section", block_id: keyBlockId("INC-6/page"), text: { type: "mrkdwn", text: "copy" } },
    ];
    expect(await slack.findPosted(id("incidents"), "INC-6/page", since)).toBeNull();
  });

  test("long keys round-trip through their hash", async () => {
    const key = `INC-7/${"update-".repeat(60)}`;
    const posted = await slack.post(id("incidents"), { text: "long", blocks: [] }, { key });
    expect(fake.messages("incidents")[0]?.blocks?.[0]).toMatchObject({
      type: "section",
      block_id: keyBlockId(key),
    });
    expect(await slack.findPosted(id("incidents"), key, aMinuteAgo())).toEqual(posted);
  });

  test("pages through the history (newest first) to find an older post", async () => {
    ({ fake, slack } = await start({ maxPageSize: 2 }));
    const since = aMinuteAgo();
    const posted = await slack.post(id("incidents"), msg("early"), { key: "INC-8/page" });
    for (let i = 0; i < 5; i++) await slack.post(id("incidents"), msg(`later ${i}`));
    expect(await slack.findPosted(id("incidents"), "INC-8/page", since)).toEqual(posted);
    expect(fake.callsTo("conversations.history").length).toBe(3);
    fake.assertNoViolations();
  });

  test("stops after a few pages and says so instead of reading a whole busy channel", async () => {
    ({ fake, slack } = await start({ maxPageSize: 1 }));
    const since = aMinuteAgo();
    await slack.post(id("incidents"), msg("early"), { key: "INC-9/page" });
    for (let i = 0; i < 8; i++) await slack.post(id("incidents"), msg(`later ${i}`));
    expect(await slack.findPosted(id("incidents"), "INC-9/page", since)).toBeNull();
    expect(fake.callsTo("conversations.history").length).toBe(5);
    expect(logger.warn).toHaveBeenCalledTimes(1);
  });

  test("joins a public channel it posted to without being a member, then finds the post", async () => {
    const since = aMinuteAgo();
    const posted = await slack.post(id("general"), msg("announced"), { key: "INC-10/announce" });
    expect(fake.channel("general")?.members.has(fake.botUserId)).toBe(false); // chat:write.public
    expect(await slack.findPosted(id("general"), "INC-10/announce", since)).toEqual(posted);
    expect(fake.callsTo("conversations.join")).toHaveLength(1);
    fake.assertNoViolations({ allow: ["not_in_channel"] });
  });

  test("an update given the post's key keeps it on the new first block, so findPosted still finds it", async () => {
    const since = aMinuteAgo();
    const posted = await slack.post(id("incidents"), msg("INC-4 opened"), { key: "INC-4/kickoff" });
    // The edit's first block is of another kind than the post's: the key moves to whatever comes first now.
    await slack.update(
      posted,
      {
        text: "INC-4 acknowledged",
        blocks: [{ type: "header", text: "INC-4" }, ...msg("acknowledged").blocks],
      },
      { key: "INC-4/kickoff" },
    );
    const [edited] = fake.messages("incidents");
    expect(edited?.text).toBe("INC-4 acknowledged");
    expect(edited?.blocks?.[0]).toMatchObject({ type: "header", block_id: "fbk.INC-4/kickoff" });
    expect(await slack.findPosted(id("incidents"), "INC-4/kickoff", since)).toEqual(posted);

    // A long key and an edit without blocks: the key's hash gets a section of its own, as on a post.
    const key = `INC-4/note/${"é".repeat(200)}`;
    const note = await slack.post(id("incidents"), msg("note"), { key });
    await slack.update(note, { text: "note, edited", blocks: [] }, { key });
    expect(await slack.findPosted(id("incidents"), key, since)).toEqual(note);
    fake.assertNoViolations();
  });

  test("an update without the key loses it: findPosted no longer knows the message", async () => {
    const posted = await slack.post(id("incidents"), msg("INC-4 opened"), { key: "INC-4/page" });
    await slack.update(posted, msg("INC-4 acknowledged"));
    expect(await slack.findPosted(id("incidents"), "INC-4/page", aMinuteAgo())).toBeNull();
  });

  test("an unknown channel is a non-retryable PlatformError", async () => {
    const err = await platformError(slack.findPosted("CNOPE", "k", aMinuteAgo()));
    expect(err).toMatchObject({ platformCode: "channel_not_found", retryable: false });
  });
});

describe("openDirect", () => {
  test("returns the same DM twice, and a keyed post there is found", async () => {
    const first = await slack.openDirect("U0DANA");
    expect(first).toMatch(/^D/);
    expect(await slack.openDirect("U0DANA")).toBe(first);
    expect(fake.imWith("U0DANA")?.id).toBe(first);
    const since = aMinuteAgo();
    const posted = await slack.post(first, msg("You are paged for INC-11"), { key: "INC-11/page-dm" });
    expect(await slack.findPosted(first, "INC-11/page-dm", since)).toEqual(posted);
    fake.assertNoViolations();
  });

  test("an unknown user is a non-retryable PlatformError", async () => {
    const err = await platformError(slack.openDirect("U0NOBODY"));
    expect(err).toMatchObject({ platformCode: "user_not_found", retryable: false });
    fake.takeViolations();
  });
});

describe("errors the outbox retries", () => {
  test("429 → PlatformError ratelimited, retryable, retryAfterMs from Retry-After, without waiting", async () => {
    fake.rateLimitNext("chat.postMessage", 1, 7);
    const t0 = performance.now();
    const err = await platformError(slack.post(id("incidents"), msg("x"), { key: "INC-12/page" }));
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(err).toMatchObject({ platformCode: "ratelimited", retryable: true, retryAfterMs: 7000 });
    expect(err.code).toBe("platform_ratelimited");
    expect(fake.callsTo("chat.postMessage")).toHaveLength(1); // no hidden retry
    expect(fake.messages("incidents")).toEqual([]);
  });

  test("a rate-limited conversations.history surfaces the same way", async () => {
    fake.rateLimitNext("conversations.history", 1, 3);
    const err = await platformError(slack.findPosted(id("incidents"), "k", aMinuteAgo()));
    expect(err).toMatchObject({ platformCode: "ratelimited", retryable: true, retryAfterMs: 3000 });
  });

  test("HTTP 500 and 503 → retryable, once each (no hidden retries); a 404 is not retryable", async () => {
    fake.failNext("chat.postMessage", 1, 500);
    fake.failNext("chat.postMessage", 1, 503);
    fake.failNext("chat.postMessage", 1, 404);
    for (const status of [500, 503]) {
      const err = await platformError(slack.post(id("incidents"), msg("x")));
      expect(err).toMatchObject({ platformCode: `http_${status}`, retryable: true });
      expect(err.retryAfterMs).toBeUndefined();
    }
    expect(await platformError(slack.post(id("incidents"), msg("x")))).toMatchObject({
      platformCode: "http_404",
      retryable: false,
    });
    expect(fake.callsTo("chat.postMessage").map((c) => c.status)).toEqual([500, 503, 404]);
    expect(fake.messages("incidents")).toEqual([]);
  });

  test("a dropped connection and Slack's internal_error are retryable; a refusal is not", async () => {
    fake.inject("chat.postMessage", { type: "reset" });
    expect(await platformError(slack.post(id("incidents"), msg("x")))).toMatchObject({
      platformCode: "unreachable",
      retryable: true,
    });
    fake.inject("chat.postMessage", { type: "slack_error", error: "internal_error" });
    expect(await platformError(slack.post(id("incidents"), msg("x")))).toMatchObject({
      platformCode: "internal_error",
      retryable: true,
    });
    const archived = await slack.createChannel("inc-13", {});
    const c = fake.channel(archived.id);
    if (c) c.archived = true;
    expect(await platformError(slack.post(archived.id, msg("x")))).toMatchObject({
      platformCode: "is_archived",
      retryable: false,
    });
    fake.takeViolations();
  });

  test("after the faults, the retry posts once and findPosted sees it", async () => {
    fake.failNext("chat.postMessage", 2, 500);
    fake.rateLimitNext("chat.postMessage", 1, 1);
    const since = aMinuteAgo();
    for (let i = 0; i < 3; i++) {
      await platformError(slack.post(id("incidents"), msg("x"), { key: "INC-14/page" }));
      expect(await slack.findPosted(id("incidents"), "INC-14/page", since)).toBeNull();
    }
    const posted = await slack.post(id("incidents"), msg("x"), { key: "INC-14/page" });
    expect(await slack.findPosted(id("incidents"), "INC-14/page", since)).toEqual(posted);
    expect(fake.messages("incidents")).toHaveLength(1);
  });
});

describe("client options", () => {
  test("createSlackWebClient and Bolt's client reject 429s at once and never retry", async () => {
    expect(slackClientOptions()).toEqual({ rejectRateLimitedCalls: true, retryConfig: { retries: 0 } });
    expect(slackClientOptions("http://x/api/")).toMatchObject({ slackApiUrl: "http://x/api/" });
    // Bolt writes its logger into the options object; each call must hand out a fresh one.
    expect(slackClientOptions()).not.toBe(slackClientOptions());

    const adapter = await createSlackAdapter({
      mode: { kind: "http", botToken: fake.botToken, signingSecret: fake.signingSecret, apiUrl: fake.apiUrl },
      expressApp: express(),
      prepare: () => ({ run: async () => {} }) as never,
      logger,
    });
    fake.rateLimitNext("chat.postMessage", 1, 9);
    const t0 = performance.now();
    const err = await platformError(adapter.platform.post(id("incidents"), msg("x")));
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(err).toMatchObject({ platformCode: "ratelimited", retryAfterMs: 9000 });
    fake.failNext("chat.postMessage", 1, 502);
    expect(await platformError(adapter.platform.post(id("incidents"), msg("x")))).toMatchObject({
      platformCode: "http_502",
      retryable: true,
    });
    expect(fake.callsTo("chat.postMessage").map((c) => c.status)).toEqual([429, 502]);
  });
});

describe("calls whose refusal is an answer", () => {
  test("invite skips the bot and is content when everyone is already there; pin twice is fine", async () => {
    const c = await slack.createChannel("inc-20-calls", {});
    await slack.invite(c.id, ["U0BOB", fake.botUserId]);
    expect(fake.callsTo("conversations.invite").at(-1)?.args.users).toBe("U0BOB");
    await slack.invite(c.id, ["U0BOB"]); // already_in_channel: the goal is met
    await slack.invite(c.id, [fake.botUserId]); // only the bot: no call at all
    expect(fake.callsTo("conversations.invite")).toHaveLength(2);
    const posted = await slack.post(c.id, msg("pin me"));
    await slack.pin(posted);
    await slack.pin(posted); // already_pinned
    expect(fake.channel(c.id)?.pins.has(posted.messageId)).toBe(true);
    fake.takeViolations();
  });

  test("an ephemeral reply where the person is not reaches them by DM", async () => {
    const c = await slack.createChannel("inc-21-elsewhere", {});
    await slack.replyEphemeral({ userId: "U0DANA", conversationId: c.id }, msg("Only for Dana"));
    expect(fake.imWith("U0DANA")?.messages.at(-1)?.text).toContain("Only for Dana");
    fake.takeViolations();
  });
});

describe("resolveChannel", () => {
  test("remembers a hit for good and a miss for five minutes, then finds a channel created since", async () => {
    ({ fake, slack } = await start({ maxPageSize: 1 }));
    expect(await slack.resolveChannel("incidents")).toBe(id("incidents"));
    const sweeps = () => fake.callsTo("conversations.list").length;
    const afterHit = sweeps();
    expect(await slack.resolveChannel("incidents")).toBe(id("incidents"));
    expect(sweeps()).toBe(afterHit);

    expect(await slack.resolveChannel("war-room")).toBeNull();
    const afterMiss = sweeps();
    expect(afterMiss).toBeGreaterThan(afterHit + 1); // paged through every channel once
    fake.addChannel({ name: "war-room" });
    expect(await slack.resolveChannel("war-room")).toBeNull(); // still remembered as missing
    expect(sweeps()).toBe(afterMiss);

    const realNow = Date.now.bind(Date);
    const clock = vi.spyOn(Date, "now").mockImplementation(() => realNow() + 5 * 60_000 + 1);
    try {
      expect(await slack.resolveChannel("war-room")).toBe(id("war-room"));
    } finally {
      clock.mockRestore();
    }
    expect(sweeps()).toBeGreaterThan(afterMiss);
    fake.takeViolations();
  });
});
