import { describe, expect, it } from "vitest";
import type { FakeMattermost } from "../helpers/fake-mattermost/index.js";
import { eventually } from "../helpers/firebreak.js";
import { answered, buttons, mattermostWorld, postText } from "../helpers/mattermost-world.js";

/**
 * A whole incident on Mattermost, as Mattermost would deliver it: slash commands with their token, button
 * clicks and dialog submissions carrying the bot's own signatures, mentions over the bot's WebSocket; the real
 * dispatcher, store, queue and outbox on a real Redis; and a fake Mattermost that answers every REST call the
 * way the server does and records every call the real one would refuse. Bob reports; Dana is on call.
 */
const world = mattermostWorld();
let fake: FakeMattermost;
const CHANNEL = "inc-1-search-is-down";

async function start(label: string) {
  ({ fake } = await world.start({ label }));
}

const state = async (id = "INC-1") => (await world.store().get(id))?.state;

async function reaches(expected: string, id = "INC-1"): Promise<void> {
  await eventually(async () => expect(await state(id)).toBe(expected), 10_000);
}

/** Bob opens the incident from ~general; waits for its channel with the pinned card. */
async function open(): Promise<void> {
  const d = await world.say("general", "open Search is down sev2 service:search", "bob");
  expect(d.status).toBe(200);
  await world.incidentChannel(CHANNEL);
}

/** Bob opens; Dana acknowledges, mitigates and resolves: the confirmation request is on its way to Bob. */
async function openResolved(): Promise<void> {
  await open();
  for (const [text, to] of [
    ["ack", "acknowledged"],
    ["status mitigated", "mitigated"],
    ["resolve Rebuilt the search index", "resolved"],
  ] as const) {
    const d = await world.say(CHANNEL, text);
    expect(d.status).toBe(200);
    await reaches(to);
  }
}

describe("an incident's whole life on Mattermost", { timeout: 30_000 }, () => {
  it("opens from the slash command: channel, members, pinned kickoff, page by DM, announcement", async () => {
    await start("mm-open");
    const d = await world.say("general", "open Search is down sev2 service:search", "bob");
    expect(d.status).toBe(200);
    // The command's own response is the ack only Bob sees; the outcome follows through the response URL.
    expect(answered(d)).toContain("Opening an incident");
    const reply = await eventually(() => {
      const said = d.responseUrl.posts.map((p) => JSON.stringify(p.body)).join("\n");
      if (!said.includes("Opened")) throw new Error("no reply yet");
      return d.responseUrl.posts.at(-1)?.body as { response_type?: string; text: string };
    }, 10_000);
    expect(reply.response_type ?? "ephemeral").toBe("ephemeral");
    expect(reply.text).toContain(`~${CHANNEL}`);

    const channel = await world.incidentChannel(CHANNEL);
    expect(channel.name.length).toBeLessThanOrEqual(64);
    expect(channel.displayName).toBe("INC-1 Search is down");
    const members = [...channel.members].sort();
    expect(members).toEqual([fake.botUserId, fake.user("bob").id, fake.user("dana").id].sort());

    await eventually(() => {
      const posts = fake.posts(CHANNEL);
      const kickoff = posts.find((p) => p.isPinned);
      expect(kickoff).toBeDefined();
      const card = postText(kickoff as (typeof posts)[number]);
      expect(card).toContain("INC-1 · Search is down");
      expect(card).toContain("SEV2");
      expect(card).toContain("@bob");
      expect(card).toContain("@dana");
      // The page in the channel mentions the commander, so Mattermost notifies her.
      expect(posts.map(postText).join("\n")).toMatch(/@dana, you are the Incident Commander/);
      expect(kickoff?.userId).toBe(fake.botUserId);
    }, 10_000);
    await eventually(() => expect(world.dmsTo("dana")).toContain("Paged: INC-1"), 10_000);
    await eventually(() => expect(world.inChannel("incidents")).toContain(`~${CHANNEL}`), 10_000);

    expect(await world.incident()).toMatchObject({
      title: "Search is down",
      severity: "sev2",
      service: "search",
      state: "triggered",
      commander: { platformUserId: "dana", personId: "dana" },
      reporters: [{ platformUserId: "bob", personId: "bob" }],
      channel: { id: channel.id, name: CHANNEL },
    });
    const types = (await world.store().timeline("INC-1")).map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        "incident_opened",
        "channel_created",
        "participants_invited",
        "commander_paged",
        "kickoff_posted",
        "announced",
      ]),
    );
    fake.assertNoViolations();
  });

  it("acknowledges by button, edits the pinned card in place on an update, and posts one from the dialog", async () => {
    await start("mm-ack-update");
    await open();
    const page = await world.click("dana", () => fake.dmWith("dana"), "Acknowledge");
    expect(page.clicked.status).toBe(200);
    await reaches("acknowledged");
    await eventually(
      () => expect(world.inChannel(CHANNEL)).toContain("@dana acknowledged **INC-1**"),
      10_000,
    );

    const card = world.card(CHANNEL);
    const before = card.message;
    await world.say(CHANNEL, "update Rolled back search-api 4.2");
    await eventually(async () =>
      expect((await world.incident()).lastUpdate?.text).toBe("Rolled back search-api 4.2"),
    );
    await eventually(() => {
      const now = world.card(CHANNEL);
      // The same post, edited: the card is never posted twice.
      expect(now.id).toBe(card.id);
      expect(now.message).not.toBe(before);
      expect(postText(now)).toContain("Rolled back search-api 4.2");
      expect(now.editAt).toBeGreaterThan(0);
    }, 10_000);
    expect(fake.posts(CHANNEL).filter((p) => p.isPinned)).toHaveLength(1);
    await eventually(
      () => expect(world.inChannel("incidents")).toContain("Rolled back search-api 4.2"),
      10_000,
    );

    // "Post update" on the card opens a dialog; what is submitted is posted and shown on the card.
    const dialogs = world.dialogCount("dana");
    await world.click("dana", () => [world.card(CHANNEL)], "Post update");
    const dialog = await world.dialog("dana", dialogs);
    expect(dialog.dialog).toMatchObject({ title: "Update INC-1", callback_id: "fbUpdateForm" });
    const submitted = await fake.submitDialog({
      user: "dana",
      dialog,
      values: { text: "Cache warmed; latency is back to normal" },
    });
    expect(submitted.status).toBe(200);
    await eventually(async () =>
      expect((await world.incident()).lastUpdate?.text).toBe("Cache warmed; latency is back to normal"),
    );
    await eventually(() => {
      expect(world.inChannel(CHANNEL)).toContain("Update on INC-1");
      expect(postText(world.card(CHANNEL))).toContain("Cache warmed; latency is back to normal");
    }, 10_000);
    const types = (await world.store().timeline("INC-1")).map((e) => e.type);
    expect(types.filter((t) => t === "status_update_posted")).toHaveLength(2);
    expect(types.filter((t) => t === "acknowledged")).toHaveLength(1);
    fake.assertNoViolations();
  });

  it("opens from the dialog that bare `open` shows", async () => {
    await start("mm-open-dialog");
    const d = await world.say("general", "open", "alice");
    expect(d.status).toBe(200);
    const dialog = await world.dialog("alice", 0);
    expect(dialog.dialog.callback_id).toBe("fbOpenIncident");
    expect(String(dialog.dialog.title).length).toBeLessThanOrEqual(24);
    // An all-blank title is refused in the dialog, which stays open; nothing is stored.
    const blank = await fake.submitDialog({ user: "alice", dialog, values: { title: "   " } });
    expect(JSON.stringify(blank.body)).toContain("errors");
    expect(await world.store().get("INC-1")).toBeNull();

    const ok = await fake.submitDialog({
      user: "alice",
      dialog,
      values: { title: "Checkout errors", severity: "sev2", service: "search", description: "500s on /pay" },
    });
    expect(ok.status).toBe(200);
    await world.incidentChannel("inc-1-checkout-errors");
    expect(await world.incident()).toMatchObject({
      title: "Checkout errors",
      severity: "sev2",
      service: "search",
      description: "500s on /pay",
      reporters: [{ platformUserId: "alice", personId: "alice" }],
    });
    // A dialog has no response URL: the answer reaches Alice only (ephemeral, or by DM where that is refused).
    await eventually(
      () => expect(`${world.toldOnly("alice")}\n${world.dmsTo("alice")}`).toContain("~inc-1-checkout-errors"),
      10_000,
    );
    fake.assertNoViolations();
  });

  it("hands off through the brief dialog, and the incoming commander gets the brief", async () => {
    await start("mm-handoff");
    await open();
    await world.say(CHANNEL, "ack");
    await reaches("acknowledged");
    await world.say(CHANNEL, "handoff @bob");
    const dialog = await world.dialog("dana", 0);
    expect(dialog.dialog.callback_id).toBe("fbHandoffForm");
    await fake.submitDialog({
      user: "dana",
      dialog,
      values: {
        summary: "Search recovers after the reindex",
        tried: "Restarting the pods",
        ruledOut: "The load balancer",
        openActions: "Tell support when the reindex ends",
      },
    });
    await eventually(() => {
      const brief = world.dmsTo("bob");
      expect(brief).toContain("@dana asks you to take over");
      expect(brief).toContain("Search recovers after the reindex");
      expect(brief).toContain("Restarting the pods");
    }, 10_000);
    expect((await world.incident()).offer?.brief).toEqual({
      summary: "Search recovers after the reindex",
      tried: "Restarting the pods",
      ruledOut: "The load balancer",
      openActions: "Tell support when the reindex ends",
    });
    await eventually(
      () => expect(world.inChannel(CHANNEL)).toContain("offered to hand **INC-1** over to @bob"),
      10_000,
    );

    await world.click("bob", () => fake.dmWith("bob"), "Accept");
    await eventually(
      async () => expect((await world.incident()).commander?.platformUserId).toBe("bob"),
      10_000,
    );
    await eventually(
      () => expect(world.inChannel(CHANNEL)).toContain("@bob is now the **Incident Commander** of **INC-1**"),
      10_000,
    );
    fake.assertNoViolations();
  });

  it("resolves, and closes once the reporter clicks Fixed for me", async () => {
    await start("mm-resolve");
    await openResolved();
    await eventually(() => expect(world.inChannel(CHANNEL)).toContain("resolved **INC-1**"), 10_000);
    await eventually(() => expect(world.dmsTo("bob")).toContain("Is it fixed for you?"), 10_000);
    const request = fake.dmWith("bob").find((p) => postText(p).includes("Is it fixed for you?"));
    expect(request && buttons(request).map((b) => b.name)).toEqual(["Fixed for me", "Still broken"]);
    // Every button id is what Mattermost routes by: letters and digits only, unique in the post.
    const ids = request ? buttons(request).map((b) => b.id) : [];
    expect(ids.every((id) => /^[A-Za-z0-9]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);

    await world.click("bob", () => fake.dmWith("bob"), "Fixed for me");
    await reaches("closed");
    await eventually(() => expect(world.inChannel(CHANNEL)).toContain("Every reporter confirmed"), 10_000);
    // A click has no response URL: the thanks reaches Bob by DM, since the bot may not post ephemerally.
    await eventually(() => expect(world.dmsTo("bob")).toContain("Thanks for confirming **INC-1**"), 10_000);
    const incident = await world.incident();
    expect(incident).toMatchObject({
      closeReason: "confirmed",
      resolution: { actor: "dana", summary: "Rebuilt the search index" },
      confirmation: { asked: ["bob"], confirmed: ["bob"] },
    });
    const changes = (await world.store().timeline("INC-1")).filter((e) => e.type === "status_changed");
    expect(changes.map((e) => `${e.data.from}→${e.data.to}`)).toEqual([
      "acknowledged→mitigated",
      "mitigated→resolved",
      "resolved→closed",
    ]);
    fake.assertNoViolations();
  });

  it('reopens with the note from "Still broken", and tells the commander', async () => {
    await start("mm-still-broken");
    await openResolved();
    await world.click("bob", () => fake.dmWith("bob"), "Still broken");
    const dialog = await world.dialog("bob", 0);
    expect(dialog.dialog).toMatchObject({ callback_id: "fbStillBrokenForm", title: "Still broken: INC-1" });
    // A blank note keeps the dialog open with the reason next to the field.
    const blank = await fake.submitDialog({ user: "bob", dialog, values: { note: "   " } });
    expect(blank.closed).toBe(false);
    expect(JSON.stringify(blank.body)).toContain("Say what still fails");
    expect(await state()).toBe("resolved");

    const sent = await fake.submitDialog({
      user: "bob",
      dialog,
      values: { note: "Filtered searches still time out" },
    });
    expect(sent.closed).toBe(true);
    await reaches("reopened");
    await eventually(() => {
      const said = world.inChannel(CHANNEL);
      expect(said).toContain("is still broken for them");
      expect(said).toContain("Filtered searches still time out");
    }, 10_000);
    await eventually(() => expect(world.dmsTo("dana")).toContain("Filtered searches still time out"), 10_000);
    await eventually(() => expect(world.dmsTo("bob")).toContain("reopened with your note"), 10_000);
    const note = (await world.store().timeline("INC-1")).find((e) => e.type === "reporter_still_broken");
    expect(note).toMatchObject({ actor: "bob", data: { note: "Filtered searches still time out" } });
    fake.assertNoViolations();
  });

  it("answers help in the command's own response, with every command", async () => {
    await start("mm-help");
    const d = await world.say("general", "help", "bob");
    expect(d.status).toBe(200);
    const text = answered(d);
    for (const verb of ["open", "ack", "update", "handoff", "oncall", "postmortem"]) {
      expect(text).toContain(`/incident ${verb}`);
    }
    expect((d.body as { response_type?: string }).response_type ?? "ephemeral").toBe("ephemeral");
    fake.assertNoViolations();
  });

  it("answers a mention with who is on call, to the person who asked", async () => {
    await start("mm-mention");
    await eventually(() => expect(fake.webSocketCount()).toBe(1), 10_000);
    await fake.postAs({
      user: "bob",
      channel: "incidents",
      message: "@firebreak who is on call for search?",
    });
    // A mention has no response URL and the bot may not post ephemerally: the answer is Bob's alone, by DM.
    const said = await eventually(() => {
      const text = world.dmsTo("bob");
      if (!text.includes("owner: search-team")) throw new Error("no answer yet");
      return text;
    }, 10_000);
    expect(said).toContain("(times in America/New_York)");
    expect(said).toContain("@dana");
    // Nothing was posted for everyone to see.
    const botPosts = fake.posts("incidents").filter((p) => p.userId === fake.botUserId);
    expect(botPosts.map(postText).join("\n")).not.toContain("times in America/New_York");
    fake.assertNoViolations();
  });
});
