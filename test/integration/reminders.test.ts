import { describe, expect, it } from "vitest";
import { hourlySeverities, teamConfig } from "../helpers/config-fixtures.js";
import type { FakeSlack } from "../helpers/fake-slack/index.js";
import { eventually } from "../helpers/firebreak.js";
import { allText, slackWorld } from "../helpers/slack-world.js";

/**
 * Acknowledgement, escalation, status updates and their reminders end to end: the real core, store, queue and
 * outbox on a real Redis, Slack faked, cadences compressed to seconds. SEV1 escalates after 1 s and wants an
 * update every 2 s; SEV2 after 5 s and every 3 s; SEV3 and SEV4 stay quiet for the length of a test.
 */
const CONFIG = teamConfig({
  repeatLast: 1,
  laterSteps: ["{ notify: [person:alice], after: 1h } # so each severity's ack_within decides"],
  extra: "reminders: { dm_after_misses: 2, escalate_after_misses: 3 }\n",
  severities: hourlySeverities({
    sev1: { update_every: "2s", ack_within: "1s" },
    sev2: { update_every: "3s", ack_within: "5s" },
  }),
});

const world = slackWorld();
let fake: FakeSlack;
const { store, say } = world;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function start(label: string) {
  ({ fake } = await world.start({ label, config: CONFIG }));
}

/** Opens an incident from #general and waits for its channel and kickoff card. */
async function open(text: string): Promise<string> {
  await fake.sendSlashCommand({ text: `open ${text}`, user: "U0BOB" });
  return eventually(() => {
    const channel = fake.channel("inc-1-search-is-down");
    if (!channel || channel.messages.length < 2) throw new Error("no kickoff yet");
    return channel.id;
  }, 10_000);
}

const inChannel = (channel: string) => fake.messages(channel).map(allText);

describe("acknowledgement and escalation", () => {
  it("pages the next step when nobody acknowledges, repeats the last step, then says it is exhausted", async () => {
    await start("escalate");
    const channel = await open("Search is down sev1");
    await eventually(
      () => expect(inChannel(channel).join("\n")).toContain("Escalating to step 2 of 2"),
      10_000,
    );
    const page = fake.messages(channel).find((m) => allText(m).includes("Escalating to step 2 of 2"));
    expect(page && allText(page)).toContain("<@U0ALICE>");
    expect(fake.channel(channel)?.members.has("U0ALICE")).toBe(true);
    await eventually(() =>
      expect(allText(fake.imWith("U0ALICE")?.messages[0] ?? {})).toContain("fbAcknowledge"),
    );
    await eventually(() => expect(inChannel(channel).join("\n")).toContain("Paging again, 1 of 1"), 10_000);
    await eventually(() => expect(inChannel(channel).join("\n")).toContain("Nobody acknowledged"), 10_000);
    await eventually(
      () => expect(inChannel("incidents").join("\n")).toContain("Nobody acknowledged"),
      10_000,
    );
    const types = (await store().timeline("INC-1")).map((e) => e.type);
    expect(types.filter((t) => t === "escalated")).toHaveLength(1);
    expect(types.filter((t) => t === "page_repeated")).toHaveLength(1);
    expect(types.filter((t) => t === "escalation_exhausted")).toHaveLength(1);
    fake.assertNoViolations();
  });

  it("sends nothing more once acknowledged before the escalation is due, and edits the page", async () => {
    await start("ack");
    const channel = await open("Search is down sev2");
    await say(channel, "ack");
    await eventually(() => expect(inChannel(channel).join("\n")).toContain("acknowledged INC-1"), 10_000);
    await eventually(() => {
      const page = fake.messages(channel)[0];
      expect(page && allText(page)).toContain("Acknowledged by <@U0DANA>");
    }, 10_000);
    await sleep(5000);
    expect(inChannel(channel).join("\n")).not.toContain("Escalating");
    expect((await store().get("INC-1"))?.timers?.escalation?.dueAt).toBeUndefined();
  });
});

describe("status updates and reminders", () => {
  it("posts an update, edits the card, announces it, and nudges one cadence later", async () => {
    await start("update");
    const channel = await open("Search is down sev2");
    await say(channel, "ack");
    await say(channel, "update Rolled back the deploy");
    const posted = Date.now();
    await eventually(() => expect(inChannel(channel).join("\n")).toContain("Rolled back the deploy"), 10_000);
    await eventually(() => {
      const card = fake.messages(channel).find((m) => allText(m).includes("Latest update"));
      expect(card && fake.channel(channel)?.pins.has(card.ts)).toBe(true);
    }, 10_000);
    await eventually(
      () => expect(inChannel("incidents").join("\n")).toContain("Rolled back the deploy"),
      10_000,
    );
    await eventually(() => expect(inChannel(channel).join("\n")).toContain("is overdue"), 10_000);
    expect(Date.now() - posted).toBeGreaterThanOrEqual(2500);
    const nudge = fake.messages(channel).find((m) => allText(m).includes("is overdue"));
    expect(nudge && allText(nudge)).toContain("fbSnooze");
    expect((await store().timeline("INC-1")).map((e) => e.type)).toContain("status_update_posted");
  });

  it("snooze holds the nudge back and reminders lists what is due", async () => {
    await start("snooze");
    const channel = await open("Search is down sev2");
    await say(channel, "ack");
    const snoozed = await say(channel, "snooze 1m");
    await eventually(
      () => expect(JSON.stringify(snoozed.responseUrl.posts)).toContain("snoozed for 1m"),
      10_000,
    );
    const listed = await say(channel, "reminders", "U0BOB");
    await eventually(() => {
      const text = JSON.stringify(listed.responseUrl.posts);
      expect(text).toContain("Status update due at");
      expect(text).toMatch(/E[SD]T/); // Bob's zone
    }, 10_000);
    await sleep(4000);
    expect(inChannel(channel).join("\n")).not.toContain("is overdue");
    expect((await store().timeline("INC-1")).map((e) => e.type)).toContain("reminder_snoozed");
  });

  it("resolving cancels every reminder and escalation", async () => {
    await start("resolve");
    const channel = await open("Search is down sev2");
    // Resolving needs an acknowledgement and the harm stopped (or a fix live).
    await say(channel, "ack");
    await eventually(async () => expect((await store().get("INC-1"))?.state).toBe("acknowledged"), 10_000);
    await say(channel, "status mitigated");
    await eventually(async () => expect((await store().get("INC-1"))?.state).toBe("mitigated"), 10_000);
    await say(channel, "resolve Cache node replaced");
    await eventually(() => expect(inChannel(channel).join("\n")).toContain("resolved *INC-1*"), 10_000);
    await sleep(5000);
    const all = inChannel(channel).join("\n");
    expect(all).not.toContain("Escalating");
    expect(all).not.toContain("is overdue");
    const incident = await store().get("INC-1");
    expect(incident?.state).toBe("resolved");
    expect(incident?.timers?.escalation?.dueAt).toBeUndefined();
    expect(incident?.timers?.update?.dueAt).toBeUndefined();
    const again = await say(channel, "snooze 30m");
    await eventually(() => expect(JSON.stringify(again.responseUrl.posts)).toContain("is resolved"), 10_000);
  });

  it("answers outside an incident channel with what to do", async () => {
    await start("outside");
    const d = await fake.sendSlashCommand({ text: "reminders", user: "U0BOB", channel: "general" });
    await eventually(
      () => expect(JSON.stringify(d.responseUrl.posts)).toContain("inside an incident"),
      10_000,
    );
  });
});
