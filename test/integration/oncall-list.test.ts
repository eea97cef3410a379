import { afterAll, describe, expect, it } from "vitest";
import type { OncallStore } from "../../src/core/ports.js";
import { createKeys } from "../../src/infra/redis/keys.js";
import { createRedisOncallStore } from "../../src/infra/redis/oncall-store.js";
import { STANDARD_SEVERITIES, teamConfig } from "../helpers/config-fixtures.js";
import type { FakeSlack } from "../helpers/fake-slack/index.js";
import { eventually } from "../helpers/firebreak.js";
import { type HandClock, handClock } from "../helpers/hand-clock.js";
import { testRedis } from "../helpers/redis.js";
import { allText, slackWorld } from "../helpers/slack-world.js";

/**
 * Listing and removing overrides and absences from chat, end to end: the real dispatcher, store, queue and
 * outbox on a real Redis, Slack faked, and a clock the test holds. It is Tue 3 Nov 2026 13:00 in Berlin: in
 * `primary` (weekly from Mon 2 Nov 09:00 Berlin) Alice has this week, Bob the next, then Dana; `secondary` is
 * Alice and Erin. Bob reads times in New York. Finn is a manager in no rotation; Zed is not in the people list.
 */
const CONFIG = teamConfig({
  morePeople: [
    "{ id: erin, name: Erin, slack: U0ERIN, timezone: Europe/Berlin }",
    "{ id: finn, name: Finn, slack: U0FINN, timezone: Europe/Berlin }",
  ],
  rotations: `
  - { id: primary, members: [alice, bob, dana], shift: 1w, handoff: "Mon 09:00", timezone: Europe/Berlin, start: 2026-11-02 }
  - { id: secondary, members: [alice, erin], shift: 1w, handoff: "Mon 09:00", timezone: Europe/Berlin, start: 2026-11-02 }
`,
  extra: "roles: { managers: [finn] }\n",
  severities: STANDARD_SEVERITIES,
});

const NOW = "2026-11-03T12:00:00Z";
const HOUR = 3_600_000;
const OVERRIDE_REMOVE = "fbOncallOverrideRemove";
const AWAY_REMOVE = "fbOncallAwayRemove";

const world = slackWorld();
const redis = testRedis();
afterAll(() => redis.disconnect());

let fake: FakeSlack;
let clock: HandClock;
let oncall: OncallStore;

async function start(label: string) {
  clock = handClock(NOW);
  const w = await world.start({
    label: `oncall-list-${label}`,
    config: CONFIG,
    clock,
    users: [
      { id: "U0ERIN", name: "erin" },
      { id: "U0FINN", name: "finn" },
      { id: "U0ZED", name: "zed" },
    ],
  });
  fake = w.fake;
  oncall = createRedisOncallStore(redis, createKeys(w.app.prefix));
}

/**
 * `user` types `/incident <text>`; resolves with the new answer only they see (a mistake the grammar catches
 * comes back at once in the acknowledgement).
 */
async function ask(text: string, user = "U0DANA"): Promise<string> {
  const before = fake.ephemerals({ user }).length;
  const d = await fake.sendSlashCommand({ text, user });
  if (d.responseText.trim()) return d.responseText;
  return eventually(() => {
    const fresh = fake.ephemerals({ user }).slice(before);
    if (fresh.length === 0) throw new Error(`no answer to "${text}" yet`);
    return fresh.map(allText).join("\n");
  }, 10_000);
}

interface RemoveButton {
  channel: string;
  messageTs: string;
  actionId: string;
  value: string;
}

/** The Remove buttons (of `actionId`) on the newest list `user` was shown, in the order shown. */
function buttonsShownTo(user: string, actionId: string): RemoveButton[] {
  for (const e of [...fake.ephemerals({ user })].reverse()) {
    const buttons: RemoveButton[] = [];
    for (const block of (e.blocks ?? []) as Array<{ type: string; elements?: unknown[] }>) {
      if (block.type !== "actions") continue;
      for (const el of (block.elements ?? []) as Array<{ action_id?: string; value?: string }>) {
        if (el.action_id?.startsWith(`${actionId}.`) || el.action_id === actionId) {
          buttons.push({
            channel: e.channel,
            messageTs: e.messageTs,
            actionId: el.action_id,
            value: el.value ?? "",
          });
        }
      }
    }
    if (buttons.length > 0) return buttons;
  }
  throw new Error(`no ${actionId} button shown to ${user}`);
}

/** `user` clicks `button`; resolves with the answer only they see. */
async function click(button: RemoveButton, user: string): Promise<string> {
  const before = fake.ephemerals({ user }).length;
  const { value: _value, ...target } = button;
  await fake.sendBlockAction({ user, ...target });
  return eventually(() => {
    const fresh = fake.ephemerals({ user }).slice(before);
    if (fresh.length === 0) throw new Error("no answer to the click yet");
    return fresh.map(allText).join("\n");
  }, 10_000);
}

const dms = (user: string) => world.dmsTo(user);
const overrides = (rotation = "primary") => oncall.overrides(rotation, new Date(0));

/** Bob on instead of Alice, Wed 4 Nov 09:00–17:00 Berlin, made by Dana: its id. */
async function bobOnWednesday(): Promise<string> {
  expect(await ask("oncall override @bob 2026-11-04 09:00 2026-11-04 17:00 primary")).toContain(
    "Override made in primary",
  );
  const [made] = await overrides();
  return made?.id as string;
}

describe("oncall overrides", () => {
  it("lists the overrides ahead in the asker's zone, who, instead of whom, kind, who made it and when, each with Remove", async () => {
    await start("list");
    const id = await bobOnWednesday();
    const answer = await ask("oncall overrides");
    expect(answer).toContain("Overrides in force now and ahead* in *primary* (1)");
    expect(answer).toContain(
      "<@U0BOB> on call Wed 4 Nov 09:00 CET → Wed 4 Nov 17:00 CET, instead of <@U0ALICE>",
    );
    expect(answer).toContain("override, made by <@U0DANA> on Tue 3 Nov 13:00 CET");
    expect(answer).not.toContain("in force now_");
    expect(buttonsShownTo("U0DANA", OVERRIDE_REMOVE).map((b) => b.value)).toEqual([`primary ${id}`]);
    // Bob reads the same override in New York time.
    expect(await ask("oncall overrides primary", "U0BOB")).toContain(
      "Wed 4 Nov 03:00 EST → Wed 4 Nov 11:00 EST",
    );
    fake.assertNoViolations();
  });

  it("without a rotation named, looks at every rotation the asker is in; says so when nothing is ahead", async () => {
    await start("list-scope");
    await bobOnWednesday();
    // Alice is in both rotations: both are listed, and only primary has an override.
    const alice = await ask("oncall overrides", "U0ALICE");
    expect(alice).toContain("in *primary*, *secondary* (1)");
    // Erin is only in secondary, which has none.
    const erin = await ask("oncall overrides", "U0ERIN");
    expect(erin).toContain("No overrides in force or ahead in *secondary*");
    expect(erin).not.toContain(OVERRIDE_REMOVE);
    expect(await ask("oncall overrides tertiary")).toContain('There is no rotation \\"tertiary\\"');
  });

  it("Remove takes an override away atomically, answers the clicker and tells the people whose shifts moved", async () => {
    await start("remove");
    await bobOnWednesday();
    await eventually(() => expect(dms("U0BOB")).toContain("You are now on call"), 10_000);
    await ask("oncall overrides");
    const [remove] = buttonsShownTo("U0DANA", OVERRIDE_REMOVE);
    const answer = await click(remove as RemoveButton, "U0DANA");
    expect(answer).toContain("Override removed from primary");
    expect(answer).toContain(
      "<@U0BOB> on call Wed 4 Nov 09:00 CET → Wed 4 Nov 17:00 CET instead of <@U0ALICE>",
    );
    expect(answer).toContain("Told by direct message that their shifts moved:");
    expect(answer).toContain("<@U0BOB>");
    expect(answer.split("Told by direct message")[1]).toContain("<@U0ALICE>");
    expect(await overrides()).toEqual([]);
    // Bob hears (in his zone) he is no longer on then; Alice that she is on again.
    await eventually(() => {
      expect(dms("U0BOB")).toContain("an override was removed by");
      expect(dms("U0BOB")).toContain("You are no longer on call");
      expect(dms("U0BOB")).toContain("Wed 4 Nov 03:00 EST");
      expect(dms("U0ALICE")).toContain("You are now on call");
    }, 10_000);
    expect(dms("U0DANA")).not.toContain("Your on-call shifts in");

    // A second click finds it gone, and changes nothing.
    const again = await click(remove as RemoveButton, "U0DANA");
    expect(again).toContain("That override has already been removed from primary");
    expect(again).toContain("Nothing was changed.");
    expect(await overrides()).toEqual([]);
    fake.assertNoViolations();
  });

  it("refuses a stranger's click, naming who may, and changes nothing", async () => {
    await start("remove-stranger");
    const id = await bobOnWednesday();
    await ask("oncall overrides primary", "U0ERIN");
    const [remove] = buttonsShownTo("U0ERIN", OVERRIDE_REMOVE);
    const answer = await click(remove as RemoveButton, "U0ERIN");
    expect(answer).toContain("Only the members of *primary*");
    expect(answer).toContain("can remove its overrides. Nothing was changed.");
    expect((await overrides()).map((o) => o.id)).toEqual([id]);
    // A manager in no rotation may.
    expect(await click(remove as RemoveButton, "U0FINN")).toContain("Override removed from primary");
    expect(await overrides()).toEqual([]);
  });

  it("an override in force is cut at the click, so the past stays true; one already over is refused", async () => {
    await start("remove-cut");
    // Bob from now (13:00) to 18:00 Berlin, instead of Alice.
    await ask("oncall override @bob 2026-11-03 13:00 2026-11-03 18:00 primary");
    const [made] = await overrides();
    clock.advance(HOUR);
    expect(await ask("oncall overrides")).toContain("in force now");
    const [remove] = buttonsShownTo("U0DANA", OVERRIDE_REMOVE);
    const answer = await click(remove as RemoveButton, "U0DANA");
    expect(answer).toContain("Override removed from primary");
    expect(answer).toContain("It was in force, so it now ends at Tue 3 Nov 14:00 CET instead");
    expect(await overrides()).toEqual([{ ...made, id: `${made?.id}.cut`, to: "2026-11-03T13:00:00.000Z" }]);
    // Alice is back on for the rest (14:00–18:00 Berlin), and told so.
    await eventually(() => {
      expect(dms("U0ALICE")).toContain("You are now on call");
      expect(dms("U0ALICE")).toContain("Tue 3 Nov 14:00 CET → Tue 3 Nov 18:00 CET");
    }, 10_000);
    expect(await ask("oncall overrides")).toContain("No overrides in force or ahead in *primary*");

    // An override that has run its course stays as it was.
    await bobOnWednesday();
    await ask("oncall overrides");
    const [wednesday] = buttonsShownTo("U0DANA", OVERRIDE_REMOVE);
    clock.advance(2 * 24 * HOUR);
    const late = await click(wednesday as RemoveButton, "U0DANA");
    expect(late).toContain("That override in primary has already ended");
    expect(late).toContain("Nothing was changed.");
    expect(await overrides()).toHaveLength(2);
  });
});

describe("oncall away (no arguments)", () => {
  it("lists the asker's own absences from now on, each with Remove; removes one, cuts one in progress", async () => {
    await start("away");
    expect(await ask("oncall away 2026-11-20 00:00 2026-11-25 00:00", "U0ALICE")).toContain(
      "Noted: you are away",
    );
    expect(await ask("oncall away 2026-11-03 13:00 2026-11-04 00:00", "U0ALICE")).toContain(
      "Noted: you are away",
    );
    expect(await ask("oncall away 2026-11-10 00:00 2026-11-11 00:00", "U0BOB")).toContain(
      "Noted: you are away",
    );
    clock.advance(HOUR);

    const list = await ask("oncall away", "U0ALICE");
    expect(list).toContain("Your absences from now on* (2)");
    expect(list).toContain("Away Tue 3 Nov 13:00 CET → Wed 4 Nov 00:00 CET · _now_");
    expect(list).toContain("Away Fri 20 Nov 00:00 CET → Wed 25 Nov 00:00 CET");
    expect(list).not.toContain("Tue 10 Nov"); // Bob's
    const [now, later] = buttonsShownTo("U0ALICE", AWAY_REMOVE);
    expect(later?.value).toMatch(/^alice \S+$/);

    // Someone else's absence: refused, naming who may.
    const refused = await click(later as RemoveButton, "U0BOB");
    expect(refused).toContain(
      "Only Alice, whose absence it is, or a manager or admin (Finn), can remove it.",
    );
    expect(await oncall.away(new Date(0))).toHaveLength(3);

    expect(await click(later as RemoveButton, "U0ALICE")).toContain(
      "Absence removed*: away Fri 20 Nov 00:00 CET → Wed 25 Nov 00:00 CET",
    );
    const cut = await click(now as RemoveButton, "U0ALICE");
    expect(cut).toContain("It had begun, so it now ends at Tue 3 Nov 14:00 CET instead");
    const left = await oncall.away(new Date(0));
    expect(left.map((a) => [a.personId, a.from, a.to])).toEqual([
      ["alice", "2026-11-03T12:00:00.000Z", "2026-11-03T13:00:00.000Z"],
      ["bob", "2026-11-10T05:00:00.000Z", "2026-11-11T05:00:00.000Z"], // New York midnights
    ]);
    expect(left[0]?.id).toMatch(/\.cut$/);

    // Twice: told it is gone, nothing changed.
    expect(await click(later as RemoveButton, "U0ALICE")).toContain("That absence has already been removed.");
    expect(await oncall.away(new Date(0))).toHaveLength(2);
    expect(await ask("oncall away", "U0ALICE")).toContain("You have no absences declared from now on.");
    fake.assertNoViolations();
  });

  it("a manager may remove someone's absence; someone not in the people list has none to list", async () => {
    await start("away-manager");
    await ask("oncall away 2026-11-20 00:00 2026-11-25 00:00", "U0ALICE");
    await ask("oncall away", "U0ALICE");
    const [remove] = buttonsShownTo("U0ALICE", AWAY_REMOVE);
    expect(await click(remove as RemoveButton, "U0FINN")).toContain("Absence removed* for <@U0ALICE>");
    expect(await oncall.away(new Date(0))).toEqual([]);
    expect(await ask("oncall away", "U0ZED")).toContain("You are not in the config file");
  });
});
