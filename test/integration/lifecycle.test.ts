import { describe, expect, it } from "vitest";
import type { Incident } from "../../src/core/incident/incident.js";
import { teamConfig } from "../helpers/config-fixtures.js";
import type { FakeSlack } from "../helpers/fake-slack/index.js";
import { eventually } from "../helpers/firebreak.js";
import { allText, slackWorld } from "../helpers/slack-world.js";

/**
 * The lifecycle end to end: status changes, fixes, deploys, resolving and the reporters' confirmation through
 * the real dispatcher, store, queue and outbox on a real Redis, Slack faked. Dana is on call (the commander),
 * Bob reports, Alice is a manager. Reminders and escalations stay quiet for the length of a test; the
 * confirmation window is an hour unless a test shortens it.
 */
const config = (confirmWithin = "1h") =>
  teamConfig({
    laterSteps: ["{ notify: [person:alice], after: 1h }"],
    extra: `roles: { managers: [alice] }
lifecycle: { confirm_within: ${confirmWithin} }
`,
  });

const world = slackWorld();
let fake: FakeSlack;
const { store, say } = world;

async function start(label: string, confirmWithin?: string) {
  ({ fake } = await world.start({ label, config: config(confirmWithin) }));
}

/** Bob opens an incident from #general; waits for its channel and pinned card. */
async function open(): Promise<string> {
  await fake.sendSlashCommand({ text: "open Search is down sev3", user: "U0BOB" });
  return eventually(() => {
    const channel = fake.channel("inc-1-search-is-down");
    if (!channel || channel.pins.size === 0) throw new Error("no kickoff yet");
    return channel.id;
  }, 10_000);
}

const inChannel = (channel: string) => world.inChannel(channel);
const card = (channel: string) => {
  const c = fake.channel(channel);
  const pinned = c?.messages.find((m) => c.pins.has(m.ts));
  if (!pinned) throw new Error("no pinned card");
  return allText(pinned);
};
/** The Status field of the pinned card. */
const cardStatus = (channel: string) => /\*Status\*\\n([a-z_]+)/.exec(card(channel))?.[1];
const dms = (user: string) => world.dmsTo(user);
/** What only `user` was told (ephemeral replies and refusals). */
const toldOnly = (user: string) =>
  fake
    .ephemerals({ user })
    .map((e) => allText(e))
    .join("\n");
const state = async () => (await store().get("INC-1"))?.state;

/** Waits until the incident is in `expected`, so the next command finds it there. */
async function reaches(expected: Incident["state"]): Promise<void> {
  await eventually(async () => expect(await state()).toBe(expected), 10_000);
}

/** Opens, acknowledges and mitigates: ready to resolve. */
async function openMitigated(): Promise<string> {
  const channel = await open();
  await say(channel, "ack");
  await reaches("acknowledged");
  await say(channel, "status mitigated");
  await reaches("mitigated");
  return channel;
}

/** The confirmation request DM'd to `user`, and the action id of one of its buttons. */
async function confirmButton(user: string, action: "fbConfirmFixed" | "fbStillBroken") {
  return eventually(() => {
    const im = fake.imWith(user);
    const m = im?.messages.find((x) => allText(x).includes("fbConfirmFixed"));
    if (!im || !m) throw new Error(`no confirmation request for ${user} yet`);
    const actionId = allText(m).match(new RegExp(`"action_id":"(${action}[^"]*)"`))?.[1] as string;
    return { channel: im.id, messageTs: m.ts, actionId };
  }, 10_000);
}

async function click(user: string, action: "fbConfirmFixed" | "fbStillBroken") {
  const b = await confirmButton(user, action);
  return fake.sendBlockAction({ user, ...b });
}

describe("moving an incident along", () => {
  it("status, fix and deployed post in the channel, edit the card and DM the subscribers", async () => {
    await start("lifecycle-moves");
    const channel = await open();
    await say(channel, "ack");
    await reaches("acknowledged");
    await say(channel, "status investigating");
    await reaches("investigating");
    await eventually(() => expect(inChannel(channel)).toContain("to *investigating*"), 10_000);
    await eventually(() => expect(cardStatus(channel)).toBe("investigating"), 10_000);
    await eventually(() => expect(dms("U0BOB")).toContain("to *investigating*"), 10_000);

    await say(channel, "fix https://github.com/acme/search/pull/7");
    await reaches("fix_merged");
    await eventually(() => expect(inChannel(channel)).toContain("recorded a fix for *INC-1*"), 10_000);
    await eventually(() => expect(card(channel)).toContain("(merged, not live yet)"), 10_000);

    await say(channel, "deployed");
    await reaches("fix_deployed");
    await eventually(() => expect(inChannel(channel)).toContain("is live"), 10_000);
    await eventually(() => expect(card(channel)).toContain("(live)"), 10_000);
    await eventually(() => expect(dms("U0BOB")).toContain("is live"), 10_000);
    // Dana did it all and is not subscribed: she is not DM'd her own news.
    expect(dms("U0DANA")).not.toContain("is live");

    const incident = await store().get("INC-1");
    expect(incident?.fixes).toEqual([
      expect.objectContaining({
        ref: "https://github.com/acme/search/pull/7",
        refKind: "link",
        actor: "U0DANA",
        deployedAt: expect.any(String),
      }),
    ]);
    expect(Object.keys(incident?.milestones ?? {})).toEqual([
      "triggered",
      "acknowledged",
      "investigating",
      "fix_merged",
      "fix_deployed",
    ]);
    const types = (await store().timeline("INC-1")).map((e) => e.type);
    expect(types.filter((t) => t === "status_changed")).toHaveLength(3);
    expect(types).toEqual(expect.arrayContaining(["fix_recorded", "fix_deployed"]));
    fake.assertNoViolations();
  });

  it("refuses what the table does not allow, says what to do instead, and changes nothing", async () => {
    await start("lifecycle-refusals");
    const channel = await open();

    const early = await say(channel, "status investigating");
    await eventually(() => expect(toldOnly("U0DANA")).toContain("Nobody has acknowledged INC-1 yet"), 10_000);
    expect(early.status).toBe(200);

    const typo = await say(channel, "status investigatin");
    expect(JSON.stringify(typo.responseJson)).toContain("Did you mean `investigating`?");

    const notAStatus = await say(channel, "status resolved");
    await eventually(() => expect(toldOnly("U0DANA")).toContain("/incident resolve [summary]"), 10_000);
    expect(notAStatus.status).toBe(200);
    expect(await state()).toBe("triggered");
    expect((await store().timeline("INC-1")).map((e) => e.type)).not.toContain("status_changed");

    await say(channel, "ack");
    await reaches("acknowledged");
    await say(channel, "fix 1a2b3c4d");
    await reaches("fix_merged");
    await say(channel, "resolve Looks good");
    await eventually(() => expect(toldOnly("U0DANA")).toContain("merged but not live yet"), 10_000);
    expect(await state()).toBe("fix_merged");

    await say(channel, "status mitigated");
    await reaches("mitigated");
    await say(channel, "resolve Rolled back", "U0BOB");
    await eventually(() => {
      const told = toldOnly("U0BOB");
      expect(told).toContain("Only the Incident Commander");
      expect(told).toContain("U0DANA");
      expect(told).toContain("a manager");
      expect(told).toContain("U0ALICE");
      expect(told).toContain("Nothing was changed.");
    }, 10_000);
    expect(await state()).toBe("mitigated");
    expect((await store().get("INC-1"))?.timers?.confirmation).toBeUndefined();
    // Only the changes that happened were told: the refused ones left no trace in the channel.
    expect(inChannel(channel)).not.toContain("to *investigating*");
    expect(inChannel(channel)).not.toContain("resolved *INC-1*");
    fake.assertNoViolations();
  });
});

describe("the reporters' confirmation", () => {
  it("asks every reporter and closes once all of them confirmed", async () => {
    await start("lifecycle-confirm");
    const channel = await openMitigated();
    // No command adds a reporter yet: Alice reports too.
    await store().update("INC-1", (i) => ({
      incident: {
        ...i,
        reporters: [...i.reporters, { platformUserId: "U0ALICE", personId: "alice" }],
        subscribers: [...(i.subscribers ?? []), "U0ALICE"],
      },
    }));
    await say(channel, "resolve Replaced the cache node");
    await reaches("resolved");
    await eventually(() => expect(inChannel(channel)).toContain("resolved *INC-1*"), 10_000);
    await eventually(() => expect(inChannel("incidents")).toContain("is *resolved*"), 10_000);
    const resolved = await store().get("INC-1");
    expect(resolved?.confirmation).toMatchObject({ asked: ["U0BOB", "U0ALICE"], confirmed: [] });
    expect(resolved?.timers?.confirmation?.dueAt).toBeDefined();
    expect(resolved?.timers?.update?.dueAt).toBeUndefined();
    await confirmButton("U0ALICE", "fbConfirmFixed");
    await confirmButton("U0BOB", "fbConfirmFixed");
    // The reporters hear of it from their confirmation request, not from a second DM of the channel post.
    expect(dms("U0BOB")).not.toContain("resolved *INC-1*");

    await click("U0BOB", "fbConfirmFixed");
    await eventually(() => expect(inChannel(channel)).toContain("Still waiting for <@U0ALICE>"), 10_000);
    expect(await state()).toBe("resolved");
    await click("U0BOB", "fbConfirmFixed");
    await eventually(() => expect(toldOnly("U0BOB")).toContain("You already confirmed INC-1"), 10_000);

    // Dana was not asked: her click on a request meant for someone else is refused.
    const bobs = await confirmButton("U0BOB", "fbConfirmFixed");
    await fake.sendBlockAction({ user: "U0DANA", ...bobs });
    await eventually(() => expect(toldOnly("U0DANA")).toContain("Only the reporters asked"), 10_000);

    await click("U0ALICE", "fbConfirmFixed");
    await reaches("closed");
    await eventually(() => expect(inChannel(channel)).toContain("Every reporter confirmed"), 10_000);
    await eventually(() => expect(cardStatus(channel)).toBe("closed"), 10_000);
    await eventually(() => expect(inChannel("incidents")).toContain("is *closed*"), 10_000);
    const closed = await store().get("INC-1");
    expect(closed?.closeReason).toBe("confirmed");
    expect(closed?.confirmation?.confirmed).toEqual(["U0BOB", "U0ALICE"]);
    expect(closed?.timers?.confirmation?.dueAt).toBeUndefined();
    const types = (await store().timeline("INC-1")).map((e) => e.type);
    expect(types.filter((t) => t === "reporter_confirmed")).toHaveLength(2);
    fake.assertNoViolations();
  });

  it('"Still broken" reopens with the note and tells the commander', async () => {
    await start("lifecycle-still-broken");
    const channel = await openMitigated();
    await say(channel, "resolve Restarted the indexer");
    await reaches("resolved");

    const before = fake.views.length;
    await click("U0BOB", "fbStillBroken");
    const view = await eventually(() => {
      const v = fake.views[before];
      if (!v) throw new Error("no form yet");
      return v;
    }, 10_000);
    const blank = await fake.sendViewSubmission({ viewId: view.id, user: "U0BOB", values: { note: "   " } });
    expect(JSON.stringify(blank.responseJson)).toContain("Say what still fails");
    expect(await state()).toBe("resolved");

    await fake.sendViewSubmission({
      viewId: view.id,
      user: "U0BOB",
      values: { note: "Filtered searches still time out" },
    });
    await reaches("reopened");
    await eventually(() => {
      const text = inChannel(channel);
      expect(text).toContain("is still broken for them");
      expect(text).toContain("Filtered searches still time out");
    }, 10_000);
    await eventually(() => expect(dms("U0DANA")).toContain("Filtered searches still time out"), 10_000);
    await eventually(() => expect(inChannel("incidents")).toContain("is *reopened*"), 10_000);
    await eventually(() => expect(toldOnly("U0BOB")).toContain("reopened with your note"), 10_000);
    const reopened = await store().get("INC-1");
    expect(reopened?.timers?.confirmation?.dueAt).toBeUndefined();
    expect(reopened?.timers?.update?.dueAt).toBeDefined();
    const note = (await store().timeline("INC-1")).find((e) => e.type === "reporter_still_broken");
    expect(note).toMatchObject({ actor: "U0BOB", data: { note: "Filtered searches still time out" } });
    fake.assertNoViolations();
  });

  it("closes with a note when the window ends without an answer, and can be reopened", async () => {
    await start("lifecycle-timeout", "2s");
    const channel = await openMitigated();
    await say(channel, "resolve Replaced the cache node");
    await reaches("resolved");
    await eventually(async () => expect(await state()).toBe("closed"), 15_000);
    await eventually(
      () => expect(inChannel(channel)).toContain("Closed without an answer from <@U0BOB>"),
      10_000,
    );
    await eventually(() => expect(dms("U0BOB")).toContain("Closed without an answer"), 10_000);
    await eventually(() => expect(cardStatus(channel)).toBe("closed"), 10_000);
    const closed = await store().get("INC-1");
    expect(closed?.closeReason).toBe("timeout");
    const timedOut = (await store().timeline("INC-1")).find((e) => e.type === "confirmation_timed_out");
    expect(timedOut?.data.waitingFor).toBe("U0BOB");

    // A late "Fixed for me" changes nothing; `reopen` brings it back and restarts the reminders.
    await click("U0BOB", "fbConfirmFixed");
    await eventually(() => expect(toldOnly("U0BOB")).toContain("INC-1 is already closed"), 10_000);
    expect(await state()).toBe("closed");
    await say(channel, "reopen", "U0BOB");
    await reaches("reopened");
    await eventually(() => expect(inChannel(channel)).toContain("reopened *INC-1*"), 10_000);
    const reopened = await store().get("INC-1");
    expect(reopened?.closeReason).toBeUndefined();
    expect(reopened?.timers?.update?.dueAt).toBeDefined();
    fake.assertNoViolations();
  });
});
