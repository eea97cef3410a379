import express from "express";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createPlayground, type PlaygroundState } from "../../src/adapters/playground/index.js";
import { NameTakenError, PlatformError } from "../../src/core/errors.js";
import { escapeMarkup, markupToPlain, parseMarkup, userRef } from "../../src/core/markup.js";
import type { Form } from "../../src/core/message.js";
import type { ChatPlatform, FetchedMessage, Inbound, Logger } from "../../src/core/ports.js";
import { postJson, type Served, serve } from "../helpers/platform-harness/support.js";

/**
 * The playground over real HTTP: the router on an express app on a random port, and a fake core that records
 * every Inbound and answers through the playground's ChatPlatform the way the real handlers will.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const openForm: Form = {
  callbackId: "fbOpenIncident",
  title: "Open an incident",
  submitLabel: "Open",
  state: "from-general",
  fields: [
    { id: "title", label: "Title", kind: "text", maxLength: 20 },
    {
      id: "severity",
      label: "Severity",
      kind: "select",
      options: [
        { value: "sev1", label: "SEV1" },
        { value: "sev2", label: "SEV2" },
      ],
    },
    { id: "notes", label: "Notes", kind: "textarea", optional: true },
  ],
};

const inbounds: Inbound[] = [];
const fetchedOnReaction: (FetchedMessage | null)[] = [];
let platform: ChatPlatform;
let state: PlaygroundState;
let closeStreams: () => void;
let base = "";
let served: Served;
let incidents = 0;
const logger: Logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };

/** A stand-in for the core: just enough behaviour to exercise every platform call. */
async function fakeCore(inbound: Inbound): Promise<void> {
  inbounds.push(inbound);
  const to = { userId: inbound.actor, conversationId: inbound.conversationId };
  const body = inbound.body;
  if (body.kind === "command") {
    const [verb = "", ...rest] = body.text.split(/\s+/);
    if (verb === "boom") throw new Error("kaboom");
    if (verb === "dm") {
      const dm = await platform.openDirect(inbound.actor);
      await platform.post(dm, { text: "psst", blocks: [{ type: "section", text: "psst" }] });
      return;
    }
    if (verb === "open" && rest.length === 0) {
      await platform.openForm(inbound.triggerId ?? "", openForm, to);
      return;
    }
    if (verb === "open") await openIncident(rest.join(" "), inbound);
    return;
  }
  if (body.kind === "form") {
    await openIncident(body.values.title ?? "", inbound);
    return;
  }
  if (body.kind === "reaction") {
    // What a timeline handler does with a pushpin: read the message back.
    fetchedOnReaction.push(await platform.fetchMessage(inbound.conversationId, body.messageId));
    return;
  }
  if (body.kind === "action" && body.messageId) {
    const target = { channelId: inbound.conversationId, messageId: body.messageId };
    await platform.update(target, {
      text: `${body.value} acknowledged by ${userRef(inbound.actor)}`,
      blocks: [{ type: "section", text: `*${body.value}* acknowledged by ${userRef(inbound.actor)}` }],
    });
    await platform.pin(target);
  }
}

async function openIncident(title: string, inbound: Inbound): Promise<void> {
  const n = ++incidents;
  const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  const channel = await platform.createChannel(`inc-${n}-${slug}`.slice(0, 80), { topic: title });
  await platform.invite(channel.id, [inbound.actor]);
  await platform.post(inbound.conversationId, {
    text: `INC-${n} opened: ${escapeMarkup(title)}`,
    blocks: [
      { type: "header", text: `INC-${n}: ${title}` },
      { type: "section", text: `Opened by ${userRef(inbound.actor)} in <#${channel.id}>` },
      { type: "actions", buttons: [{ actionId: "fbAcknowledge", label: "Acknowledge", value: `INC-${n}` }] },
    ],
  });
  await platform.replyEphemeral(
    { userId: inbound.actor, conversationId: inbound.conversationId },
    { text: "Only you see this", blocks: [] },
  );
}

beforeAll(async () => {
  const playground = createPlayground({
    people: [
      { id: "alice", name: "Alice", timezone: "Europe/Berlin" },
      { id: "bob", name: "Bob", timezone: "America/New_York" },
      { id: "dana", timezone: "Europe/Berlin" },
    ],
    channels: ["general", "incidents"],
    onInbound: fakeCore,
    logger,
  });
  ({ platform, state, close: closeStreams } = playground);
  served = await serve(express().use(playground.router));
  base = served.url;
});

afterAll(async () => {
  await served.close();
});

beforeEach(() => {
  inbounds.length = 0;
  fetchedOnReaction.length = 0;
  vi.mocked(logger.error).mockClear();
});

function channelId(name: string): string {
  const channel = state.channelByName(name);
  if (!channel) throw new Error(`no channel ${name}`);
  return channel.id;
}

async function post(path: string, body: unknown): Promise<{ status: number; data: Record<string, unknown> }> {
  const { status, data } = await postJson(`${base}/playground/api${path}`, body);
  return { status, data: (data ?? {}) as Record<string, unknown> };
}

const say = (as: string, text: string, channel = "general") =>
  post("/messages", { as, channelId: channelId(channel), text });

interface SnapshotMessage {
  id: string;
  channelId: string;
  author: string;
  html: string;
  text: string;
  ephemeral: boolean;
  pinned: boolean;
  edited: boolean;
}

async function snapshot(as: string) {
  const res = await fetch(`${base}/playground/api/state?as=${as}`);
  expect(res.status).toBe(200);
  return (await res.json()) as {
    me: string;
    channels: Array<{ id: string; name: string; label: string; kind: string; isMember: boolean }>;
    messages: SnapshotMessage[];
  };
}

/** The fields of every event kind at once; each test reads only those of the event it waits for. */
interface StreamData {
  id: string;
  me: string;
  kind: string;
  isMember: boolean;
  text: string;
  html: string;
  edited: boolean;
  pinned: boolean;
  title: string;
  submitLabel: string;
  fields: Array<{ id: string }>;
}

interface SseEvent {
  event: string;
  data: StreamData;
}

/** A Server-Sent Events reader on fetch: collects events and waits for the one a test expects. */
async function openStream(as: string) {
  const controller = new AbortController();
  const res = await fetch(`${base}/playground/api/events?as=${as}`, { signal: controller.signal });
  expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
  const events: SseEvent[] = [];
  const waiters: Array<() => void> = [];
  const reader = res.body?.pipeThrough(new TextDecoderStream()).getReader();
  if (!reader) throw new Error("no body");
  let buffer = "";
  const ended = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end = buffer.indexOf("\n\n");
        while (end >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) });
          for (const wake of waiters.splice(0)) wake();
          end = buffer.indexOf("\n\n");
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  const next = async (match: (e: SseEvent) => boolean, timeoutMs = 3000): Promise<SseEvent> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = events.find(match);
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(`no matching event; got ${events.map((e) => e.event).join(",")}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  };
  /** Resolves when the server ends the stream (or close() aborts it). */
  return { events, next, ended, close: () => controller.abort() };
}

describe("playground page", () => {
  it("serves the page with a strict CSP and its assets without a CDN", async () => {
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'self'");
    const html = await page.text();
    expect(html).toContain('data-testid="composer-input"');
    expect(html).not.toMatch(/https?:\/\//);
    for (const asset of ["app.js", "style.css"]) {
      const res = await fetch(`${base}/playground/${asset}`);
      expect(res.status, asset).toBe(200);
    }
  });

  it("lists the demo people and the bot", async () => {
    const res = await fetch(`${base}/playground/api/people`);
    expect(await res.json()).toEqual({
      botUserId: "firebreak",
      people: [
        { id: "alice", name: "Alice" },
        { id: "bob", name: "Bob" },
        { id: "dana", name: "dana" },
      ],
    });
  });
});

describe("composer", () => {
  it("turns /incident into a command Inbound with fresh ids and <@id> mentions", async () => {
    const first = await say("alice", "/incident   commander @bob please, not @nobody  ");
    const second = await say("alice", "/incident help");
    expect(first.status).toBe(200);
    expect(inbounds).toHaveLength(2);
    const [a, b] = inbounds as [Inbound, Inbound];
    expect(a).toMatchObject({
      platform: "playground",
      actor: "alice",
      conversationId: channelId("general"),
      body: { kind: "command", text: "commander <@bob> please, not @nobody" },
    });
    expect(a.deliveryId).toMatch(UUID);
    expect(a.triggerId).toMatch(UUID);
    expect(b.deliveryId).not.toBe(a.deliveryId);
    expect(b.triggerId).not.toBe(a.triggerId);
    expect(first.data.deliveryId).toBe(a.deliveryId);
    expect(second.data.deliveryId).toBe(b.deliveryId);
  });

  it("echoes a command only to the person who typed it", async () => {
    await say("alice", "/incident list <b>");
    const echo = (await snapshot("alice")).messages.find((m) => m.text === "/incident list <b>");
    expect(echo).toMatchObject({ author: "alice", ephemeral: true });
    expect(echo?.html).toContain("&lt;b&gt;");
    expect((await snapshot("bob")).messages.some((m) => m.id === echo?.id)).toBe(false);
  });

  it("turns a leading @firebreak into a mention Inbound without a trigger id, and shows the message", async () => {
    await say("bob", "@firebreak: ack @alice");
    expect(inbounds).toHaveLength(1);
    expect(inbounds[0]).toMatchObject({ actor: "bob", body: { kind: "mention", text: "ack <@alice>" } });
    expect(inbounds[0]?.triggerId).toBeUndefined();
    const shown = (await snapshot("dana")).messages.find((m) => m.text === "@firebreak: ack @Alice");
    expect(shown?.html).toContain('<span class="mention" data-user-id="alice">@Alice</span>');
  });

  it("posts anything else as the person, escaped, without reaching the core", async () => {
    await say("dana", "thanks @firebreak, *not bold* <https://evil.example|x> <!here>", "incidents");
    expect(inbounds).toHaveLength(0);
    const shown = (await snapshot("bob")).messages.find((m) => m.author === "dana");
    expect(shown?.html).toContain('data-user-id="firebreak"');
    expect(shown?.html).toContain("*not bold* &lt;https://evil.example|x&gt; &lt;!here&gt;");
    expect(shown?.html).not.toContain("<a");
  });

  it("answers an unknown slash command with a note only the sender sees", async () => {
    const res = await say("bob", "/deploy now");
    expect(res.data).toMatchObject({ ok: false, error: "unknown_command" });
    expect(inbounds).toHaveLength(0);
    const note = (await snapshot("bob")).messages.find((m) => m.text.startsWith("/deploy is not a command"));
    expect(note).toMatchObject({ author: "playground", ephemeral: true });
  });

  it("refuses bad requests", async () => {
    expect(
      (await post("/messages", { as: "mallory", channelId: channelId("general"), text: "hi" })).status,
    ).toBe(400);
    expect((await post("/messages", { as: "alice", channelId: "CNOPE", text: "hi" })).status).toBe(404);
    expect((await say("alice", "   ")).status).toBe(400);
    expect((await say("alice", "x".repeat(4001))).status).toBe(400);
    // A cross-site form post cannot send JSON without a preflight; anything else is not parsed at all.
    const form = await fetch(`${base}/playground/api/messages`, {
      method: "POST",
      headers: { "Content-Type": "text/plain" },
      body: JSON.stringify({ as: "alice", channelId: channelId("general"), text: "/incident boom" }),
    });
    expect(form.status).toBe(400);
    expect(inbounds).toHaveLength(0);
  });
});

describe("platform effects reach the page", () => {
  it("streams a new channel and the bot's message with its button; the ephemeral reply only to its person", async () => {
    const alice = await openStream("alice");
    const bob = await openStream("bob");
    try {
      await alice.next((e) => e.event === "snapshot");
      const snap = await bob.next((e) => e.event === "snapshot");
      expect(snap.data.me).toBe("bob");

      await say("alice", "/incident open Search is down");
      const channel = state.channelByName(`inc-${incidents}-search-is-down`);
      expect(channel?.members.has("alice")).toBe(true);
      expect(channel?.topic).toBe("Search is down");

      const created = await bob.next((e) => e.event === "channel" && e.data.id === channel?.id);
      expect(created.data).toMatchObject({ kind: "channel", isMember: false });
      const posted = await bob.next(
        (e) => e.event === "message" && e.data.text.startsWith(`INC-${incidents}`),
      );
      expect(posted.data.html).toContain('data-testid="message-button"');
      expect(posted.data.html).toContain('data-action-id="fbAcknowledge"');
      expect(posted.data.html).toContain(`href="#/c/${channel?.id}"`);
      expect(state.messages.get(posted.data.id)?.author).toBe("firebreak");

      await alice.next((e) => e.event === "message" && e.data.text === "Only you see this");
      // Everything bob was going to get has arrived by now: the ephemeral was posted before alice saw it.
      expect(bob.events.some((e) => e.event === "message" && e.data.text === "Only you see this")).toBe(
        false,
      );
      expect((await snapshot("bob")).messages.some((m) => m.text === "Only you see this")).toBe(false);
      expect((await snapshot("alice")).messages.some((m) => m.text === "Only you see this")).toBe(true);
    } finally {
      alice.close();
      bob.close();
    }
  });

  it("sends a button click as an action Inbound; update edits in place and pin marks the message", async () => {
    await say("alice", "/incident open Checkout slow");
    const button = (await snapshot("bob")).messages.find((m) => m.text.includes("Checkout slow"));
    if (!button) throw new Error("no message");
    inbounds.length = 0;
    const bob = await openStream("bob");
    try {
      const click = await post("/actions", { as: "bob", messageId: button.id, actionId: "fbAcknowledge" });
      expect(click.data.ok).toBe(true);
      expect(inbounds[0]).toMatchObject({
        actor: "bob",
        conversationId: channelId("general"),
        body: { kind: "action", actionId: "fbAcknowledge", value: `INC-${incidents}`, messageId: button.id },
      });
      expect(inbounds[0]?.triggerId).toMatch(UUID);
      const updated = await bob.next(
        (e) => e.event === "message" && e.data.id === button.id && e.data.pinned,
      );
      expect(updated.data).toMatchObject({ edited: true, pinned: true });
      expect(updated.data.html).toContain("acknowledged by");
      expect(updated.data.html).not.toContain("<button");
      expect(state.messages.get(button.id)?.pinned).toBe(true);
    } finally {
      bob.close();
    }
  });

  it("refuses clicks on buttons a message does not have", async () => {
    await say("alice", "/incident open Forged");
    const message = (await snapshot("bob")).messages.find((m) => m.text.includes("Forged"));
    inbounds.length = 0;
    const forged = await post("/actions", {
      as: "bob",
      messageId: message?.id,
      actionId: "fbDeleteEverything",
    });
    expect(forged.status).toBe(404);
    const wrongValue = await post("/actions", {
      as: "bob",
      messageId: message?.id,
      actionId: "fbAcknowledge",
      value: "INC-999",
    });
    expect(wrongValue.status).toBe(404);
    expect(
      (await post("/actions", { as: "bob", messageId: "MNOPE", actionId: "fbAcknowledge" })).status,
    ).toBe(404);
    expect(inbounds).toHaveLength(0);
  });

  it("keeps a DM between the bot and one person", async () => {
    await say("dana", "/incident dm");
    const dm = state.dmWith("dana");
    expect(dm?.kind).toBe("dm");
    const danaSees = await snapshot("dana");
    expect(danaSees.channels.find((c) => c.id === dm?.id)?.label).toBe("DM: firebreak");
    expect(danaSees.messages.some((m) => m.channelId === dm?.id && m.text === "psst")).toBe(true);
    const bobSees = await snapshot("bob");
    expect(bobSees.channels.some((c) => c.id === dm?.id)).toBe(false);
    expect(bobSees.messages.some((m) => m.channelId === dm?.id)).toBe(false);
    // The DM is not a channel the core could resolve by name.
    expect(await platform.resolveChannel("firebreak")).toBeNull();
    expect(await platform.openDirect("dana")).toBe(dm?.id);
    expect(await platform.openDirect("dana")).toBe(dm?.id);
    const again = await platform.post(dm?.id ?? "", { text: "again", blocks: [] });
    expect(again.channelId).toBe(dm?.id);
  });

  it("opens a DM once, even before anything was said in it", async () => {
    const first = await platform.openDirect("bob");
    expect(first).toMatch(/^D/);
    expect(await platform.openDirect("bob")).toBe(first);
    expect(state.dmWith("bob")?.id).toBe(first);
    expect(state.messagesIn(first)).toEqual([]);
    // Only Bob (and the bot) see it.
    const aliceSees = await snapshot("alice");
    expect(aliceSees.channels.some((c) => c.id === first)).toBe(false);
  });

  it("finds a message posted with an outbox key, and only that one, since a given time", async () => {
    const id = channelId("incidents");
    const before = new Date(Date.now() - 1000);
    expect(await platform.findPosted(id, "INC-7/page", before)).toBeNull();
    const posted = await platform.post(id, { text: "paged", blocks: [] }, { key: "INC-7/page" });
    await platform.post(id, { text: "unkeyed", blocks: [] });
    await platform.post(id, { text: "other", blocks: [] }, { key: "INC-7/update-1" });
    expect(await platform.findPosted(id, "INC-7/page", before)).toEqual(posted);
    expect(await platform.findPosted(id, "INC-7/update-2", before)).toBeNull();
    // Not in another channel, and not when it was posted before `since`.
    expect(await platform.findPosted(channelId("general"), "INC-7/page", before)).toBeNull();
    expect(await platform.findPosted(id, "INC-7/page", new Date(Date.now() + 60_000))).toBeNull();
    // A person's message is never taken for the bot's.
    await say("bob", "INC-7/page", "incidents");
    expect(await platform.findPosted(id, "INC-7/page", before)).toEqual(posted);
    // An edit keeps the key, given or not: the outbox's later retries still find the message.
    await platform.update(posted, { text: "paged, acknowledged", blocks: [] });
    expect(await platform.findPosted(id, "INC-7/page", before)).toEqual(posted);
    await platform.update(posted, { text: "paged, resolved", blocks: [] }, { key: "INC-7/page" });
    expect(await platform.findPosted(id, "INC-7/page", before)).toEqual(posted);
    // Direct messages too: openDirect + post with a key, as the outbox does.
    const dm = await platform.openDirect("alice");
    const direct = await platform.post(dm, { text: "you are paged", blocks: [] }, { key: "INC-7/dm" });
    expect(await platform.findPosted(dm, "INC-7/dm", before)).toEqual(direct);
    await expect(platform.findPosted("CNOPE", "INC-7/page", before)).rejects.toMatchObject({
      code: "platform_channel_not_found",
    });
  });

  it("logs a failing core and shows the person only an error id", async () => {
    const res = await say("alice", "/incident boom");
    expect(res.status).toBe(200);
    expect(res.data.ok).toBe(false);
    expect(logger.error).toHaveBeenCalledTimes(1);
    const [fields] = vi.mocked(logger.error).mock.calls[0] ?? [];
    const note = (await snapshot("alice")).messages.find((m) =>
      m.text.includes(`error id ${(fields as { errorId: string }).errorId}`),
    );
    expect(note).toMatchObject({ ephemeral: true, author: "firebreak" });
    expect(note?.text).not.toContain("kaboom");
    expect((await snapshot("bob")).messages.some((m) => m.id === note?.id)).toBe(false);
    expect((await say("alice", "still alive")).status).toBe(200);
  });
});

describe("streams", () => {
  it("sends a fresh snapshot on every connection and ends all streams on close()", async () => {
    const first = await openStream("dana");
    expect((await first.next((e) => e.event === "snapshot")).data.me).toBe("dana");
    closeStreams();
    await first.ended;
    await platform.post(channelId("general"), { text: "after close", blocks: [] });
    const second = await openStream("dana");
    try {
      const again = await second.next((e) => e.event === "snapshot");
      expect(JSON.stringify(again.data)).toContain("after close");
    } finally {
      second.close();
    }
  });

  it("refuses a stream for someone who is not a demo person", async () => {
    const res = await fetch(`${base}/playground/api/events?as=mallory`);
    expect(res.status).toBe(400);
    expect((await fetch(`${base}/playground/api/state`)).status).toBe(400);
  });
});

describe("forms", () => {
  it("opens the form in its person's browser and sends the submission as a form Inbound", async () => {
    const alice = await openStream("alice");
    try {
      await alice.next((e) => e.event === "snapshot");
      await say("alice", "/incident open");
      const opened = await alice.next((e) => e.event === "form");
      expect(opened.data).toMatchObject({ title: "Open an incident", submitLabel: "Open" });
      expect(opened.data.fields.map((f) => f.id)).toEqual(["title", "severity", "notes"]);
      const formId = opened.data.id;

      expect((await post(`/forms/${formId}`, { as: "bob", values: { title: "x" } })).status).toBe(404);
      const invalid = await post(`/forms/${formId}`, {
        as: "alice",
        values: { title: "a title far longer than twenty", severity: "sev9" },
      });
      expect(invalid.status).toBe(200);
      expect(invalid.data.ok).toBe(false);
      expect(invalid.data.errors).toEqual({
        title: "At most 20 characters.",
        severity: "Pick one of the options.",
      });

      inbounds.length = 0;
      const ok = await post(`/forms/${formId}`, {
        as: "alice",
        values: { title: "  DB down ", severity: "sev1", notes: "" },
      });
      expect(ok.data.ok).toBe(true);
      expect(inbounds).toHaveLength(1);
      expect(inbounds[0]).toMatchObject({
        actor: "alice",
        conversationId: channelId("general"),
        body: { kind: "form", callbackId: "fbOpenIncident", values: { title: "DB down", severity: "sev1" } },
      });
      expect(inbounds[0]?.body).toHaveProperty("state", "from-general");
      expect(state.channelByName(`inc-${incidents}-db-down`)).toBeDefined();
      // A form is submitted once.
      expect(
        (await post(`/forms/${formId}`, { as: "alice", values: { title: "x", severity: "sev1" } })).status,
      ).toBe(404);
    } finally {
      alice.close();
    }
  });

  it("never shows a form to anyone else, and cancelling forgets it", async () => {
    const bob = await openStream("bob");
    try {
      await bob.next((e) => e.event === "snapshot");
      await say("alice", "/incident open");
      const form = [...state.forms.values()].at(-1);
      expect(form?.userId).toBe("alice");
      expect(bob.events.some((e) => e.event === "form")).toBe(false);
      expect((await post(`/forms/${form?.id}/cancel`, { as: "alice" })).status).toBe(204);
      expect(state.forms.has(form?.id ?? "")).toBe(false);
    } finally {
      bob.close();
    }
  });

  it("holds trigger ids to Slack's rules: issued, for that user, once, within three seconds", async () => {
    const to = { userId: "alice", conversationId: channelId("general") };
    await expect(platform.openForm("never-issued", openForm, to)).rejects.toMatchObject({
      code: "platform_invalid_trigger_id",
    });
    state.triggers.set("old", { ...to, expiresAt: Date.now() - 1 });
    await expect(platform.openForm("old", openForm, to)).rejects.toMatchObject({
      code: "platform_expired_trigger_id",
    });
    state.triggers.set("fresh", { ...to, expiresAt: Date.now() + 3000 });
    await expect(platform.openForm("fresh", openForm, { ...to, userId: "bob" })).rejects.toBeInstanceOf(
      PlatformError,
    );
    state.triggers.set("fresh", { ...to, expiresAt: Date.now() + 3000 });
    await platform.openForm("fresh", openForm, to);
    await expect(platform.openForm("fresh", openForm, to)).rejects.toMatchObject({
      code: "platform_invalid_trigger_id",
    });
  });
});

describe("platform rules", () => {
  it.each([
    ["", "platform_invalid_name_required"],
    ["Inc-1", "platform_invalid_name_specials"],
    ["inc 1", "platform_invalid_name_specials"],
    ["inc.1", "platform_invalid_name_specials"],
    ["#inc-1", "platform_invalid_name_specials"],
    ["störung", "platform_invalid_name_specials"],
    ["x".repeat(81), "platform_invalid_name_maxlength"],
  ])("rejects the channel name %j", async (name, code) => {
    await expect(platform.createChannel(name, {})).rejects.toMatchObject({ code });
  });

  it("accepts Slack-valid names up to 80 characters and refuses a taken one", async () => {
    expect(platform.maxChannelNameLength).toBe(80);
    const long = "a".repeat(80);
    const created = await platform.createChannel(long, { displayName: "Long" });
    expect(created.name).toBe(long);
    await platform.createChannel("inc_2-x", {});
    await expect(platform.createChannel(long, {})).rejects.toBeInstanceOf(NameTakenError);
    await expect(platform.createChannel("general", {})).rejects.toBeInstanceOf(NameTakenError);
  });

  it("resolves channel names and links to channels", async () => {
    const id = channelId("incidents");
    expect(await platform.resolveChannel("incidents")).toBe(id);
    expect(await platform.resolveChannel("#incidents")).toBe(id);
    expect(await platform.resolveChannel("nowhere")).toBeNull();
    expect(platform.channelUrl(id)).toBe(`/#/c/${id}`);
    expect(platform.channelUrl("CNOPE")).toBeNull();
  });

  it("fails loudly on unknown channels, users and messages", async () => {
    const msg = { text: "x", blocks: [] };
    await expect(platform.post("CNOPE", msg)).rejects.toMatchObject({ code: "platform_channel_not_found" });
    await expect(platform.invite(channelId("general"), ["mallory"])).rejects.toMatchObject({
      code: "platform_user_not_found",
    });
    await expect(platform.openDirect("mallory")).rejects.toMatchObject({
      code: "platform_user_not_found",
    });
    await expect(
      platform.update({ channelId: channelId("general"), messageId: "MNOPE" }, msg),
    ).rejects.toMatchObject({ code: "platform_message_not_found" });
    await say("bob", "my own words");
    const bobs = (await snapshot("bob")).messages.find((m) => m.text === "my own words");
    await expect(
      platform.update({ channelId: channelId("general"), messageId: bobs?.id ?? "" }, msg),
    ).rejects.toMatchObject({ code: "platform_cant_update_message" });
  });

  it("invites idempotently and pins once", async () => {
    const id = channelId("incidents");
    await platform.invite(id, ["alice", "alice"]);
    await platform.invite(id, ["alice"]);
    expect([...(state.channels.get(id)?.members ?? [])].filter((m) => m === "alice")).toHaveLength(1);
    const posted = await platform.post(id, { text: "pin me", blocks: [] });
    await platform.pin(posted);
    await platform.pin(posted);
    expect(state.messages.get(posted.messageId)?.pinned).toBe(true);
  });
});

describe("who is who, who is where, and messages read back", () => {
  it("knows the demo people by name, the bot as a bot, and nobody else", async () => {
    expect(await platform.userInfo("alice")).toEqual({
      id: "alice",
      name: "Alice",
      isBot: false,
      deleted: false,
    });
    expect(await platform.userInfo("dana")).toEqual({
      id: "dana",
      name: "dana",
      isBot: false,
      deleted: false,
    });
    expect(await platform.userInfo("firebreak")).toEqual({
      id: "firebreak",
      name: "firebreak",
      isBot: true,
      deleted: false,
    });
    expect(await platform.userInfo("mallory")).toBeNull();
  });

  it("answers membership from the channels as they are now", async () => {
    const created = await platform.createChannel("inc-77-members", {});
    expect(await platform.isMember(created.id, "firebreak")).toBe(true);
    expect(await platform.isMember(created.id, "bob")).toBe(false);
    await platform.invite(created.id, ["bob"]);
    expect(await platform.isMember(created.id, "bob")).toBe(true);
    expect(await platform.isMember(created.id, "alice")).toBe(false);
    expect(await platform.isMember(channelId("general"), "alice")).toBe(true);
    expect(await platform.isMember("CNOPE", "alice")).toBe(false);
  });

  it("reads a person's message back as literal text with mentions, author, time and a link to it", async () => {
    await say("alice", "Rolled back, @bob please watch <!channel> *graphs* <https://evil.example|here>");
    const said = (await snapshot("alice")).messages.find((m) => m.text.startsWith("Rolled back"));
    if (!said) throw new Error("no message");
    const fetched = await platform.fetchMessage(channelId("general"), said.id);
    expect(fetched).toEqual({
      text: expect.any(String),
      author: "alice",
      at: state.messages.get(said.id)?.postedAt.toISOString(),
      link: `/#/c/${channelId("general")}/m/${said.id}`,
    });
    const spans = parseMarkup(fetched?.text ?? "");
    expect(spans.filter((x) => x.kind !== "text")).toEqual([{ kind: "user", id: "bob" }]);
    expect(markupToPlain(fetched?.text ?? "")).toBe(
      "Rolled back, @bob please watch <!channel> *graphs* <https://evil.example|here>",
    );
  });

  it("reads a bot message back without its links, channel references or emphasis", async () => {
    const general = channelId("general");
    const posted = await platform.post(general, {
      text: `*INC-5* in <#${channelId("incidents")}>: see <https://status.example/inc-5|the status page> by <@dana>`,
      blocks: [],
    });
    const fetched = await platform.fetchMessage(general, posted.messageId);
    expect(fetched?.author).toBeUndefined();
    const spans = parseMarkup(fetched?.text ?? "");
    expect(spans.filter((x) => x.kind !== "text")).toEqual([{ kind: "user", id: "dana" }]);
    expect(markupToPlain(fetched?.text ?? "")).toBe(
      "INC-5 in #incidents: see the status page (https://status.example/inc-5) by @dana",
    );
  });

  it("cannot read an ephemeral reply, a message of another channel, or one that never was", async () => {
    const general = channelId("general");
    await platform.replyEphemeral({ userId: "bob", conversationId: general }, { text: "psst", blocks: [] });
    const ephemeral = [...state.messages.values()].find(
      (m) => m.visibleTo === "bob" && m.message.text === "psst",
    );
    expect(await platform.fetchMessage(general, ephemeral?.id ?? "")).toBeNull();
    const posted = await platform.post(general, { text: "here", blocks: [] });
    expect(await platform.fetchMessage(channelId("incidents"), posted.messageId)).toBeNull();
    expect(await platform.fetchMessage(general, "MNOPE")).toBeNull();
  });
});

describe("reactions", () => {
  it("sends a 📌 as a reaction Inbound through the core, once per person, and shows it on the message", async () => {
    await say("bob", "cache is cold, warming it");
    const said = (await snapshot("bob")).messages.find((m) => m.text === "cache is cold, warming it");
    if (!said) throw new Error("no message");
    const alice = await openStream("alice");
    try {
      await alice.next((e) => e.event === "snapshot");
      const pinned = await post("/reactions", { as: "alice", messageId: said.id, reaction: "pushpin" });
      expect(pinned.status).toBe(200);
      expect(pinned.data.ok).toBe(true);
      expect(inbounds).toEqual([
        {
          platform: "playground",
          actor: "alice",
          conversationId: channelId("general"),
          deliveryId: pinned.data.deliveryId,
          body: { kind: "reaction", reaction: "pushpin", messageId: said.id },
        },
      ]);
      expect(pinned.data.deliveryId).toMatch(UUID);
      // The core read the message back, as the timeline handler does.
      expect(fetchedOnReaction).toEqual([
        expect.objectContaining({ text: "cache is cold, warming it", author: "bob" }),
      ]);
      const shown = await alice.next(
        (e) => e.event === "message" && e.data.id === said.id && JSON.stringify(e.data).includes("pushpin"),
      );
      expect((shown.data as unknown as { reactions: unknown }).reactions).toEqual([
        { name: "pushpin", users: ["alice"] },
      ]);

      // The same reaction again adds nothing and reaches no handler; someone else's is a new one.
      const again = await post("/reactions", { as: "alice", messageId: said.id, reaction: "pushpin" });
      expect(again.data).toMatchObject({ ok: true, already: true });
      expect(inbounds).toHaveLength(1);
      const bobs = await post("/reactions", { as: "bob", messageId: said.id, reaction: "pushpin" });
      expect(bobs.data.ok).toBe(true);
      expect(inbounds).toHaveLength(2);
      expect(inbounds[1]?.deliveryId).not.toBe(inbounds[0]?.deliveryId);
      const view = (await snapshot("dana")).messages.find((m) => m.id === said.id) as unknown as {
        reactions: unknown;
        reactable: boolean;
      };
      expect(view).toMatchObject({
        reactions: [{ name: "pushpin", users: ["alice", "bob"] }],
        reactable: true,
      });
    } finally {
      alice.close();
    }
  });

  it("refuses reactions nobody could add in Slack", async () => {
    await say("bob", "react to me");
    const said = (await snapshot("bob")).messages.find((m) => m.text === "react to me");
    const general = channelId("general");
    await platform.replyEphemeral(
      { userId: "bob", conversationId: general },
      { text: "only bob", blocks: [] },
    );
    const ephemeral = (await snapshot("bob")).messages.find((m) => m.text === "only bob");
    await say("alice", "/nope");
    const note = (await snapshot("alice")).messages.find((m) => m.text.includes("is not a command here"));
    const dm = await platform.openDirect("bob");
    const inDm = await platform.post(dm, { text: "just for bob", blocks: [] });
    inbounds.length = 0;

    const refused = async (body: Record<string, unknown>) => (await post("/reactions", body)).status;
    expect(await refused({ as: "mallory", messageId: said?.id, reaction: "pushpin" })).toBe(400);
    expect(await refused({ as: "alice", messageId: said?.id, reaction: ":pushpin:" })).toBe(400);
    expect(await refused({ as: "alice", messageId: said?.id })).toBe(400);
    expect(await refused({ as: "alice", messageId: "MNOPE", reaction: "pushpin" })).toBe(404);
    expect(await refused({ as: "bob", messageId: ephemeral?.id, reaction: "pushpin" })).toBe(404);
    expect(await refused({ as: "alice", messageId: inDm.messageId, reaction: "pushpin" })).toBe(404);
    expect(await refused({ as: "alice", messageId: note?.id, reaction: "pushpin" })).toBe(404);
    expect(inbounds).toEqual([]);
    expect(state.messages.get(said?.id ?? "")?.reactions).toBeUndefined();
    // Bob reacting in his own DM with the bot is fine.
    expect(await refused({ as: "bob", messageId: inDm.messageId, reaction: "eyes" })).toBe(200);
    expect(inbounds[0]?.body).toEqual({ kind: "reaction", reaction: "eyes", messageId: inDm.messageId });
  });

  it("offers the 📌 button on the page", async () => {
    const page = await fetch(`${base}/playground/app.js`).then((r) => r.text());
    expect(page).toContain('"/reactions"');
    expect(page).toContain("react-pushpin");
  });
});
