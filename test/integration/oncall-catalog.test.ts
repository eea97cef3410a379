import { describe, expect, it } from "vitest";
import type { Override } from "../../src/core/oncall/types.js";
import { createKeys } from "../../src/infra/redis/keys.js";
import { createRedisOncallStore } from "../../src/infra/redis/oncall-store.js";
import { hourlySeverities } from "../helpers/config-fixtures.js";
import type { FakeSlack } from "../helpers/fake-slack/index.js";
import { eventually } from "../helpers/firebreak.js";
import { testRedis } from "../helpers/redis.js";
import { allText, slackWorld } from "../helpers/slack-world.js";

/**
 * The service catalog end to end: the policy a service's incidents page (its own, its backup after it, the
 * fallback for services nobody owns, overrides applied), `/incident services`, and the direct asks of a call
 * for help. Real core, store, queue and outbox on a real Redis, Slack faked; SEV1 escalates after 1 s.
 */
const CONFIG = `
timezone: Europe/Berlin
announce_channel: incidents
people:
  - { id: alice, name: Alice, slack: U0ALICE, timezone: Europe/Berlin }
  - { id: bob, name: Bob, slack: U0BOB, timezone: America/New_York }
  - { id: dana, name: Dana, slack: U0DANA, timezone: Europe/Berlin }
  - { id: erin, name: Erin, slack: U0ERIN, timezone: Europe/Berlin }
  - { id: finn, name: Finn, slack: U0FINN, timezone: Europe/Berlin }
  - { id: vera, name: Vera, slack: U0VERA, timezone: Europe/Berlin }
rotations:
  - { id: volunteers, name: Wiki volunteers, members: [vera], shift: 1w, handoff: "Mon 09:00", start: 2020-01-06 }
  - { id: primary, members: [dana], shift: 1w, handoff: "Mon 09:00", start: 2020-01-06 }
  - { id: bench, members: [alice, erin, finn], shift: 1w, handoff: "Mon 09:00", start: 2020-01-06 }
escalation_policies:
  - id: volunteers
    repeat_last: 0
    steps:
      - { notify: [rotation:volunteers] }
  - id: default
    repeat_last: 0
    steps:
      - { notify: [rotation:primary] }
      - { notify: [rotation:bench], after: 1h }
services:
  - { id: search, name: Search, owner: search-team, policy: default }
  - { id: wiki, name: Community wiki, owner: volunteers, policy: volunteers, backup_policy: default }
  - { id: blog, name: Team blog }
fallback_policy: default
${hourlySeverities({ sev1: { ack_within: "1s" } })}`;

const USERS = [
  { id: "U0ERIN", name: "erin" },
  { id: "U0FINN", name: "finn" },
  { id: "U0VERA", name: "vera" },
];

const world = slackWorld();
const redis = testRedis();
let fake: FakeSlack;
/** The running Firebreak's on-call store, read and written straight in Redis. */
let oncall: ReturnType<typeof createRedisOncallStore>;

async function start(label: string) {
  const started = await world.start({ label, config: CONFIG, users: USERS });
  fake = started.fake;
  oncall = createRedisOncallStore(redis, createKeys(started.app.prefix));
}

/** Bob opens an incident from #general; resolves to its channel's id once the kickoff is there. */
async function open(text: string, name: string): Promise<string> {
  await fake.sendSlashCommand({ text: `open ${text}`, user: "U0BOB" });
  return eventually(() => {
    const channel = fake.channel(name);
    if (!channel || channel.messages.length < 2) throw new Error("no kickoff yet");
    return channel.id;
  }, 10_000);
}

/** Puts `personId` on duty in `rotation` for the next hour, as `/incident oncall override` would. */
async function overrideNow(rotation: string, personId: string): Promise<void> {
  const now = Date.now();
  const override: Override = {
    id: `test-${rotation}-${personId}`,
    rotation,
    personId,
    from: new Date(now - 60_000).toISOString(),
    to: new Date(now + 3_600_000).toISOString(),
    kind: "override",
    by: "dana",
    at: new Date(now).toISOString(),
  };
  await oncall.changeOverrides(rotation, new Date(now), () => ({ add: [override] }));
}

describe("escalation policies of the catalog", () => {
  it("pages a volunteer-run service's backup policy once nobody acknowledged on its own", async () => {
    await start("catalog-backup");
    const channel = await open("Wiki is down sev1 service:wiki", "inc-1-wiki-is-down");
    // The wiki's own policy pages Vera first.
    await eventually(() =>
      expect(world.inChannel(channel)).toContain("<@U0VERA>, you are the Incident Commander"),
    );
    await eventually(
      () =>
        expect(world.inChannel(channel)).toContain(
          "Nobody acknowledged on *volunteers*, so the backup policy *default* is paged (its step 1 of 2).",
        ),
      10_000,
    );
    const page = fake
      .messages(channel)
      .find((m) => allText(m).includes("the backup policy *default* is paged (its step 1 of 2)"));
    expect(page && allText(page)).toContain("<@U0DANA>");
    await eventually(
      () => expect(world.dmsTo("U0DANA")).toContain("backup policy *default* is paged"),
      10_000,
    );
    const escalated = (await world.store().timeline("INC-1")).find((e) => e.type === "escalated");
    expect(escalated?.data).toMatchObject({ policy: "default", backupOf: "volunteers", targets: "U0DANA" });
    fake.assertNoViolations();
  });

  it("says on the page when the fallback policy pages, and pages whoever an override puts on duty", async () => {
    await start("catalog-fallback");
    await overrideNow("primary", "alice");
    const channel = await open("Blog is down service:blog", "inc-1-blog-is-down");
    await eventually(() => {
      const text = world.inChannel(channel);
      expect(text).toContain("<@U0ALICE>, you are the Incident Commander");
      expect(text).toContain("Nobody owns *Team blog*, so the fallback policy *default* pages you.");
    }, 10_000);
    await eventually(
      () => expect(world.dmsTo("U0ALICE")).toContain("so the fallback policy *default* pages you"),
      10_000,
    );
    expect(world.dmsTo("U0DANA")).not.toContain("You are paged");
    fake.assertNoViolations();
  });
});

describe("services", () => {
  it("answers the asker with the catalog: owners, policies, backups and who is on duty, overrides applied", async () => {
    await start("catalog-services");
    await overrideNow("primary", "erin");
    const asked = await fake.sendSlashCommand({ text: "services", user: "U0BOB" });
    const text = await eventually(() => {
      const posts = JSON.stringify(asked.responseUrl.posts);
      if (!posts.includes("Service catalog")) throw new Error("no answer yet");
      return posts;
    }, 10_000);
    expect(text).toContain("*Search* (`search`) · owned by search-team · policy *default*");
    expect(text).toContain("↳ <@U0ERIN> · primary (override) until");
    expect(text).toMatch(/until \w{3} \d+ \w{3} \d\d:\d\d E[SD]T/); // Bob's zone
    expect(text).toContain(
      "*Community wiki* (`wiki`) · owned by volunteers · policy *volunteers* · backup *default*",
    );
    expect(text).toContain("↳ <@U0VERA> · Wiki volunteers");
    expect(text).toContain("*Team blog* (`blog`) · *no owner* · fallback policy *default*");
    expect(
      asked.responseUrl.posts.every((p) => (p as { response_type?: string }).response_type !== "in_channel"),
    ).toBe(true);
    expect(fake.messages("general").map(allText).join("\n")).not.toContain("Service catalog");
  });
});

describe("calls for help", () => {
  it("DMs the two asked least among the likely helpers, so the next call asks two others", async () => {
    await start("catalog-help");
    const channel = await open("Search is down service:search", "inc-1-search-is-down");
    const dmed = () =>
      ["U0ALICE", "U0ERIN", "U0FINN", "U0VERA", "U0BOB", "U0DANA"].filter((u) =>
        world.dmsTo(u).includes("needs help on INC-1"),
      );
    await fake.sendSlashCommand({
      text: "help-wanted Someone who knows the DNS setup",
      user: "U0DANA",
      channel,
    });
    await eventually(() => expect(dmed()).toHaveLength(2), 10_000);
    const first = dmed();
    await fake.sendSlashCommand({ text: "help-wanted Someone to read the logs", user: "U0DANA", channel });
    await eventually(() => expect(dmed()).toHaveLength(4), 10_000);
    const second = dmed().filter((u) => !first.includes(u));
    // Candidates: on duty anywhere (Vera, Dana, one of the bench) and the members of the rotations the
    // search policy pages (Dana, Alice, Erin, Finn); Dana commands and asks, Bob reported.
    expect([...first, ...second].sort()).toEqual(["U0ALICE", "U0ERIN", "U0FINN", "U0VERA"]);
    expect(second).toHaveLength(2);
    // The DM carries the same "I'll take it" button.
    const im = fake.imWith(second[0] as string);
    const dm = im?.messages.find((m) => allText(m).includes("Someone to read the logs"));
    const actionId = /"action_id":"(fbHelpTake\.\d+)"/.exec(allText(dm ?? {}))?.[1];
    expect(actionId).toBeDefined();
    await fake.sendBlockAction({
      user: second[0] as string,
      channel: im?.id as string,
      messageTs: dm?.ts as string,
      actionId: actionId as string,
    });
    await eventually(
      () => expect(world.inChannel(channel)).toContain(`<@${second[0]}> took <@U0DANA>'s call for help`),
      10_000,
    );
    const record = await oncall.askedSince(new Date(Date.now() - 3_600_000));
    expect(Object.keys(record).sort()).toEqual(["alice", "erin", "finn", "vera"]);
    fake.assertNoViolations();
  });
});
