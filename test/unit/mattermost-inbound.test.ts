// How the Mattermost inbound side reads what people send: which posts name the bot (a word of its own, as
// Mattermost reads mentions), what is left of the message once the leading mention is cut, whom Mattermost
// found named in a slash command's text, and which posts are read back after the WebSocket missed them.

import { describe, expect, test, vi } from "vitest";
import { CATCH_UP_CHANNELS_MAX, postsSince } from "../../src/adapters/mattermost/catch-up.js";
import { commandMentions } from "../../src/adapters/mattermost/inbound.js";
import { botMentionPatterns, webSocketUrl } from "../../src/adapters/mattermost/websocket.js";

const { namesBot, stripBotMention } = botMentionPatterns("firebreak");

describe("a post names the bot", () => {
  test.each([
    "@firebreak help",
    "hey @firebreak, who is on call?",
    "@firebreak: status",
    "(@firebreak) status",
    "@FireBreak status",
    "ping @firebreak.",
    "ping @firebreak_",
    "@firebreak",
  ])("%s", (message) => {
    expect(namesBot.test(message)).toBe(true);
  });

  test.each([
    "@firebreak-ops help",
    "@firebreak.bot help",
    "@firebreak_2 help",
    "mail me at ops@firebreak.example",
    "@here the database is down",
    "firebreak help",
  ])("not %s", (message) => {
    expect(namesBot.test(message)).toBe(false);
  });

  test("a username with regex characters in it is matched literally", () => {
    const { namesBot: dotted } = botMentionPatterns("fire.break");
    expect(dotted.test("@fire.break hi")).toBe(true);
    expect(dotted.test("@fireXbreak hi")).toBe(false);
  });
});

describe("the leading mention is cut", () => {
  test.each([
    ["@firebreak help", "help"],
    ["  @firebreak: who is on call?", "who is on call?"],
    ["@firebreak, status", "status"],
    ["@firebreak", ""],
    // Only a leading one: a mention later in the text is part of what was said.
    ["status for @firebreak", "status for @firebreak"],
    ["@firebreak-ops help", "@firebreak-ops help"],
  ])("%s", (message, rest) => {
    expect(message.replace(stripBotMention, "")).toBe(rest);
  });
});

test("the WebSocket URL follows the site URL's scheme", () => {
  expect(webSocketUrl("https://chat.example.com")).toBe("wss://chat.example.com/api/v4/websocket");
  expect(webSocketUrl("http://127.0.0.1:8065/")).toBe("ws://127.0.0.1:8065/api/v4/websocket");
  expect(webSocketUrl("https://example.com/mattermost")).toBe(
    "wss://example.com/mattermost/api/v4/websocket",
  );
});

describe("the people a slash command names", () => {
  test("one mention arrives as a string, several as lists in the same order as their ids", () => {
    expect(commandMentions({ user_mentions: "bob", user_mentions_ids: "id-bob" })).toEqual([
      { username: "bob", id: "id-bob" },
    ]);
    expect(
      commandMentions({ user_mentions: ["bob", "dana"], user_mentions_ids: ["id-bob", "id-dana"] }),
    ).toEqual([
      { username: "bob", id: "id-bob" },
      { username: "dana", id: "id-dana" },
    ]);
  });

  test("a comma-separated list is read too; names are lower-cased and lose a leading @", () => {
    expect(commandMentions({ user_mentions: "Bob, @dana", user_mentions_ids: "id-bob,id-dana" })).toEqual([
      { username: "bob", id: "id-bob" },
      { username: "dana", id: "id-dana" },
    ]);
  });

  test("ids that do not pair up with the names are not trusted; no field means nobody", () => {
    expect(commandMentions({ user_mentions: ["bob", "dana"], user_mentions_ids: "id-bob" })).toEqual([
      { username: "bob" },
      { username: "dana" },
    ]);
    expect(commandMentions({ text: "ask @bob" })).toEqual([]);
    expect(commandMentions({ user_mentions: [7, ""], user_mentions_ids: [] })).toEqual([]);
  });
});

describe("catching up on what the WebSocket missed", () => {
  const quiet = { debug() {}, info() {}, warn: vi.fn(), error() {} };
  const SINCE = 1_000_000;

  const channel = (id: string, lastPostAt: number, type = "O", deleted = false) => ({
    id,
    type,
    last_post_at: lastPostAt,
    delete_at: deleted ? 5 : 0,
  });
  const post = (id: string, channelId: string, createAt: number, extra: Record<string, unknown> = {}) => ({
    id,
    channel_id: channelId,
    user_id: "u-alice",
    message: `said ${id}`,
    create_at: createAt,
    delete_at: 0,
    ...extra,
  });

  /** A client whose channels and posts are the test's; records which channels' posts were read. */
  function stubClient(channels: ReturnType<typeof channel>[], posts: ReturnType<typeof post>[]) {
    const read: string[] = [];
    const client = {
      getMyChannels: async (teamId: string) => {
        expect(teamId).toBe("team-1");
        return channels;
      },
      getPostsSince: async (channelId: string, since: number, fetchThreads?: boolean) => {
        read.push(channelId);
        // The server reads `since` as "changed after"; a post in the very millisecond must come back too.
        expect(since).toBe(SINCE - 1);
        expect(fetchThreads).toBe(false);
        if (channelId === "broken") throw new Error("500");
        // Newest first, and edited older posts too, as the server answers `since`.
        const inChannel = posts.filter((p) => p.channel_id === channelId).reverse();
        return {
          order: inChannel.map((p) => p.id),
          posts: Object.fromEntries(inChannel.map((p) => [p.id, p])),
        };
      },
    } as unknown as Parameters<typeof postsSince>[0];
    return { client, read };
  }

  test("reads only channels with a post since, and returns the posts created since, oldest first", async () => {
    // Edited older posts come back from `since` too, and so does a deleted one; neither was said meanwhile.
    const { client, read } = stubClient(
      [
        channel("quiet", SINCE - 10),
        channel("same-ms", SINCE),
        channel("busy", SINCE + 30),
        channel("dm", SINCE + 20, "D"),
        channel("archived", SINCE + 50, "O", true),
      ],
      [
        post("old-edited", "busy", SINCE - 5),
        post("b1", "busy", SINCE + 10),
        post("deleted", "busy", SINCE + 12, { delete_at: SINCE + 13 }),
        post("b2", "busy", SINCE + 30),
        post("d1", "dm", SINCE + 20),
        post("s1", "same-ms", SINCE),
      ],
    );
    const missed = await postsSince(client, "team-1", SINCE, quiet);
    expect(read).toEqual(["busy", "dm", "same-ms"]);
    expect(missed.map((m) => [m.post.id, m.channelType])).toEqual([
      ["s1", "O"],
      ["b1", "O"],
      ["d1", "D"],
      ["b2", "O"],
    ]);
  });

  test("reads at most the busiest channels, and goes on past one it cannot read", async () => {
    const channels = Array.from({ length: 30 }, (_, i) => channel(`c${i}`, SINCE + i + 1));
    channels.push(channel("broken", SINCE + 100));
    const { client, read } = stubClient(channels, [post("p29", "c29", SINCE + 30)]);
    const missed = await postsSince(client, "team-1", SINCE, quiet, 5);
    expect(read).toEqual(["broken", "c29", "c28", "c27", "c26"]);
    expect(missed.map((m) => m.post.id)).toEqual(["p29"]);
    expect(quiet.warn).toHaveBeenCalledWith(
      { err: "Error: 500", channelId: "broken" },
      "mattermost: could not catch up on a channel",
    );
  });

  test("reads at most CATCH_UP_CHANNELS_MAX channels when not told otherwise", async () => {
    const channels = Array.from({ length: CATCH_UP_CHANNELS_MAX + 7 }, (_, i) => channel(`c${i}`, SINCE + 1));
    const { client, read } = stubClient(channels, []);
    await postsSince(client, "team-1", SINCE, quiet);
    expect(read).toHaveLength(CATCH_UP_CHANNELS_MAX);
  });
});
