// The directory (usernames ↔ user ids, channel names) against a bare HTTP server that answers like Mattermost
// for any name, so its limits can be reached: what it asks the server, what it never asks, and that what it
// remembers stays bounded however many strangers people name.

import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { createMattermostClient } from "../../src/adapters/mattermost/client.js";
import {
  createDirectory,
  DIRECTORY_CACHE_SIZE,
  type Directory,
  isMattermostId,
  normaliseUsername,
  rememberBounded,
} from "../../src/adapters/mattermost/directory.js";
import type { Logger } from "../../src/core/ports.js";

const logger: Logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };

/** A Mattermost-shaped id for a name: 26 lower-case letters and digits. */
const idFor = (name: string) =>
  createHash("sha256")
    .update(name)
    .digest("hex")
    .replace(/[^a-z0-9]/g, "")
    .slice(0, 26);

let server: Server;
let asked: string[];
let directory: Directory;

beforeEach(async () => {
  asked = [];
  server = createServer((req, res) => {
    const path = req.url ?? "";
    asked.push(path);
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const byName = /^\/api\/v4\/users\/username\/([^/]+)$/.exec(path)?.[1];
    if (byName !== undefined) {
      if (byName.startsWith("nobody")) return answer(404, { id: "app.user.missing_account.const" });
      if (byName.startsWith("odd")) return answer(400, { id: "api.context.invalid_url_param.app_error" });
      return answer(200, { id: idFor(byName), username: byName });
    }
    const channel = /^\/api\/v4\/channels\/([^/]+)$/.exec(path)?.[1];
    if (channel !== undefined) {
      if (!isMattermostId(channel)) return answer(400, { id: "api.context.invalid_url_param.app_error" });
      return answer(200, { id: channel, name: `ch-${channel.slice(0, 4)}` });
    }
    answer(500, { id: "unexpected" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  directory = createDirectory(createMattermostClient(url, "bot-token"), logger);
});

afterEach(async () => {
  vi.useRealTimers();
  await new Promise((resolve) => server.close(resolve));
});

describe("usernames", () => {
  test("one normaliser: trimmed, without the @, lower case", () => {
    expect(normaliseUsername("  @Alice ")).toBe("alice");
  });

  test("names the server cannot hold are nobody, and it is not asked", async () => {
    for (const name of ["system", "@all", "channel", "matterbot", "..", ".", "a/b", "x y", "", "é"]) {
      expect(await directory.idOf(name), name).toBeNull();
    }
    expect(asked).toEqual([]);
  });

  test("a 400 is nobody, like a 404, and both are believed for a while", async () => {
    expect(await directory.idOf("odd-name")).toBeNull();
    expect(await directory.idOf("nobody-here")).toBeNull();
    expect(await directory.idOf("odd-name")).toBeNull();
    expect(await directory.idOf("nobody-here")).toBeNull();
    expect(asked).toHaveLength(2);
  });

  test("user ids that cannot be Mattermost's are not asked about", async () => {
    expect(await directory.usernameOf("U0DANA")).toBeNull();
    expect(await directory.usernameOf("../users/me")).toBeNull();
    expect(asked).toEqual([]);
  });

  test("remember takes only a real id and username", async () => {
    directory.remember({ id: 42, username: "alice" });
    directory.remember({ id: idFor("bob"), username: null });
    directory.remember({ id: "short", username: "carol" });
    directory.remember({ id: idFor("dave"), username: "Dave" });
    expect(await directory.idOf("dave")).toBe(idFor("dave"));
    expect(await directory.usernameOf(idFor("dave"))).toBe("dave");
    expect(asked).toEqual([]);
    expect(await directory.idOf("alice")).toBe(idFor("alice"));
    expect(asked).toHaveLength(1);
  });
});

describe("bounded memory", () => {
  test(`keeps the ${DIRECTORY_CACHE_SIZE} names stored last; the oldest is asked again`, async () => {
    for (let i = 0; i <= DIRECTORY_CACHE_SIZE; i++) await directory.idOf(`person${i}`);
    expect(asked).toHaveLength(DIRECTORY_CACHE_SIZE + 1);
    await directory.idOf(`person${DIRECTORY_CACHE_SIZE}`);
    await directory.idOf("person1");
    expect(asked).toHaveLength(DIRECTORY_CACHE_SIZE + 1);
    await directory.idOf("person0");
    expect(asked).toHaveLength(DIRECTORY_CACHE_SIZE + 2);
  });

  test("misses are bounded too, and an expired one is asked again", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    for (let i = 0; i <= DIRECTORY_CACHE_SIZE; i++) await directory.idOf(`nobody${i}`);
    expect(asked).toHaveLength(DIRECTORY_CACHE_SIZE + 1);
    await directory.idOf("nobody1");
    expect(asked).toHaveLength(DIRECTORY_CACHE_SIZE + 1);
    await directory.idOf("nobody0");
    expect(asked).toHaveLength(DIRECTORY_CACHE_SIZE + 2);
    await directory.idOf(`nobody${DIRECTORY_CACHE_SIZE}`);
    expect(asked).toHaveLength(DIRECTORY_CACHE_SIZE + 2);
    vi.setSystemTime(Date.now() + 61_000);
    await directory.idOf(`nobody${DIRECTORY_CACHE_SIZE}`);
    expect(asked).toHaveLength(DIRECTORY_CACHE_SIZE + 3);
  });

  test("rememberBounded forgets the least recently stored first", () => {
    const map = new Map<string, number>();
    for (const [k, v] of [
      ["a", 1],
      ["b", 2],
      ["c", 3],
    ] as const)
      rememberBounded(map, k, v, 3);
    rememberBounded(map, "a", 4, 3);
    rememberBounded(map, "d", 5, 3);
    expect([...map.keys()]).toEqual(["c", "a", "d"]);
  });
});

describe("channel names", () => {
  test("another platform's channel ids are not asked about; Mattermost's are, once", async () => {
    const ours = idFor("incidents");
    await directory.learnChannelNames(["C0123ABCD", "not an id", ours, ours]);
    expect(asked).toEqual([`/api/v4/channels/${ours}`]);
    expect(directory.channelName(ours)).toBe(`ch-${ours.slice(0, 4)}`);
    expect(directory.channelName("C0123ABCD")).toBeUndefined();
    await directory.learnChannelNames([ours]);
    expect(asked).toHaveLength(1);
  });
});
