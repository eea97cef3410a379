import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { signActionContext, signDialogState } from "../../src/adapters/mattermost/signed-context.js";
import type { FakeMattermost } from "../helpers/fake-mattermost/index.js";
import { eventually } from "../helpers/firebreak.js";
import { ACTIONS_SECRET, buttons, mattermostWorld } from "../helpers/mattermost-world.js";

/**
 * What Mattermost delivers that Firebreak must not believe or cannot carry out: slash commands without the
 * command's token, button clicks whose signed context was forged or altered, dialogs whose trigger expired or
 * was used already, and dialog submissions with a forged state. Each is refused with a message that says what
 * to do, and nothing is stored or posted.
 */
const world = mattermostWorld();
let fake: FakeMattermost;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every key Firebreak stored about incidents (numbers, incidents, timelines, channel links). */
const incidentKeys = () => world.redis.keys(`${world.current().app.prefix}:incident*`);

/** Posts by the bot anywhere it can post: the channels and the DMs of everyone. */
const botPosts = () =>
  ["town-square", "general", "incidents"]
    .flatMap((c) => fake.posts(c))
    .concat(...["alice", "bob", "dana"].map((u) => fake.dmWith(u)))
    .filter((p) => p.userId === fake.botUserId);

describe("slash commands without the command's token", { timeout: 30_000 }, () => {
  it("are refused with 401, and nothing is stored or posted", async () => {
    ({ fake } = await world.start({ label: "mm-bad-token" }));
    const wrong = await fake.sendSlashCommand({
      user: "bob",
      channel: "general",
      text: "open Search is down",
      token: "not-the-command-token-000000000",
    });
    const missing = await fake.sendSlashCommand({
      user: "bob",
      channel: "general",
      text: "open Search is down",
      token: null,
    });
    expect([wrong.status, missing.status]).toEqual([401, 401]);
    expect(JSON.stringify(wrong.body)).not.toContain("Opening an incident");
    // A refused command has no work after the response; give a stray one the time to show itself.
    await sleep(300);
    expect(await incidentKeys()).toEqual([]);
    expect(wrong.responseUrl.posts).toEqual([]);
    expect(missing.responseUrl.posts).toEqual([]);
    expect(botPosts()).toEqual([]);
    expect(fake.channel("inc-1-search-is-down")).toBeUndefined();
    // A command with the right token still works: the refusals were about the token alone.
    const right = await fake.sendSlashCommand({ user: "bob", channel: "general", text: "help" });
    expect(right.status).toBe(200);
    fake.assertNoViolations();
  });
});

describe("forged button clicks", { timeout: 30_000 }, () => {
  it("are refused with a message, whatever was forged, and change nothing", async () => {
    ({ fake } = await world.start({ label: "mm-forged-click" }));
    await world.say("general", "open Search is down", "bob");
    await world.incidentChannel("inc-1-search-is-down");
    await world.say("general", "open Checkout errors", "bob");
    await world.incidentChannel("inc-2-checkout-errors");
    const page = await eventually(() => {
      const post = fake.dmWith("dana").find((p) => p.message.includes("INC-1"));
      const ack = post && buttons(post).find((b) => b.name === "Acknowledge");
      if (!post || !ack) throw new Error("no page with Acknowledge for INC-1 yet");
      return { post, context: ack.context };
    }, 10_000);
    expect(page.context).toMatchObject({ a: "fbAcknowledge", v: "INC-1" });
    const before = {
      one: await world.store().timeline("INC-1"),
      two: await world.store().timeline("INC-2"),
    };

    const forgeries: Array<[string, Record<string, unknown>]> = [
      ["another incident under the same signature", { ...page.context, v: "INC-2" }],
      ["no signature", { a: "fbAcknowledge", v: "INC-2" }],
      [
        "another secret",
        signActionContext("some-other-secret", { actionId: "fbAcknowledge", value: "INC-2" }),
      ],
      ["a made-up signature", { a: "fbAcknowledge", v: "INC-2", s: "0".repeat(64) }],
    ];
    for (const [what, context] of forgeries) {
      const told = fake.ephemerals("dana").length;
      const clicked = await fake.clickButton({
        user: "dana",
        post: page.post,
        label: "Acknowledge",
        context,
      });
      expect(clicked.status, what).toBe(200);
      expect(JSON.stringify(clicked.body), what).toContain("could not be verified");
      await eventually(() => expect(fake.ephemerals("dana").length, what).toBe(told + 1));
      expect(fake.ephemerals("dana").at(-1)?.message, what).toContain("Run the command again");
    }
    await sleep(300);
    expect((await world.incident("INC-1")).state).toBe("triggered");
    expect((await world.incident("INC-2")).state).toBe("triggered");
    expect(await world.store().timeline("INC-1")).toEqual(before.one);
    expect(await world.store().timeline("INC-2")).toEqual(before.two);

    // The genuine click, for comparison, acknowledges INC-1 and only INC-1.
    await fake.clickButton({ user: "dana", post: page.post, label: "Acknowledge" });
    await eventually(async () => expect((await world.incident("INC-1")).state).toBe("acknowledged"), 10_000);
    expect((await world.incident("INC-2")).state).toBe("triggered");
    fake.assertNoViolations();
  });
});

/**
 * Stands between Mattermost and Firebreak: each request waits for `before` (which sees its body) and is then
 * passed on unchanged. It makes a slow network, or something else using a trigger first, happen on cue.
 */
async function startRelay(
  target: () => string,
  before: (body: string) => Promise<unknown>,
): Promise<{ url: string; close(): Promise<void> }> {
  const read = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await read(req);
      await before(body);
      const headers: Record<string, string> = {};
      for (const name of ["content-type", "authorization", "accept"]) {
        const value = req.headers[name];
        if (typeof value === "string") headers[name] = value;
      }
      const answer = await fetch(`${target()}${req.url}`, { method: req.method, headers, body });
      res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "text/plain" });
      res.end(Buffer.from(await answer.arrayBuffer()));
    })().catch((err: unknown) => {
      res.writeHead(502).end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("dialogs that cannot open", { timeout: 30_000 }, () => {
  let relay: { close(): Promise<void> } | undefined;
  afterEach(async () => {
    await relay?.close();
    relay = undefined;
  });

  it("tell the person to run the command again when the trigger expired on the way, and store nothing", async () => {
    ({ fake } = await world.start({ label: "mm-trigger-expired", fake: { triggerTtlMs: 50 } }));
    const app = fake.botUrl as string;
    // The slash command reaches Firebreak 200 ms after Mattermost minted its trigger, which lives 50 ms.
    const slow = await startRelay(
      () => app,
      () => sleep(200),
    );
    relay = slow;
    fake.botUrl = slow.url;
    const said = await world.ask("general", "open", "alice", "again");
    expect(said).toContain("took too long");
    expect(fake.dialogs("alice")).toEqual([]);
    expect(await incidentKeys()).toEqual([]);
    // Firebreak did try, and Mattermost refused the trigger as too old: the delay was real.
    expect(fake.violations.map((v) => v.rule)).toEqual(["trigger_expired"]);
    fake.assertNoViolations({ allow: ["trigger_expired"] });
  });

  it("tell the person to run the command again when the trigger was used already, and store nothing", async () => {
    ({ fake } = await world.start({ label: "mm-trigger-used" }));
    const app = fake.botUrl as string;
    // Something else opens a dialog with the command's trigger before Firebreak can.
    let otherOpened: number | undefined;
    const first = await startRelay(
      () => app,
      async (body) => {
        const triggerId = new URLSearchParams(body).get("trigger_id");
        const res = await fetch(`${fake.url}/api/v4/actions/dialogs/open`, {
          method: "POST",
          headers: { Authorization: `Bearer ${fake.botToken}`, "Content-Type": "application/json" },
          body: JSON.stringify({
            trigger_id: triggerId,
            url: `${app}/mattermost/dialogs`,
            dialog: { callback_id: "other", title: "Something else", elements: [] },
          }),
        });
        otherOpened = res.status;
      },
    );
    relay = first;
    fake.botUrl = first.url;
    const said = await world.ask("general", "open", "alice", "again");
    expect(said).toContain("Run the command");
    expect(otherOpened).toBe(200);
    // Only the other dialog opened.
    expect(fake.dialogs("alice").map((d) => d.dialog.callback_id)).toEqual(["other"]);
    expect(await incidentKeys()).toEqual([]);
    expect(fake.violations.map((v) => v.rule)).toEqual(["trigger_used"]);
    fake.assertNoViolations({ allow: ["trigger_used"] });
  });
});

describe("forged dialog submissions", { timeout: 30_000 }, () => {
  it("are refused in the dialog, and nothing is stored", async () => {
    ({ fake } = await world.start({ label: "mm-forged-state" }));
    await world.say("general", "open", "alice");
    const dialog = await world.dialog("alice", 0);
    const values = { title: "Forged outage", severity: "sev1" };
    const forged: Array<[string, string]> = [
      ["a made-up state", "general"],
      [
        "another secret",
        signDialogState("some-other-secret", {
          callbackId: "fbOpenIncident",
          conversationId: "x".repeat(26),
          user: "alice",
        }),
      ],
      [
        "another form's state",
        signDialogState(ACTIONS_SECRET, {
          callbackId: "fbUpdateForm",
          conversationId: "x".repeat(26),
          user: "alice",
        }),
      ],
    ];
    for (const [what, state] of forged) {
      const submitted = await fake.submitDialog({ user: "alice", dialog, values, state });
      expect(submitted.status, what).toBe(200);
      // Refused in the dialog itself, which stays open with the reason.
      expect(submitted.closed, what).toBe(false);
      expect(JSON.stringify(submitted.body), what).toContain("could not be verified");
    }
    await sleep(300);
    expect(await incidentKeys()).toEqual([]);
    expect(fake.channel("inc-1-forged-outage")).toBeUndefined();
    expect(botPosts()).toEqual([]);

    // The dialog as Firebreak signed it still opens the incident.
    await fake.submitDialog({ user: "alice", dialog, values });
    await world.incidentChannel("inc-1-forged-outage");
    fake.assertNoViolations();
  });
});

describe("a dialog's state submitted by someone it was not opened for", { timeout: 30_000 }, () => {
  it("is refused, and posts no update in anyone's name", async () => {
    ({ fake } = await world.start({ label: "mm-state-replay" }));
    const channel = "inc-1-search-is-down";
    await world.say("general", "open Search is down sev2 service:search", "bob");
    await world.incidentChannel(channel);
    // Bob opens the update form; his client holds its state, which he sends straight to the bot as Dana.
    await world.click("bob", () => [world.card(channel)], "Post update");
    const dialog = await world.dialog("bob", 0);
    const forged = await fetch(`${world.current().app.url}/mattermost/dialogs`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        type: "dialog_submission",
        callback_id: dialog.dialog.callback_id,
        state: dialog.dialog.state,
        user_id: fake.user("dana").id,
        channel_id: fake.channel(channel)?.id,
        submission: { text: "All clear, stand down" },
      }),
    });
    expect(forged.status).toBe(200);
    expect(await forged.json()).toEqual({ error: expect.stringContaining("could not be verified") });
    await sleep(500);
    expect((await world.incident()).lastUpdate).toBeUndefined();
    expect(world.inChannel(channel)).not.toContain("stand down");
    fake.assertNoViolations();
  });
});
