import { afterAll, describe, expect, it } from "vitest";
import type { TimerRef } from "../../src/core/ports.js";
import { createJobScheduler } from "../../src/infra/queue/job-scheduler.js";
import { createQueues } from "../../src/infra/queue/queues.js";
import { createRedis } from "../../src/infra/redis/connection.js";
import { createKeys } from "../../src/infra/redis/keys.js";
import { teamConfig } from "../helpers/config-fixtures.js";
import type { FakeSlack } from "../helpers/fake-slack/index.js";
import { eventually } from "../helpers/firebreak.js";
import { TEST_REDIS_URL } from "../helpers/redis.js";
import { allText, slackWorld } from "../helpers/slack-world.js";

/**
 * The post-mortem after it is open, end to end (real Redis, queue and outbox; Slack faked): handing it to a
 * new owner, asking again after a reopen, a reminder lost to a crash, and a merged duplicate. Bob reports,
 * Dana commands, Alice manages the search service (so she owns its post-mortems by default).
 */
const CONFIG = teamConfig({
  names: { alice: "Alice Archer", bob: "Bob Baker", dana: "Dana Diaz" },
  extra: `postmortem: { due_after: 5d, remind_every: 1d }
services:
  - { id: search, name: Search API, policy: default, manager: alice }
`,
});

const world = slackWorld();
const queueRedis = createRedis(TEST_REDIS_URL, "worker");
afterAll(() => queueRedis.disconnect());
let fake: FakeSlack;
const { say, ask, incident } = world;
let prefix: string;

async function start(label: string) {
  const started = await world.start({ label: `pm-owner-${label}`, config: CONFIG });
  fake = started.fake;
  prefix = started.app.prefix;
}

/** The timer jobs of the running Firebreak, through the same scheduler it uses. */
async function withJobs<T>(use: (jobs: ReturnType<typeof createJobScheduler>) => Promise<T>): Promise<T> {
  const keys = createKeys(prefix);
  const queues = createQueues(queueRedis, keys);
  try {
    return await use(createJobScheduler(queues, keys));
  } finally {
    await queues.close();
  }
}
const pendingPostmortem = (id = "INC-1"): Promise<TimerRef[]> =>
  withJobs(async (jobs) => (await jobs.pendingTimers(id)).filter((t) => t.kind === "postmortem"));

/** Opens an incident on the search service as Bob; resolves with its channel id once the card is pinned. */
async function open(title: string, channelName: string): Promise<string> {
  await fake.sendSlashCommand({ text: `open ${title} sev3 service:search`, user: "U0BOB" });
  return eventually(() => {
    const channel = fake.channel(channelName);
    if (!channel || channel.pins.size === 0) throw new Error("no card yet");
    return channel.id;
  }, 10_000);
}

/** INC-1 acknowledged and resolved, with its post-mortem opened by Bob (owned by Alice, the manager). */
async function withPostmortem(): Promise<string> {
  const channel = await open("Search is down", "inc-1-search-is-down");
  await say(channel, "ack");
  await eventually(async () => expect((await incident()).state).toBe("acknowledged"), 10_000);
  await say(channel, "status mitigated");
  await eventually(async () => expect((await incident()).state).toBe("mitigated"), 10_000);
  await say(channel, "resolve Rolled back");
  await eventually(async () => expect((await incident()).state).toBe("resolved"), 10_000);
  await say(channel, "postmortem", "U0BOB");
  await eventually(async () => expect((await incident()).postmortem?.owner).toBe("U0ALICE"), 10_000);
  return channel;
}

const inChannel = (channel: string) => world.inChannel(channel);

describe("/incident postmortem @owner", () => {
  it("is refused to someone who may not; the owner hands it over, the new owner is told and reminded", async () => {
    await start("handover");
    const channel = await withPostmortem();
    const before = await incident();

    // Bob reported it: not its owner, commander, a manager or an admin.
    const refused = await ask(channel, "postmortem @dana", "U0BOB");
    expect(refused).toContain("Only the post-mortem's owner (<@U0ALICE>)");
    expect(refused).toContain("Nothing was changed");
    expect((await incident()).postmortem?.owner).toBe("U0ALICE");

    await say(channel, "postmortem @bob", "U0ALICE");
    await eventually(async () => expect((await incident()).postmortem?.owner).toBe("U0BOB"), 10_000);
    await eventually(
      () => expect(inChannel(channel)).toContain("<@U0ALICE> made <@U0BOB> the owner of the *post-mortem*"),
      10_000,
    );
    await eventually(
      () => expect(world.dmsTo("U0BOB")).toContain("<@U0ALICE> made you the owner of the *post-mortem*"),
      10_000,
    );
    // The reminders start over for Bob: a new generation, its job queued; the due date stays.
    const after = await incident();
    expect(after.postmortem?.dueAt).toBe(before.postmortem?.dueAt);
    expect(after.timers?.postmortem?.gen).toBeGreaterThan(before.timers?.postmortem?.gen ?? 0);
    await eventually(async () =>
      expect((await pendingPostmortem()).map((t) => t.gen)).toEqual([after.timers?.postmortem?.gen]),
    );

    // Naming the owner it has changes nothing: the answer is "already open".
    const same = await ask(channel, "postmortem @bob", "U0DANA");
    expect(same).toContain("is already open: owned by <@U0BOB>");
    expect((await incident()).timers?.postmortem).toEqual(after.timers?.postmortem);

    // A bot cannot own it.
    expect(await ask(channel, "postmortem @firebreak", "U0BOB")).toContain("A bot cannot own a post-mortem");
  });

  it("opens with the owner named by the manager", async () => {
    await start("named");
    const channel = await open("Search is down", "inc-1-search-is-down");
    await say(channel, "ack");
    await eventually(async () => expect((await incident()).state).toBe("acknowledged"), 10_000);
    await say(channel, "status mitigated");
    await eventually(async () => expect((await incident()).state).toBe("mitigated"), 10_000);
    await say(channel, "resolve Rolled back");
    await eventually(async () => expect((await incident()).state).toBe("resolved"), 10_000);
    await say(channel, "postmortem @dana", "U0ALICE");
    await eventually(async () => expect((await incident()).postmortem?.owner).toBe("U0DANA"), 10_000);
    const created = (await world.store().timeline("INC-1")).find((e) => e.type === "postmortem_created");
    expect(created?.data.owner).toBe("U0DANA");
  });
});

describe("/incident postmortem, asked again", () => {
  it("answers 'already open' after a reopen, and schedules a reminder lost to a crash again", async () => {
    await start("again");
    const channel = await withPostmortem();
    const timer = (await incident()).timers?.postmortem;
    await eventually(async () => expect(await pendingPostmortem()).toHaveLength(1), 10_000);

    // A crash between the write and the scheduling: the job is gone (resolved incidents are not reconciled).
    await withJobs((jobs) =>
      jobs.cancelTimer({ incidentId: "INC-1", kind: "postmortem", gen: timer?.gen ?? 0 }),
    );
    expect(await pendingPostmortem()).toEqual([]);

    await say(channel, "reopen");
    await eventually(async () => expect((await incident()).state).toBe("reopened"), 10_000);
    const answer = await ask(channel, "postmortem", "U0DANA");
    expect(answer).toContain("is already open: owned by <@U0ALICE>");
    expect(answer).not.toContain("opens once the incident is resolved");
    expect((await incident()).timers?.postmortem).toEqual(timer);
    expect(await pendingPostmortem()).toEqual([
      { incidentId: "INC-1", kind: "postmortem", gen: timer?.gen, dueAt: timer?.dueAt },
    ]);
  });

  it("is refused on a merged duplicate, pointing to the incident it was merged into", async () => {
    await start("duplicate");
    await open("Search is down", "inc-1-search-is-down");
    const duplicate = await open("Search returns nothing", "inc-2-search-returns-nothing");
    await say(duplicate, "merge INC-1");
    await eventually(async () => expect((await incident("INC-2")).duplicateOf).toBe("INC-1"), 10_000);
    const refused = await ask(duplicate, "postmortem", "U0DANA");
    expect(refused).toContain("INC-2 was closed as a duplicate of INC-1");
    expect(refused).toContain("in the channel of INC-1");
    expect((await incident("INC-2")).postmortem).toBeUndefined();
    expect(allText({ text: refused })).toContain("Nothing was changed");
  });
});
