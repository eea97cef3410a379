// Contract tests of what the fake Slack sends *to* the app: signatures Bolt accepts (and rejects when forged
// or stale), payloads shaped like Slack's (checked against the java-slack-sdk fixtures and the Events API
// wrapper schema), response URLs with Slack's limits, and a real Bolt app driven end to end.

import { once } from "node:events";
import { existsSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { App, type Logger, LogLevel, verifySlackRequest } from "@slack/bolt";
import { Ajv } from "ajv";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import {
  type FakeSlack,
  STALE_AGE_SEC,
  signSlackRequest,
  slackSpecsDir,
  startFakeSlack,
} from "../helpers/fake-slack/index.js";

const samplesDir = resolve(slackSpecsDir, "java-sdk-json-samples");
const wrapperSchemaPath = resolve(slackSpecsDir, "events-api/slack_common_event_wrapper_schema.json");
const haveSamples = existsSync(samplesDir);
const SKIP = "SKIPPED: ../shared/specs/slack absent";
/** These tests still check the payloads; only the comparison with Slack's fixtures needs the specs. */
const sampleTest = (name: string) => (haveSamples ? name : `${name} (fixture comparison ${SKIP})`);
const sample = (path: string): Record<string, unknown> =>
  JSON.parse(readFileSync(resolve(samplesDir, path), "utf8")) as Record<string, unknown>;

const silent: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

/** Polls until `check` holds; the app does its Web API work after acking, so the ack alone proves nothing. */
async function until(check: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const section = (text: string) => ({ type: "section", text: { type: "mrkdwn", text } });

// ----------------------------------------------------------------------------------------------------------

describe("request signing", () => {
  const secret = "s3cr3t";
  const body = "token=x&command=%2Fincident&text=open";

  test("signSlackRequest produces what Bolt's verifySlackRequest accepts", () => {
    const ts = Math.floor(Date.now() / 1000);
    const signature = signSlackRequest(secret, ts, body);
    expect(signature).toMatch(/^v0=[0-9a-f]{64}$/);
    expect(() =>
      verifySlackRequest({
        signingSecret: secret,
        body,
        headers: { "x-slack-signature": signature, "x-slack-request-timestamp": ts },
        logger: silent,
      }),
    ).not.toThrow();
  });

  test("a different secret or a stale timestamp is rejected by Bolt", () => {
    const ts = Math.floor(Date.now() / 1000);
    const verify = (signature: string, t: number) => () =>
      verifySlackRequest({
        signingSecret: secret,
        body,
        headers: { "x-slack-signature": signature, "x-slack-request-timestamp": t },
        logger: silent,
      });
    expect(verify(signSlackRequest("other", ts, body), ts)).toThrow();
    const old = ts - STALE_AGE_SEC;
    expect(verify(signSlackRequest(secret, old, body), old)).toThrow(/stale|old|timestamp/i);
  });
});

// ----------------------------------------------------------------------------------------------------------

describe("payload shapes sent to the app", () => {
  let capture: Server;
  let received: { headers: IncomingMessage["headers"]; body: string }[];
  let fake: FakeSlack;

  beforeAll(async () => {
    capture = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
        res.writeHead(200).end();
      });
    });
    capture.listen(0, "127.0.0.1");
    await once(capture, "listening");
  });
  afterAll(() => {
    capture.close();
  });
  beforeEach(async () => {
    received = [];
    fake = await startFakeSlack({
      botUrl: `http://127.0.0.1:${(capture.address() as AddressInfo).port}/slack/events`,
      channels: [
        { name: "general", members: ["U0ALICE", "U0BOB", "U0DANA"] },
        { name: "incidents", members: ["U0ALICE", "U0BOB"], botIsMember: true },
      ],
    });
  });
  afterEach(async () => {
    await fake.close();
  });

  test("every delivery is signed over the exact raw body", async () => {
    await fake.sendSlashCommand({ channel: "incidents", text: "open Search is down" });
    const got = received[0];
    const ts = Number(got?.headers["x-slack-request-timestamp"]);
    expect(got?.headers["x-slack-signature"]).toBe(signSlackRequest(fake.signingSecret, ts, got?.body ?? ""));
    expect(Math.abs(ts - Date.now() / 1000)).toBeLessThan(5);
  });

  test(
    sampleTest("slash command: the form fields of PLATFORMS.md §1.6, all known to Slack's fixture"),
    async () => {
      const d = await fake.sendSlashCommand({
        channel: "incidents",
        user: "U0BOB",
        text: "commander @alice #incidents",
      });
      const fields = Object.fromEntries(new URLSearchParams(received[0]?.body ?? ""));
      expect(received[0]?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
      // should_escape: true (manifest) makes Slack rewrite mentions into ids.
      expect(fields.text).toBe(`commander <@U0ALICE|alice> <#${fake.channel("incidents")?.id}|incidents>`);
      expect(fields).toMatchObject({
        command: "/incident",
        user_id: "U0BOB",
        user_name: "bob",
        team_id: fake.teamId,
      });
      expect(fields.response_url).toBe(d.responseUrl.url);
      expect(fields.trigger_id).toBe(d.triggerId);
      if (!haveSamples) return;
      const known = Object.keys(sample("app-backend/slash-commands/SlashCommandPayload.json"));
      expect(Object.keys(fields).filter((k) => !known.includes(k))).toEqual([]);
      // Only the Enterprise Grid fields are left out, as Slack does for a plain workspace.
      expect(known.filter((k) => !(k in fields)).sort()).toEqual(["enterprise_id", "enterprise_name"]);
    },
  );

  test(
    sampleTest("block_actions and view_submission: `payload=<json>` with fields Slack's fixtures know"),
    async () => {
      const c = fake.channel("incidents");
      c?.messages.push({
        ts: "1700000000.000100",
        channel: c.id,
        user: fake.botUserId,
        botId: "B0FIREBRK",
        text: "INC-1",
        blocks: [
          {
            type: "actions",
            block_id: "b1",
            elements: [
              { type: "button", action_id: "ack", text: { type: "plain_text", text: "Ack" }, value: "INC-1" },
            ],
          },
        ],
      });
      await fake.sendBlockAction({ channel: "incidents", messageTs: "1700000000.000100", actionId: "ack" });
      const action = JSON.parse(new URLSearchParams(received[0]?.body).get("payload") ?? "{}") as Record<
        string,
        unknown
      >;
      expect(action).toMatchObject({
        type: "block_actions",
        actions: [{ type: "button", action_id: "ack", block_id: "b1", value: "INC-1" }],
        container: { type: "message", message_ts: "1700000000.000100", channel_id: c?.id },
      });

      fake.ws.views.set("V1", {
        id: "V1",
        triggerId: "t",
        openedAt: Date.now(),
        user: "U0ALICE",
        view: {
          id: "V1",
          type: "modal",
          callback_id: "open",
          blocks: [
            {
              type: "input",
              block_id: "title",
              label: { type: "plain_text", text: "Title" },
              element: { type: "plain_text_input", action_id: "title_input" },
            },
            {
              type: "input",
              block_id: "sev",
              optional: true,
              label: { type: "plain_text", text: "Severity" },
              element: {
                type: "static_select",
                action_id: "sev_select",
                options: [1, 2].map((n) => ({
                  text: { type: "plain_text", text: `SEV${n}` },
                  value: `sev${n}`,
                })),
              },
            },
          ],
        },
      });
      await fake.sendViewSubmission({ viewId: "V1", values: { title: "Search is down" } });
      const submission = JSON.parse(new URLSearchParams(received[1]?.body).get("payload") ?? "{}") as {
        view: { state: unknown };
      };
      expect(submission.view.state).toEqual({
        values: {
          title: { title_input: { type: "plain_text_input", value: "Search is down" } },
          sev: { sev_select: { type: "static_select", selected_option: null } },
        },
      });
      // Slack's client refuses to submit a modal with an empty required input; so does the fake.
      await expect(fake.sendViewSubmission({ viewId: "V1", values: { sev: "sev1" } })).rejects.toThrow(
        /required/,
      );
      // ...and you cannot pick an option the app did not offer.
      await expect(
        fake.sendViewSubmission({ viewId: "V1", values: { title: "x", sev: "sev9" } }),
      ).rejects.toThrow(/not offered/);
      if (!haveSamples) return;
      const actionKeys = Object.keys(sample("app-backend/interactive-components/BlockActionPayload.json"));
      expect(Object.keys(action).filter((k) => !actionKeys.includes(k))).toEqual([]);
      const submitKeys = Object.keys(sample("app-backend/views/ViewSubmissionPayload.json"));
      // response_urls is documented for view_submission (set by response_url_enabled) though the fixture lacks it.
      expect(Object.keys(submission).filter((k) => !submitKeys.includes(k) && k !== "response_urls")).toEqual(
        [],
      );
    },
  );

  test(sampleTest("events: JSON event_callback envelopes valid against Slack's wrapper schema"), async () => {
    const d = await fake.sendAppMention({ channel: "incidents", text: `<@${fake.botUserId}> status` });
    await fake.sendMemberJoined({ channel: "incidents", user: "U0DANA" });
    await fake.sendReactionAdded({ channel: "incidents", ts: d.message.ts, reaction: "eyes" });
    expect(received.map((r) => r.headers["content-type"])).toEqual(Array(3).fill("application/json"));
    const envelopes = received.map((r) => JSON.parse(r.body) as Record<string, unknown>);
    expect(envelopes.map((e) => (e.event as { type: string }).type)).toEqual([
      "app_mention",
      "member_joined_channel",
      "reaction_added",
    ]);
    expect(fake.channel("incidents")?.members.has("U0DANA")).toBe(true);
    // Slack only sends channel events for conversations the bot is in.
    await expect(fake.sendAppMention({ channel: "general", text: "hi" })).rejects.toThrow(
      /only for conversations/,
    );
    if (!haveSamples || !existsSync(wrapperSchemaPath)) return;
    const validate = new Ajv({ strict: false }).compile(JSON.parse(readFileSync(wrapperSchemaPath, "utf8")));
    for (const e of envelopes) expect(validate(e), JSON.stringify(validate.errors)).toBe(true);
    const known = [...Object.keys(sample("events/MemberJoinedChannelPayload.json")), "authed_users"];
    for (const e of envelopes) expect(Object.keys(e).filter((k) => !known.includes(k))).toEqual([]);
  });

  test("event retries carry X-Slack-Retry-Num / -Reason and the same event_id", async () => {
    const first = await fake.sendEvent({
      type: "app_mention",
      user: "U0ALICE",
      channel: "C1",
      text: "x",
      ts: "1.1",
    });
    await fake.redeliverEvent(first.envelope, { retryNum: 1, retryReason: "http_timeout" });
    expect(received[1]?.headers["x-slack-retry-num"]).toBe("1");
    expect(received[1]?.headers["x-slack-retry-reason"]).toBe("http_timeout");
    expect(JSON.parse(received[1]?.body ?? "{}").event_id).toBe(first.envelope.event_id);
  });
});

// ----------------------------------------------------------------------------------------------------------

describe("response URLs", () => {
  let now: number;
  let fake: FakeSlack;
  beforeEach(async () => {
    now = Date.now();
    fake = await startFakeSlack({
      now: () => now,
      channels: [{ name: "incidents", members: ["U0ALICE"], botIsMember: true }],
    });
  });
  afterEach(async () => {
    await fake.close();
  });
  const post = (url: string, body: unknown) =>
    fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  test("5 uses, then 404 used_url (recorded as a violation)", async () => {
    const r = fake.mintResponseUrl({ channel: "incidents", user: "U0ALICE" });
    expect(r.url).toMatch(new RegExp(`^${fake.baseUrl}/response/[0-9a-f]+$`));
    for (let i = 0; i < 5; i++) expect((await post(r.url, { text: `update ${i}` })).status).toBe(200);
    const sixth = await post(r.url, { text: "one too many" });
    expect(sixth.status).toBe(404);
    expect(await sixth.json()).toEqual({ ok: false, error: "used_url" });
    expect(fake.responseUrlPosts).toHaveLength(6);
    expect(fake.ephemerals({ user: "U0ALICE" })).toHaveLength(5);
    expect(fake.takeViolations().map((v) => [v.kind, v.error])).toEqual([["response_url", "used_url"]]);
  });

  test("older than 30 minutes → 404 expired_url", async () => {
    const r = fake.mintResponseUrl({ channel: "incidents", user: "U0ALICE" });
    now += 30 * 60_000 + 1;
    const res = await post(r.url, { text: "late" });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ ok: false, error: "expired_url" });
  });

  test("in_channel posts to the channel; Block Kit limits apply; empty bodies → no_text", async () => {
    const r = fake.mintResponseUrl({ channel: "incidents", user: "U0ALICE" });
    expect((await post(r.url, { response_type: "in_channel", text: "visible" })).status).toBe(200);
    expect(fake.messages("incidents").map((m) => m.text)).toEqual(["visible"]);
    const tooMany = await post(r.url, { blocks: Array.from({ length: 51 }, () => section("x")) });
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toMatchObject({ ok: false, error: "invalid_blocks" });
    expect((await post(r.url, {})).status).toBe(400);
    expect(fake.takeViolations().map((v) => v.error)).toEqual(["invalid_blocks", "no_text"]);
  });
});

// ----------------------------------------------------------------------------------------------------------

describe("a real Bolt app against the fake", () => {
  let fake: FakeSlack;
  let app: App;
  let server: Server;
  let lastRetryNum: number | undefined;

  beforeAll(async () => {
    fake = await startFakeSlack({
      ackDeadlineMs: 1000,
      channels: [
        { name: "general", members: ["U0ALICE", "U0BOB", "U0DANA"] },
        { name: "incidents", members: ["U0ALICE", "U0BOB"], botIsMember: true },
      ],
    });
    app = new App({
      token: fake.botToken,
      signingSecret: fake.signingSecret,
      clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } },
      logger: silent,
    });
    app.command("/incident", async ({ ack, body, client }) => {
      await ack();
      await client.views.open({
        trigger_id: body.trigger_id,
        view: {
          type: "modal",
          callback_id: "incident_open",
          title: { type: "plain_text", text: "Open an incident" },
          submit: { type: "plain_text", text: "Open" },
          blocks: [
            {
              type: "input",
              block_id: "title",
              label: { type: "plain_text", text: "Title" },
              element: { type: "plain_text_input", action_id: "value" },
            },
          ],
        },
      });
    });
    app.view("incident_open", async ({ ack, view, client }) => {
      await ack();
      const title = view.state.values.title?.value?.value ?? "";
      await client.chat.postMessage({
        channel: "incidents",
        text: `INC-1 opened: ${title}`,
        blocks: [
          section(`*INC-1* ${title}`),
          {
            type: "actions",
            block_id: "incident_actions",
            elements: [
              {
                type: "button",
                action_id: "incident_ack",
                text: { type: "plain_text", text: "Acknowledge" },
                value: "INC-1",
              },
            ],
          },
        ],
      });
    });
    app.action("incident_ack", async ({ ack, respond }) => {
      await ack();
      await respond({ replace_original: true, text: "INC-1 acknowledged" });
    });
    app.event("app_mention", async ({ event, say, context }) => {
      lastRetryNum = context.retryNum;
      await say({ text: `Hi <@${event.user}>`, thread_ts: event.ts });
    });
    app.command("/slow", async ({ ack }) => {
      await new Promise((r) => setTimeout(r, 1200));
      await ack();
    });
    server = await app.start(0);
    fake.botUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });

  afterAll(async () => {
    await app.stop();
    await fake.close();
  });

  test("slash command → modal → submission → message → button → response_url update", async () => {
    const command = await fake.sendSlashCommand({ channel: "incidents", text: "open" });
    expect(command.status).toBe(200);
    expect(command.elapsedMs).toBeLessThan(3000);
    await until(() => fake.views.length === 1, "views.open");
    const opened = fake.views[0];
    expect(opened?.triggerId).toBe(command.triggerId);

    const submitted = await fake.sendViewSubmission({
      viewId: opened?.id as string,
      values: { title: "Search is down" },
    });
    expect(submitted.status).toBe(200);
    await until(() => fake.messages("incidents").length === 1, "the incident message");
    const message = fake.messages("incidents")[0];
    expect(message?.text).toBe("INC-1 opened: Search is down");

    const clicked = await fake.sendBlockAction({
      channel: "incidents",
      messageTs: message?.ts as string,
      actionId: "incident_ack",
      user: "U0BOB",
    });
    expect(clicked.status).toBe(200);
    await until(() => fake.responseUrlPosts.length === 1, "respond()");
    expect(fake.messages("incidents")[0]?.text).toBe("INC-1 acknowledged");
    fake.assertNoViolations();
  });

  test("app_mention → threaded reply; a retried delivery reaches the app with its retry number", async () => {
    const d = await fake.sendAppMention({
      channel: "incidents",
      user: "U0BOB",
      text: `<@${fake.botUserId}> hi`,
    });
    expect(d.status).toBe(200);
    await until(
      () => fake.messages("incidents").some((m) => m.threadTs === d.message.ts),
      "the threaded reply",
    );
    await fake.redeliverEvent(d.envelope, { retryNum: 2, retryReason: "http_timeout" });
    await until(() => lastRetryNum === 2, "the retried event");
    // The app did not dedupe the retry (this toy app has no store), so it replied twice.
    await until(
      () => fake.messages("incidents").filter((m) => m.threadTs === d.message.ts).length === 2,
      "reply 2",
    );
    fake.assertNoViolations();
  });

  test("forged and stale signatures are refused (401) and nothing runs", async () => {
    const before = fake.calls.length;
    const forged = await fake.sendSlashCommand(
      { channel: "incidents", text: "open" },
      { forgeSignature: true },
    );
    const wrongSecret = await fake.sendSlashCommand(
      { channel: "incidents" },
      { signingSecret: "not-the-secret" },
    );
    const stale = await fake.sendSlashCommand({ channel: "incidents", text: "open" }, { stale: true });
    expect([forged.status, wrongSecret.status, stale.status]).toEqual([401, 401, 401]);
    expect([forged.signature, wrongSecret.signature, stale.signature]).toEqual(["forged", "forged", "stale"]);
    await new Promise((r) => setTimeout(r, 100));
    expect(fake.calls.length).toBe(before);
    expect(fake.violations).toEqual([]); // refusing a bad signature is correct, not late
  });

  test("url_verification is answered with the challenge", async () => {
    const d = await fake.sendUrlVerification("abc123");
    expect(d.status).toBe(200);
    expect(d.responseJson ?? d.responseText).toEqual(expect.objectContaining({ challenge: "abc123" }));
  });

  test("an ack slower than the deadline is recorded as a deadline violation", async () => {
    const d = await fake.sendSlashCommand({ command: "/slow", channel: "incidents" });
    expect(d.elapsedMs).toBeGreaterThan(1000);
    const v = fake.takeViolations();
    expect(v.map((x) => [x.kind, x.method, x.rule])).toEqual([
      ["deadline", "deliver:slash_command", "late_ack"],
    ]);
  });
});
