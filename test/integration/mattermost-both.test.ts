import { describe, expect, it } from "vitest";
import { eventually } from "../helpers/firebreak.js";
import { mattermostWorld } from "../helpers/mattermost-world.js";
import { allText } from "../helpers/slack-world.js";

/**
 * One Firebreak serving a Slack workspace and a Mattermost team at once: each incident lives on the platform it
 * was opened on (its channel, its page, its announcement), the numbers are shared, and the on-call person, known
 * on both through the config's people map, is paged where the incident is. Dana is on call; Bob reports.
 */
const world = mattermostWorld();

describe("Slack and Mattermost served by one Firebreak", { timeout: 30_000 }, () => {
  it("keeps each incident on its own platform, shares the numbers, and pages on the incident's platform", async () => {
    const { fake, slack } = await world.start({ label: "mm-both", slack: true });
    if (!slack) throw new Error("no fake Slack");

    // INC-1 from Slack.
    const fromSlack = await slack.sendSlashCommand({ text: "open Search is down sev2", user: "U0BOB" });
    expect(fromSlack.status).toBe(200);
    const slackChannel = await eventually(() => {
      const c = slack.channel("inc-1-search-is-down");
      if (!c || c.pins.size === 0) throw new Error("no Slack kickoff yet");
      return c;
    }, 10_000);
    await eventually(() => expect(slack.imWith("U0DANA")?.messages.at(-1)?.text).toContain("INC-1"), 10_000);
    await eventually(
      () => expect(slack.messages("incidents").map(allText).join("\n")).toContain("INC-1"),
      10_000,
    );

    // INC-2 from Mattermost.
    const fromMattermost = await world.say("general", "open Checkout errors sev3", "bob");
    expect(fromMattermost.status).toBe(200);
    const mmChannel = await world.incidentChannel("inc-2-checkout-errors");
    await eventually(() => expect(world.dmsTo("dana")).toContain("Paged: INC-2"), 10_000);
    await eventually(() => expect(world.inChannel("incidents")).toContain("INC-2"), 10_000);

    expect(await world.incident("INC-1")).toMatchObject({
      commander: { platformUserId: "U0DANA", personId: "dana" },
      reporters: [{ platformUserId: "U0BOB", personId: "bob" }],
      channel: { id: slackChannel.id, name: "inc-1-search-is-down" },
    });
    expect(await world.incident("INC-2")).toMatchObject({
      commander: { platformUserId: "dana", personId: "dana" },
      reporters: [{ platformUserId: "bob", personId: "bob" }],
      channel: { id: mmChannel.id, name: "inc-2-checkout-errors" },
    });

    // Nothing of INC-1 reached Mattermost, nothing of INC-2 reached Slack.
    expect(fake.channel("inc-1-search-is-down")).toBeUndefined();
    expect(world.dmsTo("dana")).not.toContain("INC-1");
    expect(world.inChannel("incidents")).not.toContain("INC-1");
    expect(slack.channel("inc-2-checkout-errors")).toBeUndefined();
    expect(slack.callsTo("conversations.create")).toHaveLength(1);
    expect((slack.imWith("U0DANA")?.messages ?? []).map(allText).join("\n")).not.toContain("INC-2");
    expect(slack.messages("incidents").map(allText).join("\n")).not.toContain("INC-2");

    // A command typed in an incident channel finds that platform's incident.
    await world.say("inc-2-checkout-errors", "ack");
    await eventually(async () => expect((await world.incident("INC-2")).state).toBe("acknowledged"), 10_000);
    expect((await world.incident("INC-1")).state).toBe("triggered");
    await eventually(() =>
      expect(world.inChannel("inc-2-checkout-errors")).toContain("acknowledged **INC-2**"),
    );

    const slackAck = await slack.sendSlashCommand({ text: "ack", user: "U0DANA", channel: slackChannel.id });
    expect(slackAck.status).toBe(200);
    await eventually(async () => expect((await world.incident("INC-1")).state).toBe("acknowledged"), 10_000);
    await eventually(() =>
      expect(slack.messages(slackChannel.id).map(allText).join("\n")).toContain("acknowledged *INC-1*"),
    );
    const acks = (id: string) =>
      world
        .store()
        .timeline(id)
        .then((events) => events.filter((e) => e.type === "acknowledged").map((e) => e.actor));
    expect(await acks("INC-1")).toEqual(["U0DANA"]);
    expect(await acks("INC-2")).toEqual(["dana"]);

    fake.assertNoViolations();
    slack.assertNoViolations();
  });
});
