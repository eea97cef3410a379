// What the Slack ChatPlatform reads back, against the fake Slack (which rejects what real Slack would): who a
// user is (users.info), whether someone is in a channel (conversations.members, every page), and a message by
// its ts (conversations.history, or conversations.replies for a thread reply), its text turned into neutral
// markup that can name people but never ping a channel or carry a link.

import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { fetchSlackIdentity } from "../../src/adapters/slack/identity.js";
import { fromSlackMessage, toMrkdwn } from "../../src/adapters/slack/mrkdwn.js";
import { createSlackPlatform, fromSlackTs } from "../../src/adapters/slack/slack-platform.js";
import { createSlackWebClient } from "../../src/adapters/slack/web-client.js";
import { PlatformError } from "../../src/core/errors.js";
import { parseMarkup } from "../../src/core/markup.js";
import type { ChatPlatform, Logger } from "../../src/core/ports.js";
import { type FakeSlack, type FakeSlackOptions, startFakeSlack } from "../helpers/fake-slack/index.js";

const logger: Logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
const started: FakeSlack[] = [];
let fake: FakeSlack;
let slack: ChatPlatform;

async function start(options: FakeSlackOptions = {}): Promise<{ fake: FakeSlack; slack: ChatPlatform }> {
  const f = await startFakeSlack({
    users: [
      { id: "U0ALICE", name: "alice", realName: "Alice Archer", displayName: "Ali" },
      { id: "U0BOB", name: "bob", realName: "Bob Baker", displayName: "" },
      { id: "U0DANA", name: "dana", realName: "Dana Diaz" },
      { id: "U0DEPLOY", name: "deploy-bot", realName: "Deploy Bot", isBot: true },
      { id: "U0GONE", name: "gus", realName: "Gus Gone", deleted: true },
      { id: "W0PARTNER", name: "pat", realName: "Pat Partner", hidden: true },
      { id: "USLACKBOT", name: "slackbot", realName: "Slackbot" },
    ],
    channels: [
      { name: "general", members: ["U0ALICE", "U0BOB", "U0DANA"] },
      { name: "incidents", members: ["U0ALICE", "U0BOB"], botIsMember: true },
      { name: "inc-1-secret", isPrivate: true, members: ["U0DANA"], botIsMember: true },
    ],
    ...options,
  });
  started.push(f);
  const client = createSlackWebClient(f.botToken, f.apiUrl);
  return { fake: f, slack: createSlackPlatform(client, await fetchSlackIdentity(client), logger) };
}

beforeEach(async () => {
  ({ fake, slack } = await start());
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((f) => f.close()));
});

const id = (name: string) => fake.channel(name)?.id as string;

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

/** Takes the violations a test provoked on purpose and checks they are exactly these error codes. */
function expectRefusals(...errors: string[]) {
  expect(fake.takeViolations().map((v) => v.error)).toEqual(errors);
}

// ----------------------------------------------------------------------------------------------------------

describe("userInfo (users.info)", () => {
  test.each([
    ["a person with a display name", "U0ALICE", { name: "Ali", isBot: false, deleted: false }],
    ["a person without one: the full name", "U0BOB", { name: "Bob Baker", isBot: false, deleted: false }],
    ["a bot", "U0DEPLOY", { name: "deploy-bot", isBot: true, deleted: false }],
    ["a deactivated account", "U0GONE", { name: "gus", isBot: false, deleted: true }],
    ["Slackbot, which Slack does not flag as a bot", "USLACKBOT", { isBot: true }],
    ["the bot itself", "U0FIREBRK", { name: "firebreak", isBot: true, deleted: false }],
  ])("%s", async (_, userId, expected) => {
    expect(await slack.userInfo(userId)).toMatchObject({ id: userId, ...expected });
    expect(fake.callsTo("users.info").at(-1)?.args).toEqual({ user: userId });
    fake.assertNoViolations();
  });

  test("an unknown user, or one the bot may not see, is null", async () => {
    expect(await slack.userInfo("U0NOBODY")).toBeNull();
    expect(await slack.userInfo("W0PARTNER")).toBeNull();
    expectRefusals("user_not_found", "user_not_visible");
  });

  test("a rate limit is a retryable PlatformError carrying Retry-After", async () => {
    fake.rateLimitNext("users.info", 1, 4);
    const err = await platformError(slack.userInfo("U0ALICE"));
    expect(err).toMatchObject({ platformCode: "ratelimited", retryable: true, retryAfterMs: 4000 });
  });

  test("without users:read the refusal names the scope and is not retried", async () => {
    ({ fake, slack } = await start({ scopes: ["chat:write"] }));
    const err = await platformError(slack.userInfo("U0ALICE"));
    expect(err).toMatchObject({ platformCode: "missing_scope", retryable: false });
    expectRefusals("missing_scope");
  });
});

describe("isMember (conversations.members)", () => {
  test("members, non-members and the bot, in public and private channels", async () => {
    expect(await slack.isMember(id("incidents"), "U0ALICE")).toBe(true);
    expect(await slack.isMember(id("incidents"), "U0DANA")).toBe(false);
    expect(await slack.isMember(id("incidents"), fake.botUserId)).toBe(true);
    expect(await slack.isMember(id("inc-1-secret"), "U0DANA")).toBe(true);
    expect(await slack.isMember(id("inc-1-secret"), "U0ALICE")).toBe(false);
    // The bot reads the members of a public channel it is not in.
    expect(await slack.isMember(id("general"), "U0BOB")).toBe(true);
    fake.assertNoViolations();
  });

  test("reads every page of a big channel", async () => {
    ({ fake, slack } = await start({ maxPageSize: 2 }));
    const members = ["U0ALICE", "U0BOB", "U0DANA", "U0DEPLOY", "U0GONE"];
    fake.addChannel({ name: "inc-2-busy", members, botIsMember: true });
    expect(await slack.isMember(id("inc-2-busy"), fake.botUserId)).toBe(true); // the last of six
    const calls = fake.callsTo("conversations.members");
    expect(calls).toHaveLength(3);
    expect(calls[0]?.args).toMatchObject({ channel: id("inc-2-busy"), limit: "1000" });
    expect(calls[0]?.args.cursor).toBeUndefined();
    const cursors = calls.map((c) => c.args.cursor);
    expect(cursors[1]).toBeTruthy();
    expect(cursors[2]).toBeTruthy();
    expect(cursors[2]).not.toBe(cursors[1]);
    fake.assertNoViolations();
  });

  test("a yes is remembered briefly; a no is asked again, so someone who just joined is found", async () => {
    expect(await slack.isMember(id("incidents"), "U0ALICE")).toBe(true);
    expect(await slack.isMember(id("incidents"), "U0ALICE")).toBe(true);
    expect(fake.callsTo("conversations.members")).toHaveLength(1);

    expect(await slack.isMember(id("incidents"), "U0DANA")).toBe(false);
    fake.channel("incidents")?.members.add("U0DANA"); // joined by herself, the bot was not told
    expect(await slack.isMember(id("incidents"), "U0DANA")).toBe(true);
    expect(fake.callsTo("conversations.members")).toHaveLength(3);
  });

  test("someone the bot invited is a member without asking Slack again", async () => {
    expect(await slack.isMember(id("incidents"), "U0ALICE")).toBe(true);
    await slack.invite(id("incidents"), ["U0DANA"]);
    expect(await slack.isMember(id("incidents"), "U0DANA")).toBe(true);
    expect(fake.callsTo("conversations.members")).toHaveLength(1);
    fake.assertNoViolations();
  });

  test("a channel the bot cannot see has no members it can vouch for", async () => {
    fake.addChannel({ name: "hr-private", isPrivate: true, members: ["U0ALICE"] });
    expect(await slack.isMember(id("hr-private"), "U0ALICE")).toBe(false);
    expectRefusals("channel_not_found");
  });

  test("a rate limit is a retryable PlatformError", async () => {
    fake.rateLimitNext("conversations.members", 1, 2);
    const err = await platformError(slack.isMember(id("incidents"), "U0ALICE"));
    expect(err).toMatchObject({ platformCode: "ratelimited", retryable: true, retryAfterMs: 2000 });
  });
});

describe("fetchMessage (conversations.history / .replies, chat.getPermalink)", () => {
  test("a person's message: neutral text, author, time and link, read with one exact history call", async () => {
    const m = fake.postAsUser({
      user: "U0ALICE",
      channel: "incidents",
      text: "Rolled back <@U0BOB|bob>'s deploy",
    });
    const fetched = await slack.fetchMessage(id("incidents"), m.ts);
    expect(fetched).toEqual({
      text: "Rolled back <@U0BOB>'s deploy",
      author: "U0ALICE",
      at: fromSlackTs(m.ts),
      link: `https://firebreak-test.slack.com/archives/${id("incidents")}/p${m.ts.replace(".", "")}`,
    });
    expect(fake.callsTo("conversations.history").map((c) => c.args)).toEqual([
      { channel: id("incidents"), latest: m.ts, oldest: m.ts, inclusive: "true", limit: "1" },
    ]);
    expect(fake.callsTo("conversations.replies")).toEqual([]);
    fake.assertNoViolations();
  });

  test("the neighbours of a message are never taken for it", async () => {
    const before = fake.postAsUser({ user: "U0ALICE", channel: "incidents", text: "before" });
    const m = fake.postAsUser({ user: "U0BOB", channel: "incidents", text: "the one" });
    fake.postAsUser({ user: "U0ALICE", channel: "incidents", text: "after" });
    expect((await slack.fetchMessage(id("incidents"), m.ts))?.text).toBe("the one");
    expect((await slack.fetchMessage(id("incidents"), before.ts))?.text).toBe("before");
  });

  test("a reply in a thread is read from the thread, with a link into it", async () => {
    const parent = fake.postAsUser({ user: "U0ALICE", channel: "incidents", text: "Search is slow" });
    fake.postAsUser({ user: "U0BOB", channel: "incidents", text: "first", threadTs: parent.ts });
    const reply = fake.postAsUser({
      user: "U0BOB",
      channel: "incidents",
      text: "found it",
      threadTs: parent.ts,
    });
    fake.postAsUser({ user: "U0ALICE", channel: "incidents", text: "later", threadTs: parent.ts });
    const fetched = await slack.fetchMessage(id("incidents"), reply.ts);
    expect(fetched).toMatchObject({ text: "found it", author: "U0BOB", at: fromSlackTs(reply.ts) });
    expect(fetched?.link).toContain(`thread_ts=${parent.ts}`);
    expect(fake.callsTo("conversations.replies")[0]?.args).toMatchObject({
      channel: id("incidents"),
      ts: reply.ts,
      inclusive: "true",
    });
    // The thread's parent is an ordinary message of the channel.
    expect((await slack.fetchMessage(id("incidents"), parent.ts))?.text).toBe("Search is slow");
    fake.assertNoViolations();
  });

  test("a deleted message, or one that never was, is null", async () => {
    const m = fake.postAsUser({ user: "U0ALICE", channel: "incidents", text: "oops, wrong channel" });
    fake.deleteMessage("incidents", m.ts);
    expect(await slack.fetchMessage(id("incidents"), m.ts)).toBeNull();
    expect(await slack.fetchMessage(id("incidents"), "1500000000.000100")).toBeNull();
    expectRefusals("thread_not_found", "thread_not_found");
  });

  test("a message where the bot may not read is null", async () => {
    const m = fake.postAsUser({ user: "U0ALICE", channel: "general", text: "hello" });
    expect(await slack.fetchMessage(id("general"), m.ts)).toBeNull();
    expect(await slack.fetchMessage("CNOPE", m.ts)).toBeNull();
    expectRefusals("not_in_channel", "channel_not_found");
    expect(fake.callsTo("conversations.join")).toEqual([]); // reading never joins a channel
  });

  test("a bot's message has no author", async () => {
    const posted = await slack.post(id("incidents"), { text: "INC-1 opened", blocks: [] });
    const fetched = await slack.fetchMessage(id("incidents"), posted.messageId);
    expect(fetched?.text).toBe("INC-1 opened");
    expect(fetched?.author).toBeUndefined();
  });

  test("without a permalink the message is still read", async () => {
    const m = fake.postAsUser({ user: "U0ALICE", channel: "incidents", text: "still here" });
    fake.failNext("chat.getPermalink", 1, 503);
    const fetched = await slack.fetchMessage(id("incidents"), m.ts);
    expect(fetched).toEqual({ text: "still here", author: "U0ALICE", at: fromSlackTs(m.ts) });
  });

  test("a rate-limited read is a retryable PlatformError", async () => {
    const m = fake.postAsUser({ user: "U0ALICE", channel: "incidents", text: "x" });
    fake.rateLimitNext("conversations.history", 1, 3);
    const err = await platformError(slack.fetchMessage(id("incidents"), m.ts));
    expect(err).toMatchObject({ platformCode: "ratelimited", retryable: true, retryAfterMs: 3000 });
  });

  test("hostile text comes back literal: mentions stay, broadcasts, links and markup do not", async () => {
    const text =
      "<!channel> <!here|@here> <!subteam^S0OPS|@ops> ping <@U0BOB|bob> and <@U0DANA>, see " +
      "<https://evil.example/login|the runbook> <#C0OPS|ops> *bold* _it_ `code` \\ &lt;!everyone&gt; &amp; <@not-an-id>";
    const m = fake.postAsUser({ user: "U0ALICE", channel: "incidents", text });
    const fetched = await slack.fetchMessage(id("incidents"), m.ts);
    const spans = parseMarkup(fetched?.text ?? "");
    // Only the two people are markup; everything else is plain text.
    expect(spans.filter((s) => s.kind !== "text")).toEqual([
      { kind: "user", id: "U0BOB" },
      { kind: "user", id: "U0DANA" },
    ]);
    const plain = spans.map((s) => (s.kind === "user" ? `<@${s.id}>` : "text" in s ? s.text : "?")).join("");
    expect(plain).toBe(
      "@channel @here @ops ping <@U0BOB> and <@U0DANA>, see the runbook (https://evil.example/login) #ops " +
        "*bold* _it_ `code` \\ <!everyone> & <@not-an-id>",
    );
    // Quoted in a later bot message, it pings and links nobody.
    const out = toMrkdwn(fetched?.text ?? "");
    expect(out).not.toMatch(/<!|<https?:|<#/);
    expect(out).toContain("<@U0BOB>");
    expect(out).toContain("&lt;!everyone&gt;");
  });
});

describe("fromSlackMessage", () => {
  test.each([
    ["plain", "plain"],
    ["<@U0BOB>", "<@U0BOB>"],
    ["<@W0GRID|pat>", "<@W0GRID>"],
    ["<!channel>", "@channel"],
    ["<http://x.io|x.io>", "x.io"],
    ["<mailto:a@b.c|a@b.c>", "a@b.c"],
    ["a_b*c", "a\\_b\\*c"],
    ["&lt;@U0BOB&gt;", "\\<@U0BOB\\>"],
    ["x &amp;lt; y", "x &lt; y"],
  ])("%s → %s", (slackText, neutral) => {
    expect(fromSlackMessage(slackText)).toBe(neutral);
  });
});
