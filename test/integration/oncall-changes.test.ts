import { afterAll, describe, expect, it } from "vitest";
import type { OncallStore } from "../../src/core/ports.js";
import { createKeys } from "../../src/infra/redis/keys.js";
import { createRedisOncallStore } from "../../src/infra/redis/oncall-store.js";
import { STANDARD_SEVERITIES, teamConfig } from "../helpers/config-fixtures.js";
import type { FakeSlack, SlashCommandDelivery } from "../helpers/fake-slack/index.js";
import { eventually } from "../helpers/firebreak.js";
import { type HandClock, handClock } from "../helpers/hand-clock.js";
import { testRedis } from "../helpers/redis.js";
import { allText, type SlackWorld, slackWorld } from "../helpers/slack-world.js";

/**
 * Changing the schedule from chat, end to end: the real dispatcher, store, queue and outbox on a real Redis,
 * Slack faked, and a clock the test holds. It is Tue 3 Nov 2026 13:00 in Berlin: in `primary` (weekly from Mon
 * 2 Nov 09:00 Berlin) Alice has this week, Bob the next, then Dana; in `secondary` Alice has this week too,
 * then Erin. `later` has not started yet. Zed has a Slack account but is not in the people list. Finn is a
 * manager in no rotation.
 */
const CONFIG = teamConfig({
  morePeople: [
    "{ id: erin, name: Erin, slack: U0ERIN, timezone: Europe/Berlin }",
    "{ id: finn, name: Finn, slack: U0FINN, timezone: Europe/Berlin }",
  ],
  rotations: `
  - id: primary
    members: [alice, bob, dana]
    shift: 1w
    handoff: "Mon 09:00"
    timezone: Europe/Berlin
    start: 2026-11-02
    channel: oncall
  - { id: secondary, members: [alice, erin], shift: 1w, handoff: "Mon 09:00", timezone: Europe/Berlin, start: 2026-11-02 }
  - { id: later, members: [erin, alice], shift: 1w, handoff: "Mon 09:00", timezone: Europe/Berlin, start: 2028-01-03 }
`,
  extra: "roles: { managers: [finn] }\n",
  severities: STANDARD_SEVERITIES,
});

const NOW = "2026-11-03T12:00:00Z";

const world = slackWorld();
const redis = testRedis();
afterAll(() => redis.disconnect());

let w: SlackWorld;
let fake: FakeSlack;
let clock: HandClock;
let oncall: OncallStore;

async function start(label: string) {
  clock = handClock(NOW);
  w = await world.start({
    label: `oncall-changes-${label}`,
    config: CONFIG,
    clock,
    channels: [{ name: "general" }, { name: "incidents" }, { name: "oncall" }],
    users: [
      { id: "U0ERIN", name: "erin" },
      { id: "U0FINN", name: "finn" },
      { id: "U0ZED", name: "zed" },
    ],
  });
  fake = w.fake;
  oncall = createRedisOncallStore(redis, createKeys(w.app.prefix));
}

/** Everything the person was answered (only they see it), as one string. */
const answered = (d: SlashCommandDelivery) =>
  d.responseUrl.posts.map((p) => JSON.stringify(p.body)).join("\n");

/**
 * `user` types `/incident <text>` in #general; resolves with what only they were answered: a mistake the
 * grammar catches comes back at once in the acknowledgement, everything else later through the response URL.
 */
async function ask(text: string, user = "U0DANA"): Promise<string> {
  const d = await fake.sendSlashCommand({ text, user });
  if (d.responseText.trim()) return d.responseText;
  return eventually(() => {
    if (d.responseUrl.posts.length === 0) throw new Error(`no answer to "${text}" yet`);
    return answered(d);
  }, 10_000);
}

const dms = (user: string) => world.dmsTo(user);
const overrides = (rotation = "primary") => oncall.overrides(rotation, new Date(0));

/** The newest message with a button of `actionId` in a conversation, as `sendBlockAction` wants it. */
function buttonIn(channelId: string, actionId: string) {
  const messages = fake.channel(channelId)?.messages ?? [];
  for (const m of [...messages].reverse()) {
    const full = new RegExp(`"action_id":"(${actionId}\\.\\d+)"`).exec(allText(m))?.[1];
    if (full) return { channel: channelId, messageTs: m.ts, actionId: full };
  }
  throw new Error(`no ${actionId} button in ${channelId} yet`);
}

const COVER = "fbOncallCoverTake";
const oncallChannel = () => fake.channel("oncall")?.id as string;

describe("who may change a rotation's schedule", () => {
  const MAY =
    "Only the members of *primary* (<@U0ALICE>, <@U0BOB>, <@U0DANA>) or a manager or admin (<@U0FINN>)";

  it.each([
    {
      what: "an override by someone not in the people list",
      text: "oncall override @bob 2026-11-04 09:00 2026-11-04 17:00",
      user: "U0ZED",
      doing: "override its schedule",
    },
    {
      what: "an override by a member of another rotation",
      text: "oncall override @bob 2026-11-04 09:00 2026-11-04 17:00 primary",
      user: "U0ERIN",
      doing: "override its schedule",
    },
    {
      what: "a swap of two other people's shifts by a non-member",
      text: "oncall swap @alice @bob primary",
      user: "U0ERIN",
      doing: "swap shifts in it",
    },
    {
      what: "taking over by a non-member",
      text: "oncall cover 1h primary",
      user: "U0ERIN",
      doing: "take over in it",
    },
  ])("refuses $what, naming who may, storing nothing", async ({ text, user, doing }) => {
    await start("not-allowed");
    const answer = await ask(text, user);
    expect(answer).toContain(MAY);
    expect(answer).toContain(`can ${doing}. Nothing was changed.`);
    expect(await overrides()).toEqual([]);
  });

  it("lets a manager who is in no rotation override and swap", async () => {
    await start("manager");
    expect(await ask("oncall override @bob 2026-11-04 09:00 2026-11-04 17:00 primary", "U0FINN")).toContain(
      "Override made in primary",
    );
    expect(await ask("oncall swap @bob @dana primary", "U0FINN")).toContain("Swapped in primary");
    expect((await overrides()).map((o) => [o.kind, o.by])).toEqual([
      ["override", "finn"],
      ["swap", "finn"],
      ["swap", "finn"],
    ]);
  });
});

describe("oncall override", () => {
  it("puts someone on over a window, answers in the asker's zone, records who and when, and tells who moved", async () => {
    await start("override");
    const answer = await ask("oncall override @bob 2026-11-04 09:00 2026-11-04 17:00");
    expect(answer).toContain("Override made in primary");
    expect(answer).toContain("<@U0BOB> is on call from Wed 4 Nov 09:00 CET to Wed 4 Nov 17:00 CET");
    expect(answer).toContain("instead of <@U0ALICE>");
    expect(answer).toContain("Told by direct message that their shifts moved: <@U0ALICE>, <@U0BOB>.");
    expect(answer).not.toContain("Could not tell");
    expect(await overrides()).toEqual([
      {
        id: expect.any(String),
        rotation: "primary",
        personId: "bob",
        from: "2026-11-04T08:00:00.000Z",
        to: "2026-11-04T16:00:00.000Z",
        kind: "override",
        replaces: "alice",
        by: "dana",
        at: NOW.replace("Z", ".000Z"),
      },
    ]);
    // Bob reads his new hours in New York time; Alice hears she is off then. Dana, who made it, was answered.
    await eventually(() => {
      expect(dms("U0BOB")).toContain("Your on-call shifts in");
      expect(dms("U0BOB")).toContain("Wed 4 Nov 03:00 EST");
      expect(dms("U0ALICE")).toContain("Your on-call shifts in");
    }, 10_000);
    expect(dms("U0DANA")).not.toContain("Your on-call shifts in");
    fake.assertNoViolations();
  });

  it("a window that started in the past begins now, and the answer says so", async () => {
    await start("override-past");
    const answer = await ask("oncall override @dana 2026-11-03 09:00 2026-11-03 18:00 primary");
    expect(answer).toContain("The start you typed has passed, so it begins now.");
    expect((await overrides())[0]).toMatchObject({ personId: "dana", from: "2026-11-03T12:00:00.000Z" });
  });

  it.each([
    {
      what: "a time that does not exist (the spring-forward gap)",
      text: "oncall override @bob 2027-03-28 02:30 2027-03-28 05:00",
      says: "does not exist in Europe/Berlin",
    },
    {
      what: "an end before the start, with mixed offsets",
      text: "oncall override @bob 2026-11-04T10:00 2026-11-04T08:30Z",
      says: "must be after the start (Wed 4 Nov 10:00 CET)",
    },
    {
      what: "an end before the start",
      text: "oncall override @bob 2026-11-04 10:00 2026-11-04 09:00",
      says: "must be after the start",
    },
    {
      what: "a window already over",
      text: "oncall override @bob 2026-11-01 09:00 2026-11-02 09:00",
      says: "That window is already over",
    },
    {
      what: "an absurd length",
      text: "oncall override @bob 2026-11-04 09:00 2027-03-04 09:00",
      says: "the longest allowed is",
    },
    {
      what: "an unknown person",
      text: "oncall override @zed 2026-11-04 09:00 2026-11-04 17:00",
      says: "is not in the config file",
    },
    {
      what: "an unknown rotation",
      text: "oncall override @bob 2026-11-04 09:00 2026-11-04 17:00 tertiary",
      says: "Known rotations: primary, secondary, later",
    },
    {
      what: "no rotation named for someone in several",
      text: "oncall override @alice 2026-11-04 09:00 2026-11-04 17:00",
      says: "Alice is in several rotations (primary, secondary, later)",
    },
  ])("refuses $what with a specific message, storing nothing", async ({ text, says }) => {
    await start("override-bad");
    const answer = await ask(text);
    expect(answer).toContain(says);
    expect(await overrides()).toEqual([]);
    expect(await overrides("secondary")).toEqual([]);
  });

  it("refuses an overlap, naming who, when and who made it", async () => {
    await start("override-overlap");
    await ask("oncall override @bob 2026-11-04 09:00 2026-11-04 17:00", "U0ALICE");
    const answer = await ask("oncall override @dana 2026-11-04 16:00 2026-11-04 20:00");
    expect(answer).toContain(
      "That overlaps an override already in primary: Bob is on instead of Alice from Wed 4 Nov 09:00 CET to Wed 4 Nov 17:00 CET (override, made by Alice on Tue 3 Nov 13:00 CET)",
    );
    expect(answer).toContain("Nothing was changed.");
    expect((await overrides()).map((o) => o.personId)).toEqual(["bob"]);
  });

  it("of two overlapping overrides sent at the same moment, exactly one lands", async () => {
    await start("override-race");
    const [a, b] = await Promise.all([
      ask("oncall override @bob 2026-11-05 09:00 2026-11-05 17:00", "U0DANA"),
      ask("oncall override @dana 2026-11-05 12:00 2026-11-05 20:00", "U0ALICE"),
    ]);
    const stored = await overrides();
    expect(stored).toHaveLength(1);
    const answers = [a, b];
    expect(answers.filter((x) => x.includes("Override made in primary"))).toHaveLength(1);
    expect(answers.filter((x) => x.includes("That overlaps an override already in primary"))).toHaveLength(1);
  });
});

describe("oncall swap", () => {
  it("trades each person's next shift, as two swap overrides in one change, and tells both", async () => {
    await start("swap");
    const answer = await ask("oncall swap @alice @bob");
    expect(answer).toContain("Swapped in primary");
    // Alice's next shift (after this one) is 23–30 Nov; Bob's is 9–16 Nov.
    expect(answer).toContain("<@U0BOB> now works Mon 23 Nov 09:00 CET → Mon 30 Nov 09:00 CET");
    expect(answer).toContain("<@U0ALICE> now works Mon 9 Nov 09:00 CET → Mon 16 Nov 09:00 CET");
    expect(answer).toContain("Told by direct message that their shifts moved: <@U0ALICE>, <@U0BOB>.");
    const stored = await overrides();
    expect(stored.map((o) => [o.personId, o.replaces, o.kind, o.from, o.by])).toEqual([
      ["alice", "bob", "swap", "2026-11-09T08:00:00.000Z", "dana"],
      ["bob", "alice", "swap", "2026-11-23T08:00:00.000Z", "dana"],
    ]);
    await eventually(() => {
      expect(dms("U0ALICE")).toContain("a swap was made");
      expect(dms("U0BOB")).toContain("a swap was made");
    }, 10_000);
    fake.assertNoViolations();
  });

  it.each([
    { what: "oneself", text: "oncall swap @alice @alice", says: "Swapping needs two different people" },
    { what: "an unknown person", text: "oncall swap @alice @zed", says: "is not in the config file" },
    {
      what: "a non-member",
      text: "oncall swap @alice @erin primary",
      says: "Erin is not a member of primary",
    },
    {
      what: "an unknown rotation",
      text: "oncall swap @alice @bob tertiary",
      says: 'no rotation \\"tertiary\\"',
    },
    {
      what: "no upcoming shift",
      text: "oncall swap @erin @alice later",
      user: "U0ALICE",
      says: "Erin has no upcoming shift in later",
    },
  ])("refuses $what, storing nothing", async ({ text, user, says }) => {
    await start("swap-bad");
    expect(await ask(text, user)).toContain(says);
    expect(await overrides()).toEqual([]);
    expect(await overrides("later")).toEqual([]);
  });

  it("refuses a shift that already has an override", async () => {
    await start("swap-overlap");
    await ask("oncall swap @alice @bob");
    // Alice's next turn (23–30 Nov) is now Bob's by override: swapping it again would overlap that.
    const answer = await ask("oncall swap @alice @dana");
    expect(answer).toContain("That overlaps an override already in primary: Bob is on instead of Alice");
    expect(await overrides()).toHaveLength(2);
  });
});

describe("oncall away", () => {
  it("records the asker's absence and lists their shifts inside it, with how to hand them on", async () => {
    await start("away");
    const answer = await ask("oncall away 2026-11-20 00:00 2026-11-25 00:00", "U0ALICE");
    expect(answer).toContain("Noted: you are away");
    expect(answer).toContain("primary: Mon 23 Nov 09:00 CET → Wed 25 Nov 00:00 CET");
    expect(answer).toContain("secondary: Fri 20 Nov 00:00 CET → Mon 23 Nov 09:00 CET");
    expect(answer).toContain("oncall swap");
    expect(await oncall.away(new Date(0))).toEqual([
      {
        id: expect.any(String),
        personId: "alice",
        from: "2026-11-19T23:00:00.000Z",
        to: "2026-11-24T23:00:00.000Z",
        by: "alice",
        at: NOW.replace("Z", ".000Z"),
      },
    ]);
  });

  it("refuses an overlap with an absence already declared, naming it", async () => {
    await start("away-overlap");
    await ask("oncall away 2026-11-20 00:00 2026-11-25 00:00", "U0ALICE");
    const answer = await ask("oncall away 2026-11-24 00:00 2026-11-26 00:00", "U0ALICE");
    expect(answer).toContain(
      "You already said you are away from Fri 20 Nov 00:00 CET to Wed 25 Nov 00:00 CET",
    );
    expect(await oncall.away(new Date(0))).toHaveLength(1);
  });

  it.each([
    {
      what: "someone not in the people list",
      text: "oncall away 2026-11-20 00:00 2026-11-25 00:00",
      user: "U0ZED",
      says: "You are not in the config file",
    },
    {
      what: "an end before the start",
      text: "oncall away 2026-11-20T10:00 2026-11-20T08:00Z",
      user: "U0ALICE",
      says: "must be after the start",
    },
    {
      what: "a window already over",
      text: "oncall away 2026-10-20 00:00 2026-10-25 00:00",
      user: "U0ALICE",
      says: "already over",
    },
    {
      what: "a time that does not exist",
      text: "oncall away 2027-03-28 02:15 2027-03-29 00:00",
      user: "U0ALICE",
      says: "does not exist",
    },
  ])("refuses $what, storing nothing", async ({ text, user, says }) => {
    await start("away-bad");
    expect(await ask(text, user)).toContain(says);
    expect(await oncall.away(new Date(0))).toEqual([]);
  });
});

describe("oncall cover", () => {
  it("on call: posts a call for cover and asks two members by DM; of two simultaneous clicks exactly one gets it", async () => {
    await start("cover-call");
    const answer = await ask("oncall cover 2h primary", "U0ALICE");
    expect(answer).toContain("Your call for cover in primary is out");
    expect(answer).toContain(`<#${oncallChannel()}>`);
    await eventually(() => {
      expect(world.inChannel("oncall")).toContain("Cover wanted in primary");
      expect(world.inChannel("oncall")).toContain("from Tue 3 Nov 13:00 CET to Tue 3 Nov 15:00 CET");
      expect(dms("U0BOB")).toContain("Cover wanted in primary");
      expect(dms("U0DANA")).toContain("Cover wanted in primary");
    }, 10_000);
    // The asked-recently record now has both, so the next call asks others first.
    const record = await oncall.askedSince(new Date(0));
    expect(Object.keys(record).sort()).toEqual(["bob", "dana"]);

    const button = await eventually(() => buttonIn(oncallChannel(), COVER), 10_000);
    // The asker cannot take their own call.
    await fake.sendBlockAction({ user: "U0ALICE", ...button });
    await eventually(
      () =>
        expect(fake.ephemerals({ user: "U0ALICE" }).map(allText).join("\n")).toContain(
          "your own call for cover",
        ),
      10_000,
    );
    expect(await overrides()).toEqual([]);

    clock.advance(10 * 60_000);
    await Promise.all([
      fake.sendBlockAction({ user: "U0BOB", ...button }),
      fake.sendBlockAction({ user: "U0DANA", ...button }),
    ]);
    const told = (u: string) => fake.ephemerals({ user: u }).map(allText).join("\n");
    await eventually(() => {
      const replies = [told("U0BOB"), told("U0DANA")];
      expect(
        replies.filter((r) => r.includes("You took the call for cover in primary*: you cover <@U0ALICE>")),
      ).toHaveLength(1);
      expect(replies.filter((r) => r.includes("already took this call for cover"))).toHaveLength(1);
    }, 10_000);
    const stored = await overrides();
    expect(stored).toHaveLength(1);
    const taker = stored[0]?.personId as string;
    expect(["bob", "dana"]).toContain(taker);
    expect(stored[0]).toMatchObject({
      kind: "cover",
      replaces: "alice",
      from: "2026-11-03T12:10:00.000Z",
      to: "2026-11-03T14:00:00.000Z",
      by: taker,
    });
    const takerUser = taker === "bob" ? "U0BOB" : "U0DANA";
    await eventually(() => {
      expect(dms("U0ALICE")).toContain(`<@${takerUser}> *took your call for cover in primary*`);
      expect(world.inChannel("oncall")).toContain("Covered in primary");
    }, 10_000);
    fake.assertNoViolations();
  });

  it("a non-member's click is refused and leaves the call open for a member", async () => {
    await start("cover-stranger");
    await ask("oncall cover 2h primary", "U0ALICE");
    const button = await eventually(() => buttonIn(oncallChannel(), COVER), 10_000);
    await fake.sendBlockAction({ user: "U0ERIN", ...button });
    await eventually(
      () =>
        expect(fake.ephemerals({ user: "U0ERIN" }).map(allText).join("\n")).toContain(
          "can take a call for cover in it. Nothing was changed.",
        ),
      10_000,
    );
    expect(await overrides()).toEqual([]);
    await fake.sendBlockAction({ user: "U0BOB", ...button });
    await eventually(async () => expect((await overrides()).map((o) => o.personId)).toEqual(["bob"]), 10_000);
  });

  it("a click once the asker is no longer on duty is refused, and the post says the call is closed", async () => {
    await start("cover-closed");
    await ask("oncall cover 2h primary", "U0ALICE");
    const button = await eventually(() => buttonIn(oncallChannel(), COVER), 10_000);
    // Meanwhile Bob is put on for the whole time asked for: Alice has nothing left to be covered for.
    expect(await ask("oncall override @bob 2026-11-03 13:00 2026-11-03 16:00 primary")).toContain(
      "Override made in primary",
    );
    await fake.sendBlockAction({ user: "U0DANA", ...button });
    await eventually(() => {
      expect(fake.ephemerals({ user: "U0DANA" }).map(allText).join("\n")).toContain(
        "Alice is not on duty in primary",
      );
      expect(world.inChannel("oncall")).toContain("Call for cover in primary closed");
    }, 10_000);
    expect((await overrides()).map((o) => [o.personId, o.kind])).toEqual([["bob", "override"]]);
  });

  it("does not ask by DM someone who said they are away during the call", async () => {
    // Bob is away from an hour into the call (12:00–14:00Z) until the evening.
    await start("cover-away");
    expect(await ask("oncall away 2026-11-03T13:00Z 2026-11-03T20:00Z", "U0BOB")).toContain(
      "Noted: you are away",
    );
    const answer = await ask("oncall cover 2h primary", "U0ALICE");
    expect(answer).toContain("Your call for cover in primary is out");
    await eventually(() => expect(dms("U0DANA")).toContain("Cover wanted in primary"), 10_000);
    expect(dms("U0BOB")).not.toContain("Cover wanted");
    expect(Object.keys(await oncall.askedSince(new Date(0)))).toEqual(["dana"]);
  });

  it("a click after the time asked for is told the call expired, and nothing is stored", async () => {
    await start("cover-expired");
    await ask("oncall cover 30m primary", "U0ALICE");
    const button = await eventually(() => buttonIn(oncallChannel(), COVER), 10_000);
    clock.advance(31 * 60_000);
    await fake.sendBlockAction({ user: "U0BOB", ...button });
    await eventually(
      () => expect(fake.ephemerals({ user: "U0BOB" }).map(allText).join("\n")).toContain("has expired"),
      10_000,
    );
    expect(await overrides()).toEqual([]);
  });

  it("not on call: takes over whoever is, from now for the duration, and tells them", async () => {
    await start("cover-take");
    const answer = await ask("oncall cover 1h", "U0DANA");
    expect(answer).toContain("You are on call in primary");
    expect(answer).toContain("instead of <@U0ALICE>");
    expect(answer).toContain("from Tue 3 Nov 13:00 CET to Tue 3 Nov 14:00 CET");
    expect(answer).toContain("Told by direct message that their shifts moved: <@U0ALICE>.");
    expect(await overrides()).toEqual([
      expect.objectContaining({
        personId: "dana",
        replaces: "alice",
        kind: "cover",
        from: "2026-11-03T12:00:00.000Z",
        to: "2026-11-03T13:00:00.000Z",
        by: "dana",
      }),
    ]);
    await eventually(() => expect(dms("U0ALICE")).toContain("a cover was arranged"), 10_000);
  });

  it.each([
    { what: "too short", text: "oncall cover 2m", user: "U0ALICE", says: "Cover lasts from 5m to 1w" },
    { what: "too long", text: "oncall cover 8d", user: "U0ALICE", says: "Cover lasts from 5m to 1w" },
    {
      what: "someone not in the people list",
      text: "oncall cover 1h",
      user: "U0ZED",
      says: "You are not in the config file",
    },
    {
      what: "on call in two rotations, none named",
      text: "oncall cover 1h",
      user: "U0ALICE",
      says: "You are on call in primary and secondary",
    },
    {
      what: "an unknown rotation",
      text: "oncall cover 1h tertiary",
      user: "U0ALICE",
      says: "There is no rotation",
    },
  ])("refuses $what, storing nothing", async ({ text, user, says }) => {
    await start("cover-bad");
    expect(await ask(text, user)).toContain(says);
    expect(await overrides()).toEqual([]);
    expect(await overrides("secondary")).toEqual([]);
  });
});
