import { describe, expect, it } from "vitest";
import { eventually } from "../helpers/firebreak.js";
import { answered, mattermostWorld } from "../helpers/mattermost-world.js";
import { answered as slackAnswered } from "../helpers/slack-world.js";

/**
 * Where a Mattermost answer meets another platform: with Slack and Mattermost served by one Firebreak, the
 * answers that speak of incidents everywhere (`list`, `show INC-n`, `timeline INC-n`) name the other platform's
 * incidents, people and channels in words. A Slack id never reaches Mattermost (which refuses to look one up:
 * 400, and the answer would be lost) and a Mattermost id never reaches Slack. And an incident opens whole even
 * when Mattermost will not add its reporter to the channel.
 */
const world = mattermostWorld();

describe("incidents of another platform, answered on Mattermost", { timeout: 40_000 }, () => {
  it("are listed, shown and told as words: where they are followed, who commands them, no ids", async () => {
    const { fake, slack } = await world.start({ label: "mm-cross", slack: true });
    if (!slack) throw new Error("no fake Slack");

    // INC-1 on Slack, commanded by Dana; INC-2 on Mattermost.
    expect((await slack.sendSlashCommand({ text: "open Search is down sev2", user: "U0BOB" })).status).toBe(
      200,
    );
    const slackChannel = await eventually(() => {
      const c = slack.channel("inc-1-search-is-down");
      if (!c || c.pins.size === 0) throw new Error("no Slack kickoff yet");
      return c;
    }, 10_000);
    await world.say("general", "open Checkout errors sev3", "bob");
    const mmChannel = await world.incidentChannel("inc-2-checkout-errors");
    const slackIds = ["U0DANA", "U0BOB", slackChannel.id];

    const list = await world.ask("general", "list", "alice", "INC-1");
    expect(list).toContain("INC-2");
    expect(list).toContain("#inc-1-search-is-down on Slack");
    expect(list).toContain("Dana (on Slack)");
    expect(list).toContain("~inc-2-checkout-errors");
    for (const id of slackIds) expect(list).not.toContain(id);

    const shown = await world.ask("general", "show INC-1", "alice", "Search is down");
    expect(shown).toContain("Dana");
    for (const id of slackIds) expect(shown).not.toContain(id);

    const timeline = await world.ask("general", "timeline INC-1", "alice", "Timeline of INC-1");
    expect(timeline).toContain("#inc-1-search-is-down on Slack");
    for (const id of slackIds) expect(timeline).not.toContain(id);

    // Mattermost was never asked about a Slack id (it would have refused with a 400).
    expect(fake.calls.filter((c) => slackIds.some((id) => c.path.includes(id)))).toEqual([]);
    fake.assertNoViolations();

    // And the other way round: Slack's list names the Mattermost incident in words.
    const fromSlack = await slack.sendSlashCommand({ text: "list", user: "U0ALICE" });
    const slackList = await eventually(() => {
      const said = slackAnswered(fromSlack);
      if (!said.includes("INC-2")) throw new Error("no Slack list yet");
      return said;
    }, 10_000);
    expect(slackList).toContain("on Mattermost");
    expect(slackList).not.toContain(mmChannel.id);
    expect(slackList).not.toContain("<@dana>");
    slack.assertNoViolations();
  });
});

describe("an incident of another platform, named on Mattermost", { timeout: 40_000 }, () => {
  it("is acted on only where it lives: refused on Mattermost, nothing changed, shown without buttons", async () => {
    const { fake, slack } = await world.start({ label: "mm-cross-act", slack: true });
    if (!slack) throw new Error("no fake Slack");
    expect((await slack.sendSlashCommand({ text: "open Search is down sev2", user: "U0BOB" })).status).toBe(
      200,
    );
    const before = await eventually(async () => {
      const opened = await world.incident("INC-1");
      if (!opened.channel) throw new Error("INC-1 has no channel yet");
      return opened;
    }, 10_000);
    expect(before).toMatchObject({ platform: "slack", state: "triggered" });

    // Dana commands it on Slack; on Mattermost she may neither acknowledge it (`ack` names no incident: only
    // the incident's channel or its page's button, both on Slack, can) nor subscribe to it.
    const ack = await world.ask("general", "ack INC-1", "dana", "takes nothing after it");
    expect(ack).not.toContain("acknowledged");
    const subscribe = await world.ask("general", "subscribe INC-1", "dana", "INC-1");
    expect(subscribe).toContain("INC-1 is followed on Slack; act on it there. Nothing was changed.");

    // Shown on Mattermost (reading is fine), it carries no button that would act on it from here.
    const show = await world.say("general", "show INC-1", "dana");
    const shown = await eventually(() => {
      const said = answered(show);
      if (!said.includes("Search is down")) throw new Error("not shown yet");
      return show.responseUrl.posts.map((p) => p.body as Record<string, unknown>);
    }, 10_000);
    expect(shown.length).toBeGreaterThan(0);
    for (const body of shown) {
      expect(body).not.toHaveProperty("attachments");
      expect(JSON.stringify(body)).not.toContain('"integration"');
    }

    // Nothing changed: still triggered, nobody subscribed from Mattermost, no event recorded from there.
    const after = await world.incident("INC-1");
    expect(after.state).toBe("triggered");
    expect(after.subscribers ?? []).not.toContain("dana");
    const timeline = await world.store().timeline("INC-1");
    expect(timeline.filter((e) => e.actor === "dana")).toEqual([]);
    fake.assertNoViolations();
  });
});

describe("a reporter Mattermost will not add to the incident channel", { timeout: 30_000 }, () => {
  it("does not stop the opening: the channel, the page, the kickoff and the announcement all happen", async () => {
    const { fake } = await world.start({
      label: "mm-outsider",
      mode: { team: "acme" },
      fake: {
        teams: [{ name: "acme" }, { name: "globex" }],
        users: [
          { username: "alice", displayName: "Alice Archer" },
          { username: "bob", displayName: "Bob Baker", teams: ["globex"] },
          { username: "dana", displayName: "Dana Diaz" },
        ],
        channels: [
          { name: "general", members: ["alice", "dana"] },
          { name: "incidents", members: ["alice", "dana"], botIsMember: true },
          { name: "ops", team: "globex", members: ["bob"], botIsMember: true },
        ],
      },
    });
    // Bob is in another team of the same server (the slash command is installed there too).
    const opened = await world.say("ops", "open Checkout errors sev2", "bob");
    expect(opened.status).toBe(200);
    const channel = await world.incidentChannel("inc-1-checkout-errors");
    expect(channel.teamId).toBe(fake.teamId);
    await eventually(() => expect(world.dmsTo("dana")).toContain("INC-1"), 10_000);
    await eventually(() => expect(world.inChannel("incidents")).toContain("INC-1"), 10_000);
    expect(channel.members.has(fake.user("dana").id)).toBe(true);
    expect(channel.members.has(fake.user("bob").id)).toBe(false);
    expect(world.inChannel("inc-1-checkout-errors")).toContain("Checkout errors");
    await eventually(() => expect(answered(opened)).toContain("INC-1"), 10_000);
    // The one refusal is Mattermost's answer to adding Bob, which no one could have avoided.
    expect(fake.takeViolations().map((v) => v.rule)).toEqual(["add_user_not_in_team"]);
  });
});
