import { describe, expect, it } from "vitest";
import { parseConfigText } from "../../src/config/file.js";
import { foldDuplicate } from "../../src/core/incident/merge.js";
import { hourlySeverities, teamConfig } from "../helpers/config-fixtures.js";
import type { FakeSlack } from "../helpers/fake-slack/index.js";
import { eventually } from "../helpers/firebreak.js";
import { allText, slackWorld } from "../helpers/slack-world.js";

/**
 * Merging, subscriptions, notes and the pushpin, the timeline, the list and the card, end to end: the real
 * dispatcher, store, queue and outbox on a real Redis, Slack faked. Dana commands everything (alone on the
 * rotation); Bob and Alice report. SEV1 wants an update every 3 s, so a cadence change shows within a test;
 * nothing else is timed within one.
 */
const CONFIG = teamConfig({
  severities: hourlySeverities({ sev1: { update_every: "3s" }, sev3: { update_every: "4h" } }),
});

const world = slackWorld();
let fake: FakeSlack;
const { store, say, ask, incident } = world;
const inChannel = (channel: string) => world.inChannel(channel);
const dms = (user: string) => (fake.imWith(user)?.messages ?? []).map(allText);
const settingsOf = () => parseConfigText(CONFIG, "records.yml");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function start(label: string) {
  ({ fake } = await world.start({ label: `records-${label}`, config: CONFIG }));
}

/** Someone opens an incident from #general; resolves with its channel id once the status card is there. */
async function open(name: string, text: string, user = "U0BOB"): Promise<string> {
  await fake.sendSlashCommand({ text: `open ${text}`, user });
  return eventually(() => {
    const channel = fake.channel(name);
    if (!channel?.messages.some((m) => allText(m).includes("This message is pinned"))) {
      throw new Error(`no card in ${name} yet`);
    }
    return channel.id;
  }, 10_000);
}

describe("merging a duplicate", () => {
  it("raises a SEV3 survivor to the SEV1 of its duplicate, tells everyone, and reschedules its updates", async () => {
    await start("raise");
    const survivor = await open("inc-1-search-is-down", "Search is down sev3", "U0BOB");
    const duplicate = await open("inc-2-search-returns-nothing", "Search returns nothing sev1", "U0ALICE");
    const before = await incident("INC-1");

    await say(duplicate, "merge INC-1");
    await eventually(async () => expect((await incident("INC-2")).state).toBe("closed"), 10_000);
    const closed = await incident("INC-2");
    expect(closed).toMatchObject({ closeReason: "duplicate", duplicateOf: "INC-1" });
    expect(closed.timers?.update?.dueAt).toBeUndefined();
    const merged = await incident("INC-1");
    expect(merged.severity).toBe("sev1");
    expect(merged.mergedFrom).toEqual(["INC-2"]);
    expect(merged.reporters.map((r) => r.platformUserId)).toEqual(["U0BOB", "U0ALICE"]);
    expect(merged.subscribers).toEqual(["U0BOB", "U0ALICE"]);
    // The next update is due one SEV1 cadence after the merge, not four hours after opening.
    expect(merged.timers?.update?.gen).toBeGreaterThan(before.timers?.update?.gen ?? 0);
    expect(Date.parse(merged.timers?.update?.dueAt ?? "")).toBeLessThan(Date.now() + 5_000);

    // Each channel links the other; the card of each says what happened.
    await eventually(() => {
      expect(inChannel(duplicate)).toContain("closed *INC-2* as a duplicate of *INC-1*");
      expect(inChannel(duplicate)).toContain(`<#${survivor}>`);
      expect(inChannel(duplicate)).toContain("Closed as a duplicate of INC-1");
      expect(inChannel(survivor)).toContain("merged *INC-2* (SEV1) into *INC-1*");
      expect(inChannel(survivor)).toContain(`<#${duplicate}>`);
      expect(inChannel(survivor)).toContain("INC-1 is now SEV1* (was SEV3)");
    }, 10_000);
    await eventually(() => {
      const card = fake.messages(survivor).find((m) => allText(m).includes("This message is pinned"));
      expect(card && allText(card)).toContain("*SEV1*");
    }, 10_000);
    // The duplicate's reporter learns where follow-up went; the survivor's reporter hears of the merge.
    await eventually(() => {
      expect(dms("U0ALICE").join("\n")).toContain("you now follow INC-1");
      expect(dms("U0BOB").join("\n")).toContain("merged *INC-2* (SEV1) into *INC-1*");
    }, 10_000);
    await eventually(() => {
      expect(inChannel("incidents")).toContain("INC-2 merged into INC-1; INC-1 is now SEV1");
    }, 10_000);
    // The new cadence runs: SEV1 nudges within seconds; SEV3 would have waited four hours.
    await eventually(() => expect(inChannel(survivor)).toContain("is overdue"), 10_000);

    const survivorEvents = (await store().timeline("INC-1")).map((e) => e.type);
    expect(survivorEvents).toContain("severity_changed");
    expect(survivorEvents).toContain("duplicate_merged_in");
    expect((await store().timeline("INC-2")).filter((e) => e.type === "merged")).toHaveLength(1);
    fake.assertNoViolations();
  });

  it("keeps a SEV2 survivor at SEV2 when a SEV4 duplicate joins it, finishing a merge stopped half way", async () => {
    await start("keep");
    const survivor = await open("inc-1-search-is-down", "Search is down sev2");
    const duplicate = await open("inc-2-search-is-slow", "Search is slow sev4", "U0ALICE");
    // A merge that stopped after its first write: INC-1 took INC-2 in, INC-2 is still open.
    const dup = await incident("INC-2");
    await store().update("INC-1", (current) =>
      foldDuplicate(current, dup, settingsOf(), new Date(), "U0DANA"),
    );

    await say(duplicate, "merge INC-1");
    await eventually(
      () => expect(inChannel(survivor)).toContain("merged *INC-2* (SEV4) into *INC-1*"),
      10_000,
    );
    expect((await incident("INC-2")).state).toBe("closed");
    const merged = await incident("INC-1");
    expect(merged.severity).toBe("sev2");
    expect(merged.mergedFrom).toEqual(["INC-2"]);
    expect(merged.reporters.map((r) => r.platformUserId)).toEqual(["U0BOB", "U0ALICE"]);
    expect(inChannel(survivor)).not.toContain("is now");
    await eventually(() =>
      expect(inChannel("incidents")).toContain("INC-2 merged into INC-1: Search is down"),
    );
    const events = (await store().timeline("INC-1")).map((e) => e.type);
    expect(events).not.toContain("severity_changed");
    expect(events.filter((t) => t === "duplicate_merged_in")).toHaveLength(1);
  });

  it("refuses bad merges, each with its own message, and changes nothing", async () => {
    await start("refuse");
    const one = await open("inc-1-search-is-down", "Search is down sev3");
    const two = await open("inc-2-login-fails", "Login fails sev3", "U0ALICE");
    const three = await open("inc-3-search-is-slow", "Search is slow sev3", "U0ALICE");
    await say(three, "merge INC-1");
    await eventually(async () => expect((await incident("INC-3")).state).toBe("closed"), 10_000);

    const snapshot = async () =>
      Promise.all(
        ["INC-1", "INC-2", "INC-3"].map(async (id) => ({
          incident: await incident(id),
          events: (await store().timeline(id)).length,
        })),
      );
    const before = await snapshot();
    const cases: Array<[string, string, string, string]> = [
      [two, "merge INC-2", "U0DANA", "INC-2 cannot be merged into itself"],
      [two, "merge INC-9", "U0DANA", "There is no INC-9"],
      [
        two,
        "merge INC-3",
        "U0DANA",
        "INC-3 is closed as a duplicate of INC-1: merge INC-2 into INC-1 instead",
      ],
      [
        one,
        "merge INC-3",
        "U0DANA",
        "INC-3 was itself merged into INC-1, so merging INC-1 into INC-3 would make a cycle",
      ],
      [three, "merge INC-2", "U0DANA", "INC-3 is already closed as a duplicate of INC-1"],
      [three, "merge INC-1", "U0DANA", "INC-3 is already merged into INC-1"],
      [two, "merge INC-1", "U0BOB", "can merge INC-2"],
      ["general", "merge INC-1", "U0DANA", "works inside an incident"],
    ];
    for (const [channel, text, user, message] of cases) {
      const answer = await ask(channel, text, user);
      expect(answer, text).toContain(message);
      if (channel !== "general") expect(answer, text).toContain("Nothing was changed.");
    }
    expect(await snapshot()).toEqual(before);
    fake.assertNoViolations();
  });
});

describe("subscriptions", () => {
  it("DMs subscribers every update, none after they unsubscribe, and answers each time what it did", async () => {
    await start("subscribe");
    const channel = await open("inc-1-search-is-down", "Search is down sev3");
    expect(await ask("general", "subscribe INC-1", "U0ALICE")).toContain("You now follow INC-1");
    expect(await ask("general", "subscribe INC-1", "U0ALICE")).toContain("You already follow INC-1");

    await say(channel, "update Rolled back the deploy");
    await eventually(() => {
      expect(dms("U0ALICE").join("\n")).toContain("Rolled back the deploy");
      // The reporter is subscribed from the start.
      expect(dms("U0BOB").join("\n")).toContain("Rolled back the deploy");
    }, 10_000);
    expect(dms("U0ALICE").join("\n")).toContain("unsubscribe INC-1");

    expect(await ask(channel, "unsubscribe", "U0ALICE")).toContain("You no longer follow INC-1");
    expect(await ask(channel, "unsubscribe", "U0ALICE")).toContain("You were not subscribed to INC-1");
    await say(channel, "update Errors are back to normal");
    await eventually(() => expect(dms("U0BOB").join("\n")).toContain("Errors are back to normal"), 10_000);
    await sleep(1500);
    expect(dms("U0ALICE").join("\n")).not.toContain("Errors are back to normal");

    const events = (await store().timeline("INC-1")).filter((e) => e.type.endsWith("subscribed"));
    expect(events.map((e) => [e.type, e.actor])).toEqual([
      ["subscribed", "U0ALICE"],
      ["unsubscribed", "U0ALICE"],
    ]);
    fake.assertNoViolations();
  });

  it("subscribes from the announcement's button, and refuses a closed incident", async () => {
    await start("button");
    await open("inc-1-search-is-down", "Search is down sev3");
    const duplicate = await open("inc-2-search-is-slow", "Search is slow sev3", "U0ALICE");
    const announcement = await eventually(() => {
      const m = fake
        .messages("incidents")
        .find((x) => allText(x).includes("INC-1") && allText(x).includes("fbSubscribe"));
      if (!m) throw new Error("no announcement yet");
      return m;
    }, 10_000);
    const actionId = JSON.stringify(announcement.blocks).match(
      /"action_id":"(fbSubscribe[^"]*)"/,
    )?.[1] as string;
    const click = await fake.sendBlockAction({
      user: "U0DANA",
      actionId,
      channel: "incidents",
      messageTs: announcement.ts,
    });
    await eventually(
      () => expect(JSON.stringify(click.responseUrl?.posts)).toContain("You now follow INC-1"),
      10_000,
    );
    expect((await incident("INC-1")).subscribers).toEqual(["U0BOB", "U0DANA"]);

    await say(duplicate, "merge INC-1");
    await eventually(async () => expect((await incident("INC-2")).state).toBe("closed"), 10_000);
    const refused = await ask("general", "subscribe INC-2", "U0BOB");
    expect(refused).toContain("INC-2 is closed and sends no more news; it carries on as INC-1");
    expect(refused).toContain("Nothing was changed.");
  });
});

describe("the record", () => {
  it("keeps notes and pinned messages, once each, and shows the timeline, the card and nothing outside", async () => {
    await start("timeline");
    const channel = await open("inc-1-search-is-down", "Search is down sev3");
    expect(await ask(channel, "note Cache hit rate dropped to 0%")).toContain(
      "Added to the timeline of INC-1: Cache hit rate dropped to 0%",
    );

    // A pushpin copies the message into the timeline, however many people pin it.
    const message = fake.postAsUser({
      user: "U0BOB",
      channel,
      text: "Rolled back, <@U0DANA> watches the graphs",
    });
    await fake.sendReactionAdded({ user: "U0DANA", channel, ts: message.ts, reaction: "pushpin" });
    await eventually(async () => {
      const pinned = (await store().timeline("INC-1")).filter((e) => e.type === "message_pinned");
      expect(pinned).toHaveLength(1);
      expect(pinned[0]).toMatchObject({
        actor: "U0DANA",
        data: { text: "Rolled back, <@U0DANA> watches the graphs", author: "U0BOB", messageId: message.ts },
      });
    }, 10_000);
    await eventually(() =>
      expect(JSON.stringify(fake.ephemerals({ channel, user: "U0DANA" }))).toContain(
        "Added to the timeline of INC-1",
      ),
    );
    await fake.sendReactionAdded({ user: "U0BOB", channel, ts: message.ts, reaction: "pushpin" });
    await eventually(() =>
      expect(JSON.stringify(fake.ephemerals({ channel, user: "U0BOB" }))).toContain(
        "already in the timeline",
      ),
    );
    // Other reactions, and pushpins outside incident channels, do nothing.
    await fake.sendReactionAdded({ user: "U0DANA", channel, ts: message.ts, reaction: "eyes" });
    fake.channel("incidents")?.members.add("U0BOB");
    const elsewhere = fake.postAsUser({ user: "U0BOB", channel: "incidents", text: "hello" });
    await fake.sendReactionAdded({
      user: "U0DANA",
      channel: "incidents",
      ts: elsewhere.ts,
      reaction: "pushpin",
    });

    // The timeline in the asker's zone (Bob is in New York), in order, with who did what.
    const timeline = await ask(channel, "timeline", "U0BOB");
    expect(timeline).toContain("Timeline of INC-1");
    expect(timeline).toMatch(/E[SD]T · <@U0BOB> · opened it: Search is down \(SEV3\)/);
    expect(timeline).toContain("<@U0DANA> · noted: Cache hit rate dropped to 0%");
    expect(timeline).toContain(
      "<@U0DANA> · 📌 pinned a message from <@U0BOB>: Rolled back, @U0DANA watches the graphs",
    );
    expect(timeline.indexOf("opened it")).toBeLessThan(timeline.indexOf("noted:"));
    expect(timeline.indexOf("noted:")).toBeLessThan(timeline.indexOf("pinned a message"));
    // From anywhere, with the incident's id.
    expect(await ask("general", "timeline INC-1", "U0ALICE")).toContain(
      "noted: Cache hit rate dropped to 0%",
    );

    const card = await ask(channel, "show", "U0ALICE");
    expect(card).toContain("INC-1 · Search is down");
    expect(card).toContain("fbPostUpdate");
    expect(await ask("general", "show INC-1", "U0ALICE")).toContain("INC-1 · Search is down");
    expect(await ask("general", "show INC-7", "U0ALICE")).toContain("There is no INC-7");

    await sleep(500);
    const types = (await store().timeline("INC-1")).map((e) => e.type);
    expect(types.filter((t) => t === "message_pinned")).toHaveLength(1);
    expect(types.filter((t) => t === "note_added")).toHaveLength(1);
    expect(fake.ephemerals({ channel: "incidents" })).toEqual([]);
    fake.assertNoViolations();
  });

  it("lists the open incidents, most severe first, then oldest", async () => {
    await start("list");
    expect(await ask("general", "list", "U0BOB")).toContain("No open incidents");
    await open("inc-1-search-is-down", "Search is down sev3");
    await open("inc-2-login-fails", "Login fails sev2");
    await open("inc-3-payments-fail", "Payments fail sev3");
    const four = await open("inc-4-export-is-slow", "Export is slow sev4");
    await say(four, "merge INC-1");
    await eventually(async () => expect((await incident("INC-4")).state).toBe("closed"), 10_000);

    const list = await ask("general", "list", "U0BOB");
    const order = [...list.matchAll(/\*(INC-\d+)\*/g)].map((m) => m[1]);
    expect(order).toEqual(["INC-2", "INC-1", "INC-3"]);
    expect(list).toContain("Open incidents* (3)");
    expect(list).toContain("*SEV2* *INC-2*");
    expect(list).toContain("Incident Commander: <@U0DANA>");
    expect(list).toContain("triggered");
    expect(list).toMatch(/open \d+s \(since .* E[SD]T\)/);
    expect(list).toMatch(/next update due .* E[SD]T/);
    fake.assertNoViolations();
  });
});
