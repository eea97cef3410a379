// The Mattermost client's transport and error translation against a bare HTTP server that answers what a
// real server, its rate limiter or a proxy in front of it would: the outbox schedules retries from what
// translateMattermostError says (retryable or not, how long to wait), so each answer is pinned down here.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import mm from "@mattermost/client";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import {
  createMattermostClient,
  type MattermostClient,
  translateMattermostError,
} from "../../src/adapters/mattermost/client.js";
import { fetchMattermostIdentity } from "../../src/adapters/mattermost/identity.js";
import { ConfigError, NameTakenError, PlatformError } from "../../src/core/errors.js";

type Answer = (req: IncomingMessage, res: ServerResponse, body: string) => void;

let server: Server;
let answer: Answer;
let siteUrl: string;
let client: MattermostClient;
const seen: Array<{ method?: string; url?: string; headers: IncomingMessage["headers"]; body: string }> = [];

beforeEach(async () => {
  seen.length = 0;
  answer = (_req, res) => json(res, 200, {});
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on("end", () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      answer(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  siteUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = createMattermostClient(`${siteUrl}/`, "bot-token");
});

afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "Content-Type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

/** The error a Client4 call failed with, as translateMattermostError turns it. */
async function translated(run: () => Promise<unknown>, channelName?: string): Promise<PlatformError> {
  try {
    await run();
  } catch (err) {
    try {
      translateMattermostError(err, "getMe", channelName);
    } catch (out) {
      expect(out).toBeInstanceOf(PlatformError);
      return out as PlatformError;
    }
  }
  throw new Error("expected the call to fail");
}

describe("the client", () => {
  test("sends the bot token and reads JSON answers", async () => {
    answer = (_req, res) => json(res, 200, { id: "u1", username: "firebreak" });
    const me = await client.getMe();
    expect(me).toMatchObject({ id: "u1", username: "firebreak" });
    expect(seen[0]?.url).toBe("/api/v4/users/me");
    expect(seen[0]?.headers.authorization).toMatch(/^bearer bot-token$/i);
  });

  test("openDialog POSTs trigger, url and dialog to /actions/dialogs/open", async () => {
    answer = (_req, res) => json(res, 200, { status: "OK" });
    const dialog = {
      callback_id: "cb",
      title: "Declare",
      submit_label: "Open",
      notify_on_cancel: false,
      state: "s",
      elements: [{ name: "title", display_name: "Title", type: "text" }],
    };
    await client.openDialog("trigger-1", "https://bot.example/mattermost/dialogs", dialog);
    expect(seen[0]).toMatchObject({ method: "POST", url: "/api/v4/actions/dialogs/open" });
    expect(seen[0]?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(seen[0]?.body ?? "")).toEqual({
      trigger_id: "trigger-1",
      url: "https://bot.example/mattermost/dialogs",
      dialog,
    });
  });
});

describe("translateMattermostError", () => {
  test("429 with Retry-After (the rate limiter answers plain text) is retryable after that long", async () => {
    answer = (_req, res) => {
      res.writeHead(429, { "Content-Type": "text/plain; charset=utf-8", "Retry-After": "7" });
      res.end("limit exceeded\n");
    };
    const err = await translated(() => client.getMe());
    expect(err).toMatchObject({ platformCode: "ratelimited", retryable: true, retryAfterMs: 7000 });
  });

  test("429 without Retry-After waits one second", async () => {
    answer = (_req, res) => json(res, 429, { id: "api.rate_limit", message: "slow down", status_code: 429 });
    const err = await translated(() => client.getMe());
    expect(err).toMatchObject({ platformCode: "ratelimited", retryable: true, retryAfterMs: 1000 });
  });

  test("5xx, even as a proxy's HTML page, is retryable and names the status", async () => {
    answer = (_req, res) => {
      res.writeHead(502, { "Content-Type": "text/html" });
      res.end("<html><body>Bad Gateway</body></html>");
    };
    const err = await translated(() => client.getMe());
    expect(err).toMatchObject({ platformCode: "http_502", retryable: true });
    expect(err.retryAfterMs).toBeUndefined();
    answer = (_req, res) => json(res, 500, { id: "app.internal", message: "boom", status_code: 500 });
    expect(await translated(() => client.getMe())).toMatchObject({
      platformCode: "http_500",
      retryable: true,
    });
  });

  test("a taken channel name is a NameTakenError naming the channel", async () => {
    answer = (_req, res) =>
      json(res, 400, {
        id: "store.sql_channel.save_channel.exists.app_error",
        message: "A channel with that name already exists on the same team.",
        status_code: 400,
      });
    const err = await translated(
      () => client.createChannel({ team_id: "t", name: "inc-1", display_name: "INC-1", type: "O" }),
      "inc-1",
    );
    expect(err).toBeInstanceOf(NameTakenError);
    expect(err.message).toContain('"inc-1"');
    expect(err.retryable).toBe(false);
  });

  test("any other refusal is final and carries Mattermost's error id", async () => {
    answer = (_req, res) =>
      json(res, 403, {
        id: "api.context.permissions.app_error",
        message: "You do not have the appropriate permissions.",
        status_code: 403,
      });
    const err = await translated(() => client.getMe());
    expect(err).toMatchObject({ platformCode: "api.context.permissions.app_error", retryable: false });
    expect(err.message).toContain("HTTP 403");
    expect(err.message).toContain("getMe");
  });

  test("a server out of reach is retryable", async () => {
    const closed = createMattermostClient("http://127.0.0.1:1", "bot-token");
    const err = await translated(() => closed.getMe());
    expect(err).toMatchObject({ platformCode: "unreachable", retryable: true });
  });

  test("a refusal that is not JSON still carries its HTTP status: a final refusal named by it", async () => {
    answer = (_req, res) => {
      res.writeHead(418, { "Content-Type": "text/html" });
      res.end("<html>I'm a teapot</html>");
    };
    const err = await translated(() => client.getMe());
    expect(err).toMatchObject({ platformCode: "http_418", retryable: false });
    expect(err.message).toContain("teapot");
  });

  test("our own errors pass through unchanged; anything else thrown is taken for a server out of reach", () => {
    const ours = new PlatformError("x", "mine", false);
    expect(() => translateMattermostError(ours, "getMe")).toThrow(ours);
    const foreign = new mm.ClientError(siteUrl, { message: "Received invalid response from the server." });
    expect(() => translateMattermostError(foreign, "getMe")).toThrow(
      expect.objectContaining({ platformCode: "unreachable", retryable: true }),
    );
  });
});

describe("fetchMattermostIdentity", () => {
  test("a server that stays unreachable is retried, then a ConfigError names MATTERMOST_URL", async () => {
    const closed = createMattermostClient("http://127.0.0.1:1", "bot-token");
    const err = await fetchMattermostIdentity(closed, { attempts: 2, delayMs: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain("MATTERMOST_URL");
    expect((err as Error).message).toContain("2 attempts");
  });

  test("a 503 at start-up is retried until the server answers", async () => {
    let calls = 0;
    answer = (req, res) => {
      calls++;
      if (calls === 1) return json(res, 503, { message: "starting", status_code: 503 });
      if (req.url === "/api/v4/users/me") return json(res, 200, { id: "bot1", username: "firebreak" });
      return json(res, 200, [{ id: "team1", name: "acme" }]);
    };
    const identity = await fetchMattermostIdentity(client, { attempts: 3, delayMs: 1 });
    expect(identity).toEqual({
      userId: "bot1",
      username: "firebreak",
      teamId: "team1",
      teamName: "acme",
      canPostEphemeral: false,
    });
  });

  test("a refused token is a ConfigError naming MATTERMOST_BOT_TOKEN, without retrying", async () => {
    answer = (_req, res) =>
      json(res, 401, {
        id: "api.context.session_expired.app_error",
        message: "Invalid token.",
        status_code: 401,
      });
    const err = await fetchMattermostIdentity(client, { attempts: 3, delayMs: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain("MATTERMOST_BOT_TOKEN");
    expect(seen).toHaveLength(1);
  });

  test("several teams and no MATTERMOST_TEAM is a ConfigError naming them", async () => {
    answer = (req, res) =>
      req.url === "/api/v4/users/me"
        ? json(res, 200, { id: "bot1", username: "firebreak" })
        : json(res, 200, [
            { id: "team1", name: "acme" },
            { id: "team2", name: "globex" },
          ]);
    const err = await fetchMattermostIdentity(client).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/"acme".*"globex"/);
    expect((err as Error).message).toContain("MATTERMOST_TEAM");
  });

  test("a site URL that is not Mattermost's is a ConfigError naming MATTERMOST_URL", async () => {
    answer = (_req, res) => {
      res.writeHead(200, { "Content-Type": "text/html" });
      res.end("<html>welcome</html>");
    };
    const err = await fetchMattermostIdentity(client, { attempts: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain("MATTERMOST_URL");
  });

  test("a team named in MATTERMOST_TEAM that the bot is not in is a ConfigError listing its teams", async () => {
    answer = (req, res) =>
      req.url === "/api/v4/users/me"
        ? json(res, 200, { id: "bot1", username: "firebreak" })
        : json(res, 200, [{ id: "team1", name: "acme" }]);
    const err = await fetchMattermostIdentity(client, { team: "globex" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain("MATTERMOST_TEAM");
    expect((err as Error).message).toContain('"acme"');
    const chosen = await fetchMattermostIdentity(client, { team: "ACME" });
    expect(chosen.teamId).toBe("team1");
  });
});
