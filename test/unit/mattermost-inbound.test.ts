// How the Mattermost inbound side reads what people send: which posts name the bot (a word of its own, as
// Mattermost reads mentions), what is left of the message once the leading mention is cut, and whom Mattermost
// found named in a slash command's text.

import { describe, expect, test } from "vitest";
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
