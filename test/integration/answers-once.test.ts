import { afterEach, describe, expect, it } from "vitest";
import { createDispatcher } from "../../handlers/dispatch.js";
import type { ChatPlatform, Inbound } from "../../src/core/ports.js";
import { createLogger } from "../../src/main/logger.js";
import { type Running, startRuntime } from "../../src/main/runtime.js";
import { type FakeMattermost, startFakeMattermost } from "../helpers/fake-mattermost/index.js";
import { eventually } from "../helpers/firebreak.js";
import { mattermostEnv, mattermostWorld, postText } from "../helpers/mattermost-world.js";
import { deletePrefix, testRedis, uniquePrefix } from "../helpers/redis.js";
import { slackWorld } from "../helpers/slack-world.js";
import { anIncident, fakeContext } from "../unit/handler-fakes.js";

/**
 * A mention or a reaction has no request whose response could carry the answer, so the answer is a message of
 * its own. Every web process holds the bot's WebSocket and sees every mention, and Slack retries an event it
 * thinks was lost: whoever sees a delivery, and however often, the person is answered once.
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const count = (all: string[], needle: string) => all.filter((a) => a.includes(needle)).length;

describe("a mention seen by two web processes", { timeout: 40_000 }, () => {
  const started: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const stop of started.splice(0).reverse()) await stop();
  });

  /** Firebreak as a web+worker process and a second web process, on one Redis prefix and one fake Mattermost. */
  async function twoProcesses(): Promise<FakeMattermost> {
    const fake = await startFakeMattermost();
    started.push(() => fake.close());
    const prefix = uniquePrefix("answers-once");
    started.push(async () => {
      const redis = testRedis();
      await deletePrefix(redis, prefix);
      redis.disconnect();
    });
    const env = mattermostEnv(fake, prefix);
    const logger = createLogger(process.env.TEST_LOG_LEVEL ?? "silent");
    const processes: Running[] = [];
    for (const role of ["all", "web"] as const) {
      const running = await startRuntime({ ...env }, role, logger);
      started.push(() => running.stop());
      processes.push(running);
    }
    fake.botUrl = processes[0]?.url;
    await eventually(() => expect(fake.webSocketCount()).toBe(2), 10_000);
    return fake;
  }

  /** What Bob was told, wherever it reached him (the bot may not post ephemeral messages here: by DM). */
  const toldBob = (fake: FakeMattermost) => [
    ...fake.ephemerals("bob").map((e) => e.message),
    ...fake.dmWith("bob").map(postText),
  ];

  it("is answered once, for answers the ack alone gives and for those the work gives", async () => {
    const fake = await twoProcesses();
    await fake.postAs({ user: "bob", channel: "incidents", message: "@firebreak help" });
    await eventually(() => expect(count(toldBob(fake), "Firebreak commands")).toBe(1), 10_000);
    await fake.postAs({ user: "bob", channel: "incidents", message: "@firebreak xyzzy" });
    await eventually(() => expect(count(toldBob(fake), "Unknown command")).toBe(1), 10_000);
    await fake.postAs({
      user: "bob",
      channel: "town-square",
      message: "@firebreak who is on call for search?",
    });
    await eventually(() => expect(count(toldBob(fake), "owner:")).toBe(1), 10_000);
    // Both processes had the time to answer each of them.
    await sleep(1000);
    const told = toldBob(fake);
    expect(count(told, "Firebreak commands")).toBe(1);
    expect(count(told, "Unknown command")).toBe(1);
    expect(count(told, "owner:")).toBe(1);
    fake.assertNoViolations();
  });
});

describe("a Slack event sent again", { timeout: 30_000 }, () => {
  const world = slackWorld();

  it("is answered once, as its work is done once", async () => {
    const { fake } = await world.start({
      label: "answers-once-slack",
      channels: [{ name: "incidents", members: ["U0ALICE", "U0BOB"], botIsMember: true }],
    });
    const text = `<@${fake.botUserId}> help`;
    const first = await fake.sendAppMention({ user: "U0BOB", channel: "incidents", text });
    expect(first.status).toBe(200);
    const answers = () =>
      fake.ephemerals({ user: "U0BOB" }).filter((e) => JSON.stringify(e).includes("Firebreak commands"));
    await eventually(() => expect(answers()).toHaveLength(1), 10_000);
    // Slack heard nothing in time and sends the same event again.
    const again = await fake.redeliverEvent(first.envelope, { retryNum: 1, retryReason: "http_timeout" });
    expect(again.status).toBe(200);
    await sleep(1000);
    expect(answers()).toHaveLength(1);
    fake.assertNoViolations();
  });
});

describe("the answer to a mention or a reaction", () => {
  /** The dispatcher over the handler fakes, with the platform's ephemeral replies recorded. */
  async function dispatcher(claim: (key: string) => Promise<boolean>) {
    const fake = await fakeContext(anIncident());
    const replies: Array<{ to: string; text: string }> = [];
    const platform = {
      ...fake.ctx.platform("slack"),
      replyEphemeral: async (to, message) => void replies.push({ to: to.userId, text: message.text }),
    } as ChatPlatform;
    const ctx = {
      ...fake.ctx,
      idempotency: { ...fake.ctx.idempotency, claim },
      platform: () => platform,
    };
    return { prepare: createDispatcher(ctx).prepare, replies };
  }

  const mention = (deliveryId: string): Inbound => ({
    platform: "slack",
    actor: "U0BOB",
    conversationId: "C0INC",
    deliveryId,
    body: { kind: "mention", text: "help" },
  });

  it("is sent by the run, once per delivery, under a claim of its own", async () => {
    const claimed = new Set<string>();
    const { prepare, replies } = await dispatcher(async (key) => {
      if (claimed.has(key)) return false;
      claimed.add(key);
      return true;
    });
    const plan = prepare(mention("mention-C0INC-1"));
    // Nothing for the adapter to send before the run: the run decides whether this delivery is answered.
    expect(plan.ack).toBeUndefined();
    await plan.run();
    await prepare(mention("mention-C0INC-1")).run();
    expect(replies).toEqual([{ to: "U0BOB", text: expect.stringContaining("Firebreak commands") }]);
    expect([...claimed]).toEqual(["slack-mention-C0INC-1-answer"]);
    await prepare(mention("mention-C0INC-2")).run();
    expect(replies).toHaveLength(2);
  });

  it("is sent anyway when Redis cannot say whether it was sent: a duplicate beats silence", async () => {
    const { prepare, replies } = await dispatcher(async () => {
      throw new Error("Redis is unavailable");
    });
    await prepare(mention("mention-C0INC-3")).run();
    expect(replies).toEqual([{ to: "U0BOB", text: expect.stringContaining("Firebreak commands") }]);
  });

  it("leaves the answers of commands, clicks and forms to the adapter, in the plan's ack", async () => {
    const { prepare, replies } = await dispatcher(async () => true);
    const plan = prepare({ ...mention("command-1"), body: { kind: "command", text: "help" } });
    expect(plan.ack?.text).toContain("Firebreak commands");
    await plan.run();
    expect(replies).toEqual([]);
    // And a reaction that has no route is no answer at all.
    const reaction = prepare({
      ...mention("reaction-1"),
      body: { kind: "reaction", reaction: "tada", messageId: "1.2" },
    });
    expect(reaction.ack).toBeUndefined();
  });
});

describe("a dialog opened twice", { timeout: 30_000 }, () => {
  const world = mattermostWorld();

  it("is two deliveries even when both say the same: a repeated update is posted twice", async () => {
    const { fake } = await world.start({ label: "answers-once-dialogs" });
    const channel = "inc-1-search-is-down";
    await world.say("general", "open Search is down sev2 service:search", "bob");
    await world.incidentChannel(channel);
    const updates = async () =>
      (await world.store().timeline("INC-1")).filter((e) => e.type === "status_update_posted");
    for (const n of [0, 1]) {
      await world.click("dana", () => [world.card(channel)], "Post update");
      const dialog = await world.dialog("dana", n);
      const submitted = await fake.submitDialog({
        user: "dana",
        dialog,
        values: { text: "Still investigating" },
      });
      expect(submitted).toMatchObject({ status: 200, closed: true });
      await eventually(async () => expect(await updates()).toHaveLength(n + 1), 10_000);
    }
    fake.assertNoViolations();
  });
});
