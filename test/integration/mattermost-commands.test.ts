import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HELP } from "../../src/core/commands/help.js";
import type { CommandName } from "../../src/core/commands/schema.js";
import type { Incident } from "../../src/core/incident/incident.js";
import type { Clock, IncidentStore } from "../../src/core/ports.js";
import { createRedisIncidentStore } from "../../src/infra/redis/incident-store.js";
import { createKeys } from "../../src/infra/redis/keys.js";
import { commandNameOf, declaredCommandNames } from "../helpers/command-catalog.js";
import {
  type FakeMattermost,
  type SlashCommandDelivery,
  type StoredPost,
  startFakeMattermost,
} from "../helpers/fake-mattermost/index.js";
import { eventually, startFirebreak, type TestFirebreak } from "../helpers/firebreak.js";
import { handClock } from "../helpers/hand-clock.js";
import {
  ACTIONS_SECRET,
  answered,
  buttons,
  MATTERMOST_CONFIG,
  postText,
  readable,
} from "../helpers/mattermost-world.js";
import { testRedis } from "../helpers/redis.js";

/**
 * Every command of the `/incident` grammar, run on Mattermost as people type it there: slash commands with the
 * command's token and Mattermost's own mention fields, `@firebreak` mentions over the bot's WebSocket, people
 * as usernames (alice, bob, dana), the real dispatcher, store, queue and outbox on a real Redis, and a fake
 * Mattermost that refuses (and records) every call the real server would refuse. Each command is typed where
 * it makes sense (in the incident's channel, in ~general, ~incidents or ~town-square) and must get a real
 * answer and its visible effect. The last test compares the commands run here with the grammar's own list, so
 * a command added later fails until it is run on Mattermost too.
 *
 * Each describe shares one Firebreak and one fake Mattermost: its steps run in order, each building on the
 * last, the way an incident or a week of on-call goes.
 */

/** The people of the fake's team who are also in the config (Erin has no Mattermost account). */
const PEOPLE = ["alice", "bob", "dana"] as const;
const INVOCATION = "/incident";
const BOT_MENTION = "@firebreak";

/** Every command this file runs, as typed; the coverage test at the end reads it. */
const exercised: Array<{ name: CommandName; text: string; invocation: string }> = [];

/**
 * What a failed command answers: the known-error template (which starts with a warning sign), the internal
 * error, the usage of a command that was misread, a verb the grammar does not know or the dispatcher cannot do.
 */
const FAILURE = [
  /^⚠️/,
  /Something went wrong on our side/,
  /Usage: `/,
  /Unknown command/,
  /is not available in this version of Firebreak/,
];

/** Fails when one of `replies` (each one message, as the person reads it) is a failure's answer. */
function expectNoFailure(replies: string[]): void {
  for (const reply of replies) {
    for (const failure of FAILURE) expect(reply.trimStart(), "a failure was answered").not.toMatch(failure);
  }
}

/** The text of each reply to a slash command: its own response and what came through its response URL. */
function repliesTo(d: SlashCommandDelivery): string[] {
  const textOf = (body: unknown) =>
    readable(
      typeof body === "object" && body !== null ? String((body as { text?: unknown }).text ?? "") : "",
    );
  return [textOf(d.body), ...d.responseUrl.posts.map((p) => textOf(p.body))].filter(Boolean);
}

/**
 * `checked`, whose failure also lists what Mattermost refused meanwhile: an effect that never shows is most
 * often a call the server turned down, and the refusal says which and why.
 */
async function explained(fake: FakeMattermost, checked: Promise<unknown>): Promise<void> {
  try {
    await checked;
  } catch (err) {
    const refused = fake.violations.map((v) => `${v.method} ${v.path} → ${v.status} ${v.rule}: ${v.message}`);
    if (refused.length === 0) throw err;
    throw new Error(
      `${err instanceof Error ? err.message : String(err)}\nMeanwhile Mattermost refused:\n${refused.join("\n")}`,
      { cause: err },
    );
  }
}

/** Waits until `read()` holds every one of `wanted`; returns what it read last. */
function until(read: () => string, ...wanted: string[]): Promise<string> {
  return eventually(() => {
    const said = read();
    for (const w of wanted) expect(said).toContain(w);
    return said;
  }, 10_000);
}

/** Waits until `check` passes against the stored incident; returns it. */
function untilStored(world: SharedWorld, id: string, check: (incident: Incident) => void): Promise<Incident> {
  return eventually(async () => {
    const incident = await world.incident(id);
    check(incident);
    return incident;
  }, 10_000);
}

/** The posts pinned in a channel (by its name). */
const pinnedPosts = (world: SharedWorld, channel: string): StoredPost[] =>
  world
    .fake()
    .posts(channel)
    .filter((p) => p.isPinned);

/** The pinned status card of a channel; throws while there is none. */
function pinnedIn(world: SharedWorld, channel: string): StoredPost {
  const [pinned] = pinnedPosts(world, channel);
  if (!pinned) throw new Error(`nothing pinned in ${channel}`);
  return pinned;
}

interface SharedWorld {
  fake(): FakeMattermost;
  store(): IncidentStore;
  incident(id: string): Promise<Incident>;
  /** Everything said in a channel (by its name), readable. */
  inChannel(channel: string): string;
  /** Everything the bot said to a person by DM, readable. */
  dmsTo(user: string): string;
  /** The first post of `posts()` with a button labelled `label`, waiting for it. */
  postWithButton(posts: () => StoredPost[], label: string): Promise<StoredPost>;
}

/**
 * One fake Mattermost (its default team: alice, bob and dana; ~town-square, ~general and ~incidents, the bot in
 * ~town-square and ~incidents only, as a bot with the Member role is) and one Firebreak for the describe it is
 * called in, started before its first test and stopped after its last. The bot listens on its WebSocket before
 * any test runs, so no mention is missed.
 */
function sharedWorld(options: {
  label: string;
  config: string;
  clock?: Clock;
  env?: Parameters<typeof startFirebreak>[0]["env"];
}): SharedWorld {
  const redis = testRedis();
  let fake: FakeMattermost | undefined;
  let app: TestFirebreak | undefined;
  beforeAll(async () => {
    fake = await startFakeMattermost();
    app = await startFirebreak({
      label: options.label,
      config: options.config,
      clock: options.clock,
      env: options.env,
      mattermost: {
        url: fake.url,
        botToken: fake.botToken,
        commandTokens: [fake.commandToken],
        actionsSecret: ACTIONS_SECRET,
      },
    });
    fake.botUrl = app.url;
    await eventually(() => expect(fake?.webSocketCount()).toBe(1), 10_000);
  });
  afterAll(async () => {
    await app?.stop();
    await fake?.close();
    redis.disconnect();
  });
  const running = () => {
    if (!fake || !app) throw new Error("the world did not start");
    return { fake, app };
  };
  const store = () => createRedisIncidentStore(redis, createKeys(running().app.prefix));
  return {
    fake: () => running().fake,
    store,
    async incident(id) {
      const found = await store().get(id);
      if (!found) throw new Error(`${id} is not stored`);
      return found;
    },
    inChannel: (channel) => running().fake.posts(channel).map(postText).join("\n"),
    dmsTo: (user) => running().fake.dmWith(user).map(postText).join("\n"),
    postWithButton: (posts, label) =>
      eventually(() => {
        const found = posts().find((p) => buttons(p).some((b) => b.name === label));
        if (!found) throw new Error(`no "${label}" button yet`);
        return found;
      }, 10_000),
  };
}

/**
 * A test in which `user` types `/incident <text>` in the channel named `channel`: the text must read as
 * command `name`, be answered 200, pass `check` (which waits for the answer and the effect it expects), and
 * get no failure in reply; and the fake must have refused nothing meanwhile.
 */
function command(
  world: SharedWorld,
  name: CommandName,
  typed: { user: string; channel: string; text: string },
  check: (d: SlashCommandDelivery) => Promise<unknown>,
): void {
  exercised.push({ name, text: typed.text, invocation: INVOCATION });
  it(`${name}: @${typed.user} types "/incident ${typed.text}" in ~${typed.channel}`, async () => {
    expect(commandNameOf(typed.text, PEOPLE)).toBe(name);
    const fake = world.fake();
    // What an earlier step made the bot do wrong failed that step; this one answers for itself.
    fake.takeViolations();
    const d = await fake.sendSlashCommand({ user: typed.user, channel: typed.channel, text: typed.text });
    expect(d.status).toBe(200);
    await explained(fake, check(d));
    expectNoFailure(repliesTo(d));
    fake.assertNoViolations();
  });
}

/**
 * A test in which `user` writes `@firebreak <text>` in the channel named `channel`: the text after the
 * mention must read as command `name`, and `check` must pass. The bot may not post ephemerally (the fake's
 * default, as on a fresh server), so what only the person should see comes by DM: none of it a failure.
 */
function mention(
  world: SharedWorld,
  name: CommandName,
  said: { user: string; channel: string; text: string },
  check: () => Promise<unknown>,
): void {
  exercised.push({ name, text: said.text, invocation: BOT_MENTION });
  it(`${name}: @${said.user} writes "${BOT_MENTION} ${said.text}" in ~${said.channel}`, async () => {
    expect(commandNameOf(said.text, PEOPLE, BOT_MENTION)).toBe(name);
    const fake = world.fake();
    fake.takeViolations();
    const dmsBefore = fake.dmWith(said.user).length;
    await fake.postAs({ user: said.user, channel: said.channel, message: `${BOT_MENTION} ${said.text}` });
    await explained(fake, check());
    expectNoFailure(
      fake
        .dmWith(said.user)
        .slice(dmsBefore)
        .map((p) => readable(p.message)),
    );
    fake.assertNoViolations();
  });
}

// ---- an incident, command by command --------------------------------------------------------------------

/** Dana is on call (and a manager, so the incident log answers her with its addresses); Bob reports. */
const INCIDENT_CONFIG = MATTERMOST_CONFIG.replace(
  "rotations:\n",
  "roles: { managers: [dana] }\nrotations:\n",
);
const CHANNEL = "inc-1-search-is-down";
const DUPLICATE_CHANNEL = "inc-2-search-returns-nothing";

describe("an incident on Mattermost, by every incident command", { timeout: 30_000 }, () => {
  const world = sharedWorld({
    label: "mm-commands-incident",
    config: INCIDENT_CONFIG,
    env: { apiToken: "api-token-for-the-incident-log-0123456789" },
  });
  const incident = (id = "INC-1") => world.incident(id);

  command(
    world,
    "open",
    { user: "bob", channel: "general", text: "open Search is down sev2 service:search" },
    async (d) => {
      await until(() => answered(d), "Opened **INC-1**", `~${CHANNEL}`);
      await until(() => world.inChannel(CHANNEL), "INC-1 · Search is down", "@dana");
      // The card is pinned once it is posted, and only the card.
      await until(() => postText(pinnedIn(world, CHANNEL)), "INC-1 · Search is down");
      expect(pinnedPosts(world, CHANNEL)).toHaveLength(1);
      await until(() => world.dmsTo("dana"), "Paged: INC-1");
      await until(() => world.inChannel("incidents"), `~${CHANNEL}`);
      expect(await incident()).toMatchObject({
        title: "Search is down",
        severity: "sev2",
        service: "search",
        reporters: [{ platformUserId: "bob" }],
        commander: { platformUserId: "dana" },
      });
    },
  );

  command(world, "open_form", { user: "alice", channel: "general", text: "open" }, async () => {
    const dialog = await eventually(() => {
      const opened = world.fake().dialogs("alice")[0];
      if (!opened) throw new Error("no dialog yet");
      return opened;
    }, 10_000);
    expect(dialog.dialog.callback_id).toBe("fbOpenIncident");
    expect(dialog.dialog.elements.map((e) => e.name)).toContain("title");
  });

  command(world, "ack", { user: "dana", channel: CHANNEL, text: "ack" }, async () => {
    await until(() => world.inChannel(CHANNEL), "@dana acknowledged **INC-1**");
    expect((await incident()).state).toBe("acknowledged");
  });

  command(
    world,
    "update",
    { user: "dana", channel: CHANNEL, text: "update Rolled back search-api 4.2" },
    async () => {
      await until(() => world.inChannel(CHANNEL), "Update on INC-1", "Rolled back search-api 4.2");
      await until(() => postText(pinnedIn(world, CHANNEL)), "Rolled back search-api 4.2");
      await until(() => world.inChannel("incidents"), "Rolled back search-api 4.2");
      // Bob reported, so he follows it: the update reaches him by DM.
      await until(() => world.dmsTo("bob"), "Rolled back search-api 4.2");
      expect((await incident()).lastUpdate).toMatchObject({
        text: "Rolled back search-api 4.2",
        actor: "dana",
      });
    },
  );

  command(world, "snooze", { user: "dana", channel: CHANNEL, text: "snooze 30m" }, async (d) => {
    await until(() => answered(d), "Update reminders for INC-1 snoozed for 30m");
    expect((await incident()).timers?.update?.snoozedUntil).toBeDefined();
  });

  command(world, "reminders", { user: "dana", channel: CHANNEL, text: "reminders" }, async (d) => {
    await until(() => answered(d), "Scheduled for INC-1", "snoozed");
  });

  command(world, "sev", { user: "dana", channel: CHANNEL, text: "sev 1" }, async () => {
    await until(() => world.inChannel(CHANNEL), "changed the severity of **INC-1** from SEV2 to **SEV1**");
    await until(() => world.inChannel("incidents"), "**INC-1** is now **SEV1**");
    expect((await incident()).severity).toBe("sev1");
  });

  command(world, "status", { user: "dana", channel: CHANNEL, text: "status identified" }, async () => {
    await until(() => world.inChannel(CHANNEL), "from acknowledged to **identified**");
    expect((await incident()).state).toBe("identified");
  });

  command(
    world,
    "note",
    { user: "dana", channel: CHANNEL, text: "note Disk on db-3 filled up at 09:12" },
    async (d) => {
      await until(() => answered(d), "Added to the timeline of INC-1: Disk on db-3 filled up at 09:12");
      const notes = (await world.store().timeline("INC-1")).filter((e) => e.type === "note_added");
      expect(notes.map((e) => [e.actor, e.data.text])).toEqual([["dana", "Disk on db-3 filled up at 09:12"]]);
    },
  );

  mention(world, "note", { user: "dana", channel: CHANNEL, text: "note Search pods restarted" }, async () => {
    // A mention has no response URL: the confirmation comes by DM.
    await until(() => world.dmsTo("dana"), "Added to the timeline of INC-1: Search pods restarted");
    const notes = (await world.store().timeline("INC-1")).filter((e) => e.type === "note_added");
    expect(notes.map((e) => e.data.text)).toContain("Search pods restarted");
  });

  command(world, "timeline", { user: "dana", channel: CHANNEL, text: "timeline" }, async (d) => {
    await until(
      () => answered(d),
      "Timeline of INC-1",
      "opened it: Search is down",
      "Disk on db-3 filled up",
    );
  });

  command(world, "show", { user: "dana", channel: CHANNEL, text: "show" }, async (d) => {
    await until(
      () => answered(d),
      "INC-1 · Search is down",
      "SEV1",
      "identified",
      "Rolled back search-api 4.2",
    );
  });

  command(world, "list", { user: "dana", channel: "general", text: "list" }, async (d) => {
    await until(() => answered(d), "Open incidents", "**INC-1**", `~${CHANNEL}`);
  });

  command(world, "subscribe", { user: "alice", channel: "general", text: "subscribe INC-1" }, async (d) => {
    await until(() => answered(d), "You now follow INC-1");
    expect((await incident()).subscribers).toContain("alice");
  });

  command(
    world,
    "unsubscribe",
    { user: "alice", channel: "general", text: "unsubscribe INC-1" },
    async (d) => {
      await until(() => answered(d), "You no longer follow INC-1");
      expect((await incident()).subscribers).not.toContain("alice");
    },
  );

  describe("once Alice has joined the public channel", () => {
    beforeAll(() => {
      // As anyone may from Browse Channels: Mattermost runs a command only for a channel's members.
      const channel = world.fake().channel(CHANNEL);
      channel?.members.add(world.fake().user("alice").id);
    });

    command(world, "join", { user: "alice", channel: CHANNEL, text: "join" }, async () => {
      await until(() => world.inChannel(CHANNEL), "@alice joined **INC-1**");
      expect((await incident()).responders?.map((r) => r.platformUserId)).toEqual(["alice"]);
    });
  });

  command(
    world,
    "help_wanted",
    { user: "dana", channel: CHANNEL, text: "help-wanted someone who knows the search index" },
    async () => {
      await until(
        () => world.inChannel(CHANNEL),
        "Help wanted on INC-1",
        "someone who knows the search index",
      );
      const call = await world.postWithButton(() => world.fake().posts("incidents"), "I'll take it");
      expect(postText(call)).toContain("someone who knows the search index");
    },
  );

  command(world, "commander", { user: "dana", channel: CHANNEL, text: "commander @alice" }, async () => {
    await until(() => world.inChannel(CHANNEL), "@dana designated @alice as Incident Commander");
    const offer = await world.postWithButton(() => world.fake().dmWith("alice"), "Accept");
    expect(postText(offer)).toContain("Command INC-1?");
    expect((await incident()).offer).toMatchObject({ kind: "designation", to: { platformUserId: "alice" } });
  });

  command(world, "comms", { user: "dana", channel: CHANNEL, text: "comms @bob" }, async () => {
    await until(() => world.inChannel(CHANNEL), "named @bob the **communications lead**");
    expect((await incident()).comms?.platformUserId).toBe("bob");
  });

  command(
    world,
    "handoff",
    { user: "dana", channel: CHANNEL, text: "handoff @bob Rollback done; watch the error rate." },
    async () => {
      await until(() => world.inChannel(CHANNEL), "offered to hand **INC-1** over to @bob");
      await until(() => world.dmsTo("bob"), "Handoff: INC-1", "Rollback done; watch the error rate.");
      expect((await incident()).offer).toMatchObject({
        kind: "handoff",
        to: { platformUserId: "bob" },
        brief: { summary: "Rollback done; watch the error rate." },
      });
    },
  );

  command(
    world,
    "fix",
    { user: "dana", channel: CHANNEL, text: "fix https://github.com/acme/shop/pull/42" },
    async () => {
      await until(() => world.inChannel(CHANNEL), "recorded a fix for **INC-1**", "acme/shop/pull/42");
      const stored = await incident();
      expect(stored.state).toBe("fix_merged");
      expect(stored.fixes?.map((f) => f.ref)).toEqual(["https://github.com/acme/shop/pull/42"]);
    },
  );

  command(world, "deployed", { user: "dana", channel: CHANNEL, text: "deployed" }, async () => {
    await until(() => world.inChannel(CHANNEL), "The fix for **INC-1** (SEV1) is live");
    expect((await incident()).state).toBe("fix_deployed");
  });

  command(
    world,
    "resolve",
    { user: "dana", channel: CHANNEL, text: "resolve Rebuilt the search index" },
    async () => {
      await until(() => world.inChannel(CHANNEL), "@dana resolved **INC-1**", "Rebuilt the search index");
      await world.postWithButton(() => world.fake().dmWith("bob"), "Fixed for me");
      expect(await incident()).toMatchObject({ state: "resolved", confirmation: { asked: ["bob"] } });
    },
  );

  command(
    world,
    "followup",
    { user: "dana", channel: CHANNEL, text: "followup Alert on queue depth @dana" },
    async () => {
      await until(() => world.inChannel(CHANNEL), "added **follow-up 1** on **INC-1**, owned by @dana");
      expect((await incident()).followups).toMatchObject([
        { n: 1, text: "Alert on queue depth", owner: "dana", state: "open" },
      ]);
    },
  );

  command(world, "followups", { user: "dana", channel: CHANNEL, text: "followups" }, async (d) => {
    await until(() => answered(d), "Follow-ups of INC-1", "Alert on queue depth", "owner @dana");
  });

  command(world, "followup_done", { user: "dana", channel: CHANNEL, text: "followup done 1" }, async () => {
    await until(() => world.inChannel(CHANNEL), "marked **follow-up 1** on **INC-1** done");
    expect((await incident()).followups?.[0]?.state).toBe("done");
  });

  command(
    world,
    "followup_reopen",
    { user: "dana", channel: CHANNEL, text: "followup reopen 1" },
    async () => {
      await until(() => world.inChannel(CHANNEL), "reopened **follow-up 1** on **INC-1**");
      expect((await incident()).followups?.[0]?.state).toBe("open");
    },
  );

  command(world, "postmortem", { user: "dana", channel: CHANNEL, text: "postmortem" }, async () => {
    await until(() => world.inChannel(CHANNEL), "opened the **post-mortem** of **INC-1**", "postmortem.md");
    expect((await incident()).postmortem?.owner).toBe("dana");
  });

  command(world, "postmortem", { user: "dana", channel: CHANNEL, text: "postmortem @alice" }, async () => {
    await until(() => world.inChannel(CHANNEL), "made @alice the owner of the **post-mortem**");
    await until(() => world.dmsTo("alice"), "made you the owner of the **post-mortem** of **INC-1**");
    expect((await incident()).postmortem?.owner).toBe("alice");
  });

  command(world, "postmortem_done", { user: "dana", channel: CHANNEL, text: "postmortem done" }, async () => {
    await until(
      () => world.inChannel(CHANNEL),
      "marked the **post-mortem** of **INC-1** (Search is down) done",
    );
    expect((await incident()).postmortem?.done?.by).toBe("dana");
  });

  command(world, "visibility", { user: "dana", channel: CHANNEL, text: "visibility private" }, async () => {
    await until(() => world.inChannel(CHANNEL), "made **INC-1** private");
    expect((await incident()).private).toBe(true);
  });

  command(world, "reopen", { user: "dana", channel: CHANNEL, text: "reopen" }, async () => {
    await until(() => world.inChannel(CHANNEL), "@dana reopened **INC-1**");
    expect((await incident()).state).toBe("reopened");
  });

  command(
    world,
    "open",
    { user: "alice", channel: "general", text: "open Search returns nothing sev3" },
    async (d) => {
      await until(() => answered(d), "Opened **INC-2**", `~${DUPLICATE_CHANNEL}`);
      await until(() => postText(pinnedIn(world, DUPLICATE_CHANNEL)), "INC-2 · Search returns nothing");
    },
  );

  command(world, "merge", { user: "dana", channel: DUPLICATE_CHANNEL, text: "merge INC-1" }, async () => {
    await until(() => world.inChannel(DUPLICATE_CHANNEL), "closed **INC-2** as a duplicate of **INC-1**");
    await until(() => world.inChannel(CHANNEL), "merged **INC-2** (SEV3) into **INC-1**");
    expect(await incident("INC-2")).toMatchObject({ state: "closed", duplicateOf: "INC-1" });
    expect((await incident()).mergedFrom).toEqual(["INC-2"]);
  });

  command(world, "log", { user: "dana", channel: "general", text: "log" }, async (d) => {
    await until(() => answered(d), "/api/incidents", "/api/incidents.csv", "/metrics");
  });
});

// ---- a change request, command by command ---------------------------------------------------------------

/**
 * A world of its own, so the request's number is what this describe makes it (the first one opened: INC-1),
 * whatever the incident above opened before it.
 */
describe("a change request on Mattermost, asked and promoted", { timeout: 30_000 }, () => {
  const world = sharedWorld({ label: "mm-commands-request", config: INCIDENT_CONFIG });

  // A change request is tracked on a card in the channel it was asked in: ~general, where the bot, with the
  // Member role, is not a member until it joins.
  command(
    world,
    "open",
    { user: "bob", channel: "general", text: "open Rotate the TLS certificates kind:change" },
    async (d) => {
      await until(() => answered(d), "Recorded change request **INC-1**");
      const card = await world.postWithButton(() => world.fake().posts("general"), "Promote to incident");
      expect(postText(card)).toContain("Change request INC-1");
      expect(world.fake().channel("general")?.members.has(world.fake().botUserId)).toBe(true);
      expect(await world.incident("INC-1")).toMatchObject({ kind: "change_request", state: "triggered" });
    },
  );

  command(world, "promote", { user: "dana", channel: "general", text: "promote INC-1" }, async (d) => {
    await until(() => answered(d), "Promoting **INC-1**");
    await untilStored(world, "INC-1", (promoted) => {
      expect(promoted.kind).toBe("incident");
      expect(promoted.channel?.name).toBe("inc-1-rotate-the-tls-certificates");
    });
    await until(
      () => world.dmsTo("bob"),
      "Your request INC-1 (Rotate the TLS certificates) is now an incident",
    );
  });
});

// ---- on call, help and mentions ---------------------------------------------------------------------------

/**
 * The world's config with a second rotation that changes hands, held at Tue 3 Nov 2026 13:00 in Berlin: in
 * `secondary` (weekly from Mon 2 Nov 09:00) Alice has this week and Bob the next; Dana alone is `primary`.
 */
const ONCALL_CONFIG = MATTERMOST_CONFIG.replace(
  "rotations:\n",
  'rotations:\n  - { id: secondary, members: [alice, bob], shift: 1w, handoff: "Mon 09:00", timezone: Europe/Berlin, start: 2026-11-02 }\n',
);

describe("on call, help and mentions on Mattermost", { timeout: 30_000 }, () => {
  const world = sharedWorld({
    label: "mm-commands-oncall",
    config: ONCALL_CONFIG,
    clock: handClock("2026-11-03T12:00:00Z"),
  });

  command(world, "oncall", { user: "dana", channel: "general", text: "oncall" }, async (d) => {
    await until(() => answered(d), "Who is on call", "**secondary**", "@alice", "**primary**", "@dana");
  });

  command(world, "oncall", { user: "bob", channel: "general", text: "oncall search" }, async (d) => {
    await until(() => answered(d), "**Search** (search)", "owner: search-team", "@dana");
  });

  command(
    world,
    "oncall_override",
    {
      user: "dana",
      channel: "general",
      text: "oncall override @bob 2026-11-21 09:00 2026-11-22 09:00 primary",
    },
    async (d) => {
      await until(() => answered(d), "Override made in primary", "@bob is on call from Sat 21 Nov 09:00 CET");
      await until(() => world.dmsTo("bob"), "Your on-call shifts in **primary** changed");
    },
  );

  command(
    world,
    "oncall_overrides",
    { user: "dana", channel: "general", text: "oncall overrides" },
    async (d) => {
      const said = await until(() => answered(d), "Overrides in force now and ahead", "@bob on call");
      expect(said).toContain("Remove 1");
    },
  );

  command(
    world,
    "oncall_swap",
    { user: "alice", channel: "general", text: "oncall swap @alice @bob" },
    async (d) => {
      await until(() => answered(d), "Swapped in secondary");
      await until(
        () => world.dmsTo("bob"),
        "Your on-call shifts in **secondary** changed: a swap was made by @alice",
      );
    },
  );

  command(
    world,
    "oncall_cover",
    { user: "alice", channel: "general", text: "oncall cover 2h" },
    async (d) => {
      await until(() => answered(d), "Your call for cover in secondary is out", "Posted in ~incidents");
      const call = await world.postWithButton(() => world.fake().posts("incidents"), "I'll cover Alice");
      expect(postText(call)).toContain("Cover wanted in secondary");
      await until(() => world.dmsTo("bob"), "Cover wanted in secondary");
    },
  );

  command(
    world,
    "oncall_away",
    { user: "bob", channel: "general", text: "oncall away 2026-12-24T00:00 2027-01-02T00:00" },
    async (d) => {
      await until(() => answered(d), "Noted: you are away", "Thu 24 Dec 00:00 EST");
    },
  );

  command(world, "oncall_away_list", { user: "bob", channel: "general", text: "oncall away" }, async (d) => {
    const said = await until(() => answered(d), "Your absences from now on", "Thu 24 Dec 00:00 EST");
    expect(said).toContain("Remove 1");
  });

  // The draft is posted for everyone in the channel it was asked in, with its Apply and Discard buttons:
  // ~general, where the bot, with the Member role, is not a member until it joins.
  command(
    world,
    "oncall_plan",
    { user: "alice", channel: "general", text: "oncall plan secondary 4" },
    async () => {
      const draft = await world.postWithButton(() => world.fake().posts("general"), "Apply to secondary");
      expect(postText(draft)).toContain("Draft plan for secondary");
      expect(buttons(draft).map((b) => b.name)).toContain("Discard the secondary plan");
    },
  );

  command(
    world,
    "oncall_calendar",
    { user: "dana", channel: "general", text: "oncall calendar primary" },
    async (d) => {
      await until(() => answered(d), "On-call calendar feeds", "/oncall/primary.ics?token=", "webcal://");
    },
  );

  command(world, "services", { user: "dana", channel: "general", text: "services" }, async (d) => {
    await until(() => answered(d), "Service catalog", "**Search** (`search`)", "**Legacy** (`legacy`)");
  });

  command(world, "help", { user: "bob", channel: "general", text: "help" }, async (d) => {
    const said = await until(() => answered(d), "Firebreak commands");
    for (const entry of HELP) expect(said).toContain(`${INVOCATION} ${entry.usage}`);
  });

  command(world, "help", { user: "bob", channel: "general", text: "help oncall" }, async (d) => {
    const said = await until(() => answered(d), `${INVOCATION} oncall swap @a @b [rotation]`);
    expect(said).not.toContain(`${INVOCATION} open <title>`);
  });

  mention(
    world,
    "oncall",
    { user: "bob", channel: "incidents", text: "who is on call for search?" },
    async () => {
      // Only Bob asked, and the bot may not post ephemerally: the answer is his alone, by DM.
      await until(() => world.dmsTo("bob"), "**Search** (search)", "owner: search-team", "@dana");
      const said = world
        .fake()
        .posts("incidents")
        .filter((p) => p.userId === world.fake().botUserId);
      expect(said.map(postText).join("\n")).not.toContain("owner: search-team");
    },
  );

  mention(world, "help", { user: "alice", channel: "town-square", text: "help" }, async () => {
    const said = await until(() => world.dmsTo("alice"), "Firebreak commands");
    // Asked by mention, help shows the mention form of each command.
    expect(said).toContain(`${BOT_MENTION} open <title>`);
    expect(said).not.toContain(`${INVOCATION} open <title>`);
  });
});

// ---- the catalog ----------------------------------------------------------------------------------------

describe("the commands run on Mattermost", () => {
  it("are every command the grammar declares, each typed the way it reads", () => {
    for (const e of exercised) expect(commandNameOf(e.text, PEOPLE, e.invocation), e.text).toBe(e.name);
    const slashed = new Set(exercised.filter((e) => e.invocation === INVOCATION).map((e) => e.name));
    expect([...slashed].sort()).toEqual([...declaredCommandNames()].sort());
    // And the question a mention asks most, and help, work as mentions too.
    const mentioned = exercised.filter((e) => e.invocation === BOT_MENTION).map((e) => e.name);
    expect(mentioned).toEqual(expect.arrayContaining(["oncall", "help"]));
  });
});
