import { describe, expect, it } from "vitest";
import type { FakeMattermost } from "../helpers/fake-mattermost/index.js";
import { eventually } from "../helpers/firebreak.js";
import { mattermostWorld, postText } from "../helpers/mattermost-world.js";

/**
 * Mentions reach Firebreak only over the bot's WebSocket. A network drop in the middle of a conversation must
 * not lose what follows (the client reconnects and the server replays what it missed) nor answer anything twice
 * (a replayed post is the same delivery).
 */
const world = mattermostWorld();
let fake: FakeMattermost;

/** The answers Bob got, one per post, wherever they reached him (ephemeral, or by DM where that is refused). */
const answersTo = (user: string) => [
  ...fake.ephemerals(user).map((e) => e.message),
  ...fake.dmWith(user).map(postText),
];

const count = (all: string[], needle: string) => all.filter((a) => a.includes(needle)).length;

describe("mentions over the WebSocket", { timeout: 30_000 }, () => {
  it("are answered before and after a network drop, none of them twice", async () => {
    ({ fake } = await world.start({ label: "mm-websocket" }));
    await eventually(() => expect(fake.webSocketCount()).toBe(1), 10_000);

    await fake.postAs({
      user: "bob",
      channel: "incidents",
      message: "@firebreak who is on call for search?",
    });
    await eventually(() => expect(count(answersTo("bob"), "owner:")).toBe(1), 10_000);

    fake.dropWebSockets();
    expect(fake.webSocketCount()).toBe(0);
    // Said while the bot is away: the server replays it once the socket is back, and it is answered.
    await fake.postAs({ user: "bob", channel: "incidents", message: "@firebreak help" });
    await eventually(() => expect(fake.webSocketCount()).toBe(1), 15_000);
    await eventually(() => expect(count(answersTo("bob"), "Firebreak commands")).toBe(1), 15_000);

    // And a mention once the socket is surely back is answered too.
    await fake.postAs({ user: "bob", channel: "town-square", message: "@firebreak: who's on call?" });
    await eventually(() => expect(count(answersTo("bob"), "Who is on call")).toBe(1), 10_000);

    // Give a replay of the first mention the time to arrive: it must not be answered again.
    await new Promise((r) => setTimeout(r, 500));
    const answers = answersTo("bob");
    expect(count(answers, "owner:")).toBe(1);
    expect(count(answers, "Firebreak commands")).toBe(1);
    // A person's post that does not mention the bot is nobody's business.
    await fake.postAs({ user: "alice", channel: "incidents", message: "who is on call for search?" });
    await new Promise((r) => setTimeout(r, 300));
    expect(answersTo("alice")).toEqual([]);
    fake.assertNoViolations();
  });

  it("after a server restart (nothing replayed), a mention said meanwhile is read back and answered once", async () => {
    ({ fake } = await world.start({ label: "mm-websocket-restart" }));
    await eventually(() => expect(fake.webSocketCount()).toBe(1), 10_000);
    // A first mention, so the bot knows from when on it may have missed something.
    await fake.postAs({ user: "bob", channel: "incidents", message: "@firebreak help" });
    await eventually(() => expect(count(answersTo("bob"), "Firebreak commands")).toBe(1), 10_000);

    // The server restarts: it forgets the bot's session and replays nothing on reconnect.
    fake.dropWebSockets({ forget: true });
    expect(fake.webSocketCount()).toBe(0);
    await fake.postAs({
      user: "bob",
      channel: "incidents",
      message: "@firebreak who is on call for search?",
    });
    await eventually(() => expect(fake.webSocketCount()).toBe(1), 15_000);
    await eventually(() => expect(count(answersTo("bob"), "owner:")).toBe(1), 15_000);

    // Neither the mention read back nor the one before it is answered a second time.
    await new Promise((r) => setTimeout(r, 500));
    const answers = answersTo("bob");
    expect(count(answers, "owner:")).toBe(1);
    expect(count(answers, "Firebreak commands")).toBe(1);
    fake.assertNoViolations();
  });
});
