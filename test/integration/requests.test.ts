import { describe, expect, it } from "vitest";
import { hourlySeverities, teamConfig } from "../helpers/config-fixtures.js";
import type { FakeSlack } from "../helpers/fake-slack/index.js";
import { eventually } from "../helpers/firebreak.js";
import { allText, slackWorld } from "../helpers/slack-world.js";

/**
 * Change and guidance requests end to end (seed 003): tracked on a card where they were asked, without a
 * channel or a page; marked done, or promoted to a real incident. Dana is on duty; Erin is a manager; Bob asks.
 */
const CONFIG = teamConfig({
  morePeople: ["{ id: erin, name: Erin, slack: U0ERIN, timezone: Europe/Berlin }"],
  laterSteps: ["{ notify: [person:erin], after: 1h }"],
  extra: "roles: { managers: [erin] }\n",
  severities: hourlySeverities({ sev2: { update_every: "2h" }, sev3: { update_every: "4h" } }),
});

const world = slackWorld();
let fake: FakeSlack;
const store = () => world.store();
const inChannel = (channel: string) => world.inChannel(channel);
const dmsTo = (user: string) => world.dmsTo(user);
const answered = (d: { responseUrl?: { posts: unknown[] } }) => JSON.stringify(d.responseUrl?.posts ?? []);

async function start(label: string) {
  ({ fake } = await world.start({
    label: `req-${label}`,
    config: CONFIG,
    channels: [
      { name: "general", members: ["U0ALICE", "U0BOB", "U0DANA"] },
      { name: "random", members: ["U0ALICE", "U0BOB", "U0DANA"] },
      { name: "incidents" },
    ],
    users: [{ id: "U0ERIN", name: "erin" }],
  }));
}

const say = (text: string, user = "U0BOB", channel = "general") =>
  fake.sendSlashCommand({ text, user, channel });

/** Bob asks in #general; resolves with the card once it is there. */
async function ask(text: string) {
  const delivery = await say(`open ${text}`);
  const card = await eventually(() => {
    const m = fake.messages("general").find((x) => allText(x).includes("fbPromote"));
    if (!m) throw new Error("no card yet");
    return m;
  }, 10_000);
  return { delivery, card };
}

/** A click on the card's button; Slack's action ids carry a suffix (block-kit.ts), so it is looked up. */
function click(name: string, card: { ts: string; blocks?: unknown[] }, user: string) {
  const actionId = JSON.stringify(card.blocks ?? []).match(new RegExp(`"action_id":"(${name}[^"]*)"`))?.[1];
  if (!actionId) throw new Error(`the card has no ${name} button`);
  return fake.sendBlockAction({ actionId, channel: "general", messageTs: card.ts, user });
}

describe("opening a request", () => {
  it("tracks it on a card where it was asked: no channel, no page, no timers", async () => {
    await start("open");
    const { delivery, card } = await ask("Add a CSV export to the billing page kind:change");
    const text = allText(card);
    expect(text).toContain("Change request INC-1");
    expect(text).toContain("fbPromote");
    expect(text).toContain("fbRequestDone");
    await eventually(() => expect(inChannel("incidents")).toContain("New change request *INC-1*"), 10_000);
    await eventually(() => expect(answered(delivery)).toContain("Recorded change request"), 10_000);

    const incident = await store().get("INC-1");
    expect(incident).toMatchObject({
      kind: "change_request",
      state: "triggered",
      thread: { conversationId: fake.channel("general")?.id, key: "INC-1/request-card" },
    });
    expect(incident?.commander).toBeUndefined();
    expect(incident?.timers).toBeUndefined();
    expect(fake.callsTo("conversations.create")).toEqual([]);
    expect(fake.imWith("U0DANA")).toBeUndefined();
    const types = (await store().timeline("INC-1")).map((e) => e.type);
    expect(types).toEqual(["incident_opened"]);
    fake.assertNoViolations();
  });

  it("opens a guidance request from the form too", async () => {
    await start("form");
    await say("open");
    const view = await eventually(() => {
      const v = fake.views.at(-1);
      if (!v) throw new Error("no modal yet");
      return v;
    });
    await fake.sendViewSubmission({
      viewId: view.id,
      values: { title: "How do I rotate the API key?", kind: "guidance_request" },
    });
    await eventually(() => expect(inChannel("general")).toContain("Guidance request INC-1"), 10_000);
    expect((await store().get("INC-1"))?.kind).toBe("guidance_request");
    expect(fake.callsTo("conversations.create")).toEqual([]);
  });

  it("answers a kind it does not know with what to write", async () => {
    await start("badkind");
    const d = await say("open Add a CSV export kind:feature");
    // The grammar refuses it, so the answer is the command's acknowledgement itself.
    expect(d.responseText).toContain("is not a kind");
    expect(d.responseText).toContain("kind:change");
    expect(await store().get("INC-1")).toBeNull();
  });
});

describe("mark done", () => {
  it("is refused to others, naming who can; a manager closes it, the card says so and the asker hears it", async () => {
    await start("done");
    const { card } = await ask("Add a CSV export kind:change");
    const refused = await click("fbRequestDone", card, "U0ALICE");
    await eventually(() => {
      const text = answered(refused);
      expect(text).toContain("Only the person who asked");
      expect(text).toContain("U0BOB");
      expect(text).toContain("U0ERIN");
      expect(text).toContain("Nothing was changed.");
    }, 10_000);
    expect((await store().get("INC-1"))?.state).toBe("triggered");

    await click("fbRequestDone", card, "U0ERIN");
    await eventually(async () => expect((await store().get("INC-1"))?.state).toBe("closed"), 10_000);
    expect(await store().get("INC-1")).toMatchObject({
      closeReason: "done",
      resolution: { actor: "U0ERIN" },
    });
    await eventually(() => {
      const edited = allText(fake.messages("general").find((m) => m.ts === card.ts) ?? {});
      expect(edited).toContain("Marked done by <@U0ERIN>");
      expect(edited).not.toContain("fbPromote");
    }, 10_000);
    await eventually(() => expect(dmsTo("U0BOB")).toContain("was marked done by <@U0ERIN>"), 10_000);
    const changes = (await store().timeline("INC-1")).filter((e) => e.type === "status_changed");
    expect(changes.map((e) => e.data.to)).toEqual(["resolved", "closed"]);

    // Done is done: promoting it now is refused.
    const late = await say("promote INC-1", "U0DANA");
    await eventually(() => expect(answered(late)).toContain("cannot be promoted"), 10_000);
    fake.assertNoViolations();
  });

  it("is the asker's to do themselves", async () => {
    await start("own");
    const { card } = await ask("Where are the runbooks? kind:guidance");
    await click("fbRequestDone", card, "U0BOB");
    await eventually(async () => expect((await store().get("INC-1"))?.state).toBe("closed"), 10_000);
  });
});

describe("promote", () => {
  it("turns the request into an incident: channel, commander paged, card edited to say where", async () => {
    await start("promote");
    const { card } = await ask("Exports time out kind:change");
    const promoting = await click("fbPromote", card, "U0ALICE");
    const channel = await eventually(() => {
      const c = fake.channel("inc-1-exports-time-out");
      if (!c || c.messages.length < 2) throw new Error("no channel yet");
      return c;
    }, 10_000);
    await eventually(() => expect(answered(promoting)).toContain("Promoting *INC-1*"), 10_000);
    await eventually(() => {
      const text = inChannel(channel.id);
      expect(text).toContain("<@U0DANA>, you are the Incident Commander");
      expect(text).toContain("fbAcknowledge");
    }, 10_000);
    await eventually(() => expect(dmsTo("U0DANA")).toContain("You are paged"), 10_000);
    for (const user of ["U0BOB", "U0DANA", "U0ALICE"]) expect(channel.members.has(user)).toBe(true);
    await eventually(() => {
      const edited = allText(fake.messages("general").find((m) => m.ts === card.ts) ?? {});
      expect(edited).toContain("Promoted to an incident by <@U0ALICE>");
      expect(edited).toContain(`<#${channel.id}>`);
      expect(edited).not.toContain("fbRequestDone");
    }, 10_000);
    await eventually(() => expect(dmsTo("U0BOB")).toContain("is now an incident"), 10_000);
    await eventually(() => expect(inChannel("incidents")).toContain("🔥 *INC-1*"), 10_000);

    const incident = await store().get("INC-1");
    expect(incident).toMatchObject({ kind: "incident", commander: { platformUserId: "U0DANA" } });
    expect(incident?.timers?.escalation?.dueAt).toBeDefined();
    const promoted = (await store().timeline("INC-1")).find((e) => e.type === "promoted");
    expect(promoted).toMatchObject({
      actor: "U0ALICE",
      data: { from: "change_request", commander: "U0DANA" },
    });
    // Now an incident, it is acknowledged like one.
    await fake.sendSlashCommand({ text: "ack", user: "U0DANA", channel: channel.id });
    await eventually(async () => expect((await store().get("INC-1"))?.state).toBe("acknowledged"), 10_000);
    fake.assertNoViolations();
  });

  it("without a number, promotes the one request asked in this conversation", async () => {
    await start("here");
    await ask("Exports time out kind:change");
    await say("promote", "U0DANA");
    await eventually(() => expect(fake.channel("inc-1-exports-time-out")).toBeDefined(), 10_000);
    expect((await store().get("INC-1"))?.kind).toBe("incident");
  });

  it("answers bad input with what to do, and changes nothing", async () => {
    await start("bad");
    await ask("Exports time out kind:change");
    const expectAnswer = async (text: string, channel: string, expected: string) => {
      const d = await say(text, "U0DANA", channel);
      await eventually(() => {
        const answer = answered(d);
        expect(answer).toContain(expected);
        expect(answer).toContain("Nothing was changed.");
      }, 10_000);
    };
    await expectAnswer("promote", "random", "works in the conversation where a change or guidance request");
    await expectAnswer("promote INC-99", "random", "There is no INC-99");

    await say("open Search is down", "U0BOB", "random");
    const incidentChannel = await eventually(() => {
      const c = fake.channel("inc-2-search-is-down");
      if (!c) throw new Error("no channel yet");
      return c.id;
    }, 10_000);
    await expectAnswer("promote INC-2", "random", "INC-2 is already an incident");
    await expectAnswer("promote", incidentChannel, "INC-2 is already an incident");

    await say("open Where are the runbooks? kind:guidance");
    await eventually(async () => expect(await store().get("INC-3")).not.toBeNull(), 10_000);
    await expectAnswer("promote", "general", "Several requests are open here");

    expect((await store().get("INC-1"))?.kind).toBe("change_request");
    expect(fake.callsTo("conversations.create")).toHaveLength(1);
  });
});
