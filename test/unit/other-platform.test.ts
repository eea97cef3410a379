import { describe, expect, it } from "vitest";
import { acknowledge } from "../../handlers/acknowledge.js";
import { checkOffer } from "../../handlers/commander-offer.js";
import { confirmFixed, openStillBrokenForm } from "../../handlers/confirmation.js";
import { listIncidents } from "../../handlers/incident-list.js";
import { incidentFor } from "../../handlers/incident-lookup.js";
import { promoteRequest } from "../../handlers/promote.js";
import { markRequestDone } from "../../handlers/request-done.js";
import { showIncident } from "../../handlers/show.js";
import { snooze } from "../../handlers/snooze.js";
import { openUpdateForm, postStatusUpdate } from "../../handlers/status-update.js";
import { subscribeTo, unsubscribeFrom } from "../../handlers/subscriptions.js";
import { showTimeline } from "../../handlers/timeline-view.js";
import type { Message } from "../../src/core/message.js";
import type { Inbound } from "../../src/core/ports.js";
import { anIncident, type Fake, fakeContext, inbound } from "./handler-fakes.js";

/**
 * An incident lives on the platform where it was opened (here Slack): with one Firebreak serving Slack and
 * Mattermost, a command or a button from Mattermost that names it may read it, never change it, since it would
 * put Mattermost ids (an actor, a subscriber) into a Slack incident whose people nobody there can reach.
 */
const REFUSAL = {
  code: "other_platform",
  message: "INC-1 is followed on Slack; act on it there. Nothing was changed.",
};

/** Dana, typing or clicking on Mattermost (where she is `dana`), in a channel of hers there. */
const fromMattermost = (body: Inbound["body"]) =>
  inbound(body, { platform: "mattermost", actor: "dana", conversationId: "m".repeat(26), triggerId: "t1" });
const click = (actionId: string, value: string) =>
  fromMattermost({ kind: "action", actionId, value, messageId: "p1" });
const command = (text: string) => fromMattermost({ kind: "command", text });

/** The incidents the list was last rendered with (it is rendered again while fitting it into one message). */
const listedIn = (fake: Fake) =>
  fake.rendered.filter((r) => r.name === "incident-list").at(-1)?.vars.incidents as unknown[];

/** Nothing was written, scheduled or sent. */
function unchanged(fake: Fake): void {
  expect(fake.writes).toEqual([]);
  expect(fake.scheduled).toEqual([]);
  expect(fake.sent).toEqual([]);
}

/** The one message the handler answered the asker with. */
function answer(fake: Fake): Message {
  const [item] = fake.sent;
  if (item?.op.kind !== "ephemeral") throw new Error("no answer to the asker");
  return item.op.message;
}

describe("a Slack incident named from Mattermost", () => {
  it.each([
    ["the Acknowledge button", (f: Fake) => acknowledge(f.ctx, click("fbAcknowledge", "INC-1"), "INC-1")],
    ["a Snooze button", (f: Fake) => snooze(f.ctx, click("fbSnooze", "INC-1 30m"), 30 * 60_000, "INC-1")],
    ["the Post update button", (f: Fake) => openUpdateForm(f.ctx, click("fbPostUpdate", "INC-1"), "INC-1")],
    ["the update form", (f: Fake) => postStatusUpdate(f.ctx, command("update"), "Rolled back", "INC-1")],
    ["Fixed for me", (f: Fake) => confirmFixed(f.ctx, click("fbConfirmFixed", "INC-1"), "INC-1")],
    ["Still broken", (f: Fake) => openStillBrokenForm(f.ctx, click("fbStillBroken", "INC-1"), "INC-1")],
    ["subscribe INC-1", (f: Fake) => subscribeTo(f.ctx, command("subscribe INC-1"), 1)],
    ["unsubscribe INC-1", (f: Fake) => unsubscribeFrom(f.ctx, command("unsubscribe INC-1"), 1)],
    ["an offer of command", (f: Fake) => checkOffer(f.ctx, command("x"), "designation", "bob", "INC-1")],
  ])("%s is refused, saying where to act, and changes nothing", async (_what, act) => {
    const fake = await fakeContext(
      anIncident({ state: "resolved", confirmation: { asked: ["dana"], confirmed: [], at: "" } as never }),
    );
    await expect(act(fake)).rejects.toMatchObject(REFUSAL);
    unchanged(fake);
    expect(fake.current().subscribers).toBeUndefined();
  });

  it.each([
    ["Promote to incident", (f: Fake) => promoteRequest(f.ctx, click("fbPromote", "INC-1"), "INC-1")],
    ["Mark done", (f: Fake) => markRequestDone(f.ctx, click("fbRequestDone", "INC-1"), "INC-1")],
  ])("a Slack change request's %s from Mattermost is refused and changes nothing", async (_what, act) => {
    const fake = await fakeContext(anIncident({ kind: "change" } as never));
    await expect(act(fake)).rejects.toMatchObject(REFUSAL);
    expect(fake.writes).toEqual([]);
    expect(fake.current().kind).toBe("change");
  });

  it("is refused by every lookup that acts, and found by one that only reads", async () => {
    const fake = await fakeContext(anIncident());
    await expect(incidentFor(fake.ctx, command("x"), "x", "INC-1")).rejects.toMatchObject(REFUSAL);
    const read = await incidentFor(fake.ctx, command("x"), "x", "INC-1", { readOnly: true });
    expect(read.id).toBe("INC-1");
  });

  it("is acted on as before from Slack, where it lives", async () => {
    const fake = await fakeContext(anIncident({ state: "triggered" }));
    const slackClick = inbound({ kind: "action", actionId: "fbAcknowledge", value: "INC-1", messageId: "1" });
    await acknowledge(fake.ctx, slackClick, "INC-1");
    expect(fake.current().state).toBe("acknowledged");
  });

  it("shows its card without buttons, in words: no Slack id reaches Mattermost", async () => {
    const fake = await fakeContext(anIncident({ state: "triggered" }));
    await showIncident(fake.ctx, command("show INC-1"), 1);
    const shown = answer(fake);
    expect(shown.blocks.filter((b) => b.type === "actions")).toEqual([]);
    expect(JSON.stringify(shown)).not.toMatch(/U0DANA|U0BOB|C0INC/);
    expect(shown.blocks).toContainEqual({
      type: "fields",
      fields: expect.arrayContaining([{ label: "Incident Commander", value: "dana" }]),
    });

    // The same card shown on Slack keeps its Acknowledge button.
    const onSlack = await fakeContext(anIncident({ state: "triggered" }));
    await showIncident(onSlack.ctx, inbound({ kind: "command", text: "show" }), 1);
    const buttons = answer(onSlack).blocks.flatMap((b) => (b.type === "actions" ? b.buttons : []));
    expect(buttons.map((b) => b.actionId)).toContain("fbAcknowledge");
  });

  it("shows its timeline", async () => {
    const fake = await fakeContext(anIncident());
    await showTimeline(fake.ctx, command("timeline INC-1"), 1);
    expect(answer(fake).text).toContain("INC-1");
  });

  it("is listed with its platform, channel name and commander in plain words, never ids", async () => {
    const fake = await fakeContext(anIncident());
    await listIncidents(fake.ctx, command("list"));
    const listed = listedIn(fake);
    expect(listed).toEqual([
      expect.objectContaining({ platform: "Slack", channelName: "inc-1", commanderName: "dana" }),
    ]);
    expect(listed[0]).not.toHaveProperty("channel");
    expect(listed[0]).not.toHaveProperty("commander");
    const said = JSON.stringify(answer(fake));
    expect(said).toContain("#inc-1 on Slack");
    expect(said).toContain("dana (on Slack)");
    expect(said).not.toMatch(/U0DANA|C0INC/);
  });

  it("is listed on Slack with its channel and commander as references", async () => {
    const fake = await fakeContext(anIncident());
    await listIncidents(fake.ctx, inbound({ kind: "command", text: "list" }));
    const listed = listedIn(fake);
    expect(listed).toEqual([expect.objectContaining({ channel: "C0INC", commander: "U0DANA" })]);
    expect(listed[0]).not.toHaveProperty("platform");
    expect(JSON.stringify(answer(fake))).toContain("<#C0INC>");
  });
});
