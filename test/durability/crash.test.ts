import { afterEach, describe, expect, it } from "vitest";
import { eventually } from "../helpers/firebreak.js";
import { Stack } from "./stack.js";

/**
 * What on-call people trust: a worker killed mid-job, a worker asked to stop, and Redis going away do not lose
 * or repeat anything, and nobody is told something was done that was not.
 */
let stack: Stack | undefined;

afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

const blockIds = (m: { blocks?: unknown[] }) =>
  (m.blocks ?? []).map((b) => (b as { block_id?: string }).block_id ?? "");

describe("a worker killed with kill -9 in the middle of a job", () => {
  it("sees the job run again within 20 s, with nothing posted twice", async () => {
    stack = await Stack.start({ workers: 1 });
    const { fake } = stack;
    const [worker] = stack.workers;
    // Slow Slack so that the kill lands while a post is on its way.
    fake.setLatency(700);
    let killedAt = 0;
    let killing: Promise<void> | undefined;
    fake.onApiCall = (method) => {
      if (method === "chat.postMessage" && !killing) {
        killedAt = Date.now();
        killing = worker?.kill();
      }
    };
    const d = await fake.sendSlashCommand({
      text: "open Checkout is failing sev1 service:search",
      user: "U0BOB",
    });
    expect(d.status).toBe(200);
    await eventually(() => expect(killing).toBeDefined(), 20_000, 20);
    await killing;
    fake.onApiCall = undefined;
    // The killed worker's post still reaches Slack (the request was already sent): the retry must find it.
    const survivor = await stack.addWorker();
    fake.setLatency(0);
    await survivor.waitForLog((l) => l.msg === "outbox: found the post of an interrupted attempt", 25_000);
    const recoveredMs = Date.now() - killedAt;
    expect(recoveredMs).toBeLessThan(20_000);

    const channel = await eventually(() => {
      const c = fake.channel("inc-1-checkout-is-failing");
      if (!c) throw new Error("no channel yet");
      return c;
    }, 20_000);
    const keysIn = (c: { messages: Array<{ blocks?: unknown[] }> }) => c.messages.map((m) => blockIds(m)[0]);
    // Everything opening does, in every lane: the channel's page and kickoff, the announcement, the DM page
    // and the reporter's answer.
    await eventually(
      () => {
        expect(keysIn(channel)).toEqual(expect.arrayContaining(["fbk.INC-1/page", "fbk.INC-1/kickoff"]));
        expect(fake.messages("incidents").length).toBeGreaterThanOrEqual(1);
        expect(keysIn(fake.imWith("U0DANA") ?? { messages: [] })).toContain("fbk.INC-1/page-dm");
        expect(d.responseUrl.posts.length).toBeGreaterThanOrEqual(1);
      },
      25_000,
      50,
    );
    // Let any duplicate that a careless retry would send arrive before counting.
    await new Promise((r) => setTimeout(r, 2000));
    for (const keys of [
      keysIn(channel),
      keysIn(fake.channel("incidents") ?? { messages: [] }),
      keysIn(fake.imWith("U0DANA") ?? { messages: [] }),
    ]) {
      expect(new Set(keys).size, keys.join(", ")).toBe(keys.length);
    }
    expect(d.responseUrl.posts).toHaveLength(1);
  }, 60_000);
});

describe("a worker asked to stop (SIGTERM)", () => {
  it("finishes what it holds and exits cleanly", async () => {
    stack = await Stack.start({ workers: 1 });
    const { fake } = stack;
    const [worker] = stack.workers;
    fake.setLatency(300);
    let stopping: Promise<number | null> | undefined;
    fake.onApiCall = (method) => {
      if (method === "conversations.create" && !stopping) stopping = worker?.terminate();
    };
    const d = await fake.sendSlashCommand({ text: "open Search is slow sev2 service:search", user: "U0BOB" });
    expect(d.status).toBe(200);
    await eventually(() => expect(stopping).toBeDefined(), 10_000, 20);
    expect(await stopping).toBe(0);
    fake.onApiCall = undefined;
    // The job it held was finished, not abandoned: the channel exists and no other worker was needed.
    expect(fake.channel("inc-1-search-is-slow")).toBeDefined();
    expect(worker?.logs.some((l) => l.msg === "stopping")).toBe(true);
  }, 30_000);
});

describe("Redis going away", () => {
  it("answers every command within 2 s that nothing was done, and works again once Redis is back", async () => {
    stack = await Stack.start({ workers: 1 });
    const { fake, redis } = stack;
    await redis.kill();

    for (const text of [
      "open Payments are down sev1",
      "ack",
      "update still looking",
      "snooze 30m",
      "reminders",
    ]) {
      const sent = Date.now();
      const d = await fake.sendSlashCommand({ text, user: "U0BOB" });
      expect(d.status).toBe(200);
      const ack = JSON.stringify(d.responseJson ?? "");
      const reply = await eventually(
        () => {
          const post = d.responseUrl.posts.at(0);
          if (!post) throw new Error(`no answer to "${text}" yet`);
          return { body: JSON.stringify(post.body), at: post.at };
        },
        5000,
        20,
      );
      expect(reply.at - sent, text).toBeLessThan(2000);
      expect(reply.body, text).toContain("cannot reach its database");
      expect(`${ack} ${reply.body}`, text).not.toMatch(/opened|acknowledged by|posted|snoozed until/i);
    }
    expect(fake.callsTo("conversations.create")).toHaveLength(0);

    await redis.restart();
    // The web process reconnects within its retry cap (2 s); until then it still says it cannot act.
    await new Promise((r) => setTimeout(r, 2500));
    const d = await fake.sendSlashCommand({ text: "open Payments are down sev1", user: "U0BOB" });
    await eventually(() => expect(fake.channel("inc-1-payments-are-down")).toBeDefined(), 15_000, 50);
    expect(d.status).toBe(200);
  }, 60_000);
});
