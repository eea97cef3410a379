// The Mattermost adapter's own edges, against the fake Mattermost: what reaches `prepare` from a slash command, a
// button, a dialog, a mention and a reaction (exactly), how each is acknowledged, that the plan runs after the
// answer, and that nothing unverified (a wrong command token, a forged button context or dialog state) reaches
// anything. The WebSocket reconnects after a drop without losing what was said meanwhile, and stops cleanly.
// `prepare` here is the test's own: the full bot behind the adapter is tested elsewhere.

import { createServer, type Server } from "node:http";
import { type AddressInfo, connect, createServer as createTcpServer, type Socket } from "node:net";
import express from "express";
import { afterEach, describe, expect, test, vi } from "vitest";
import { type Plan, replyTarget } from "../../handlers/context.js";
import { postsSince } from "../../src/adapters/mattermost/catch-up.js";
import { createMattermostClient } from "../../src/adapters/mattermost/client.js";
import { createDirectory } from "../../src/adapters/mattermost/directory.js";
import { DIALOG_STATE_TTL_MS, REFUSED_BUTTON, REFUSED_FORM } from "../../src/adapters/mattermost/inbound.js";
import {
  createMattermostAdapter,
  MATTERMOST_PATHS,
  type MattermostAdapter,
} from "../../src/adapters/mattermost/index.js";
import { signActionContext, signDialogState } from "../../src/adapters/mattermost/signed-context.js";
import {
  LOOKUPS_AT_ONCE,
  LOOKUPS_PER_MENTION,
  listenForMentions,
  type MentionListener,
} from "../../src/adapters/mattermost/websocket.js";
import { type Form, type Message, textMessage } from "../../src/core/message.js";
import type { Inbound, Logger } from "../../src/core/ports.js";
import {
  type FakeMattermost,
  type OpenedDialog,
  type StoredPost,
  startFakeMattermost,
} from "../helpers/fake-mattermost/index.js";

const TOKENS = ["cmdtoken-first-00000000000000000", "cmdtoken-second-0000000000000000"];
const SECRET = "actions-secret-0123456789abcdef";
/** Short reconnect delays, so a dropped socket is back in a fraction of a second. */
const RETRY = { minMs: 50, maxMs: 200 };

const logger: Logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  vi.mocked(logger.warn).mockClear();
  vi.mocked(logger.error).mockClear();
});

async function eventually<T>(check: () => T, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

/** What the test's `prepare` answers for an inbound; by default an ack naming the kind, and a run recorded. */
type Planner = (inbound: Inbound, ran: (inbound: Inbound) => void) => Plan;
const defaultPlanner: Planner = (inbound, ran) => ({
  ack: textMessage(`ack for ${inbound.body.kind}`),
  run: async () => ran(inbound),
});

interface Served {
  fake: FakeMattermost;
  adapter: MattermostAdapter;
  /** Every inbound `prepare` received, in order. */
  seen: Inbound[];
  /** Delivery ids whose plan ran. */
  ran: string[];
  /** The bot's base URL (where /mattermost/* are served). */
  botUrl: string;
  channelId(name: string): string;
}

/** The adapter mounted on a real express server, talking to a fresh fake Mattermost both ways. */
async function serve(options: { planner?: Planner; ephemeral?: boolean } = {}): Promise<Served> {
  const fake = await startFakeMattermost({
    commandTokens: TOKENS,
    // The bot may post ephemeral messages (a system admin's right), so a later answer has one place to land.
    botCanPostEphemeral: options.ephemeral ?? true,
  });
  cleanups.push(() => fake.close());
  const expressApp = express();
  const server = createServer(expressApp);
  const botUrl = `http://127.0.0.1:${await listen(server)}`;
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  const seen: Inbound[] = [];
  const ran: string[] = [];
  const planner = options.planner ?? defaultPlanner;
  const adapter = await createMattermostAdapter({
    mode: { url: fake.url, botToken: fake.botToken, commandTokens: TOKENS, actionsSecret: SECRET },
    expressApp,
    prepare: (inbound) => {
      seen.push(inbound);
      return planner(inbound, (i) => ran.push(i.deliveryId));
    },
    logger,
    publicUrl: () => botUrl,
    retry: RETRY,
    identity: { attempts: 2, delayMs: 10 },
  });
  cleanups.push(() => adapter.stop());
  fake.botUrl = botUrl;
  const channelId = (name: string) => {
    const channel = fake.channel(name);
    if (!channel) throw new Error(`no channel ${name}`);
    return channel.id;
  };
  return { fake, adapter, seen, ran, botUrl, channelId };
}

/** A raw POST to one of the bot's routes, as someone other than Mattermost could send it. */
async function post(url: string, init: { body: string; headers?: Record<string, string> }) {
  const res = await fetch(url, { method: "POST", headers: init.headers, body: init.body });
  const text = await res.text();
  return { status: res.status, contentType: res.headers.get("content-type"), text, json: safeJson(text) };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Everything a person could read in a JSON value, one string per line. */
function strings(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(strings).join("\n");
  if (value && typeof value === "object") return Object.values(value).map(strings).join("\n");
  return "";
}

/** What the bot told a person in messages only they see, posted through the API (not a command's answer). */
const told = (fake: FakeMattermost, user: string) =>
  fake
    .ephemerals(user)
    .filter((e) => e.via === "api")
    .map((e) => e.message)
    .join("\n");

const cardWithButtons: Message = {
  text: "INC-4 is open",
  blocks: [
    { type: "section", text: "INC-4 is open" },
    {
      type: "actions",
      buttons: [
        { actionId: "fbAcknowledge", label: "Acknowledge", value: "INC-4", style: "primary" },
        { actionId: "fbDecline", label: "Decline" },
      ],
    },
  ],
};

/** The bot posts a card with two buttons in ~incidents; returns the stored post. */
async function postCard(s: Served): Promise<StoredPost> {
  const posted = await s.adapter.platform.post(s.channelId("incidents"), cardWithButtons);
  const stored = s.fake.posts("incidents").find((p) => p.id === posted.messageId);
  if (!stored) throw new Error("the card was not stored");
  return stored;
}

describe("slash commands", () => {
  test("either configured token is accepted; the inbound is exact and the ack is the HTTP answer", async () => {
    const s = await serve();
    for (const token of TOKENS) {
      const d = await s.fake.sendSlashCommand({
        user: "alice",
        channel: "incidents",
        text: "open *db* down @bob ~general",
        token,
      });
      expect(d.status).toBe(200);
      expect(s.seen.at(-1)).toEqual({
        platform: "mattermost",
        actor: "alice",
        conversationId: s.channelId("incidents"),
        deliveryId: `command-${d.triggerId}`,
        triggerId: d.triggerId,
        responseUrl: d.responseUrl.url,
        // As typed: the grammar reads plain text; only the person Mattermost found named is a mention.
        body: { kind: "command", text: "open *db* down <@bob> ~general" },
      });
      expect(d.body).toMatchObject({ response_type: "ephemeral" });
      expect(strings(d.body)).toContain("ack for command");
      await eventually(() => expect(s.ran).toContain(`command-${d.triggerId}`));
    }
    expect(s.seen).toHaveLength(2);
    // Mattermost showed the ack to Alice only.
    expect(s.fake.ephemerals("alice").map((e) => e.message)).toEqual([
      expect.stringContaining("ack for command"),
      expect.stringContaining("ack for command"),
    ]);
    s.fake.assertNoViolations();
  });

  test("a plan without an ack is answered with an empty JSON object, and still runs", async () => {
    const s = await serve({ planner: (inbound, ran) => ({ run: async () => ran(inbound) }) });
    const d = await s.fake.sendSlashCommand({ user: "bob", channel: "town-square", text: "" });
    expect(d.status).toBe(200);
    expect(d.body).toEqual({});
    await eventually(() => expect(s.ran).toEqual([`command-${d.triggerId}`]));
    expect(s.fake.ephemerals("bob")).toEqual([]);
    s.fake.assertNoViolations();
  });

  test("what was typed arrives as typed; only the @names Mattermost found to be people become mentions", async () => {
    const s = await serve();
    const d = await s.fake.sendSlashCommand({
      user: "alice",
      channel: "incidents",
      text: "note *db* mail ops@example.com, ask @nobody, @Bob. or @dana: `x` C:\\temp @here ~general ~nowhere",
    });
    expect(d.status).toBe(200);
    // As Mattermost sends them: the team's people found under a name typed (`@dana:` is no name), ids alike.
    expect(d.fields.user_mentions).toEqual(["bob"]);
    expect(d.fields.user_mentions_ids).toEqual([s.fake.user("bob").id]);
    expect(d.fields.channel_mentions).toEqual(["general"]);
    expect(s.seen.at(-1)?.body).toEqual({
      kind: "command",
      text: "note *db* mail ops@example.com, ask @nobody, <@bob>. or @dana: `x` C:\\temp @here ~general ~nowhere",
    });
    s.fake.assertNoViolations();
  });

  test("an @name Mattermost did not send in user_mentions stays text, even one of a person", async () => {
    const s = await serve();
    const url = `${s.botUrl}${MATTERMOST_PATHS.command}`;
    const fields = {
      token: TOKENS[0] as string,
      user_id: s.fake.user("dana").id,
      user_name: "dana",
      channel_id: s.channelId("town-square"),
      trigger_id: "trigger-mentions",
      text: "commander @bob @alice",
    };
    const form = new URLSearchParams(fields);
    form.append("user_mentions", "alice");
    form.append("user_mentions_ids", s.fake.user("alice").id);
    const d = await post(url, {
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: form.toString(),
    });
    expect(d.status).toBe(200);
    expect(s.seen.at(-1)?.body).toEqual({ kind: "command", text: "commander @bob <@alice>" });
    // Alice's id came with the command: the directory knows her without asking the server.
    const lookups = s.fake.calls.length;
    expect(await s.adapter.platform.isMember(s.channelId("town-square"), "alice")).toBe(true);
    expect(s.fake.calls.slice(lookups).map((c) => c.path)).not.toContainEqual(
      expect.stringContaining("/users/username/"),
    );
  });

  test("a wrong or missing token is refused with 401, and nothing reaches prepare", async () => {
    const s = await serve();
    const wrong = await s.fake.sendSlashCommand({
      user: "alice",
      channel: "incidents",
      text: "x",
      token: "nope",
    });
    const missing = await s.fake.sendSlashCommand({
      user: "alice",
      channel: "incidents",
      text: "x",
      token: null,
    });
    for (const d of [wrong, missing]) {
      expect(d.status).toBe(401);
      expect(d.body).toEqual({ error: expect.stringContaining("MATTERMOST_COMMAND_TOKENS") });
    }
    // A prefix of a real token, or a real one with more after it, is no token either.
    const near = [TOKENS[0]?.slice(0, -1), `${TOKENS[0]}x`, ""];
    for (const token of near) {
      const d = await s.fake.sendSlashCommand({ user: "alice", channel: "incidents", text: "x", token });
      expect(d.status).toBe(401);
    }
    expect(s.seen).toEqual([]);
    s.fake.assertNoViolations();
  });

  test("the token is read from the Authorization header or the form; a wrong one in either is refused", async () => {
    const s = await serve();
    const url = `${s.botUrl}${MATTERMOST_PATHS.command}`;
    const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
    const fields = {
      user_id: s.fake.user("dana").id,
      user_name: "dana",
      channel_id: s.channelId("town-square"),
      trigger_id: "trigger-1",
      text: "status",
    };
    const formType = { "Content-Type": "application/x-www-form-urlencoded" };
    const cases = [
      {
        name: "header only",
        headers: { ...formType, Authorization: `Token ${TOKENS[1]}` },
        body: form(fields),
      },
      { name: "body only", headers: formType, body: form({ ...fields, token: TOKENS[0] as string }) },
      {
        name: "JSON body",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ ...fields, token: TOKENS[1] }),
      },
    ];
    for (const c of cases) {
      const res = await post(url, { headers: c.headers, body: c.body });
      expect(res.status, c.name).toBe(200);
    }
    expect(s.seen.map((i) => i.actor)).toEqual(["dana", "dana", "dana"]);

    const refused = [
      { name: "wrong header", headers: { ...formType, Authorization: "Token nope" }, body: form(fields) },
      { name: "wrong body", headers: formType, body: form({ ...fields, token: "nope" }) },
      {
        // Mattermost sends the same token both ways; a header that disagrees with the form is not believed.
        name: "wrong header, right body",
        headers: { ...formType, Authorization: "Token nope" },
        body: form({ ...fields, token: TOKENS[0] as string }),
      },
      {
        name: "another scheme",
        headers: { ...formType, Authorization: `Bearer ${TOKENS[0]}` },
        body: form(fields),
      },
    ];
    for (const c of refused) {
      const res = await post(url, { headers: c.headers, body: c.body });
      expect(res.status, c.name).toBe(401);
      expect(res.contentType).toBe("application/json");
      expect(res.json, c.name).toEqual({ error: expect.any(String) });
    }
    expect(s.seen).toHaveLength(3);
  });

  test("an unreadable body or missing fields are a 400 with a plain JSON error, never a stack trace", async () => {
    const s = await serve();
    const auth = { Authorization: `Token ${TOKENS[0]}` };
    const base = s.botUrl;
    const answers = [
      await post(`${base}${MATTERMOST_PATHS.command}`, {
        headers: { ...auth, "Content-Type": "application/json" },
        body: "{not json",
      }),
      await post(`${base}${MATTERMOST_PATHS.command}`, {
        headers: { ...auth, "Content-Type": "application/x-www-form-urlencoded" },
        body: "user_name=dana&text=status",
      }),
      await post(`${base}${MATTERMOST_PATHS.command}`, {
        headers: { ...auth, "Content-Type": "text/plain" },
        body: "user_name=dana",
      }),
      await post(`${base}${MATTERMOST_PATHS.actions}`, {
        headers: { "Content-Type": "application/json" },
        body: '{"context": ',
      }),
      await post(`${base}${MATTERMOST_PATHS.actions}`, {
        headers: { "Content-Type": "application/json" },
        body: "[1, 2]",
      }),
      await post(`${base}${MATTERMOST_PATHS.dialogs}`, {
        headers: { "Content-Type": "application/json" },
        body: "nope",
      }),
    ];
    for (const a of answers) {
      expect(a.status).toBe(400);
      expect(a.contentType).toBe("application/json");
      expect(a.json).toEqual({ error: expect.any(String) });
      expect(a.text).not.toMatch(/at \w+ \(|node_modules|\.ts:\d+/);
    }
    expect(answers[1]?.json).toEqual({ error: expect.stringContaining("channel_id") });
    expect(s.seen).toEqual([]);
  });
});

describe("buttons", () => {
  test("a click reaches prepare with the signed action, the post and the clicker; the ack is ephemeral_text", async () => {
    const s = await serve();
    const card = await postCard(s);
    const d = await s.fake.clickButton({ user: "bob", post: card, label: "Acknowledge" });
    expect(d.status).toBe(200);
    expect(s.seen).toEqual([
      {
        platform: "mattermost",
        actor: "bob",
        conversationId: s.channelId("incidents"),
        deliveryId: `action-${d.triggerId}`,
        triggerId: d.triggerId,
        body: { kind: "action", actionId: "fbAcknowledge", value: "INC-4", messageId: card.id },
      },
    ]);
    // The ack is Markdown already: Mattermost is told not to rewrite it as Slack markup first.
    expect(d.body).toEqual({
      ephemeral_text: expect.stringContaining("ack for action"),
      skip_slack_parsing: true,
    });
    expect(s.fake.ephemerals("bob")).toEqual([
      expect.objectContaining({
        channelId: s.channelId("incidents"),
        message: expect.stringContaining("ack for action"),
        via: "action",
      }),
    ]);
    await eventually(() => expect(s.ran).toEqual([`action-${d.triggerId}`]));

    // The other button, without a value.
    const other = await s.fake.clickButton({ user: "alice", post: card, label: "Decline" });
    expect(s.seen[1]?.body).toEqual({ kind: "action", actionId: "fbDecline", messageId: card.id });
    expect(s.seen[1]?.deliveryId).toBe(`action-${other.triggerId}`);
    s.fake.assertNoViolations();
  });

  test("an ack with buttons, which ephemeral_text cannot carry, follows as a post of its own", async () => {
    const s = await serve({
      planner: (inbound, ran) => ({ ack: cardWithButtons, run: async () => ran(inbound) }),
    });
    const card = await postCard(s);
    const d = await s.fake.clickButton({ user: "bob", post: card, label: "Acknowledge" });
    expect(d.status).toBe(200);
    expect(d.body).toEqual({});
    const reply = await eventually(() => {
      const found = s.fake.ephemerals("bob").find((e) => e.via === "api");
      if (!found) throw new Error("no ephemeral post yet");
      return found;
    });
    expect(strings(reply.props)).toContain("Acknowledge");
    await eventually(() => expect(s.ran).toHaveLength(1));
    s.fake.assertNoViolations();
  });

  test("the clicker is whom Mattermost calls user_id; the unsigned user_name teaches the directory nothing", async () => {
    const s = await serve();
    await s.adapter.start();
    const card = await postCard(s);
    // What the card's Acknowledge button carries (signing is deterministic).
    const context = signActionContext(SECRET, { actionId: "fbAcknowledge", value: "INC-4" });
    const click = (userId: string, userName: string, triggerId: string) =>
      post(`${s.botUrl}${MATTERMOST_PATHS.actions}`, {
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          user_id: userId,
          user_name: userName,
          channel_id: s.channelId("incidents"),
          post_id: card.id,
          trigger_id: triggerId,
          type: "button",
          context,
        }),
      });
    const bob = s.fake.user("bob");
    expect((await click(bob.id, "dana", "t1")).status).toBe(200);
    expect(s.seen.at(-1)).toMatchObject({ actor: "bob", deliveryId: "action-t1" });
    // Had the pair been remembered, Bob's reaction would now come from "dana".
    await s.fake.react({ user: "bob", post: card, emoji: "pushpin" });
    await eventually(() => expect(s.seen.at(-1)?.body.kind).toBe("reaction"));
    expect(s.seen.at(-1)?.actor).toBe("bob");

    // When Mattermost cannot say who the id is right now, the name the click carries stands in.
    s.fake.failNext(/^\/api\/v4\/users\//, { status: 500 });
    expect((await click(s.fake.user("alice").id, "alice", "t2")).status).toBe(200);
    expect(s.seen.at(-1)).toMatchObject({ actor: "alice", deliveryId: "action-t2" });
    // An id that names nobody is refused, whatever name comes with it.
    const ghost = await click("x".repeat(26), "alice", "t3");
    expect(ghost.json).toEqual({ ephemeral_text: REFUSED_BUTTON, skip_slack_parsing: true });
    expect(s.seen.at(-1)?.deliveryId).not.toBe("action-t3");
  });

  test("a forged or altered context is refused in the clicker's view, and nothing reaches prepare", async () => {
    const s = await serve();
    const card = await postCard(s);
    const signed = signActionContext(SECRET, { actionId: "fbAcknowledge", value: "INC-4" });
    const forgeries: Array<Record<string, unknown>> = [
      { ...signed, v: "INC-5" }, // another incident
      { ...signed, a: "fbResolve" }, // another action
      { a: "fbAcknowledge", v: "INC-4" }, // no signature
      { ...signed, s: "0".repeat(64) },
      { ...signed, s: signed.s?.toUpperCase() },
      signActionContext("another-secret-0123456789abcdef", { actionId: "fbAcknowledge", value: "INC-4" }),
      { ...signed, v: 4 },
    ];
    for (const context of forgeries) {
      const d = await s.fake.clickButton({ user: "bob", post: card, label: "Acknowledge", context });
      expect(d.status).toBe(200);
      expect(d.body).toEqual({ ephemeral_text: REFUSED_BUTTON, skip_slack_parsing: true });
    }
    // A click with no context at all (the fake then sends none).
    const bare = await post(`${s.botUrl}${MATTERMOST_PATHS.actions}`, {
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        user_id: s.fake.user("bob").id,
        user_name: "bob",
        trigger_id: "t",
        post_id: card.id,
      }),
    });
    expect(bare.json).toEqual({ ephemeral_text: REFUSED_BUTTON, skip_slack_parsing: true });
    expect(s.seen).toEqual([]);
    expect(s.fake.ephemerals("bob").map((e) => e.message)).toEqual(forgeries.map(() => REFUSED_BUTTON));
    s.fake.assertNoViolations();
  });
});

describe("dialogs", () => {
  const form: Form = {
    callbackId: "fbUpdateForm",
    title: "Update INC-4",
    submitLabel: "Post",
    fields: [
      { id: "text", label: "What is the status?", kind: "textarea" },
      {
        id: "severity",
        label: "Severity",
        kind: "select",
        options: [
          { value: "sev1", label: "SEV1" },
          { value: "sev2", label: "SEV2" },
        ],
      },
      { id: "note", label: "Note", kind: "text", optional: true },
    ],
    state: "INC-4",
  };

  /**
   * A command opens the form from its trigger id; a form submission with text "x" is refused in place; any
   * other submission is acked.
   */
  const dialogPlanner =
    (platform: () => MattermostAdapter["platform"]): Planner =>
    (inbound, ran) => {
      if (inbound.body.kind === "command") {
        return {
          run: async () => {
            await platform().openForm(inbound.triggerId as string, form, replyTarget(inbound));
            ran(inbound);
          },
        };
      }
      if (inbound.body.kind === "form" && inbound.body.values.text === "x") {
        return { formErrors: { text: "Say a little more." }, run: async () => ran(inbound) };
      }
      return defaultPlanner(inbound, ran);
    };

  async function openDialog(): Promise<Served & { dialog: OpenedDialog }> {
    let served: Served | undefined;
    served = await serve({ planner: dialogPlanner(() => (served as Served).adapter.platform) });
    const s = served;
    await s.fake.sendSlashCommand({ user: "alice", channel: "incidents", text: "update" });
    const dialog = await eventually(() => {
      const opened = s.fake.dialogs("alice")[0];
      if (!opened) throw new Error("no dialog yet");
      return opened;
    });
    return { ...s, dialog };
  }

  test("a submission reaches prepare with the values, the form's state and where it was opened", async () => {
    const s = await openDialog();
    expect(s.dialog.url).toBe(`${s.botUrl}${MATTERMOST_PATHS.dialogs}`);
    const d = await s.fake.submitDialog({
      user: "alice",
      dialog: s.dialog,
      values: { text: "Failover done", severity: "sev2" },
    });
    expect(d).toMatchObject({ status: 200, body: {}, closed: true });
    const inbound = s.seen.at(-1);
    expect(inbound).toEqual({
      platform: "mattermost",
      actor: "alice",
      conversationId: s.channelId("incidents"),
      deliveryId: expect.stringMatching(/^form-[A-Za-z0-9_-]{16}$/),
      body: {
        kind: "form",
        callbackId: "fbUpdateForm",
        values: { text: "Failover done", severity: "sev2", note: "" },
        state: "INC-4",
      },
    });
    // The ack reaches Alice after the dialog closed, as a message only she sees.
    await eventually(() => expect(told(s.fake, "alice")).toContain("ack for form"));
    await eventually(() => expect(s.ran).toContain(inbound?.deliveryId));

    // One opening of the dialog is one delivery, whatever its submissions say (a double click, a replay).
    await s.fake.submitDialog({
      user: "alice",
      dialog: s.dialog,
      values: { text: "Failover done", severity: "sev2" },
    });
    await s.fake.submitDialog({
      user: "alice",
      dialog: s.dialog,
      values: { text: "Failover done", severity: "sev1" },
    });
    const ids = s.seen.slice(-3).map((i) => i.deliveryId);
    expect(ids).toEqual([ids[0], ids[0], ids[0]]);

    // The same form opened again and submitted with the very same values is a new delivery: a second
    // "Still investigating" is an update of its own.
    await s.fake.sendSlashCommand({ user: "alice", channel: "incidents", text: "update" });
    const again = await eventually(() => {
      const opened = s.fake.dialogs("alice")[1];
      if (!opened) throw new Error("no second dialog yet");
      return opened;
    });
    await s.fake.submitDialog({
      user: "alice",
      dialog: again,
      values: { text: "Failover done", severity: "sev2" },
    });
    const second = s.seen.at(-1);
    expect(second?.body).toEqual(inbound?.body);
    expect(second?.deliveryId).toMatch(/^form-/);
    expect(second?.deliveryId).not.toBe(inbound?.deliveryId);
    s.fake.assertNoViolations();
  });

  test("form errors keep the dialog open, next to their field; it can then be submitted as it is", async () => {
    const s = await openDialog();
    const refused = await s.fake.submitDialog({
      user: "alice",
      dialog: s.dialog,
      values: { text: "x", severity: "sev1" },
    });
    expect(refused).toMatchObject({
      status: 200,
      body: { errors: { text: "Say a little more." } },
      closed: false,
    });
    await sleep(50);
    expect(s.ran.filter((id) => id.startsWith("form-"))).toEqual([]);
    const accepted = await s.fake.submitDialog({
      user: "alice",
      dialog: s.dialog,
      values: { text: "Failover done", severity: "sev1" },
    });
    expect(accepted).toMatchObject({ status: 200, closed: true });
    expect(s.seen.at(-1)?.body).toMatchObject({ kind: "form", state: "INC-4" });
    s.fake.assertNoViolations();
  });

  test("a forged or altered state is refused in the dialog, and nothing reaches prepare", async () => {
    const s = await openDialog();
    const before = s.seen.length;
    const genuine = JSON.parse(s.dialog.dialog.state) as Record<string, string>;
    const values = { text: "Failover done", severity: "sev2" };
    const states = [
      JSON.stringify({ ...genuine, s: "INC-5" }),
      JSON.stringify({ ...genuine, v: s.channelId("town-square") }),
      JSON.stringify({ c: genuine.c, v: genuine.v, s: genuine.s }),
      signDialogState("another-secret-0123456789abcdef", {
        callbackId: "fbUpdateForm",
        conversationId: s.channelId("incidents"),
        state: "INC-4",
        user: "alice",
      }),
      JSON.stringify({ ...genuine, u: "bob" }),
      JSON.stringify({ ...genuine, t: Date.now() }),
      "not json",
      "",
    ];
    for (const state of states) {
      const d = await s.fake.submitDialog({ user: "alice", dialog: s.dialog, values, state });
      expect(d).toMatchObject({ status: 200, body: { error: REFUSED_FORM }, closed: false });
    }
    // A genuine state under another form's callback id.
    const renamed = { ...s.dialog, dialog: { ...s.dialog.dialog, callback_id: "fbResolveForm" } };
    const other = await s.fake.submitDialog({ user: "alice", dialog: renamed, values });
    expect(other.body).toEqual({ error: REFUSED_FORM });
    expect(s.seen).toHaveLength(before);
    s.fake.assertNoViolations();
  });

  test("a state is accepted only from the person the dialog was opened for", async () => {
    const s = await openDialog();
    // Bob opens the same form; Alice's state (which her client holds) is sent in his submission instead.
    await s.fake.sendSlashCommand({ user: "bob", channel: "incidents", text: "update" });
    const bobs = await eventually(() => {
      const opened = s.fake.dialogs("bob")[0];
      if (!opened) throw new Error("no dialog for Bob yet");
      return opened;
    });
    const before = s.seen.length;
    const values = { text: "All clear, stand down", severity: "sev2" };
    const asBob = await s.fake.submitDialog({
      user: "bob",
      dialog: bobs,
      values,
      state: s.dialog.dialog.state,
    });
    expect(asBob).toMatchObject({ status: 200, body: { error: REFUSED_FORM }, closed: false });
    // Straight to the bot, naming Dana: the same.
    const asDana = await post(`${s.botUrl}${MATTERMOST_PATHS.dialogs}`, {
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        type: "dialog_submission",
        callback_id: s.dialog.dialog.callback_id,
        state: s.dialog.dialog.state,
        user_id: s.fake.user("dana").id,
        channel_id: s.channelId("incidents"),
        submission: values,
      }),
    });
    expect(asDana).toMatchObject({ status: 200, json: { error: REFUSED_FORM } });
    expect(s.seen).toHaveLength(before);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.objectContaining({ reason: "it was opened for someone else" }),
      "mattermost: a dialog submission that could not be verified was refused",
    );
    // Each of them may still submit their own.
    const own = await s.fake.submitDialog({ user: "bob", dialog: bobs, values });
    expect(own).toMatchObject({ status: 200, closed: true });
    expect(s.seen.at(-1)).toMatchObject({
      actor: "bob",
      body: { kind: "form", values: { text: values.text } },
    });
    s.fake.assertNoViolations();
  });

  test("a state is accepted for a day after the dialog opened, not longer", async () => {
    const s = await openDialog();
    const signedAgo = (ms: number) => {
      vi.useFakeTimers({ toFake: ["Date"], now: Date.now() - ms });
      try {
        return signDialogState(SECRET, {
          callbackId: "fbUpdateForm",
          conversationId: s.channelId("incidents"),
          state: "INC-4",
          user: "alice",
        });
      } finally {
        vi.useRealTimers();
      }
    };
    const values = { text: "Failover done", severity: "sev2" };
    const stale = await s.fake.submitDialog({
      user: "alice",
      dialog: s.dialog,
      values,
      state: signedAgo(DIALOG_STATE_TTL_MS + 60_000),
    });
    expect(stale).toMatchObject({ status: 200, body: { error: REFUSED_FORM }, closed: false });
    expect(s.seen.filter((i) => i.body.kind === "form")).toEqual([]);
    const late = await s.fake.submitDialog({
      user: "alice",
      dialog: s.dialog,
      values,
      state: signedAgo(DIALOG_STATE_TTL_MS - 60_000),
    });
    expect(late).toMatchObject({ status: 200, body: {}, closed: true });
    expect(s.seen.at(-1)?.body).toMatchObject({ kind: "form", state: "INC-4" });
    s.fake.assertNoViolations();
  });

  test("a cancel (only sent to dialogs that ask for it) is answered and does nothing", async () => {
    const s = await serve();
    const res = await post(`${s.botUrl}${MATTERMOST_PATHS.dialogs}`, {
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ type: "dialog_submission", callback_id: "fbUpdateForm", cancelled: true }),
    });
    expect(res).toMatchObject({ status: 200, json: {} });
    expect(s.seen).toEqual([]);
  });
});

describe("the WebSocket", () => {
  const mentions = (s: Served) => s.seen.filter((i) => i.body.kind === "mention");

  test("a mention of the bot reaches prepare without the leading @name; other posts do not", async () => {
    const s = await serve();
    await s.adapter.start();
    expect(s.fake.webSocketCount()).toBe(1);
    const p = await s.fake.postAs({
      user: "bob",
      channel: "incidents",
      message: "@firebreak: who is *on call*?",
    });
    const [mention] = await eventually(() => {
      expect(mentions(s)).toHaveLength(1);
      return mentions(s);
    });
    expect(mention).toEqual({
      platform: "mattermost",
      actor: "bob",
      conversationId: s.channelId("incidents"),
      deliveryId: `mention-${p.id}`,
      body: { kind: "mention", text: "who is *on call*?" },
    });
    // The ack follows as a reply only Bob sees, then the plan runs.
    await eventually(() => expect(told(s.fake, "bob")).toContain("ack for mention"));
    await eventually(() => expect(s.ran).toEqual([`mention-${p.id}`]));

    // A broadcast, a post that names someone else, and the bot's own post are nobody's business.
    await s.fake.postAs({ user: "alice", channel: "incidents", message: "@here the database is down" });
    await s.fake.postAs({ user: "alice", channel: "incidents", message: "@bob can you look?" });
    await s.adapter.platform.post(s.channelId("incidents"), textMessage("<@firebreak> says hi"));
    // A direct message is addressed to the bot without naming it.
    const dm = await s.fake.postAs({ user: "dana", channel: "@dana", message: "help" });
    await eventually(() => expect(mentions(s)).toHaveLength(2));
    expect(mentions(s)[1]).toMatchObject({
      actor: "dana",
      deliveryId: `mention-${dm.id}`,
      body: { text: "help" },
    });
    expect(mentions(s)[1]?.conversationId).toBe(dm.channelId);
    await sleep(100);
    expect(mentions(s)).toHaveLength(2);
    s.fake.assertNoViolations();
  });

  test("a mention's text arrives as typed; only @names of people become mentions", async () => {
    const s = await serve();
    await s.adapter.start();
    const p = await s.fake.postAs({
      user: "alice",
      channel: "incidents",
      message: "@firebreak handoff to @Dana, not @nobody or ops@example.com: *now* `x` @here",
    });
    const [mention] = await eventually(() => {
      expect(mentions(s)).toHaveLength(1);
      return mentions(s);
    });
    expect(mention?.deliveryId).toBe(`mention-${p.id}`);
    expect(mention?.body).toEqual({
      kind: "mention",
      text: "handoff to <@dana>, not @nobody or ops@example.com: *now* `x` @here",
    });
    s.fake.assertNoViolations();
  });

  test("mentions said in quick succession reach prepare in the order said, lookups or not", async () => {
    const s = await serve();
    await s.adapter.start();
    const said = [
      "@firebreak first, ask @bob and @nobody",
      "@firebreak second",
      "@firebreak third, ask @dana",
      "@firebreak fourth",
    ];
    const posts = [];
    for (const message of said)
      posts.push(await s.fake.postAs({ user: "alice", channel: "incidents", message }));
    await eventually(() => expect(mentions(s)).toHaveLength(said.length));
    expect(mentions(s).map((i) => i.deliveryId)).toEqual(posts.map((p) => `mention-${p.id}`));
    expect(mentions(s).map((i) => (i.body.kind === "mention" ? i.body.text : ""))).toEqual([
      "first, ask <@bob> and @nobody",
      "second",
      "third, ask <@dana>",
      "fourth",
    ]);
    s.fake.assertNoViolations();
  });

  test("after a drop the socket comes back; what was said meanwhile is replayed, and nothing twice", async () => {
    const s = await serve();
    await s.adapter.start();
    const first = await s.fake.postAs({ user: "bob", channel: "incidents", message: "@firebreak status" });
    await eventually(() => expect(mentions(s)).toHaveLength(1));

    s.fake.dropWebSockets();
    expect(s.fake.webSocketCount()).toBe(0);
    const meanwhile = await s.fake.postAs({
      user: "alice",
      channel: "incidents",
      message: "@firebreak help",
    });
    await eventually(() => expect(s.fake.webSocketCount()).toBe(1));
    await eventually(() => expect(mentions(s).map((i) => i.deliveryId)).toContain(`mention-${meanwhile.id}`));

    const after = await s.fake.postAs({ user: "dana", channel: "town-square", message: "@firebreak who?" });
    await eventually(() => expect(mentions(s)).toHaveLength(3));
    await sleep(100);
    expect(mentions(s).map((i) => i.deliveryId)).toEqual([
      `mention-${first.id}`,
      `mention-${meanwhile.id}`,
      `mention-${after.id}`,
    ]);
    expect(logger.info).toHaveBeenCalledWith({}, "mattermost: WebSocket reconnected");
    s.fake.assertNoViolations();
  });

  test("a reaction by a person reaches prepare; one by the bot does not", async () => {
    const s = await serve();
    await s.adapter.start();
    const card = await postCard(s);
    await s.fake.react({ user: "firebreak", post: card, emoji: "eyes" });
    await s.fake.react({ user: "bob", post: card, emoji: "pushpin" });
    const [reaction] = await eventually(() => {
      expect(s.seen).toHaveLength(1);
      return s.seen;
    });
    expect(reaction).toEqual({
      platform: "mattermost",
      actor: "bob",
      conversationId: s.channelId("incidents"),
      deliveryId: expect.stringMatching(
        new RegExp(`^reaction-${card.id}-${s.fake.user("bob").id}-pushpin-\\d+$`),
      ),
      body: { kind: "reaction", reaction: "pushpin", messageId: card.id },
    });
    s.fake.assertNoViolations();
  });

  test("a mention naming thousands of @names looks up only the first few, a few at a time", async () => {
    const s = await serve();
    const asked: string[] = [];
    let inFlight = 0;
    let peak = 0;
    const directory = {
      usernameOf: async (id: string) => (id === s.fake.user("alice").id ? "alice" : null),
      idOf: async (name: string) => {
        asked.push(name);
        inFlight++;
        peak = Math.max(peak, inFlight);
        await sleep(2);
        inFlight--;
        return name === "bob" ? s.fake.user("bob").id : null;
      },
    };
    const seen: Inbound[] = [];
    const listener = listenForMentions({
      siteUrl: s.fake.url,
      token: s.fake.botToken,
      identity: s.adapter.identity,
      directory,
      onMention: (inbound) => seen.push(inbound),
      logger,
      retry: RETRY,
    });
    cleanups.push(() => listener.stop());
    await listener.start();
    const names = Array.from({ length: 2000 }, (_, i) => `@n${i}`).join(" ");
    await s.fake.postAs({ user: "alice", channel: "incidents", message: `@firebreak ask @bob ${names}` });
    const [mention] = await eventually(() => {
      expect(seen).toHaveLength(1);
      return seen;
    });
    expect(asked).toHaveLength(LOOKUPS_PER_MENTION);
    expect(new Set(asked).size).toBe(LOOKUPS_PER_MENTION);
    expect(asked[0]).toBe("bob");
    expect(peak).toBe(LOOKUPS_AT_ONCE);
    // The first names are read as people; those never asked about stay what was typed.
    expect(mention?.body).toMatchObject({
      kind: "mention",
      text: expect.stringMatching(/^ask <@bob> @n0 @n1 /),
    });
  });

  test("after a server restart, what was said meanwhile is read back and reaches prepare, once", async () => {
    const s = await serve();
    const client = createMattermostClient(s.fake.url, s.fake.botToken);
    const seen: Inbound[] = [];
    const listener = listenForMentions({
      siteUrl: s.fake.url,
      token: s.fake.botToken,
      identity: s.adapter.identity,
      directory: createDirectory(client, logger),
      onMention: (inbound) => seen.push(inbound),
      logger,
      retry: RETRY,
      catchUp: (since) => postsSince(client, s.adapter.identity.teamId, since, logger),
    });
    cleanups.push(() => listener.stop());
    await listener.start();
    const before = await s.fake.postAs({ user: "bob", channel: "incidents", message: "@firebreak status" });
    await eventually(() => expect(seen).toHaveLength(1));

    // The server restarts: it no longer knows the bot's connection, and replays nothing.
    s.fake.dropWebSockets({ forget: true });
    const gap = await s.fake.postAs({ user: "alice", channel: "incidents", message: "@firebreak help" });
    await s.fake.postAs({ user: "alice", channel: "town-square", message: "lunch, anyone?" });
    const dm = await s.fake.postAs({ user: "dana", channel: "@dana", message: "who is on call?" });
    await eventually(() => expect(s.fake.webSocketCount()).toBe(1));
    await eventually(() => expect(seen).toHaveLength(3));
    const after = await s.fake.postAs({ user: "dana", channel: "town-square", message: "@firebreak who?" });
    await eventually(() => expect(seen).toHaveLength(4));
    await sleep(100);
    expect(seen.map((i) => i.deliveryId)).toEqual([before, gap, dm, after].map((p) => `mention-${p.id}`));
    expect(seen[1]).toEqual({
      platform: "mattermost",
      actor: "alice",
      conversationId: s.channelId("incidents"),
      deliveryId: `mention-${gap.id}`,
      body: { kind: "mention", text: "help" },
    });
    expect(seen[2]).toMatchObject({
      actor: "dana",
      conversationId: dm.channelId,
      body: { text: "who is on call?" },
    });
    expect(logger.info).toHaveBeenCalledWith(
      // From the last post the socket brought (read again: posts share milliseconds), not from the reconnect.
      expect.objectContaining({ since: before.createAt }),
      "mattermost: read back what was said while the WebSocket was down",
    );
    // Read back through the server's list of the bot's channels, once for the one gap.
    const listed = s.fake.calls.filter(
      (c) => c.path === `/api/v4/users/me/teams/${s.adapter.identity.teamId}/channels`,
    );
    expect(listed.map((c) => c.status)).toEqual([200]);
    s.fake.assertNoViolations();
  });

  test("a frame that is not JSON costs the socket, not the process: it reconnects and reads on", async () => {
    const { WebSocketServer } = await import("ws");
    const wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
    cleanups.push(() => new Promise<void>((resolve) => wss.close(() => resolve())));
    let connections = 0;
    wss.on("connection", (socket) => {
      connections++;
      socket.send(JSON.stringify({ event: "hello", data: { connection_id: "c1" }, seq: 0 }));
      // A proxy's error page, sent down the socket once.
      if (connections === 1) socket.send("<html>502 Bad Gateway</html>");
    });
    await new Promise((resolve) => wss.once("listening", resolve));
    const port = (wss.address() as AddressInfo).port;
    const listener = listenForMentions({
      siteUrl: `http://127.0.0.1:${port}`,
      token: "token",
      identity: {
        userId: "u".repeat(26),
        username: "firebreak",
        teamId: "t".repeat(26),
        teamName: "acme",
        canPostEphemeral: false,
      },
      onMention: () => {},
      logger,
      retry: RETRY,
      connectWaitMs: 2000,
    });
    cleanups.push(() => listener.stop());
    await listener.start();
    await eventually(() => expect(connections).toBe(2));
    expect(logger.warn).toHaveBeenCalledWith(
      { err: expect.stringContaining("SyntaxError") },
      "mattermost: an unreadable WebSocket frame; reconnecting",
    );
  });

  test("stop() closes the socket and no reconnect follows", async () => {
    const s = await serve();
    await s.adapter.start();
    expect(s.fake.webSocketCount()).toBe(1);
    await s.adapter.stop();
    await eventually(() => expect(s.fake.webSocketCount()).toBe(0));
    // Several retry delays later, still nothing: no timer was left behind to reconnect.
    await sleep(RETRY.maxMs * 2);
    expect(s.fake.webSocketCount()).toBe(0);
    s.fake.assertNoViolations();
  });
});

describe("a Mattermost out of reach at first", () => {
  /**
   * A TCP door in front of the fake: `shut` cuts every connection at once (as a refused one would be), `hang`
   * accepts and never answers (a server stuck mid-handshake), `open` passes through.
   */
  type Door = Awaited<ReturnType<typeof door>>;

  async function door(targetPort: number) {
    let mode: "shut" | "hang" | "open" = "shut";
    let attempts = 0;
    const sockets = new Set<Socket>();
    const server = createTcpServer((client) => {
      attempts++;
      sockets.add(client);
      client.on("close", () => sockets.delete(client));
      client.on("error", () => {});
      if (mode === "shut") {
        client.destroy();
        return;
      }
      if (mode === "hang") {
        // Read (and ignore) the upgrade request, so the client hanging up is seen.
        client.resume();
        return;
      }
      const target = connect(targetPort, "127.0.0.1");
      target.on("error", () => client.destroy());
      client.on("close", () => target.destroy());
      client.pipe(target).pipe(client);
    });
    const port = await listen(server);
    cleanups.push(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((r) => server.close(r));
    });
    return {
      url: `http://127.0.0.1:${port}`,
      set: (next: typeof mode) => {
        mode = next;
      },
      attempts: () => attempts,
      /** Connections still open on the door's side. */
      live: () => sockets.size,
    };
  }

  /** The bot's mention listener, reaching the fake through `gate`; stopped after the test if still running. */
  function listenThrough(
    s: Served,
    gate: Door,
    connectWaitMs: number,
    onMention: (inbound: Inbound) => void = () => {},
  ): MentionListener {
    const listener = listenForMentions({
      siteUrl: gate.url,
      token: s.fake.botToken,
      identity: s.adapter.identity,
      onMention,
      logger,
      retry: RETRY,
      connectWaitMs,
    });
    cleanups.push(() => listener.stop());
    return listener;
  }

  test("a failed first connection is retried until it succeeds", async () => {
    const s = await serve();
    const fakePort = Number(new URL(s.fake.url).port);
    const gate = await door(fakePort);
    const seen: Inbound[] = [];
    const listener = listenThrough(s, gate, 150, (inbound) => seen.push(inbound));
    // start() does not wait for ever: it hands the connecting over to the background.
    await listener.start();
    expect(logger.warn).toHaveBeenCalledWith(
      { siteUrl: gate.url },
      "mattermost: the WebSocket is not connected yet; still trying in the background",
    );
    await eventually(() => expect(gate.attempts()).toBeGreaterThanOrEqual(2));
    gate.set("open");
    await eventually(() => expect(s.fake.webSocketCount()).toBe(1));
    const p = await s.fake.postAs({ user: "bob", channel: "incidents", message: "@firebreak hello" });
    await eventually(() => expect(seen.map((i) => i.deliveryId)).toEqual([`mention-${p.id}`]));
    s.fake.assertNoViolations();
  });

  test("stop() while it keeps failing ends the retries", async () => {
    const s = await serve();
    const gate = await door(Number(new URL(s.fake.url).port));
    const listener = listenThrough(s, gate, 50);
    await listener.start();
    await eventually(() => expect(gate.attempts()).toBeGreaterThanOrEqual(2));
    listener.stop();
    const attempts = gate.attempts();
    await sleep(RETRY.maxMs * 3);
    expect(gate.attempts()).toBe(attempts);
  });

  test("stop() while a connection hangs mid-handshake cuts it", async () => {
    const s = await serve();
    const gate = await door(Number(new URL(s.fake.url).port));
    gate.set("hang");
    const listener = listenThrough(s, gate, 50);
    await listener.start();
    await eventually(() => expect(gate.live()).toBe(1));
    listener.stop();
    await eventually(() => expect(gate.live()).toBe(0));
    await sleep(RETRY.maxMs * 2);
    expect(gate.attempts()).toBe(1);
  });
});
