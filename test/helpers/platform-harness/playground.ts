// The playground over real HTTP: its router on an express app, people acting through the page's JSON API
// (composer, buttons, forms) and seeing what the page's state endpoint shows them.

import express from "express";
import { createPlayground } from "../../../src/adapters/playground/index.js";
import { parseMarkup } from "../../../src/core/markup.js";
import type { Message } from "../../../src/core/message.js";
import type { PostedMessage } from "../../../src/core/ports.js";
import { assertNoErrorsLogged, postJson, recordingLogger, serve } from "./support.js";
import { CHANNELS, type HarnessFactory, PEOPLE, type PlatformHarness } from "./types.js";

const BOT = "firebreak";

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** Every markup text of a message (the text, sections, contexts, field values): where mentions can be. */
function markups(m: Message): string[] {
  const out = [m.text];
  for (const b of m.blocks) {
    if (b.type === "section" || b.type === "context") out.push(b.text);
    if (b.type === "fields") out.push(...b.fields.map((f) => f.value));
  }
  return out;
}

export const playgroundHarness: HarnessFactory = {
  name: "playground",
  async start(prepare): Promise<PlatformHarness> {
    const logger = recordingLogger();
    // `prepare` as src/main/runtime.ts gives it: the adapter itself answers refused forms with their errors and
    // acknowledges everything else by a reply only the person sees, then runs the plan.
    const playground = createPlayground({
      people: PEOPLE.map((id) => ({
        id,
        name: id[0]?.toUpperCase() + id.slice(1),
        timezone: "Europe/Berlin",
      })),
      botUserId: BOT,
      channels: [...CHANNELS],
      logger,
      prepare,
    });
    const app = express();
    app.use(playground.router);
    const served = await serve(app);
    const { state } = playground;
    const api = (path: string) => `${served.url}/playground/api${path}`;

    const channelId = (name: string) => {
      const c = state.channelByName(name);
      if (!c) throw new Error(`the playground has no channel ${name}`);
      return c.id;
    };
    const accepted = (what: string, r: { status: number; data: unknown }) => {
      if (r.status !== 200 || !isObject(r.data) || r.data.ok !== true) {
        throw new Error(`the playground refused ${what}: ${r.status} ${JSON.stringify(r.data)}`);
      }
    };
    const message = (posted: PostedMessage) => {
      const m = state.messages.get(posted.messageId);
      return m && m.channelId === posted.channelId ? m : undefined;
    };

    return {
      name: "playground",
      platform: playground.platform,
      botId: BOT,
      unknownUserId: "nobody",
      userId: (person) => person,
      channelId,

      async command(as, name, text) {
        accepted(
          "a command",
          await postJson(api("/messages"), { as, channelId: channelId(name), text: `/incident ${text}` }),
        );
      },

      async mention(as, name, text) {
        accepted(
          "a mention",
          await postJson(api("/messages"), { as, channelId: channelId(name), text: `@${BOT} ${text}` }),
        );
      },

      async say(as, name, text) {
        const id = channelId(name);
        accepted("a message", await postJson(api("/messages"), { as, channelId: id, text }));
        const mine = state.messagesIn(id).filter((m) => m.author === as && m.visibleTo === undefined);
        const last = mine.at(-1);
        if (!last) throw new Error("the playground kept no message");
        return last.id;
      },

      async react(as, _name, messageId, reaction) {
        accepted(`a ${reaction} reaction`, await postJson(api("/reactions"), { as, messageId, reaction }));
      },

      async click(as, posted, button) {
        if (!message(posted)) throw new Error(`no message ${posted.messageId} in ${posted.channelId}`);
        accepted(
          `a click on ${button.actionId}`,
          await postJson(api("/actions"), {
            as,
            messageId: posted.messageId,
            actionId: button.actionId,
            ...(button.value !== undefined ? { value: button.value } : {}),
          }),
        );
      },

      async openedForm(as) {
        const form = [...state.forms.values()].filter((f) => f.userId === as).at(-1);
        return form && { handle: form.id, callbackId: form.form.callbackId };
      },

      async submitForm(as, form, values) {
        const r = await postJson(api(`/forms/${encodeURIComponent(form.handle)}`), { as, values });
        if (r.status !== 200 || !isObject(r.data)) {
          throw new Error(`the playground refused a form: ${r.status} ${JSON.stringify(r.data)}`);
        }
        const open = state.forms.has(form.handle);
        return isObject(r.data.errors) ? { errors: r.data.errors as Record<string, string>, open } : { open };
      },

      async seenBy(as) {
        const res = await fetch(api(`/state?as=${encodeURIComponent(as)}`));
        if (!res.ok) throw new Error(`the playground's state answered ${res.status}`);
        const snapshot = (await res.json()) as { messages: unknown[] };
        return snapshot.messages.map((m) => JSON.stringify(m));
      },

      async stored(posted) {
        const m = message(posted);
        return m && { content: JSON.stringify(m.message), pinned: m.pinned };
      },

      async membersOf(id) {
        const c = state.channels.get(id);
        if (!c) throw new Error(`the playground has no channel ${id}`);
        return [...c.members];
      },

      async notified(posted) {
        const m = message(posted);
        if (!m) throw new Error(`no message ${posted.messageId} in ${posted.channelId}`);
        // The playground has no broadcasts: only mentions of people notify.
        return markups(m.message).flatMap((text) =>
          parseMarkup(text).flatMap((span) => (span.kind === "user" ? [span.id] : [])),
        );
      },

      assertNoViolations() {
        assertNoErrorsLogged("playground", logger);
      },

      takeViolations() {
        // Nothing checks the playground's calls but the playground itself, which throws at once.
        return [];
      },

      async close() {
        playground.close();
        await served.close();
      },
    };
  },
};
