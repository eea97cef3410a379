import { afterAll, describe, expect, it } from "vitest";
import type { OncallStore } from "../../src/core/ports.js";
import { createKeys } from "../../src/infra/redis/keys.js";
import { createRedisOncallStore } from "../../src/infra/redis/oncall-store.js";
import { STANDARD_SEVERITIES, teamConfig } from "../helpers/config-fixtures.js";
import type { FakeSlack } from "../helpers/fake-slack/index.js";
import { eventually } from "../helpers/firebreak.js";
import { testRedis } from "../helpers/redis.js";
import { allText, slackWorld } from "../helpers/slack-world.js";

/**
 * A call for cover that was closed (the asker is no longer on duty for the time asked) tells later clicks it
 * was closed, as its post says, rather than looking for a taker in vain and saying someone took it. Tue 3 Nov
 * 2026 13:00 in Berlin: Alice has this week of `primary`, Bob the next, then Dana.
 */
const CONFIG = teamConfig({
  rotations: `
  - id: primary
    members: [alice, bob, dana]
    shift: 1w
    handoff: "Mon 09:00"
    timezone: Europe/Berlin
    start: 2026-11-02
    channel: oncall
`,
  severities: STANDARD_SEVERITIES,
});

const world = slackWorld();
const redis = testRedis();
afterAll(() => redis.disconnect());

const COVER = "fbOncallCoverTake";

/** The newest message with a button of `actionId` in a conversation, as `sendBlockAction` wants it. */
function buttonIn(fake: FakeSlack, channelId: string, actionId: string) {
  const messages = fake.channel(channelId)?.messages ?? [];
  for (const m of [...messages].reverse()) {
    const full = new RegExp(`"action_id":"(${actionId}\\.\\d+)"`).exec(allText(m))?.[1];
    if (full) return { channel: channelId, messageTs: m.ts, actionId: full };
  }
  throw new Error(`no ${actionId} button in ${channelId} yet`);
}

describe("a closed call for cover", () => {
  it("tells a later click it was closed, and stores nothing", async () => {
    const now = Date.parse("2026-11-03T12:00:00Z");
    const { fake, app } = await world.start({
      label: "cover-closed-click",
      config: CONFIG,
      clock: { now: () => new Date(now) },
      channels: [{ name: "general" }, { name: "incidents" }, { name: "oncall" }],
    });
    const oncall: OncallStore = createRedisOncallStore(redis, createKeys(app.prefix));
    const ask = async (text: string, user: string) => {
      const d = await fake.sendSlashCommand({ text, user });
      return eventually(() => {
        const answer =
          d.responseText.trim() || d.responseUrl.posts.map((p) => JSON.stringify(p.body)).join("\n");
        if (!answer) throw new Error(`no answer to "${text}" yet`);
        return answer;
      }, 10_000);
    };
    const answeredTo = (user: string) => fake.ephemerals({ user }).map(allText).join("\n");
    const oncallChannel = fake.channel("oncall")?.id as string;

    expect(await ask("oncall cover 2h primary", "U0ALICE")).toContain(
      "Your call for cover in primary is out",
    );
    const button = await eventually(() => buttonIn(fake, oncallChannel, COVER), 10_000);
    // Bob is put on for the whole time asked for: Alice has nothing left to be covered for.
    expect(await ask("oncall override @bob 2026-11-03 13:00 2026-11-03 16:00 primary", "U0DANA")).toContain(
      "Override made in primary",
    );
    // The first click finds out and closes the call.
    await fake.sendBlockAction({ user: "U0DANA", ...button });
    await eventually(() => {
      expect(answeredTo("U0DANA")).toContain("Alice is not on duty in primary");
      expect(world.inChannel("oncall")).toContain("Call for cover in primary closed");
    }, 10_000);

    // A later click on the copy of the call Bob got by direct message (its button stays) is told the call was
    // closed, not that someone took it.
    const bobsCopy = fake.imWith("U0BOB")?.id as string;
    await fake.sendBlockAction({ user: "U0BOB", ...buttonIn(fake, bobsCopy, COVER) });
    await eventually(() => expect(answeredTo("U0BOB")).toContain("was closed"), 10_000);
    expect(answeredTo("U0BOB")).toContain("nothing left to cover. Nothing was changed.");
    expect(answeredTo("U0BOB")).not.toContain("already took");
    expect((await oncall.overrides("primary", new Date(0))).map((o) => [o.personId, o.kind])).toEqual([
      ["bob", "override"],
    ]);
    fake.assertNoViolations();
  });
});
