// The Slack adapter (Bolt's HTTP receiver on an express app, the WebClient-backed platform) against the
// spec-checked fake Slack, which plays the people: slash commands, clicks, modal submissions, app mentions.

import express from "express";
import { baseActionId } from "../../../src/adapters/slack/block-kit.js";
import { createSlackAdapter, SLACK_EVENTS_PATH } from "../../../src/adapters/slack/bolt-app.js";
import type { PostedMessage } from "../../../src/core/ports.js";
import { type FakeSlack, type StoredMessage, startFakeSlack } from "../fake-slack/index.js";
import { assertNoErrorsLogged, recordingLogger, serve } from "./support.js";
import {
  CHANNELS,
  type ChannelName,
  type HarnessFactory,
  type Person,
  type PlatformHarness,
} from "./types.js";

const USER_IDS: Record<Person, string> = { alice: "U0ALICE", bob: "U0BOB", dana: "U0DANA" };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** What a person types, as Slack stores and sends it: `&<>` as entities, `@name` of a member as `<@U…>`. */
function slackTyped(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/(^|\s)@([a-z0-9._-]+)/g, (whole, before: string, name: string) =>
      name in USER_IDS ? `${before}<@${USER_IDS[name as Person]}>` : whole,
    );
}

/** Every mrkdwn text of a message: its `text` and the mrkdwn objects of its blocks (plain_text never pings). */
function mrkdwnTexts(message: { text: string; blocks?: unknown[] }): string[] {
  const out = [message.text];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) for (const x of v) walk(x);
    else if (isObject(v)) {
      if (v.type === "mrkdwn" && typeof v.text === "string") out.push(v.text);
      else for (const x of Object.values(v)) walk(x);
    }
  };
  walk(message.blocks ?? []);
  return out;
}

const content = (m: { text: string; blocks?: unknown[]; attachments?: unknown[] }) =>
  JSON.stringify({ text: m.text, blocks: m.blocks ?? [], attachments: m.attachments ?? [] });

export const slackHarness: HarnessFactory = {
  name: "slack",
  async start(prepare): Promise<PlatformHarness> {
    const fake: FakeSlack = await startFakeSlack({
      channels: CHANNELS.map((name) => ({ name, members: Object.values(USER_IDS), botIsMember: true })),
    });
    const logger = recordingLogger();
    const app = express();
    const adapter = await createSlackAdapter({
      mode: { kind: "http", botToken: fake.botToken, signingSecret: fake.signingSecret, apiUrl: fake.apiUrl },
      expressApp: app,
      prepare,
      logger,
      identity: { attempts: 2, firstDelayMs: 10, timeoutMs: 2000 },
    });
    const served = await serve(app);
    fake.botUrl = `${served.url}${SLACK_EVENTS_PATH}`;
    /** What each person's slash commands were answered with directly (Slack shows it to them alone). */
    const answers: Array<{ user: string; body: unknown }> = [];

    const channel = (id: string) => {
      const c = fake.channel(id);
      if (!c) throw new Error(`fake Slack has no channel ${id}`);
      return c;
    };
    const message = (posted: PostedMessage): StoredMessage | undefined =>
      fake.channel(posted.channelId)?.messages.find((m) => m.ts === posted.messageId);
    const ok = (what: string, d: { status: number; responseText: string }) => {
      if (d.status !== 200) throw new Error(`Slack ${what} was answered ${d.status}: ${d.responseText}`);
    };

    return {
      name: "slack",
      platform: adapter.platform,
      botId: fake.botUserId,
      unknownUserId: "U0NOBODY",
      userId: (person) => USER_IDS[person],
      channelId: (name: ChannelName) => channel(name).id,

      async command(as, name, text) {
        const d = await fake.sendSlashCommand({ user: USER_IDS[as], channel: name, text });
        ok("/incident", d);
        if (d.responseJson !== undefined) answers.push({ user: USER_IDS[as], body: d.responseJson });
      },

      async mention(as, name, text) {
        const d = await fake.sendAppMention({
          user: USER_IDS[as],
          channel: name,
          text: `<@${fake.botUserId}> ${slackTyped(text)}`,
        });
        ok("app_mention", d);
      },

      async say(as, name, text) {
        return fake.postAsUser({ user: USER_IDS[as], channel: name, text: slackTyped(text) }).ts;
      },

      async react(as, name, messageId, reaction) {
        const d = await fake.sendReactionAdded({
          user: USER_IDS[as],
          channel: name,
          ts: messageId,
          reaction,
        });
        ok("reaction_added", d);
      },

      async click(as, posted, button) {
        const stored = message(posted);
        if (!stored) throw new Error(`no message ${posted.messageId} in ${posted.channelId}`);
        const element = (stored.blocks ?? [])
          .flatMap((b) => (isObject(b) && Array.isArray(b.elements) ? b.elements : []))
          .filter(isObject)
          .find(
            (e) =>
              e.type === "button" &&
              typeof e.action_id === "string" &&
              baseActionId(e.action_id) === button.actionId &&
              e.value === button.value,
          );
        if (!element) throw new Error(`the message has no button ${JSON.stringify(button)}`);
        const d = await fake.sendBlockAction({
          user: USER_IDS[as],
          actionId: element.action_id as string,
          channel: posted.channelId,
          messageTs: posted.messageId,
        });
        ok("block_actions", d);
      },

      async openedForm(as) {
        const view = fake.views.filter((v) => v.user === USER_IDS[as]).at(-1);
        return view && { handle: view.id, callbackId: String(view.view.callback_id) };
      },

      async submitForm(as, form, values) {
        const d = await fake.sendViewSubmission({ viewId: form.handle, user: USER_IDS[as], values });
        ok("view_submission", d);
        const answer = isObject(d.responseJson) ? d.responseJson : {};
        // `response_action: "errors"` keeps the modal open with the reasons under the fields.
        if (answer.response_action === "errors" && isObject(answer.errors)) {
          return { errors: answer.errors as Record<string, string>, open: true };
        }
        return { open: false };
      },

      async seenBy(as) {
        const user = USER_IDS[as];
        const seen: string[] = [];
        for (const c of fake.ws.conversations.values()) {
          if (c.members.has(user)) seen.push(...c.messages.map(content));
        }
        seen.push(...fake.ephemerals({ user }).map(content));
        seen.push(...answers.filter((a) => a.user === user).map((a) => JSON.stringify(a.body)));
        return seen;
      },

      async stored(posted) {
        const m = message(posted);
        if (!m) return undefined;
        return { content: content(m), pinned: channel(posted.channelId).pins.has(m.ts) };
      },

      async membersOf(channelId) {
        return [...channel(channelId).members];
      },

      async notified(posted) {
        const m = message(posted);
        if (!m) throw new Error(`no message ${posted.messageId} in ${posted.channelId}`);
        const out: string[] = [];
        for (const text of mrkdwnTexts(m)) {
          for (const [, id] of text.matchAll(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g)) out.push(id as string);
          for (const [, what] of text.matchAll(/<!(here|channel|everyone)(?:\|[^>]*)?>/g)) {
            out.push(what === "everyone" ? "@all" : `@${what}`);
          }
        }
        return out;
      },

      assertNoViolations() {
        // Taken, not only read: each test answers for its own calls, not for an earlier test's.
        const seen = fake.takeViolations();
        if (seen.length > 0) {
          const lines = seen.map((v) => `${v.method}: ${v.error} [${v.kind}/${v.rule}] ${v.message}`);
          throw new Error(
            `fake Slack saw ${seen.length} call(s) Slack would refuse:\n  ${lines.join("\n  ")}`,
          );
        }
        assertNoErrorsLogged("Slack", logger);
      },

      takeViolations() {
        return fake.takeViolations().map((v) => `${v.method}: ${v.error} (${v.rule}) ${v.message}`);
      },

      async close() {
        await adapter.stop();
        await served.close();
        await fake.close();
      },
    };
  },
};
