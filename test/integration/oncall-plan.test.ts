import { afterAll, describe, expect, it } from "vitest";
import type { OncallStore } from "../../src/core/ports.js";
import { createKeys } from "../../src/infra/redis/keys.js";
import { createRedisOncallStore } from "../../src/infra/redis/oncall-store.js";
import { STANDARD_SEVERITIES, teamConfig } from "../helpers/config-fixtures.js";
import type { FakeSlack, SlashCommandDelivery } from "../helpers/fake-slack/index.js";
import { eventually } from "../helpers/firebreak.js";
import { testRedis } from "../helpers/redis.js";
import { allText, type SlackWorld, slackWorld } from "../helpers/slack-world.js";

/**
 * The planner end to end: the real dispatcher, store, queue and outbox on a real Redis, Slack faked, and a
 * clock the test holds. It is Tue 3 Nov 2026 13:00 in Berlin. `primary` hands off weekly on Mondays 09:00
 * Berlin from 2 Nov: Alice has this week, then Bob (9 Nov), Dana (16 Nov), Erin (23 Nov), Alice (30 Nov).
 * Frank is in the people list but in no rotation; Mona is a manager; `solo` has a single member.
 */
const CONFIG = teamConfig({
  morePeople: [
    "{ id: erin, name: Erin, slack: U0ERIN, timezone: Europe/Berlin }",
    "{ id: frank, name: Frank, slack: U0FRANK, timezone: Europe/Berlin }",
    "{ id: mona, name: Mona, slack: U0MONA, timezone: Europe/Berlin }",
  ],
  rotations: `
  - { id: primary, members: [alice, bob, dana, erin], shift: 1w, handoff: "Mon 09:00", timezone: Europe/Berlin, start: 2026-11-02 }
  - { id: solo, members: [frank], shift: 1w, handoff: "Mon 09:00", timezone: Europe/Berlin, start: 2026-11-02 }
`,
  extra: "roles: { managers: [mona] }\n",
  severities: STANDARD_SEVERITIES,
});

const NOW = "2026-11-03T12:00:00Z";
const APPLY = "fbOncallPlanApply";
const DISCARD = "fbOncallPlanDiscard";

const world = slackWorld();
const redis = testRedis();
afterAll(() => redis.disconnect());

let w: SlackWorld;
let fake: FakeSlack;
let oncall: OncallStore;

async function start(label: string) {
  const t = Date.parse(NOW);
  w = await world.start({
    label: `oncall-plan-${label}`,
    config: CONFIG,
    clock: { now: () => new Date(t) },
    channels: [{ name: "general" }, { name: "incidents" }],
    users: [
      { id: "U0ERIN", name: "erin" },
      { id: "U0FRANK", name: "frank" },
      { id: "U0MONA", name: "mona" },
    ],
  });
  fake = w.fake;
  oncall = createRedisOncallStore(redis, createKeys(w.app.prefix));
}

/** `user` types `/incident <text>` in #general; resolves with what only they were answered, if anything yet. */
async function ask(text: string, user = "U0ALICE"): Promise<SlashCommandDelivery> {
  return fake.sendSlashCommand({ text, user });
}

const answered = (d: SlashCommandDelivery) =>
  `${d.responseText}\n${d.responseUrl.posts.map((p) => JSON.stringify(p.body)).join("\n")}`;

/** What only `user` was told after clicking (ephemeral answers through the response URL). */
const told = (user: string) =>
  fake
    .ephemerals({ user })
    .map((e) => allText(e))
    .join("\n");

const general = () => fake.channel("general")?.id as string;

/** The plan post in #general, once it is there. */
function planPost() {
  return eventually(() => {
    const m = fake.messages("general").find((x) => allText(x).includes("Draft plan for"));
    if (!m) throw new Error("no plan posted yet");
    return m;
  }, 10_000);
}

/** The button of `actionId` on the plan post, as `sendBlockAction` wants it. */
async function button(actionId: string) {
  const m = await planPost();
  const full = new RegExp(`"action_id":"(${actionId}\\.\\d+)"`).exec(allText(m))?.[1];
  if (!full) throw new Error(`no ${actionId} button on the plan`);
  return { channel: general(), messageTs: m.ts, actionId: full };
}

/** The draft's id: the value of the plan's buttons. */
function planIdOf(post: string): string {
  const id = /"value":"([^"]+)"/.exec(post)?.[1];
  if (!id) throw new Error("no plan id on the post");
  return id;
}

/** The table line of the shift starting on `day` (e.g. "Mon 9 Nov"). */
const line = (text: string, day: string) => text.split("\\n").find((l) => l.includes(`• ${day}`)) ?? "";

/** Bob is away Tue 10 – Thu 12 Nov (inside the week starting Mon 9 Nov). */
async function bobAway() {
  await oncall.changeAway("bob", new Date(NOW), () => ({
    add: [
      {
        id: "away-bob",
        personId: "bob",
        from: "2026-11-10T08:00:00Z",
        to: "2026-11-12T17:00:00Z",
        by: "bob",
        at: NOW,
      },
    ],
  }));
}

describe("oncall plan", () => {
  it("drafts around an absence, applies as overrides, tells the moved, and a second Apply is refused", async () => {
    await start("apply");
    await bobAway();
    await ask("oncall plan primary 4");
    const post = allText(await planPost());
    expect(post).toContain("layer *base* (its first layer: the one with the highest precedence)");
    // Bob is away during the week of 9 Nov: Dana takes it, and Bob takes Dana's week instead.
    expect(line(post, "Mon 9 Nov")).toContain("Dana (was: Bob)");
    expect(line(post, "Mon 16 Nov")).toContain("Bob (was: Dana)");
    expect(line(post, "Mon 23 Nov")).toContain("Erin");
    expect(line(post, "Mon 23 Nov")).not.toContain("was:");
    expect(line(post, "Mon 30 Nov")).toContain("Alice");
    // Alice served this week already: 1 + 1 = 2, everyone else 0 + 1.
    expect(post).toContain("Alice: 1 + 1 = 2");
    // A draft notifies nobody: people are named, not mentioned.
    expect(post).not.toContain("<@");
    expect(post).toContain("2 shift(s) change hands");

    // Alice and Dana click at once: exactly one applies, the other is told who did.
    const [apply, again] = [await button(APPLY), await button(APPLY)];
    await Promise.all([
      fake.sendBlockAction({ user: "U0ALICE", ...apply }),
      fake.sendBlockAction({ user: "U0DANA", ...again }),
    ]);
    await eventually(
      async () => expect((await oncall.overrides("primary", new Date(0))).length).toBe(2),
      10_000,
    );
    const written = await oncall.overrides("primary", new Date(0));
    expect(written.map((o) => [o.personId, o.from, o.to, o.kind, o.replaces])).toEqual([
      ["dana", "2026-11-09T08:00:00.000Z", "2026-11-16T08:00:00.000Z", "plan", "bob"],
      ["bob", "2026-11-16T08:00:00.000Z", "2026-11-23T08:00:00.000Z", "plan", "dana"],
    ]);
    const winner = written[0]?.by as string;
    expect(["alice", "dana"]).toContain(winner);
    const loser = winner === "alice" ? "U0DANA" : "U0ALICE";
    const winnerUser = winner === "alice" ? "U0ALICE" : "U0DANA";
    const winnerName = winner === "alice" ? "Alice" : "Dana";
    await eventually(
      () => expect(told(winnerUser)).toContain("Plan applied to primary: 2 shift(s) changed hands"),
      10_000,
    );
    // The answer names who was told (the one who applied is not told of their own doing).
    expect(told(winnerUser)).toContain(
      `Told by direct message that their shifts moved: <@U0BOB>${winner === "dana" ? "." : ", <@U0DANA>."}`,
    );
    await eventually(
      () => expect(told(loser)).toContain(`This plan was already applied by <@${winnerUser}>`),
      10_000,
    );
    // Nobody is scheduled while away.
    for (const o of written.filter((x) => x.personId === "bob")) {
      expect(
        Date.parse(o.to) <= Date.parse("2026-11-10T08:00:00Z") ||
          Date.parse(o.from) >= Date.parse("2026-11-12T17:00:00Z"),
      ).toBe(true);
    }
    // The people whose shifts moved are told (the one who applied is not told of their own doing).
    if (winner !== "dana")
      await eventually(() => expect(world.dmsTo("U0DANA")).toContain("a plan was applied"), 10_000);
    await eventually(() => expect(world.dmsTo("U0BOB")).toContain("a plan was applied"), 10_000);
    // The post now says who applied it, and its buttons are gone.
    await eventually(async () => {
      const edited = allText(await planPost());
      expect(edited).toContain(`*Applied* by ${winnerName}`);
      expect(edited).not.toContain("<@");
      expect(edited).not.toContain(APPLY);
    }, 10_000);
    // The people given shifts are in the asked-recently record.
    expect(Object.keys(await oncall.askedSince(new Date(0))).sort()).toEqual(["bob", "dana"]);
    w.fake.assertNoViolations();
  });

  it("Discard drops the draft and says who discarded it; a manager may", async () => {
    await start("discard");
    await ask("oncall plan primary 3");
    const discard = await button(DISCARD);
    await fake.sendBlockAction({ user: "U0MONA", ...discard });
    await eventually(
      () => expect(told("U0MONA")).toContain("You discarded the draft plan for primary"),
      10_000,
    );
    await eventually(async () => expect(allText(await planPost())).toContain("*Discarded* by Mona"), 10_000);
    expect(await oncall.overrides("primary", new Date(0))).toEqual([]);
  });

  it("refuses someone who is neither a member nor a manager, naming who may, and keeps the plan open", async () => {
    await start("refused");
    await ask("oncall plan primary 2");
    await fake.sendBlockAction({ user: "U0FRANK", ...(await button(APPLY)) });
    await eventually(() => expect(told("U0FRANK")).toContain("Only the members of *primary*"), 10_000);
    expect(told("U0FRANK")).toContain("<@U0ALICE>, <@U0BOB>, <@U0DANA>, <@U0ERIN>");
    expect(told("U0FRANK")).toContain("or a manager or admin (<@U0MONA>)");
    expect(await oncall.overrides("primary", new Date(0))).toEqual([]);
    // Still open: a member can apply it afterwards.
    await fake.sendBlockAction({ user: "U0ERIN", ...(await button(APPLY)) });
    await eventually(() => expect(told("U0ERIN")).toContain("Plan applied to primary"), 10_000);
  });

  it("refuses to apply, changing nothing, when an override was made over a planned shift since the draft", async () => {
    await start("stale");
    await bobAway();
    await ask("oncall plan primary 4");
    await planPost();
    await oncall.changeOverrides("primary", new Date(NOW), () => ({
      add: [
        {
          id: "late",
          rotation: "primary",
          personId: "erin",
          from: "2026-11-24T08:00:00Z",
          to: "2026-11-24T16:00:00Z",
          kind: "override",
          by: "erin",
          at: NOW,
        },
      ],
    }));
    const planId = planIdOf(allText(await planPost()));
    await fake.sendBlockAction({ user: "U0ALICE", ...(await button(APPLY)) });
    await eventually(() => expect(told("U0ALICE")).toContain("changed after this plan was drafted"), 10_000);
    expect(told("U0ALICE")).toContain("Nothing was changed.");
    expect((await oncall.overrides("primary", new Date(0))).map((o) => o.id)).toEqual(["late"]);
    await eventually(async () => expect(allText(await planPost())).toContain("*Not applied*"), 10_000);
    // What a later click would be told (the edit took the buttons away): out of date, never applied.
    const outcome = await oncall.peekDraft("plan", `${planId}.outcome`);
    expect(JSON.parse(outcome ?? "{}")).toMatchObject({ kind: "stale", by: "alice" });
  });

  it("an Apply whose write fails (a conflicting override id) leaves the plan open, not reported as applied", async () => {
    await start("failed");
    await bobAway();
    await ask("oncall plan primary 4");
    const planId = planIdOf(allText(await planPost()));
    // An override already holds the id the plan's first change (shift 1, the week of 9 Nov) would be written
    // under; it lies in the past, so it clashes with none of the plan's shifts and the write itself refuses.
    await oncall.changeOverrides("primary", new Date("2026-10-01T00:00:00Z"), () => ({
      add: [
        {
          id: `plan-${planId}-1`,
          rotation: "primary",
          personId: "erin",
          from: "2026-10-05T08:00:00Z",
          to: "2026-10-06T08:00:00Z",
          kind: "override",
          by: "erin",
          at: NOW,
        },
      ],
    }));
    await fake.sendBlockAction({ user: "U0ALICE", ...(await button(APPLY)) });
    await eventually(() => expect(told("U0ALICE")).toContain("Something went wrong on our side"), 10_000);
    // Nothing was written, the draft is back and no outcome claims it was applied.
    expect((await oncall.overrides("primary", new Date(0))).map((o) => o.personId)).toEqual(["erin"]);
    expect(await oncall.peekDraft("plan", planId)).not.toBeNull();
    expect(await oncall.peekDraft("plan", `${planId}.outcome`)).toBeNull();
    expect(allText(await planPost())).not.toContain("*Applied*");
    // Open again: a second click is not told it was applied; a member can still discard it.
    await fake.sendBlockAction({ user: "U0DANA", ...(await button(DISCARD)) });
    await eventually(
      () => expect(told("U0DANA")).toContain("You discarded the draft plan for primary"),
      10_000,
    );
    expect(told("U0DANA")).not.toContain("already applied");
    await eventually(async () => expect(allText(await planPost())).toContain("*Discarded* by Dana"), 10_000);
  });

  it("an unknown rotation is refused with the rotations there are; a one-member layer has nothing to plan", async () => {
    await start("unknown");
    const unknown = await ask("oncall plan nope 4");
    await eventually(
      () =>
        expect(answered(unknown)).toContain(
          'There is no rotation \\"nope\\". Known rotations: primary, solo.',
        ),
      10_000,
    );
    const solo = await ask("oncall plan solo 4");
    await eventually(() => expect(answered(solo)).toContain("there is nothing to plan"), 10_000);
    expect(fake.messages("general").some((m) => allText(m).includes("Draft plan for"))).toBe(false);
  });
});
