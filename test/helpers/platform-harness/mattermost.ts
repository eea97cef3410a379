// The Mattermost adapter (its /mattermost/* routes on an express app, its WebSocket, the Client4-backed
// platform) against the spec-checked fake Mattermost, which plays the people: slash commands, button clicks,
// dialog submissions, and posts that mention the bot.

import express from "express";
import { createMattermostAdapter } from "../../../src/adapters/mattermost/index.js";
import type { PostedMessage } from "../../../src/core/ports.js";
import { type FakeMattermost, type StoredPost, startFakeMattermost } from "../fake-mattermost/index.js";
import { assertNoErrorsLogged, recordingLogger, serve } from "./support.js";
import { CHANNELS, type HarnessFactory, PEOPLE, type Person, type PlatformHarness } from "./types.js";

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);

/** Every team has it and Mattermost puts everybody in it; seeded so the world looks like a real team. */
const TOWN_SQUARE = "town-square";

/** The buttons of a stored post: `props.attachments[].actions[]`. */
const actionsOf = (post: StoredPost): Json[] => list(post.props.attachments).flatMap((a) => list(a.actions));

/** The texts of a post the server reads for mentions: the message and each attachment's text fields. */
function mentionTexts(post: StoredPost): string[] {
  const out = [post.message];
  for (const a of list(post.props.attachments)) {
    for (const key of ["pretext", "text", "title"])
      if (typeof a[key] === "string") out.push(a[key] as string);
    for (const f of list(a.fields)) if (typeof f.value === "string") out.push(f.value);
  }
  return out;
}

/**
 * Whom Mattermost notifies for a text, the way the server finds mentions: code spans are cut out, then every
 * `@name` not inside a word counts (a trailing `.`, `-` or `_` ends the name); `all`, `channel` and `here` are
 * broadcasts. A zero-width space right after the `@` means no name follows, so nobody is notified.
 */
function mentionsIn(text: string): string[] {
  const withoutCode = text.replace(/`[^`]*`/g, " ");
  const out: string[] = [];
  for (const m of withoutCode.matchAll(/(^|[^A-Za-z0-9._-])@([A-Za-z0-9][A-Za-z0-9._-]*)/g)) {
    const name = (m[2] as string).replace(/[._-]+$/, "").toLowerCase();
    out.push(["all", "channel", "here"].includes(name) ? `@${name}` : name);
  }
  return out;
}

const content = (p: { message: string; props: Json }) =>
  JSON.stringify({ message: p.message, props: p.props });

export const mattermostHarness: HarnessFactory = {
  name: "mattermost",
  async start(prepare): Promise<PlatformHarness> {
    const everybody = [...PEOPLE];
    const fake: FakeMattermost = await startFakeMattermost({
      channels: [TOWN_SQUARE, ...CHANNELS].map((name) => ({ name, members: everybody, botIsMember: true })),
    });
    const logger = recordingLogger();
    const app = express();
    // Served before the adapter mounts its routes: buttons and dialogs need this address when they are made.
    const served = await serve(app);
    const adapter = await createMattermostAdapter({
      mode: {
        url: fake.url,
        botToken: fake.botToken,
        commandTokens: [...fake.commandTokens],
        actionsSecret: "contract-suite-actions-secret-0123456789",
      },
      expressApp: app,
      prepare,
      logger,
      publicUrl: () => served.url,
      retry: { minMs: 20, maxMs: 200 },
      identity: { attempts: 2, delayMs: 10 },
    });
    fake.botUrl = served.url;
    await adapter.start();

    /** Usernames by user id, for reading the fake's records (which hold ids) in Firebreak's terms (usernames). */
    const usernames = new Map<string, string>(
      [...everybody, fake.botUsername].map((name) => [fake.user(name).id, name]),
    );
    const channel = (id: string) => {
      const c = fake.channelById(id) ?? fake.channel(id);
      if (!c) throw new Error(`fake Mattermost has no channel ${id}`);
      return c;
    };
    const post = (posted: PostedMessage): StoredPost | undefined =>
      fake.posts(posted.channelId).find((p) => p.id === posted.messageId);
    const takeViolations = () =>
      fake
        .takeViolations()
        .map((v) => `${v.method} ${v.path} -> ${v.status} ${v.id} [${v.kind}/${v.rule}] ${v.message}`);
    const ok = (what: string, status: number, body: unknown) => {
      if (status !== 200)
        throw new Error(`the adapter answered ${what} with ${status}: ${JSON.stringify(body)}`);
    };

    return {
      name: "mattermost",
      platform: adapter.platform,
      botId: fake.botUsername,
      unknownUserId: "nobody",
      userId: (person) => person,
      channelId: (name) => channel(name).id,

      async command(as, name, text) {
        const d = await fake.sendSlashCommand({ user: as, channel: name, text });
        ok("/incident", d.status, d.body);
      },

      async mention(as, name, text) {
        await fake.postAs({ user: as, channel: name, message: `@${fake.botUsername} ${text}` });
      },

      async say(as, name, text) {
        return (await fake.postAs({ user: as, channel: name, message: text })).id;
      },

      async react(as, name, messageId, reaction) {
        const target = fake.posts(name).find((p) => p.id === messageId);
        if (!target) throw new Error(`no post ${messageId} in ${name}`);
        await fake.react({ user: as, post: target, emoji: reaction });
      },

      async click(as, posted, button) {
        const stored = post(posted);
        if (!stored) throw new Error(`no post ${posted.messageId} in ${posted.channelId}`);
        // The action id is only a route name; what a button means is in its context (see post-render.ts).
        const action = actionsOf(stored).find((a) => {
          const context =
            isObject(a.integration) && isObject(a.integration.context) ? a.integration.context : {};
          return context.a === button.actionId && context.v === button.value;
        });
        if (!action) throw new Error(`the post has no button ${JSON.stringify(button)}`);
        const d = await fake.clickButton({ user: as, post: stored, actionId: String(action.id) });
        ok(`a click on ${button.actionId}`, d.status, d.body);
        if (d.clientStatus !== 200) throw new Error(`Mattermost told the clicking client ${d.clientStatus}`);
      },

      async openedForm(as) {
        const opened = fake.dialogs(as).at(-1);
        return opened && { handle: opened.triggerId, callbackId: opened.dialog.callback_id };
      },

      async submitForm(as, form, values) {
        const dialog = fake.dialogs(as).find((d) => d.triggerId === form.handle);
        if (!dialog) throw new Error(`no dialog ${form.handle} for ${as}`);
        const d = await fake.submitDialog({ user: as, dialog, values });
        ok("a dialog submission", d.status, d.body);
        const errors = isObject(d.body) && isObject(d.body.errors) ? d.body.errors : undefined;
        return errors ? { errors: errors as Record<string, string>, open: !d.closed } : { open: !d.closed };
      },

      async seenBy(as: Person) {
        const user = fake.user(as).id;
        const seen: string[] = [];
        for (const name of [TOWN_SQUARE, ...CHANNELS]) {
          if (channel(name).members.has(user)) seen.push(...fake.posts(name).map(content));
        }
        seen.push(...fake.dmWith(as).map(content));
        seen.push(...fake.ephemerals(as).map(content));
        return seen;
      },

      async stored(posted) {
        const p = post(posted);
        return p && { content: content(p), pinned: p.isPinned };
      },

      async membersOf(channelId) {
        return [...channel(channelId).members].map((id) => usernames.get(id) ?? id);
      },

      async notified(posted) {
        const p = post(posted);
        if (!p) throw new Error(`no post ${posted.messageId} in ${posted.channelId}`);
        return mentionTexts(p).flatMap(mentionsIn);
      },

      assertNoViolations() {
        // Taken, not only read: each test answers for its own calls, not for an earlier test's.
        const seen = takeViolations();
        if (seen.length > 0) {
          throw new Error(
            `fake Mattermost saw ${seen.length} call(s) Mattermost would refuse:\n  ${seen.join("\n  ")}`,
          );
        }
        assertNoErrorsLogged("Mattermost", logger);
      },

      takeViolations,

      async close() {
        await adapter.stop();
        await served.close();
        await fake.close();
      },
    };
  },
};
