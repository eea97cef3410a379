import { describe, expect, it } from "vitest";
import { teamConfig } from "../helpers/config-fixtures.js";
import type { FakeSlack } from "../helpers/fake-slack/index.js";
import { eventually } from "../helpers/firebreak.js";
import { allText, slackWorld } from "../helpers/slack-world.js";

/**
 * Follow-ups end to end: the real dispatcher, store, queue and outbox on a real Redis, Slack faked. Bob reports,
 * Dana commands (alone on the rotation), Alice is asked to do things afterwards. Nothing is timed within a test.
 */
const CONFIG = teamConfig();

const world = slackWorld();
let fake: FakeSlack;
const { store, say, ask, incident } = world;
const inChannel = (channel: string) => world.inChannel(channel);

async function start(label: string) {
  ({ fake } = await world.start({ label: `followups-${label}`, config: CONFIG }));
}

/** Bob opens an incident from #general; resolves with its channel id once the status card is pinned. */
async function open(): Promise<string> {
  await fake.sendSlashCommand({ text: "open Search is down sev3", user: "U0BOB" });
  return eventually(() => {
    const channel = fake.channel("inc-1-search-is-down");
    if (!channel || channel.pins.size === 0) throw new Error("no card yet");
    return channel.id;
  }, 10_000);
}

const card = (channel: string) => {
  const c = fake.channel(channel);
  const pinned = c?.messages.find((m) => c.pins.has(m.ts));
  if (!pinned) throw new Error("no pinned card");
  return allText(pinned);
};

/** Adds a follow-up and waits until it is stored. */
async function add(channel: string, text: string, n: number, user = "U0DANA") {
  await say(channel, `followup ${text}`, user);
  await eventually(async () => expect((await incident()).followups?.length).toBe(n), 10_000);
}

describe("follow-ups", () => {
  it("adds them numbered with an owner who gets a DM, lists them, marks done and reopens", async () => {
    await start("flow");
    const channel = await open();

    await add(channel, "Add an alert on index lag @alice", 1);
    await add(channel, "Write down how the cache was rebuilt", 2, "U0BOB");
    expect((await incident()).followups).toEqual([
      expect.objectContaining({
        n: 1,
        text: "Add an alert on index lag",
        owner: "U0ALICE",
        state: "open",
        by: "U0DANA",
      }),
      expect.objectContaining({
        n: 2,
        text: "Write down how the cache was rebuilt",
        state: "open",
        by: "U0BOB",
      }),
    ]);
    expect((await incident()).followups?.[1]?.owner).toBeUndefined();

    // The channel is told, the owner gets a DM naming the incident, and the card lists what is open.
    await eventually(() => {
      expect(inChannel(channel)).toContain("added *follow-up 1* on *INC-1*, owned by <@U0ALICE>");
      expect(inChannel(channel)).toContain("added *follow-up 2* on *INC-1*");
    }, 10_000);
    await eventually(() => {
      const dm = world.dmsTo("U0ALICE");
      expect(dm).toContain("gave you *follow-up 1* of *INC-1*");
      expect(dm).toContain("Add an alert on index lag");
    }, 10_000);
    // Bob owns nothing and got no DM about follow-ups.
    expect(world.dmsTo("U0BOB")).not.toContain("follow-up");
    await eventually(() => {
      expect(card(channel)).toContain("*Follow-ups:* 2 open of 2");
      expect(card(channel)).toContain("1. Add an alert on index lag (<@U0ALICE>)");
    }, 10_000);

    // Anyone in the incident may mark one done (Bob reported; Alice owns it).
    await say(channel, "followup done 1", "U0BOB");
    await eventually(async () => {
      expect((await incident()).followups?.[0]).toMatchObject({ state: "done", doneBy: "U0BOB" });
    }, 10_000);
    await eventually(
      () => expect(inChannel(channel)).toContain("marked *follow-up 1* on *INC-1* done"),
      10_000,
    );
    await eventually(() => {
      expect(card(channel)).toContain("*Follow-ups:* 1 open of 2");
      expect(card(channel)).not.toContain("1. Add an alert on index lag");
    }, 10_000);

    // The list: both, open first, with the owner and who marked it done, in the asker's zone (Bob: New York).
    const list = await ask(channel, "followups", "U0BOB");
    expect(list).toContain("Follow-ups of INC-1* (Search is down): 1 open of 2");
    expect(list.indexOf("Write down how the cache")).toBeLessThan(list.indexOf("Add an alert on index lag"));
    expect(list).toContain("owner <@U0ALICE>");
    expect(list).toContain("done by <@U0BOB>");
    expect(list).toMatch(/E[SD]T/);

    // Done twice: told who did it, nothing changes.
    const before = await incident();
    const again = await ask(channel, "followup done 1", "U0ALICE");
    expect(again).toContain("is already done: <@U0BOB> marked it");
    expect(await incident()).toEqual(before);

    // Reopen: open again, the done marks cleared, the channel told.
    await say(channel, "followup reopen 1", "U0ALICE");
    await eventually(async () => {
      const f = (await incident()).followups?.[0];
      expect(f?.state).toBe("open");
      expect(f?.doneBy).toBeUndefined();
      expect(f?.doneAt).toBeUndefined();
    }, 10_000);
    await eventually(() => expect(inChannel(channel)).toContain("reopened *follow-up 1* on *INC-1*"), 10_000);
    await eventually(() => expect(card(channel)).toContain("*Follow-ups:* 2 open of 2"), 10_000);

    const types = (await store().timeline("INC-1"))
      .map((e) => e.type)
      .filter((t) => t.startsWith("followup_"));
    expect(types).toEqual(["followup_added", "followup_added", "followup_done", "followup_reopened"]);
    fake.assertNoViolations();
  });

  it("refuses a number nobody has, naming the ones there are, and changes nothing", async () => {
    await start("bad-n");
    const channel = await open();
    const none = await ask(channel, "followup done 1");
    expect(none).toContain("INC-1 has no follow-ups yet, so there is no follow-up 1");
    expect(none).toContain("Nothing was changed.");

    await add(channel, "one", 1);
    await add(channel, "two", 2);
    const before = await incident();
    const bad = await ask(channel, "followup reopen 7");
    expect(bad).toContain("INC-1 has no follow-up 7: its follow-ups are 1 and 2");
    expect(bad).toContain("Nothing was changed.");
    expect(await incident()).toEqual(before);
    const openAlready = await ask(channel, "followup reopen 2");
    expect(openAlready).toContain("Follow-up 2 on INC-1 is open already. Nothing was changed");
    expect(await incident()).toEqual(before);
  });

  it("works on a resolved incident, where follow-ups belong", async () => {
    await start("resolved");
    const channel = await open();
    await say(channel, "ack");
    await eventually(async () => expect((await incident()).state).toBe("acknowledged"), 10_000);
    await say(channel, "status mitigated");
    await eventually(async () => expect((await incident()).state).toBe("mitigated"), 10_000);
    await say(channel, "resolve Restarted the indexer");
    await eventually(async () => expect((await incident()).state).toBe("resolved"), 10_000);

    await add(channel, "Post-incident review of the indexer @alice", 1, "U0BOB");
    expect((await incident()).state).toBe("resolved");
    await eventually(
      () => expect(world.dmsTo("U0ALICE")).toContain("gave you *follow-up 1* of *INC-1*"),
      10_000,
    );
    await say(channel, "followup done 1", "U0ALICE");
    await eventually(async () => expect((await incident()).followups?.[0]?.state).toBe("done"), 10_000);
    await eventually(() => expect(card(channel)).toContain("*Follow-ups:* 0 open of 1"), 10_000);
  });

  it("refuses a follow-up on a merged duplicate, pointing to the survivor", async () => {
    await start("merged");
    const survivor = await open();
    await fake.sendSlashCommand({ text: "open Search returns nothing sev3", user: "U0ALICE" });
    const duplicate = await eventually(() => {
      const c = fake.channel("inc-2-search-returns-nothing");
      if (!c || c.pins.size === 0) throw new Error("no card yet");
      return c.id;
    }, 10_000);
    expect(survivor).not.toBe(duplicate);
    await say(duplicate, "merge INC-1");
    await eventually(async () => expect((await store().get("INC-2"))?.duplicateOf).toBe("INC-1"), 10_000);

    const refused = await ask(duplicate, "followup Check the other cluster");
    expect(refused).toContain("INC-2 was closed as a duplicate of INC-1: add follow-ups to INC-1");
    expect((await store().get("INC-2"))?.followups).toBeUndefined();
  });

  it("refuses an owner who is a bot, and follow-ups typed outside an incident channel", async () => {
    await start("refusals");
    const channel = await open();
    const bot = await ask(channel, "followup Tune the alert @firebreak");
    expect(bot).toContain("A bot cannot own a follow-up");
    expect((await incident()).followups).toBeUndefined();
    const elsewhere = await ask("general", "followup Tune the alert");
    expect(elsewhere).toContain("works inside an incident");
  });
});
