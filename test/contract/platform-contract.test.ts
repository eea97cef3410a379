// One contract for every chat adapter (Slack, Mattermost, the playground), run against each over its real
// inbound path and a fake of its platform: what a person does reaches the core as the same Inbound, and what
// the core asks of the ChatPlatform happens the same way, whichever platform it is. A feature one adapter has
// and another lacks fails here, on the adapter that lacks it. Per-platform details live in
// test/helpers/platform-harness/; this file names no platform.

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { stillBrokenForm } from "../../handlers/confirmation.js";
import { type Plan, replyTarget } from "../../handlers/context.js";
import { handoffForm } from "../../handlers/handoff.js";
import { declineForm } from "../../handlers/offer-answer.js";
import { openForm } from "../../handlers/open-form.js";
import { updateForm } from "../../handlers/status-update.js";
import { parseConfigText } from "../../src/config/file.js";
import { ActionIds } from "../../src/core/action-ids.js";
import { NameTakenError } from "../../src/core/errors.js";
import type { Incident } from "../../src/core/incident/incident.js";
import { escapeMarkup, parseMarkup } from "../../src/core/markup.js";
import { type Button, type Form, type Message, textMessage } from "../../src/core/message.js";
import type { Inbound, PostedMessage } from "../../src/core/ports.js";
import { loadTemplates, TEMPLATE_NAMES, type Templates } from "../../src/core/templates/index.js";
import { STANDARD_SEVERITIES } from "../helpers/config-fixtures.js";
import { eventually } from "../helpers/firebreak.js";
import {
  type ButtonRef,
  type ChannelName,
  HARNESSES,
  type OpenedForm,
  type Person,
  type PlatformHarness,
} from "../helpers/platform-harness/index.js";
import { SAMPLE_IDS, sampleFor } from "../helpers/platform-harness/template-samples.js";

// --- what the suite is generated from ------------------------------------------------------------------------

/** ActionIds keys that name a form's callback rather than a button (see handlers/dispatch.ts). */
const isFormCallback = (key: string) => key.endsWith("Form") || key === "openForm";

/** Every button id the handlers can put on a message, read from ActionIds when the suite runs. */
const BUTTONS = Object.entries(ActionIds)
  .filter(([key]) => !isFormCallback(key))
  .map(([key, actionId]) => ({ key, actionId }));

/**
 * Button values as the handlers build them (see the comments in core/action-ids.ts): several words, digits,
 * epoch milliseconds. A button not listed gets a value of the same kind, so a new one is still covered.
 */
const BUTTON_VALUES: Record<string, string> = {
  snooze: "INC-4 30m",
  offerAccept: "INC-4 2",
  offerDecline: "INC-4 2",
  helpTake: "INC-4 3",
  coverTake: "search c7 1795000000000 alice",
  planApply: "p7f3a9c",
  planDiscard: "p7f3a9c",
  overrideRemove: "search ov12",
  awayRemove: "alice aw3",
};
const buttonValue = (key: string) => BUTTON_VALUES[key] ?? "INC-4";

const settings = parseConfigText(
  `
timezone: Europe/Berlin
announce_channel: incidents
people:
  - { id: alice, timezone: Europe/Berlin }
services:
  - { id: search, name: Search API }
  - { id: checkout }
${STANDARD_SEVERITIES}`,
  "contract.yml",
);

/** The form builders read the incident's id and nothing else. */
const incident = { id: "INC-4", number: 4, title: "Search is down" } as Incident;

/** Every form the handlers open, built as they build them; `h` gives the platform's ids. */
const FORMS: Array<{ name: string; build: (h: PlatformHarness) => Form }> = [
  { name: "open an incident", build: (h) => openForm(settings, h.channelId("incidents")) },
  { name: "status update", build: () => updateForm(incident) },
  { name: "handoff brief", build: (h) => handoffForm(incident, h.userId("bob")) },
  { name: "decline an offer", build: () => declineForm(incident, 2) },
  { name: "still broken", build: () => stillBrokenForm(incident) },
];

/** What a person enters in every field: a choice other than the default, text with markup specials in it. */
function fillIn(form: Form): Record<string, string> {
  const values: Record<string, string> = {};
  for (const field of form.fields) {
    if (field.kind === "select") {
      const options = field.options ?? [];
      const pick = options.find((o) => o.value !== field.initial) ?? options[0];
      if (pick) values[field.id] = pick.value;
    } else if (field.kind === "textarea") {
      values[field.id] = `${field.id}: *bold* _it_ \`code\` 2*3 C:\\temp\nsecond line`;
    } else {
      values[field.id] = `${field.id}: *bold* _it_ 2*3`;
    }
  }
  return values;
}

/** The people a neutral message mentions, in any of its markup texts. */
function mentionedIn(message: Message): string[] {
  const texts = [message.text];
  for (const b of message.blocks) {
    if (b.type === "section" || b.type === "context") texts.push(b.text);
    if (b.type === "fields") texts.push(...b.fields.map((f) => f.value));
  }
  return texts.flatMap((t) => parseMarkup(t).flatMap((span) => (span.kind === "user" ? [span.id] : [])));
}

let markerCount = 0;
/** Text no other message contains, to find one message among everything a person sees. */
const marker = (what: string) => `zq${what}${++markerCount}x${Date.now().toString(36)}`;

let templates: Templates;
beforeAll(async () => {
  templates = await loadTemplates();
});

describe.each(HARNESSES)("$name adapter", (factory) => {
  let h: PlatformHarness;
  const inbounds: Inbound[] = [];
  let answer: (inbound: Inbound) => Plan;
  let ran: Inbound[] = [];
  /** The plan every test starts with: no answer, and `run` remembered so a test can tell whether it ran. */
  const quiet = (inbound: Inbound): Plan => ({ run: async () => void ran.push(inbound) });

  beforeAll(async () => {
    h = await factory.start((inbound) => {
      inbounds.push(inbound);
      return answer(inbound);
    });
  });
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(() => {
    inbounds.length = 0;
    ran = [];
    answer = quiet;
  });
  afterEach(() => {
    h.assertNoViolations();
  });

  /** The one Inbound of this kind the adapter handed over (deliveries may arrive after the HTTP answer). */
  async function delivered<K extends Inbound["body"]["kind"]>(
    kind: K,
  ): Promise<Inbound & { body: Extract<Inbound["body"], { kind: K }> }> {
    const found = await eventually(() => {
      const all = inbounds.filter((i) => i.body.kind === kind);
      expect(all, `Inbounds of kind ${kind}`).toHaveLength(1);
      return all[0] as Inbound;
    });
    return found as Inbound & { body: Extract<Inbound["body"], { kind: K }> };
  }

  /**
   * Forgives the platform's refusals of this test's calls when each is the answer the test provoked (asking
   * about nobody, pinning twice): the adapter reads those as answers. Any other refusal still fails the test.
   */
  function allowRefusals(expected: RegExp): void {
    for (const refusal of h.takeViolations()) expect(refusal, "an unexpected refusal").toMatch(expected);
  }

  /** Waits until `person` sees `text` somewhere, then checks that none of `others` sees it. */
  async function onlySeenBy(person: Person, others: Person[], text: string): Promise<void> {
    await eventually(async () => {
      expect(
        (await h.seenBy(person)).some((s) => s.includes(text)),
        `${person} sees ${text}`,
      ).toBe(true);
    });
    for (const other of others) {
      expect(
        (await h.seenBy(other)).some((s) => s.includes(text)),
        `${other} sees ${text}`,
      ).toBe(false);
    }
  }

  /** Makes the plan answer with an ack `${lead}: <marker>` (and remember its run); returns the marker. */
  function ackWith(lead: string, what: string): string {
    const ack = marker(what);
    answer = (inbound) => ({ ack: textMessage(`${lead}: ${ack}`), run: async () => void ran.push(inbound) });
    return ack;
  }

  /** The ack reaches `person` alone, and the plan runs once. */
  async function answeredOnly(person: Person, others: Person[], ack: string): Promise<void> {
    await onlySeenBy(person, others, ack);
    await eventually(() => expect(ran).toHaveLength(1));
  }

  /** `person` clicks `button` on `posted`: the click reaches prepare with its action id, value and message. */
  async function clickThrough(person: Person, posted: PostedMessage, button: ButtonRef) {
    await h.click(person, posted, button);
    const inbound = await delivered("action");
    expect(inbound.body).toEqual({ kind: "action", ...button, messageId: posted.messageId });
    return inbound;
  }

  /** The Inbound names who did it and where, in the platform's id spaces. */
  function expectFrom(inbound: Inbound, person: Person, channel: ChannelName): void {
    expect(inbound).toMatchObject({
      platform: h.name,
      actor: h.userId(person),
      conversationId: h.channelId(channel),
    });
  }

  const withButtons = (text: string, ...buttons: Button[]): Message => ({
    text,
    blocks: [
      { type: "section", text },
      { type: "actions", buttons },
    ],
  });

  describe("a command", () => {
    test("reaches prepare with a mention of a person as <@id> in the platform's id space", async () => {
      await h.command("alice", "general", "commander @bob");
      const inbound = await delivered("command");
      expect(inbound.body.text).toBe(`commander <@${h.userId("bob")}>`);
      expectFrom(inbound, "alice", "general");
      expect(inbound.deliveryId).toEqual(expect.any(String));
      expect(inbound.triggerId).toEqual(expect.any(String));
      await eventually(() => expect(ran).toHaveLength(1));
    });

    test("markup characters arrive as typed: the grammar reads plain text, templates escape it later", async () => {
      const typed = "open *db* is _slow_ `x` for <@bob>, C:\\temp \\ 2*3";
      await h.command("alice", "general", typed.replace("<@bob>", "@bob"));
      const inbound = await delivered("command");
      expect(inbound.body.text).toBe(typed.replace("<@bob>", `<@${h.userId("bob")}>`));
    });

    test("an @ that names no person (an address, an unknown name) stays text", async () => {
      await h.command("alice", "general", "note mail ops@example.com or ask @nobody");
      const inbound = await delivered("command");
      expect(inbound.body.text).toBe("note mail ops@example.com or ask @nobody");
    });

    test("the plan's ack reaches the person who typed it and nobody else", async () => {
      const ack = ackWith("Got it", "ack");
      await h.command("alice", "general", "help");
      await delivered("command");
      await answeredOnly("alice", ["bob", "dana"], ack);
    });
  });

  describe("every button", () => {
    test.each(BUTTONS)(
      "$key ($actionId): a click reaches prepare with its action id and value",
      async ({ key, actionId }) => {
        const value = buttonValue(key);
        const other = actionId === ActionIds.subscribe ? ActionIds.acknowledge : ActionIds.subscribe;
        // The same button twice with different values, as the snooze choices are: the click must carry its own.
        const posted = await h.platform.post(
          h.channelId("incidents"),
          withButtons(
            `Buttons for ${actionId}`,
            { actionId: other, label: "Another", value },
            { actionId, label: "Not this one", value: `${value}9` },
            { actionId, label: "This one", value },
          ),
        );
        const inbound = await clickThrough("bob", posted, { actionId, value });
        expectFrom(inbound, "bob", "incidents");
      },
    );

    test("a button without a value arrives without one, and the answer reaches only the person who clicked", async () => {
      const ack = ackWith("Noted", "clicked");
      const posted = await h.platform.post(
        h.channelId("general"),
        withButtons("Anyone?", { actionId: ActionIds.acknowledge, label: "Acknowledge" }),
      );
      await h.click("dana", posted, { actionId: ActionIds.acknowledge });
      const inbound = await delivered("action");
      expect(inbound.body.value).toBeUndefined();
      expect(inbound.body.actionId).toBe(ActionIds.acknowledge);
      await answeredOnly("dana", ["alice", "bob"], ack);
    });

    test("a click's trigger opens a form (the Post update button opens the update form)", async () => {
      const posted = await h.platform.post(
        h.channelId("incidents"),
        withButtons("INC-4 needs an update", {
          actionId: ActionIds.postUpdate,
          label: "Post update",
          value: "INC-4",
        }),
      );
      await h.click("alice", posted, { actionId: ActionIds.postUpdate, value: "INC-4" });
      const inbound = await delivered("action");
      expect(inbound.triggerId).toEqual(expect.any(String));
      await h.platform.openForm(inbound.triggerId as string, updateForm(incident), replyTarget(inbound));
      expect(await h.openedForm("alice")).toMatchObject({ callbackId: ActionIds.updateForm });
    });
  });

  describe("every form", () => {
    /** A command, then the form opened with its trigger, as the handlers do. */
    async function openFromCommand(form: Form): Promise<{ opened: OpenedForm; command: Inbound }> {
      await h.command("alice", "incidents", "open");
      const command = await delivered("command");
      await h.platform.openForm(command.triggerId as string, form, replyTarget(command));
      const opened = await h.openedForm("alice");
      expect(opened, "the form is open in front of the person").toBeDefined();
      expect(opened?.callbackId).toBe(form.callbackId);
      // From here on, only what the form itself brings counts.
      await eventually(() => expect(ran).toHaveLength(1));
      inbounds.length = 0;
      ran = [];
      return { opened: opened as OpenedForm, command };
    }

    test.each(FORMS)(
      "$name: the submission reaches prepare with every value and the state",
      async ({ build }) => {
        const form = build(h);
        const { opened } = await openFromCommand(form);
        const values = fillIn(form);
        const outcome = await h.submitForm("alice", opened, values);
        expect(outcome).toEqual({ open: false });
        const inbound = await delivered("form");
        expect(inbound.body).toEqual({
          kind: "form",
          callbackId: form.callbackId,
          values,
          state: form.state,
        });
        expectFrom(inbound, "alice", "incidents");
        await eventually(() => expect(ran).toHaveLength(1));
      },
    );

    test("optional fields left alone arrive empty or as their default, never as anything else", async () => {
      const form = openForm(settings, h.channelId("incidents"));
      const { opened } = await openFromCommand(form);
      await h.submitForm("alice", opened, { title: "Search is slow" });
      const inbound = await delivered("form");
      expect(inbound.body.values.title).toBe("Search is slow");
      // A field shown with a default submits it untouched on some clients and nothing on others; the handlers
      // read both as the default.
      for (const field of form.fields.filter((f) => f.optional)) {
        expect(["", field.initial ?? ""], field.id).toContain(inbound.body.values[field.id] ?? "");
      }
    });

    test("formErrors are shown to the person and keep the form open; fixed, it goes through", async () => {
      const form = handoffForm(incident, h.userId("bob"));
      const { opened } = await openFromCommand(form);
      const errors = { summary: "Say where things stand, in a sentence or two." };
      answer = (inbound) => ({ formErrors: errors, run: async () => void ran.push(inbound) });
      const refused = await h.submitForm("alice", opened, { summary: "x" });
      expect(refused).toEqual({ errors, open: true });
      await delivered("form");
      expect(ran, "a refused submission runs nothing").toEqual([]);

      inbounds.length = 0;
      answer = quiet;
      const accepted = await h.submitForm("alice", opened, { summary: "Rolled back; errors are falling." });
      expect(accepted).toEqual({ open: false });
      expect((await delivered("form")).body.values.summary).toBe("Rolled back; errors are falling.");
      await eventually(() => expect(ran).toHaveLength(1));
    });
  });

  describe("messages", () => {
    const since = () => new Date(Date.now() - 60_000);

    test.each([
      ["a plain key", "INC-4/update-3"],
      ["a long, non-ASCII key", `INC-4/note/${"é ".repeat(200)}`],
    ])("post, then findPosted finds it by %s", async (_what, key) => {
      const channel = h.channelId("incidents");
      const posted = await h.platform.post(channel, textMessage(marker("keyed")), { key });
      expect(posted.channelId).toBe(channel);
      expect(await h.platform.findPosted(channel, key, since())).toEqual(posted);
      expect(await h.platform.findPosted(channel, `${key}-other`, since())).toBeNull();
    });

    test("findPosted still finds a message by its key after an update", async () => {
      const channel = h.channelId("incidents");
      const key = `INC-4/kickoff-${marker("k")}`;
      const posted = await h.platform.post(channel, textMessage(marker("keyed")), { key });
      await h.platform.update(posted, textMessage(marker("edited")), { key });
      expect(await h.platform.findPosted(channel, key, since())).toEqual(posted);
    });

    test("update changes the message in place; pin pins it, and pinning again is harmless", async () => {
      const before = marker("before");
      const after = marker("after");
      const posted = await h.platform.post(h.channelId("incidents"), textMessage(before));
      expect((await h.stored(posted))?.content).toContain(before);
      await h.platform.update(posted, {
        text: after,
        blocks: [
          { type: "header", text: "INC-4 · Search is down" },
          { type: "section", text: `*${after}*` },
        ],
      });
      const stored = await h.stored(posted);
      expect(stored?.content).toContain(after);
      expect(stored?.content).not.toContain(before);
      expect(stored?.pinned).toBe(false);
      await h.platform.pin(posted);
      await h.platform.pin(posted);
      expect((await h.stored(posted))?.pinned).toBe(true);
      allowRefusals(/already/i);
    });

    test("an update can bring new buttons, and they work like those of a new post", async () => {
      const posted = await h.platform.post(
        h.channelId("incidents"),
        withButtons("INC-4 opened", {
          actionId: ActionIds.acknowledge,
          label: "Acknowledge",
          value: "INC-4",
        }),
      );
      await h.platform.update(
        posted,
        withButtons("INC-4 acknowledged", {
          actionId: ActionIds.postUpdate,
          label: "Post update",
          value: "INC-4",
        }),
      );
      await expect(
        h.click("bob", posted, { actionId: ActionIds.acknowledge, value: "INC-4" }),
      ).rejects.toThrow();
      await clickThrough("bob", posted, { actionId: ActionIds.postUpdate, value: "INC-4" });
    });

    test("openDirect gives the same conversation each time, and what is posted there only that person sees", async () => {
      const dm = await h.platform.openDirect(h.userId("bob"));
      expect(await h.platform.openDirect(h.userId("bob"))).toBe(dm);
      const text = marker("dm");
      const posted = await h.platform.post(dm, textMessage(`Psst: ${text}`));
      expect(posted.channelId).toBe(dm);
      await onlySeenBy("bob", ["alice", "dana"], text);
    });

    test("a button in a direct message is clicked there, by that person", async () => {
      const dm = await h.platform.openDirect(h.userId("dana"));
      const posted = await h.platform.post(
        dm,
        withButtons("You are paged for INC-4", {
          actionId: ActionIds.acknowledge,
          label: "Acknowledge",
          value: "INC-4",
          style: "primary",
        }),
      );
      const inbound = await clickThrough("dana", posted, { actionId: ActionIds.acknowledge, value: "INC-4" });
      expect(inbound).toMatchObject({ actor: h.userId("dana"), conversationId: dm });
    });

    test("a message far over every platform's limits is posted (shortened or split), not refused", async () => {
      const line = (i: number) => `${i}: *step* done by <@${h.userId("bob")}> in \`deploy-${i}\` _ok_`;
      const long = Array.from({ length: 1500 }, (_, i) => line(i)).join("\n");
      const posted = await h.platform.post(h.channelId("incidents"), {
        text: long,
        blocks: [
          { type: "header", text: "INC-4 timeline ".repeat(30) },
          { type: "section", text: long },
          { type: "context", text: long },
        ],
      });
      expect((await h.stored(posted))?.content).toContain("0: ");
    });

    test("replyEphemeral reaches only that person", async () => {
      const text = marker("ephemeral");
      await h.platform.replyEphemeral(
        { userId: h.userId("alice"), conversationId: h.channelId("general") },
        textMessage(`Only you: ${text}`),
      );
      await onlySeenBy("alice", ["bob", "dana"], text);
    });

    test("createChannel makes the channel, invite adds people (twice is harmless), isMember agrees", async () => {
      const name = `inc-contract-${Date.now().toString(36)}`;
      const created = await h.platform.createChannel(name, {
        topic: "INC-4: Search is down",
        displayName: "INC-4 Search is down",
      });
      expect(created.name).toBe(name);
      await h.platform.invite(created.id, [h.userId("bob"), h.userId("dana")]);
      await h.platform.invite(created.id, [h.userId("bob")]);
      allowRefusals(/already/i);
      expect(await h.membersOf(created.id)).toEqual(
        expect.arrayContaining([h.userId("bob"), h.userId("dana")]),
      );
      expect(await h.membersOf(created.id)).not.toContain(h.userId("alice"));
      expect(await h.platform.isMember(created.id, h.userId("bob"))).toBe(true);
      expect(await h.platform.isMember(created.id, h.userId("alice"))).toBe(false);
      const posted = await h.platform.post(created.id, textMessage(marker("kickoff")));
      expect(posted.channelId).toBe(created.id);
    });

    test("a name in use is a NameTakenError", async () => {
      const name = `inc-taken-${Date.now().toString(36)}`;
      await h.platform.createChannel(name, { displayName: "INC-5 Taken" });
      await expect(h.platform.createChannel(name, { displayName: "INC-6 Taken" })).rejects.toBeInstanceOf(
        NameTakenError,
      );
      await expect(h.platform.createChannel("general", {})).rejects.toBeInstanceOf(NameTakenError);
      allowRefusals(/name_taken|exists/i);
    });

    test("a name of maxChannelNameLength characters is accepted as it is", async () => {
      const max = h.platform.maxChannelNameLength;
      const name = `inc-${Date.now().toString(36)}-`.padEnd(max, "x");
      expect(name).toHaveLength(max);
      const created = await h.platform.createChannel(name, {});
      expect(created.name).toBe(name);
    });

    test("resolveChannel finds a channel by name, and null for a name nobody uses", async () => {
      expect(await h.platform.resolveChannel("incidents")).toBe(h.channelId("incidents"));
      expect(await h.platform.resolveChannel("no-such-channel-here")).toBeNull();
    });

    test("userInfo knows people and the bot, and nobody else", async () => {
      const alice = await h.platform.userInfo(h.userId("alice"));
      expect(alice).toMatchObject({ id: h.userId("alice"), isBot: false, deleted: false });
      expect(alice?.name).toMatch(/\S/);
      expect(await h.platform.userInfo(h.botId)).toMatchObject({ isBot: true, deleted: false });
      expect(await h.platform.userInfo(h.unknownUserId)).toBeNull();
      allowRefusals(/not_found|not found|missing/i);
    });

    test("isMember reads the seeded channels", async () => {
      expect(await h.platform.isMember(h.channelId("general"), h.userId("alice"))).toBe(true);
      expect(await h.platform.isMember(h.channelId("general"), h.unknownUserId)).toBe(false);
    });

    test("fetchMessage reads a person's message back as neutral markup, with its author", async () => {
      const id = await h.say("alice", "incidents", "the *cache* is cold, ask @bob");
      const fetched = await h.platform.fetchMessage(h.channelId("incidents"), id);
      expect(fetched).toMatchObject({
        text: `${escapeMarkup("the *cache* is cold, ask ")}<@${h.userId("bob")}>`,
        author: h.userId("alice"),
      });
      expect(Number.isNaN(Date.parse(fetched?.at ?? ""))).toBe(false);
    });

    test("fetchMessage of the bot's own message names no author", async () => {
      const text = marker("own");
      const posted = await h.platform.post(h.channelId("incidents"), textMessage(text));
      const fetched = await h.platform.fetchMessage(posted.channelId, posted.messageId);
      expect(fetched?.text).toContain(text);
      expect(fetched?.author).toBeUndefined();
    });

    test("channelUrl is null or a link", () => {
      const url = h.platform.channelUrl(h.channelId("incidents"));
      if (url !== null) expect(url).toMatch(/^(https?:\/\/|\/)\S+$/);
    });
  });

  describe("a mention of the bot", () => {
    test("reaches prepare as the neutral text after the mention, and the answer reaches only that person", async () => {
      const ack = ackWith("On call", "mentioned");
      await h.mention("alice", "general", "who is on call for *search*? ask @bob");
      const inbound = await delivered("mention");
      expect(inbound.body.text).toBe(`who is on call for *search*? ask <@${h.userId("bob")}>`);
      expectFrom(inbound, "alice", "general");
      await answeredOnly("alice", ["bob", "dana"], ack);
    });
  });

  describe("a reaction", () => {
    test("an emoji added to a message reaches prepare with the message, and the answer only that person", async () => {
      const messageId = await h.say("bob", "incidents", "rolled back the deploy");
      const ack = ackWith("Pinned", "pinned");
      await h.react("alice", "incidents", messageId, "pushpin");
      const inbound = await delivered("reaction");
      expect(inbound.body).toEqual({ kind: "reaction", reaction: "pushpin", messageId });
      expectFrom(inbound, "alice", "incidents");
      await answeredOnly("alice", ["bob", "dana"], ack);
    });
  });

  describe("every template", () => {
    test("the samples mention people, so the check of whom a post notifies is no empty check", () => {
      const mentioning = TEMPLATE_NAMES.filter(
        (name) => mentionedIn(templates.render(name, sampleFor(name, {}) as never)).length > 0,
      );
      expect(mentioning.length).toBeGreaterThan(20);
    });

    test.each(TEMPLATE_NAMES)(
      "%s is accepted by the platform and notifies exactly the people it mentions",
      async (name) => {
        const ids = {
          [SAMPLE_IDS.alice]: h.userId("alice"),
          [SAMPLE_IDS.bob]: h.userId("bob"),
          [SAMPLE_IDS.channel]: h.channelId("incidents"),
        };
        const message = templates.render(name, sampleFor(name, ids) as never);
        const posted = await h.platform.post(h.channelId("incidents"), message, { key: `contract/${name}` });
        expect(await h.stored(posted)).toBeDefined();
        // Exactly the people the template mentions are notified: no broadcast, nobody named by hostile text,
        // and no real mention lost on the way.
        expect(new Set(await h.notified(posted))).toEqual(new Set(mentionedIn(message)));
      },
    );
  });
});
