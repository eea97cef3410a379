// The Mattermost ChatPlatform against the fake Mattermost (which refuses what the real server would): people are
// usernames above the adapter, the outbox key survives a post and an edit where findPosted reads it back,
// replies only one person sees take the best way open (response URL, ephemeral post, DM), and failures become
// the error types the outbox and the handlers act on (429 and 5xx retryable, a taken name, an expired form).

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { createMattermostClient } from "../../src/adapters/mattermost/client.js";
import { createDirectory } from "../../src/adapters/mattermost/directory.js";
import { fetchMattermostIdentity, type MattermostIdentity } from "../../src/adapters/mattermost/identity.js";
import { escapeMarkdown } from "../../src/adapters/mattermost/markdown.js";
import { createMattermostPlatform } from "../../src/adapters/mattermost/mattermost-platform.js";
import { KEY_PROP, postKey } from "../../src/adapters/mattermost/post-render.js";
import { verifyActionContext, verifyDialogState } from "../../src/adapters/mattermost/signed-context.js";
import { ConfigError, NameTakenError, PlatformError, UsageError } from "../../src/core/errors.js";
import type { Form, Message } from "../../src/core/message.js";
import type { ChatPlatform, Logger } from "../../src/core/ports.js";
import {
  type FakeMattermost,
  type FakeMattermostOptions,
  startFakeMattermost,
} from "../helpers/fake-mattermost/index.js";
import { readable } from "../helpers/mattermost-world.js";

const SECRET = "test-actions-secret-0123456789abcdef";
const BOT_URL = "https://firebreak.example";
const logger: Logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
const started: FakeMattermost[] = [];
/** Violations a test provokes on purpose; any other one fails it. */
let allowed: string[] = [];
let fake: FakeMattermost;
let mattermost: ChatPlatform;
let identity: MattermostIdentity;

async function start(options: FakeMattermostOptions = {}, team?: string) {
  const f = await startFakeMattermost(options);
  started.push(f);
  const client = createMattermostClient(f.url, f.botToken);
  const id = await fetchMattermostIdentity(client, { attempts: 1, ...(team ? { team } : {}) });
  const platform = createMattermostPlatform(client, {
    identity: id,
    directory: createDirectory(client, logger),
    siteUrl: f.url,
    actionsUrl: () => `${BOT_URL}/mattermost/actions`,
    dialogsUrl: () => `${BOT_URL}/mattermost/dialogs`,
    secret: SECRET,
    logger,
  });
  return { fake: f, mattermost: platform, identity: id };
}

beforeEach(async () => {
  vi.mocked(logger.info).mockClear();
  vi.mocked(logger.warn).mockClear();
  allowed = [];
  ({ fake, mattermost, identity } = await start());
});

afterEach(async () => {
  try {
    for (const f of started) f.assertNoViolations({ allow: allowed });
  } finally {
    await Promise.all(started.splice(0).map((f) => f.close()));
  }
});

const id = (name: string) => fake.channel(name)?.id as string;
const msg = (text: string): Message => ({ text, blocks: [{ type: "section", text }] });
const aMinuteAgo = () => new Date(Date.now() - 60_000);
/** The calls that post or add a member: none may follow a refusal for good. */
const postsAndJoins = () =>
  fake.calls.filter(
    (c) => c.method === "POST" && (c.path === "/api/v4/posts" || c.path.endsWith("/members")),
  );

/** The PlatformError a call was rejected with. */
async function platformError(call: Promise<unknown>): Promise<PlatformError> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PlatformError);
  return err as PlatformError;
}

const form: Form = {
  callbackId: "declare",
  title: "Declare an incident",
  submitLabel: "Declare",
  state: "from-command",
  fields: [
    { id: "title", label: "Title", kind: "text", placeholder: "What is broken?" },
    {
      id: "severity",
      label: "Severity",
      kind: "select",
      options: [
        { value: "sev1", label: "SEV1" },
        { value: "sev2", label: "SEV2" },
      ],
    },
  ],
};

// ----------------------------------------------------------------------------------------------------------

describe("identity at start-up", () => {
  test("names the bot and its only team", () => {
    expect(identity).toEqual({
      userId: fake.botUserId,
      username: fake.botUsername,
      teamId: fake.teamId,
      teamName: fake.teamName,
      canPostEphemeral: false,
    });
    expect(mattermost.platform).toBe("mattermost");
  });

  test("reads what the bot's roles grant: a default bot may not post ephemeral messages", () => {
    const asked = fake.calls.filter((c) => c.path === "/api/v4/roles/names");
    expect(asked).toHaveLength(1);
    expect(asked[0]?.body).toEqual(["system_user", "system_post_all"]);
    expect(asked[0]?.status).toBe(200);
    expect(identity.canPostEphemeral).toBe(false);
  });

  test("a bot made system admin may post ephemeral messages", async () => {
    const f = await startFakeMattermost({ botCanPostEphemeral: true });
    started.push(f);
    const admin = await fetchMattermostIdentity(createMattermostClient(f.url, f.botToken), { attempts: 1 });
    expect(admin.canPostEphemeral).toBe(true);
    expect(f.calls.find((c) => c.path === "/api/v4/roles/names")?.body).toEqual([
      "system_user",
      "system_post_all",
      "system_admin",
    ]);
  });

  test("roles that cannot be read are taken as no ephemeral posts, said at info, and start-up goes on", async () => {
    const f = await startFakeMattermost({ botCanPostEphemeral: true });
    started.push(f);
    f.failNext(/^\/api\/v4\/roles\/names$/, { status: 500 });
    const client = createMattermostClient(f.url, f.botToken);
    const unsure = await fetchMattermostIdentity(client, { attempts: 1, logger });
    expect(unsure).toMatchObject({ userId: f.botUserId, teamName: f.teamName, canPostEphemeral: false });
    expect(logger.info).toHaveBeenCalledWith(
      expect.objectContaining({ status: 500, roles: ["system_user", "system_post_all", "system_admin"] }),
      expect.stringContaining("by DM"),
    );
  });

  test("a wrong bot token is a ConfigError naming MATTERMOST_BOT_TOKEN", async () => {
    allowed = ["api.context.session_expired.app_error"];
    const client = createMattermostClient(fake.url, "not-the-token");
    const err = await fetchMattermostIdentity(client, { attempts: 3, delayMs: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain("MATTERMOST_BOT_TOKEN");
  });

  test("several teams need MATTERMOST_TEAM: without it a ConfigError names them, with it that team", async () => {
    const f = await startFakeMattermost({ teams: [{ name: "acme" }, { name: "globex" }] });
    started.push(f);
    const client = createMattermostClient(f.url, f.botToken);
    const err = await fetchMattermostIdentity(client, { attempts: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain('"acme"');
    expect((err as Error).message).toContain('"globex"');
    expect((err as Error).message).toContain("MATTERMOST_TEAM");
    const globex = await fetchMattermostIdentity(client, { team: "globex" });
    expect(globex.teamName).toBe("globex");
    expect(globex.teamId).not.toBe(f.teamId);
  });

  test("a bot in no team is a ConfigError telling to add it", async () => {
    const f = await startFakeMattermost({ teams: [{ name: "acme", botIsMember: false }], channels: [] });
    started.push(f);
    const err = await fetchMattermostIdentity(createMattermostClient(f.url, f.botToken)).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/not a member of any team/);
  });
});

describe("the directory", () => {
  test("asks the server once per person, either way, and knows both directions afterwards", async () => {
    const directory = createDirectory(createMattermostClient(fake.url, fake.botToken), logger);
    const lookups = () => fake.calls.filter((c) => c.path.startsWith("/api/v4/users/")).length;
    const before = lookups();
    expect(await Promise.all([directory.idOf("alice"), directory.idOf("@Alice")])).toEqual([
      fake.user("alice").id,
      fake.user("alice").id,
    ]);
    expect(await directory.usernameOf(fake.user("alice").id)).toBe("alice");
    expect(await directory.idOf("nobody-here")).toBeNull();
    expect(await directory.idOf("nobody-here")).toBeNull();
    expect(lookups() - before).toBe(2);
    expect(await directory.usernameOf(fake.user("bob").id)).toBe("bob");
    expect(await directory.idOf("bob")).toBe(fake.user("bob").id);
    expect(lookups() - before).toBe(3);
  });

  test("learns channel names; a channel that is gone stays unnamed without failing", async () => {
    allowed = ["unknown_channel"];
    const directory = createDirectory(createMattermostClient(fake.url, fake.botToken), logger);
    const gone = "g".repeat(26);
    await directory.learnChannelNames([id("incidents"), id("general"), gone]);
    expect(directory.channelName(id("incidents"))).toBe("incidents");
    expect(directory.channelName(id("general"))).toBe("general");
    expect(directory.channelName(gone)).toBeUndefined();
  });
});

describe("createChannel", () => {
  test("creates a public channel with its display name and topic; the bot is in it", async () => {
    const created = await mattermost.createChannel("inc-4-search-down", {
      topic: "INC-4 · SEV2 · Search is down",
      displayName: "INC-4 Search is down",
    });
    const channel = fake.channel("inc-4-search-down");
    expect(created).toEqual({ id: channel?.id, name: "inc-4-search-down" });
    expect(channel).toMatchObject({
      displayName: "INC-4 Search is down",
      header: "INC-4 · SEV2 · Search is down",
      purpose: "INC-4 · SEV2 · Search is down",
    });
    expect(channel?.members.has(fake.botUserId)).toBe(true);
    expect(mattermost.channelUrl(created.id)).toBe(`${fake.url}/${fake.teamName}/channels/inc-4-search-down`);
  });

  test("without a display name uses the name; long display names and topics are cut to the limits", async () => {
    await mattermost.createChannel("inc-5", {});
    expect(fake.channel("inc-5")?.displayName).toBe("inc-5");
    const long = `INC-6 ${"ü".repeat(100)}`;
    await mattermost.createChannel("inc-6", { displayName: long, topic: "t".repeat(2000) });
    const channel = fake.channel("inc-6");
    expect(Array.from(channel?.displayName ?? "")).toHaveLength(64);
    expect(channel?.header).toHaveLength(1024);
    expect(channel?.purpose).toHaveLength(250);
  });

  test("the topic becomes a header that shows as typed: Markdown, links, images and mentions stay inert", async () => {
    const topic = "DB down ![x](https://t.example/pixel.png) [docs](https://evil.example) @channel *now* `x`";
    await mattermost.createChannel("inc-4-db-down", { topic });
    const header = fake.channel("inc-4-db-down")?.header ?? "";
    expect(header).toBe(escapeMarkdown(topic, true));
    for (const live of ["](", "![", "@channel", "*now*", "`x`"]) expect(header).not.toContain(live);
    expect(readable(header)).toBe(topic);
    // The purpose is plain text and keeps the title as typed.
    expect(fake.channel("inc-4-db-down")?.purpose).toBe(topic);
  });

  test("a long header is cut to 1024 runes between whole escapes, never half of one", async () => {
    await mattermost.createChannel("inc-5-long", { topic: "@".repeat(600) });
    const header = fake.channel("inc-5-long")?.header ?? "";
    expect(Array.from(header)).toHaveLength(1024);
    // Every `@` keeps the invisible space after it that stops a mention.
    expect(header).toBe("@\u200b".repeat(512));
  });

  test("a taken name is a NameTakenError", async () => {
    allowed = ["channel_name_taken"];
    await mattermost.createChannel("inc-7", {});
    const err = await mattermost.createChannel("inc-7", {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NameTakenError);
    expect((err as Error).message).toContain('"inc-7"');
    const seeded = await mattermost.createChannel("incidents", {}).catch((e: unknown) => e);
    expect(seeded).toBeInstanceOf(NameTakenError);
  });

  test("names go up to 64 characters, the handlers' limit", async () => {
    expect(mattermost.maxChannelNameLength).toBe(64);
    const name = `inc-${"a".repeat(60)}`;
    expect(name).toHaveLength(64);
    expect((await mattermost.createChannel(name, {})).name).toBe(name);
  });
});

describe("invite", () => {
  test("adds people by username, skipping unknown ones and the bot; inviting again is fine", async () => {
    const channel = await mattermost.createChannel("inc-8", {});
    await mattermost.invite(channel.id, ["alice", "nobody-here", fake.botUsername, "bob"]);
    const members = fake.channel("inc-8")?.members;
    expect(members?.has(fake.user("alice").id)).toBe(true);
    expect(members?.has(fake.user("bob").id)).toBe(true);
    expect(members?.has(fake.user("dana").id)).toBe(false);
    expect(logger.info).toHaveBeenCalledWith(
      expect.objectContaining({ username: "nobody-here" }),
      expect.stringContaining("no such user"),
    );
    await mattermost.invite(channel.id, ["alice", "dana"]);
    expect(fake.channel("inc-8")?.members.has(fake.user("dana").id)).toBe(true);
    expect(await mattermost.isMember(channel.id, "dana")).toBe(true);
  });

  test("someone the server will not add (not in the team) is left out: the others are added, nothing thrown", async () => {
    allowed = ["add_user_not_in_team"];
    const { fake: f, mattermost: platform } = await start(
      {
        teams: [{ name: "acme" }, { name: "globex" }],
        users: [{ username: "alice" }, { username: "gus", teams: ["globex"] }, { username: "bob" }],
        channels: [],
      },
      "acme",
    );
    const channel = await platform.createChannel("inc-9", {});
    await platform.invite(channel.id, ["gus", "alice", "bob"]);
    const members = f.channel("inc-9")?.members;
    expect(members?.has(f.user("alice").id)).toBe(true);
    expect(members?.has(f.user("bob").id)).toBe(true);
    expect(members?.has(f.user("gus").id)).toBe(false);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.objectContaining({
        username: "gus",
        status: 404,
        code: "app.team.get_member.missing.app_error",
      }),
      expect.stringContaining("refused to add a person"),
    );
    expect(f.takeViolations().map((v) => v.rule)).toEqual(["add_user_not_in_team"]);
  });

  test("a channel nobody can be added to (the bot may not add people there) is a refusal", async () => {
    allowed = ["add_members_not_member"];
    const err = await platformError(mattermost.invite(id("general"), ["alice", "bob"]));
    expect(err).toMatchObject({ platformCode: "invite_refused", retryable: false });
    // The first refusal says it all: nobody else is tried.
    expect(fake.calls.filter((c) => c.path.endsWith("/members") && c.method === "POST")).toHaveLength(1);
  });
});

describe("post, findPosted and update", () => {
  test("a post carries its key; findPosted finds it by key, not another key, not before `since`", async () => {
    const since = aMinuteAgo();
    const posted = await mattermost.post(id("incidents"), msg("Search is *down*"), { key: "INC-4/kickoff" });
    await mattermost.post(id("incidents"), msg("unkeyed"));
    await mattermost.post(id("incidents"), msg("other"), { key: "INC-4/update-1" });
    const [first] = fake.posts("incidents");
    expect(first).toMatchObject({ id: posted.messageId, userId: fake.botUserId });
    expect(first?.props[KEY_PROP]).toBe("INC-4/kickoff");
    expect(first?.message).toContain("**down**");
    expect(posted.channelId).toBe(id("incidents"));

    expect(await mattermost.findPosted(id("incidents"), "INC-4/kickoff", since)).toEqual(posted);
    expect(await mattermost.findPosted(id("incidents"), "INC-4/update-2", since)).toBeNull();
    expect(
      await mattermost.findPosted(id("incidents"), "INC-4/kickoff", new Date(Date.now() + 60_000)),
    ).toBeNull();
    const other = await mattermost.createChannel("inc-4-other", {});
    expect(await mattermost.findPosted(other.id, "INC-4/kickoff", since)).toBeNull();
  });

  test("`since` is inclusive: a post made in that very millisecond is found", async () => {
    const posted = await mattermost.post(id("incidents"), msg("x"), { key: "INC-5/page" });
    const at = new Date(fake.posts("incidents")[0]?.createAt ?? 0);
    expect(await mattermost.findPosted(id("incidents"), "INC-5/page", at)).toEqual(posted);
  });

  test("ignores a post someone else made with the same key", async () => {
    const stored = await fake.postAs({ user: "alice", channel: "incidents", message: "copy" });
    stored.props[KEY_PROP] = postKey("INC-6/page");
    expect(await mattermost.findPosted(id("incidents"), "INC-6/page", aMinuteAgo())).toBeNull();
  });

  test("long and non-ASCII keys round-trip through their hash", async () => {
    for (const key of [`INC-7/${"update-".repeat(60)}`, "INC-7/update ü"]) {
      const posted = await mattermost.post(id("incidents"), { text: "k", blocks: [] }, { key });
      expect(await mattermost.findPosted(id("incidents"), key, aMinuteAgo())).toEqual(posted);
    }
    expect(fake.posts("incidents").map((p) => p.props[KEY_PROP])).toEqual([
      expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    ]);
  });

  test("an edit changes the text and buttons but keeps the key findPosted relies on", async () => {
    const since = aMinuteAgo();
    const card: Message = {
      text: "INC-8 open",
      blocks: [
        { type: "header", text: "INC-8 Search is down" },
        { type: "actions", buttons: [{ actionId: "incident.ack", label: "Acknowledge", value: "INC-8" }] },
      ],
    };
    const posted = await mattermost.post(id("incidents"), card, { key: "INC-8/card" });
    await mattermost.update(posted, {
      text: "INC-8 resolved",
      blocks: [
        { type: "header", text: "INC-8 resolved" },
        { type: "actions", buttons: [{ actionId: "incident.reopen", label: "Reopen", value: "INC-8" }] },
      ],
    });
    const [stored] = fake.posts("incidents");
    expect(stored?.message).toContain("INC-8 resolved");
    expect(stored?.editAt).toBeGreaterThan(0);
    expect(stored?.props[KEY_PROP]).toBe("INC-8/card");
    const attachments = stored?.props.attachments as Array<{ actions: Array<Record<string, unknown>> }>;
    const action = attachments[0]?.actions[0] as {
      name: string;
      integration: { url: string; context: unknown };
    };
    expect(action.name).toBe("Reopen");
    expect(action.integration.url).toBe(`${BOT_URL}/mattermost/actions`);
    expect(verifyActionContext(SECRET, action.integration.context)).toEqual({
      actionId: "incident.reopen",
      value: "INC-8",
    });
    expect(await mattermost.findPosted(id("incidents"), "INC-8/card", since)).toEqual(posted);
  });

  test("channel references are rendered as ~name after the name is looked up", async () => {
    await mattermost.post(id("town-square"), msg(`Follow <#${id("incidents")}>, not <#${id("general")}>`));
    const [post] = fake.posts("town-square");
    expect(post?.message).toContain("~incidents");
    expect(post?.message).toContain("~general");
  });

  test("a channel reference of another platform (a Slack id) is shown as its id, never asked about", async () => {
    const before = fake.calls.length;
    await mattermost.post(id("incidents"), msg("INC-1 <#C0123ABCD> and <#inc-2>"));
    expect(fake.calls.slice(before).map((c) => `${c.method} ${c.path}`)).toEqual([
      // The bot's own membership, asked once before its first post there.
      `GET /api/v4/channels/${id("incidents")}/members/${fake.botUserId}`,
      "POST /api/v4/posts",
    ]);
    expect(fake.posts("incidents")[0]?.message).toContain("`C0123ABCD`");
  });

  test("pin pins the post; pinning again is fine", async () => {
    const posted = await mattermost.post(id("incidents"), msg("status card"), { key: "INC-9/card" });
    await mattermost.pin(posted);
    expect(fake.posts("incidents")[0]?.isPinned).toBe(true);
    await mattermost.pin(posted);
    expect(fake.posts("incidents")[0]?.isPinned).toBe(true);
  });
  test("an edit told the key the post was sent with keeps it without reading the post back", async () => {
    const since = aMinuteAgo();
    for (const key of ["INC-9/card", `INC-9/${"card-".repeat(50)}`]) {
      const posted = await mattermost.post(id("incidents"), msg("INC-9 open"), { key });
      const reads = () => fake.calls.filter((c) => c.method === "GET" && c.path.startsWith("/api/v4/posts/"));
      const before = reads().length;
      await mattermost.update(posted, msg("INC-9 *mitigated*"), { key });
      expect(reads().length).toBe(before);
      const stored = fake.posts("incidents").find((p) => p.id === posted.messageId);
      expect(stored?.message).toContain("INC-9 **mitigated**");
      expect(stored?.props[KEY_PROP]).toBe(postKey(key));
      expect(await mattermost.findPosted(id("incidents"), key, since)).toEqual(posted);
    }
  });

  test("an edit without a key reads the post back for it", async () => {
    const posted = await mattermost.post(id("incidents"), msg("v1"), { key: "INC-10/card" });
    await mattermost.update(posted, msg("v2"));
    expect(fake.calls.filter((c) => c.path === `/api/v4/posts/${posted.messageId}`)).toEqual([
      expect.objectContaining({ method: "GET", status: 200 }),
    ]);
    expect(fake.posts("incidents")[0]?.props[KEY_PROP]).toBe("INC-10/card");
  });
});

describe("post where the bot is not a member", () => {
  test("a public channel of its team is joined first, then posted in, with nothing refused", async () => {
    expect(fake.channel("general")?.members.has(fake.botUserId)).toBe(false);
    const posted = await mattermost.post(id("general"), msg("Change request: rotate the TLS certificates"));
    expect(fake.channel("general")?.members.has(fake.botUserId)).toBe(true);
    expect(fake.posts("general").map((p) => p.message)).toEqual([
      expect.stringContaining("rotate the TLS certificates"),
    ]);
    expect(posted).toEqual({ channelId: id("general"), messageId: fake.posts("general")[0]?.id });
    // Joined once: the next post does not ask again.
    const before = fake.calls.length;
    await mattermost.post(id("general"), msg("again"));
    expect(fake.calls.slice(before).map((c) => `${c.method} ${c.path}`)).toEqual(["POST /api/v4/posts"]);
    expect(fake.violations).toEqual([]);
  });

  test("another team's public channel is not joined: refused for good, before any post", async () => {
    ({ fake, mattermost } = await start(
      {
        teams: [{ name: "acme" }, { name: "other" }],
        channels: [
          { name: "town-square", members: ["alice"], botIsMember: true },
          { name: "elsewhere", team: "other", members: ["alice"] },
        ],
      },
      "acme",
    ));
    const elsewhere = fake.channel("elsewhere")?.id as string;
    const err = await platformError(mattermost.post(elsewhere, msg("x")));
    expect(err).toMatchObject({ platformCode: "not_in_channel", retryable: false });
    expect(fake.channel("elsewhere")?.members.has(fake.botUserId)).toBe(false);
    expect(postsAndJoins()).toEqual([]);
  });

  test("a channel that does not exist is refused for good; another platform's id is not even asked", async () => {
    allowed = ["unknown_channel"];
    const missing = "abcdefghijklmnopqrstuvwxyz";
    expect(await platformError(mattermost.post(missing, msg("x")))).toMatchObject({ retryable: false });
    const before = fake.calls.length;
    expect(await platformError(mattermost.post("C0123ABCD", msg("x")))).toMatchObject({
      platformCode: "channel_not_found",
      retryable: false,
    });
    expect(fake.calls.length).toBe(before);
    expect(postsAndJoins()).toEqual([]);
  });
});

describe("openDirect", () => {
  test("opens the same direct channel every time, and posts reach the person", async () => {
    const dm = await mattermost.openDirect("alice");
    expect(await mattermost.openDirect("alice")).toBe(dm);
    expect(await mattermost.openDirect("bob")).not.toBe(dm);
    await mattermost.post(dm, msg("You are on call"));
    expect(fake.dmWith("alice").map((p) => p.message)).toEqual([expect.stringContaining("You are on call")]);
    expect(mattermost.channelUrl(dm)).toBeNull();
  });

  test("an unknown person is a PlatformError, not a channel", async () => {
    const err = await platformError(mattermost.openDirect("nobody-here"));
    expect(err.platformCode).toBe("user_not_found");
  });
});

describe("replyEphemeral", () => {
  const ephemeralCalls = () => fake.calls.filter((c) => c.path === "/api/v4/posts/ephemeral");

  /** A bot endpoint for the slash command that answers at once, so the command has a response URL to use. */
  async function commandServer(): Promise<Server> {
    const server = createServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ response_type: "ephemeral", text: "Working on it" }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    fake.botUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return server;
  }

  test("answers through a slash command's response URL when there is one", async () => {
    const server = await commandServer();
    try {
      const command = await fake.sendSlashCommand({ user: "alice", channel: "incidents", text: "status" });
      await mattermost.replyEphemeral(
        { userId: "alice", conversationId: id("incidents"), responseUrl: command.responseUrl.url },
        msg("Nothing is *open*"),
      );
      expect(command.responseUrl.posts).toHaveLength(1);
      const replies = fake.ephemerals("alice").filter((e) => e.via === "response_url");
      expect(replies.map((e) => e.message)).toEqual([expect.stringContaining("Nothing is **open**")]);
      expect(fake.dmWith("alice")).toEqual([]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test("a response URL that is not this Mattermost's command hook is never contacted: a DM instead", async () => {
    let contacted = 0;
    const elsewhere = createServer((_req, res) => {
      contacted++;
      res.writeHead(200).end();
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, "127.0.0.1", resolve));
    try {
      const port = (elsewhere.address() as AddressInfo).port;
      const hookId = "h".repeat(26);
      const before = fake.calls.length;
      for (const responseUrl of [
        `http://127.0.0.1:${port}/hooks/commands/${hookId}`,
        `${fake.url}/api/v4/users/me`,
        `${fake.url}/hooks/commands/../../api/v4/posts`,
        `${fake.url.replace("http://", "http://user@")}/hooks/commands/${hookId}`,
      ]) {
        await mattermost.replyEphemeral(
          { userId: "alice", conversationId: id("incidents"), responseUrl },
          msg("the answer"),
        );
      }
      expect(contacted).toBe(0);
      const reached = fake.calls.slice(before).map((c) => c.path);
      expect(reached.filter((path) => path.startsWith("/hooks/") || path === "/api/v4/users/me")).toEqual([]);
      expect(fake.dmWith("alice")).toHaveLength(4);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.objectContaining({ responseUrl: expect.stringContaining(String(port)) }),
        expect.stringContaining("not one of this Mattermost's command hooks"),
      );
    } finally {
      await new Promise((resolve) => elsewhere.close(resolve));
    }
  });

  test("an unknown or expired response URL falls back to a DM", async () => {
    allowed = ["response_url_expired"];
    const unknown = `${fake.url}/hooks/commands/${"x".repeat(26)}`;
    await mattermost.replyEphemeral(
      { userId: "alice", conversationId: id("incidents"), responseUrl: unknown },
      msg("late answer"),
    );
    expect(fake.dmWith("alice").map((p) => p.message)).toEqual([expect.stringContaining("late answer")]);
    expect(ephemeralCalls()).toEqual([]);
  });

  test("a response URL used up (5 replies) falls back to a DM for the sixth", async () => {
    allowed = ["response_url_used_up"];
    const server = await commandServer();
    try {
      const command = await fake.sendSlashCommand({ user: "alice", channel: "incidents", text: "status" });
      const to = { userId: "alice", conversationId: id("incidents"), responseUrl: command.responseUrl.url };
      for (let i = 1; i <= 6; i++) await mattermost.replyEphemeral(to, msg(`reply ${i}`));
      expect(command.responseUrl.posts.map((p) => p.status)).toEqual([200, 200, 200, 200, 200, 400]);
      expect(fake.dmWith("alice").map((p) => p.message)).toEqual([expect.stringContaining("reply 6")]);
      expect(ephemeralCalls()).toEqual([]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test("a default bot answers by DM without ever asking for an ephemeral post", async () => {
    await mattermost.replyEphemeral({ userId: "bob", conversationId: id("incidents") }, msg("first"));
    await mattermost.replyEphemeral({ userId: "bob", conversationId: id("incidents") }, msg("second"));
    expect(fake.dmWith("bob").map((p) => p.message)).toEqual([
      expect.stringContaining("first"),
      expect.stringContaining("second"),
    ]);
    expect(fake.ephemerals("bob")).toEqual([]);
    expect(ephemeralCalls()).toEqual([]);
    expect(fake.violations).toEqual([]);
  });

  test("a bot whose roles allow it posts an ephemeral message, not a DM", async () => {
    ({ fake, mattermost } = await start({ botCanPostEphemeral: true }));
    await mattermost.replyEphemeral({ userId: "bob", conversationId: id("incidents") }, msg("Only you"));
    expect(fake.ephemerals("bob")).toEqual([
      expect.objectContaining({
        channelId: id("incidents"),
        via: "api",
        message: expect.stringContaining("Only you"),
      }),
    ]);
    expect(ephemeralCalls().map((c) => c.status)).toEqual([201]);
    expect(fake.dmWith("bob")).toEqual([]);
  });

  test("the permission revoked after start-up: one refusal, then DMs without asking again", async () => {
    ({ fake, mattermost } = await start({ botCanPostEphemeral: true }));
    fake.setRoles(fake.botUsername, "system_user system_post_all");
    await mattermost.replyEphemeral({ userId: "bob", conversationId: id("incidents") }, msg("first"));
    await mattermost.replyEphemeral({ userId: "bob", conversationId: id("incidents") }, msg("second"));
    expect(fake.ephemerals("bob")).toEqual([]);
    expect(fake.dmWith("bob").map((p) => p.message)).toEqual([
      expect.stringContaining("first"),
      expect.stringContaining("second"),
    ]);
    expect(ephemeralCalls().map((c) => c.status)).toEqual([403]);
    // The one refused call is the point of this test: the bot could not know of the revocation before it.
    expect(fake.takeViolations().map((v) => v.rule)).toEqual(["ephemeral_permission"]);
    expect(logger.info).toHaveBeenCalledWith(
      expect.objectContaining({ status: 403 }),
      expect.stringContaining("by DM"),
    );
  });
});

describe("openForm", () => {
  test("opens the dialog for the trigger, with the state signed for the conversation", async () => {
    const trigger = fake.mintTriggerId("alice", "incidents");
    await mattermost.openForm(trigger, form, { userId: "alice", conversationId: id("incidents") });
    const [opened] = fake.dialogs("alice");
    expect(opened?.url).toBe(`${BOT_URL}/mattermost/dialogs`);
    expect(opened?.issues).toEqual([]);
    expect(opened?.dialog).toMatchObject({ callback_id: "declare", submit_label: "Declare" });
    expect(verifyDialogState(SECRET, opened?.dialog.state, "declare")).toMatchObject({
      callbackId: "declare",
      conversationId: id("incidents"),
      state: "from-command",
    });
  });

  test("an expired trigger is a UsageError telling the person to try again", async () => {
    allowed = ["trigger_expired"];
    ({ fake, mattermost } = await start({ triggerTtlMs: 1 }));
    const trigger = fake.mintTriggerId("alice", "incidents");
    await new Promise((resolve) => setTimeout(resolve, 10));
    const err = await mattermost
      .openForm(trigger, form, { userId: "alice", conversationId: id("incidents") })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(/again/);
    expect(fake.dialogs("alice")).toEqual([]);
  });

  test("a trigger already used is a UsageError too", async () => {
    allowed = ["trigger_used"];
    const trigger = fake.mintTriggerId("alice", "incidents");
    const to = { userId: "alice", conversationId: id("incidents") };
    await mattermost.openForm(trigger, form, to);
    await expect(mattermost.openForm(trigger, form, to)).rejects.toBeInstanceOf(UsageError);
  });
});

describe("resolveChannel", () => {
  test("finds a public channel by name and joins it so the bot can post there", async () => {
    expect(fake.channel("general")?.members.has(fake.botUserId)).toBe(false);
    const channelId = await mattermost.resolveChannel("general");
    expect(channelId).toBe(id("general"));
    expect(fake.channel("general")?.members.has(fake.botUserId)).toBe(true);
    await mattermost.post(channelId as string, msg("INC-1 opened"));
    expect(fake.posts("general").map((p) => p.message)).toEqual([expect.stringContaining("INC-1 opened")]);
    expect(mattermost.channelUrl(channelId as string)).toBe(`${fake.url}/${fake.teamName}/channels/general`);
  });

  test("a channel the bot is in is not joined again; answers are remembered", async () => {
    expect(await mattermost.resolveChannel("~incidents")).toBe(id("incidents"));
    const calls = fake.calls.length;
    expect(await mattermost.resolveChannel("incidents")).toBe(id("incidents"));
    expect(fake.calls.length).toBe(calls);
    expect(fake.calls.filter((c) => c.method === "POST" && c.path.endsWith("/members"))).toEqual([]);
  });

  test("null for a channel that does not exist, remembered for a while", async () => {
    expect(await mattermost.resolveChannel("no-such-channel")).toBeNull();
    const calls = fake.calls.length;
    expect(await mattermost.resolveChannel("no-such-channel")).toBeNull();
    expect(fake.calls.length).toBe(calls);
  });

  test("a channel the bot was removed from is joined again when a post is refused, once", async () => {
    allowed = ["post_not_member"];
    const channelId = (await mattermost.resolveChannel("general")) as string;
    fake.channel("general")?.members.delete(fake.botUserId);
    await mattermost.post(channelId, msg("INC-2 opened"));
    expect(fake.posts("general").map((p) => p.message)).toEqual([expect.stringContaining("INC-2 opened")]);
    expect(fake.channel("general")?.members.has(fake.botUserId)).toBe(true);
    expect(fake.takeViolations().map((v) => v.rule)).toEqual(["post_not_member"]);
  });

  test("a found channel is looked at again after five minutes, and joined again if need be", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    try {
      expect(await mattermost.resolveChannel("general")).toBe(id("general"));
      fake.channel("general")?.members.delete(fake.botUserId);
      const calls = fake.calls.length;
      vi.setSystemTime(Date.now() + 4 * 60_000);
      expect(await mattermost.resolveChannel("general")).toBe(id("general"));
      expect(fake.calls.length).toBe(calls);
      vi.setSystemTime(Date.now() + 2 * 60_000);
      expect(await mattermost.resolveChannel("general")).toBe(id("general"));
      expect(fake.channel("general")?.members.has(fake.botUserId)).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  test("a name no channel can have is not asked about", async () => {
    const before = fake.calls.length;
    expect(await mattermost.resolveChannel("Incident Announcements")).toBeNull();
    expect(fake.calls.length).toBe(before);
  });

  test("a private channel the bot is not in is not found", async () => {
    ({ fake, mattermost } = await start({
      channels: [{ name: "secret", type: "P", members: ["alice"] }],
    }));
    expect(await mattermost.resolveChannel("secret")).toBeNull();
  });
});

describe("userInfo and isMember", () => {
  test("userInfo names a person by username, with their full name", async () => {
    expect(await mattermost.userInfo("alice")).toEqual({
      id: "alice",
      name: "Alice Archer",
      isBot: false,
      deleted: false,
    });
    expect(await mattermost.userInfo("@Bob")).toMatchObject({ id: "bob", name: "Bob Baker" });
  });

  test("userInfo tells bots and deactivated people apart, and null for nobody", async () => {
    ({ fake, mattermost } = await start({
      users: [{ username: "alice" }, { username: "gone", displayName: "Gone Away", deleted: true }],
      channels: [],
    }));
    expect(await mattermost.userInfo(fake.botUsername)).toMatchObject({ id: fake.botUsername, isBot: true });
    expect(await mattermost.userInfo("gone")).toMatchObject({ id: "gone", deleted: true });
    expect(await mattermost.userInfo("alice")).toMatchObject({ id: "alice", name: "alice" });
    expect(await mattermost.userInfo("nobody-here")).toBeNull();
  });

  test("names no account can have (reserved, broadcasts, path tricks) are nobody, without asking the server", async () => {
    const before = fake.calls.length;
    for (const name of ["system", "all", "@channel", "matterbot", "..", ".", "a/b", "x".repeat(65), ""]) {
      expect(await mattermost.userInfo(name), name).toBeNull();
      expect(await mattermost.isMember(id("incidents"), name), name).toBe(false);
    }
    await mattermost.invite(id("incidents"), ["..", "system"]);
    expect(fake.calls.length).toBe(before);
  });

  test("another platform's ids are neither channels nor posts here, and the server is not asked", async () => {
    const before = fake.calls.length;
    expect(await mattermost.isMember("C0123ABCD", "alice")).toBe(false);
    expect(await mattermost.fetchMessage("C0123ABCD", "1712345678.000100")).toBeNull();
    expect(await mattermost.fetchMessage(id("incidents"), "abc")).toBeNull();
    expect(mattermost.channelUrl("C0123ABCD")).toBeNull();
    expect(fake.calls.length).toBe(before);
  });

  test("isMember answers per channel and person; unknown people are not members", async () => {
    ({ fake, mattermost } = await start({
      channels: [{ name: "incidents", members: ["alice", "bob"], botIsMember: true }],
    }));
    expect(await mattermost.isMember(id("incidents"), "alice")).toBe(true);
    expect(await mattermost.isMember(id("incidents"), "dana")).toBe(false);
    expect(await mattermost.isMember(id("incidents"), "nobody-here")).toBe(false);
    await mattermost.invite(id("incidents"), ["dana"]);
    expect(await mattermost.isMember(id("incidents"), "dana")).toBe(true);
  });
});

describe("fetchMessage", () => {
  test("reads a person's message as neutral markup, with its author, time and permalink", async () => {
    const stored = await fake.postAs({
      user: "alice",
      channel: "incidents",
      message: "db is slow, @bob look",
    });
    const fetched = await mattermost.fetchMessage(id("incidents"), stored.id);
    expect(fetched).toEqual({
      text: "db is slow, <@bob> look",
      author: "alice",
      at: new Date(stored.createAt).toISOString(),
      link: `${fake.url}/${fake.teamName}/pl/${stored.id}`,
    });
  });

  test("the bot's own posts have no author", async () => {
    const posted = await mattermost.post(id("incidents"), msg("INC-1 opened"));
    const fetched = await mattermost.fetchMessage(id("incidents"), posted.messageId);
    expect(fetched?.author).toBeUndefined();
    expect(fetched?.text).toContain("INC-1 opened");
  });

  test("null for a message of another channel or one that does not exist", async () => {
    allowed = ["unknown_post"];
    const stored = await fake.postAs({ user: "alice", channel: "incidents", message: "hello" });
    expect(await mattermost.fetchMessage(id("town-square"), stored.id)).toBeNull();
    expect(await mattermost.fetchMessage(id("incidents"), "p".repeat(26))).toBeNull();
  });
});

describe("channelUrl", () => {
  test("unknown at first, learnt in the background, then a link to the channel", async () => {
    expect(mattermost.channelUrl(id("town-square"))).toBeNull();
    await vi.waitFor(() =>
      expect(mattermost.channelUrl(id("town-square"))).toBe(
        `${fake.url}/${fake.teamName}/channels/town-square`,
      ),
    );
  });
});

describe("errors the outbox acts on", () => {
  test("429 is retryable after Retry-After", async () => {
    fake.failNext(/^\/api\/v4\/posts$/, { status: 429, retryAfterSec: 3 });
    const err = await platformError(mattermost.post(id("incidents"), msg("x"), { key: "INC-1/page" }));
    expect(err).toMatchObject({ platformCode: "ratelimited", retryable: true, retryAfterMs: 3000 });
    // The outbox's next attempt goes through.
    await mattermost.post(id("incidents"), msg("x"), { key: "INC-1/page" });
    expect(fake.posts("incidents")).toHaveLength(1);
  });

  test("500 and 503 are retryable", async () => {
    fake.failNext(/^\/api\/v4\/posts$/, { status: 500 });
    expect(await platformError(mattermost.post(id("incidents"), msg("x")))).toMatchObject({
      platformCode: "http_500",
      retryable: true,
    });
    fake.failNext(/\/channels\/[^/]+\/posts$/, { status: 503 });
    expect(await platformError(mattermost.findPosted(id("incidents"), "k", aMinuteAgo()))).toMatchObject({
      platformCode: "http_503",
      retryable: true,
    });
  });

  test("a dropped connection is retryable", async () => {
    fake.failNext(/^\/api\/v4\/posts$/, { status: 0, network: true });
    expect(await platformError(mattermost.post(id("incidents"), msg("x")))).toMatchObject({
      platformCode: "unreachable",
      retryable: true,
    });
  });

  test("a post to a private channel the bot is not in is refused for good, without posting", async () => {
    ({ fake, mattermost } = await start({
      channels: [{ name: "secret", type: "P", members: ["alice"] }],
    }));
    // Asking whether it is a member is the one refusal: the bot cannot read the channel at all.
    allowed = ["channel_not_readable"];
    const err = await platformError(mattermost.post(id("secret"), msg("x")));
    expect(err).toMatchObject({ platformCode: "api.context.permissions.app_error", retryable: false });
    expect(postsAndJoins()).toEqual([]);
    expect(fake.channel("secret")?.members.has(fake.botUserId)).toBe(false);
  });
});
