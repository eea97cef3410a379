// The Slack adapter's own edges, against the fake Slack: start-up checks the bot token with one auth.test of
// its own (and Bolt makes none), a refused token or an unreachable Slack stops start-up with a clear error,
// plain header and button text reaches Slack unchanged, and a modal carries where it was opened from.

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterEach, describe, expect, test, vi } from "vitest";
import type { Plan } from "../../handlers/context.js";
import {
  decodeFormMetadata,
  encodeFormMetadata,
  PRIVATE_METADATA_MAX,
  toBlockKit,
  toModal,
} from "../../src/adapters/slack/block-kit.js";
import {
  createSlackAdapter,
  SLACK_EVENTS_PATH,
  type SlackAdapter,
} from "../../src/adapters/slack/bolt-app.js";
import { fetchSlackIdentity } from "../../src/adapters/slack/identity.js";
import { createSlackWebClient } from "../../src/adapters/slack/web-client.js";
import { ConfigError, PlatformError, UnavailableError } from "../../src/core/errors.js";
import type { Form } from "../../src/core/message.js";
import type { Inbound, Logger } from "../../src/core/ports.js";
import { type FakeSlack, type FakeSlackOptions, startFakeSlack } from "../helpers/fake-slack/index.js";

const logger: Logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
const fakes: FakeSlack[] = [];
const servers: Server[] = [];
const adapters: SlackAdapter[] = [];
/** Short waits, so the retry tests take milliseconds. */
const quick = { attempts: 3, firstDelayMs: 10, timeoutMs: 2000 };

afterEach(async () => {
  await Promise.all(adapters.splice(0).map((a) => a.stop()));
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  await Promise.all(fakes.splice(0).map((f) => f.close()));
  vi.mocked(logger.warn).mockClear();
});

async function fakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const fake = await startFakeSlack({ channels: [{ name: "general" }, { name: "incidents" }], ...options });
  fakes.push(fake);
  return fake;
}

/** The adapter served on a real port, as the web process serves it; `seen` collects what reached `prepare`. */
async function serveAdapter(fake: FakeSlack, token = fake.botToken) {
  const expressApp = express();
  const seen: Inbound[] = [];
  const adapter = await createSlackAdapter({
    mode: { kind: "http", botToken: token, signingSecret: fake.signingSecret, apiUrl: fake.apiUrl },
    expressApp,
    prepare: (inbound): Plan => {
      seen.push(inbound);
      return { ack: { text: "ok", blocks: [] }, run: async () => {} };
    },
    logger,
    identity: quick,
  });
  adapters.push(adapter);
  const server = createServer(expressApp);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  fake.botUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${SLACK_EVENTS_PATH}`;
  return { adapter, seen };
}

/** The error a promise was rejected with, and whether anything escaped as an unhandled rejection meanwhile. */
async function rejection(work: () => Promise<unknown>): Promise<{ error: unknown; unhandled: unknown[] }> {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on("unhandledRejection", onUnhandled);
  try {
    await work();
    throw new Error("expected start-up to fail");
  } catch (error) {
    // Give a stray promise (Bolt's own auth.test used to be one) the chance to reject unhandled.
    await new Promise((r) => setTimeout(r, 100));
    return { error, unhandled };
  } finally {
    process.off("unhandledRejection", onUnhandled);
  }
}

describe("start-up checks the bot token once", () => {
  test("auth.test is called once, by us; Bolt gets the identity and never calls it, not even per request", async () => {
    const fake = await fakeSlack();
    const { adapter, seen } = await serveAdapter(fake);
    expect(adapter.identity).toEqual({ userId: fake.botUserId, botId: "B0FIREBRK", teamId: fake.teamId });
    const d = await fake.sendSlashCommand({ text: "help" });
    expect(d.status).toBe(200);
    await fake.sendSlashCommand({ text: "help" });
    expect(seen).toHaveLength(2);
    expect(fake.callsTo("auth.test")).toHaveLength(1);
    fake.assertNoViolations();
  });

  test("a refused token (invalid_auth) stops start-up with a ConfigError naming the fix", async () => {
    const fake = await fakeSlack();
    const express_ = express();
    const { error, unhandled } = await rejection(() =>
      createSlackAdapter({
        mode: {
          kind: "http",
          botToken: "xoxb-wrong",
          signingSecret: fake.signingSecret,
          apiUrl: fake.apiUrl,
        },
        expressApp: express_,
        prepare: () => ({ run: async () => {} }),
        logger,
        identity: quick,
      }),
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain("SLACK_BOT_TOKEN");
    expect((error as Error).message).toContain("invalid_auth");
    expect((error as Error).message).toContain("OAuth & Permissions");
    expect((error as Error).message).not.toContain("xoxb-wrong"); // secrets are never echoed
    expect(unhandled).toEqual([]);
    // Refusals are not retried, and nothing was mounted for requests to reach.
    expect(fake.callsTo("auth.test")).toHaveLength(1);
    expect(fake.callsTo("auth.test")[0]?.response).toMatchObject({ ok: false, error: "invalid_auth" });
    fake.takeViolations();
  });

  test.each(["not_authed", "account_inactive", "token_revoked"])("%s is a ConfigError too", async (code) => {
    const fake = await fakeSlack();
    fake.inject("auth.test", { type: "slack_error", error: code });
    const client = createSlackWebClient(fake.botToken, fake.apiUrl);
    const { error } = await rejection(() => fetchSlackIdentity(client, quick));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(code);
    expect(fake.callsTo("auth.test")).toHaveLength(1);
  });

  test("an unreachable Slack is retried with backoff, then stops start-up with a clear error", async () => {
    // A port nothing listens on: every attempt is refused at once.
    const closed = await fakeSlack();
    const apiUrl = closed.apiUrl;
    await closed.close();
    const { error, unhandled } = await rejection(() =>
      createSlackAdapter({
        mode: { kind: "http", botToken: "xoxb-x", signingSecret: "s", apiUrl },
        expressApp: express(),
        prepare: () => ({ run: async () => {} }),
        logger,
        identity: quick,
      }),
    );
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toContain("auth.test");
    expect((error as Error).message).toContain(apiUrl);
    expect((error as Error).message).toContain("3 times");
    expect(unhandled).toEqual([]);
    expect(logger.warn).toHaveBeenCalledTimes(2); // one line per retry
  });

  test("a Slack that is unwell for a moment (500, then 429) is retried and start-up succeeds", async () => {
    const fake = await fakeSlack();
    fake.failNext("auth.test", 1, 500);
    fake.rateLimitNext("auth.test", 1, 0);
    const client = createSlackWebClient(fake.botToken, fake.apiUrl);
    const identity = await fetchSlackIdentity(client, quick);
    expect(identity).toMatchObject({ userId: fake.botUserId, botId: "B0FIREBRK" });
    expect(fake.callsTo("auth.test").map((c) => c.status)).toEqual([500, 429, 200]);
  });

  test("a Slack that never answers fails the attempt after the timeout", async () => {
    const fake = await fakeSlack({ latencyMs: 500 });
    const client = createSlackWebClient(fake.botToken, fake.apiUrl);
    const { error } = await rejection(() =>
      fetchSlackIdentity(client, { attempts: 2, firstDelayMs: 10, timeoutMs: 50 }),
    );
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toContain("within 50 ms");
  });
});

describe("plain text in Block Kit", () => {
  test("headers and button labels are sent as they are, only clipped to Slack's limits", () => {
    const title = "INC-4 C:\\temp is *down* for `api` <@U0BOB> _now_";
    const { blocks } = toBlockKit({
      text: "t",
      blocks: [
        { type: "header", text: title },
        { type: "actions", buttons: [{ actionId: "fbAcknowledge", label: "Ack *now* \\ `x`" }] },
        { type: "header", text: "h".repeat(200) },
      ],
    });
    expect(blocks[0]).toEqual({ type: "header", text: { type: "plain_text", text: title } });
    expect(blocks[1]).toMatchObject({
      elements: [{ text: { type: "plain_text", text: "Ack *now* \\ `x`", emoji: true } }],
    });
    const long = (blocks[2] as { text: { text: string } }).text.text;
    expect(long).toHaveLength(150);
    expect(long.endsWith("…")).toBe(true);
  });

  test("a field label stays literal inside the bold mrkdwn around it", () => {
    const { blocks } = toBlockKit({
      text: "t",
      blocks: [{ type: "fields", fields: [{ label: "snake_case *x*", value: "v" }] }],
    });
    const text = (blocks[0] as { fields: Array<{ text: string }> }).fields[0]?.text ?? "";
    expect(text.startsWith("*snake")).toBe(true);
    expect(text).toContain("v");
    expect(text).not.toContain("*x*");
  });
});

describe("what a modal carries", () => {
  const form = (state?: string): Form => ({
    callbackId: "fbUpdateForm",
    title: "Update INC-4",
    submitLabel: "Post",
    fields: [{ id: "text", label: "What is the status?", kind: "textarea" }],
    ...(state !== undefined ? { state } : {}),
  });

  test("the conversation it was opened from and the form's state, both read back on submission", () => {
    const modal = toModal(form("INC-4"), "C0INCIDENT");
    expect(decodeFormMetadata(modal.private_metadata as string)).toEqual({
      conversationId: "C0INCIDENT",
      state: "INC-4",
    });
    expect(decodeFormMetadata(encodeFormMetadata("D0DM", undefined))).toEqual({ conversationId: "D0DM" });
    // A state with JSON in it survives.
    expect(decodeFormMetadata(encodeFormMetadata("C1", '{"c":"x"}'))).toEqual({
      conversationId: "C1",
      state: '{"c":"x"}',
    });
  });

  test("a modal opened before this version (state only) reads as it always did", () => {
    expect(decodeFormMetadata("C0GENERAL")).toEqual({ conversationId: "C0GENERAL", state: "C0GENERAL" });
    expect(decodeFormMetadata("")).toEqual({ conversationId: "", state: "" });
    expect(decodeFormMetadata(undefined)).toEqual({ conversationId: "" });
  });

  test("more than Slack's 3000 characters is refused before Slack sees it", () => {
    expect(() => toModal(form("x".repeat(PRIVATE_METADATA_MAX)), "C1")).toThrow(PlatformError);
    expect(() => toModal(form("x".repeat(PRIVATE_METADATA_MAX - 30)), "C1")).not.toThrow();
  });
});
