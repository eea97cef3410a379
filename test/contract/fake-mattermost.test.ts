// Contract tests of the fake Mattermost: (1) it is checked against Mattermost's published OpenAPI sources, and
// (2) every answer and rejection the bot relies on reaches the real clients it uses, @mattermost/client 11.9.0's
// Client4 and WebSocketClient, the way a real server's would. If the specs folder is absent, the cross-check
// tests say so in their names and pass vacuously; everything else still runs on the fake's own rules.

import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import mm from "@mattermost/client";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { WebSocket } from "ws";
import {
  type FakeMattermost,
  type FakeMattermostOptions,
  goDuration,
  loadMattermostSpec,
  POST_MESSAGE_MAX_RUNES,
  ROUTES,
  SPEC_ERRATA,
  type StoredPost,
  startFakeMattermost,
} from "../helpers/fake-mattermost/index.js";

const { Client4, WebSocketClient } = mm;

// WebSocketClient reads these from the global scope; Node 20 has neither.
globalThis.WebSocket ??= WebSocket as unknown as typeof globalThis.WebSocket;
if (typeof globalThis.CloseEvent === "undefined") {
  class CloseEventShim extends Event {
    code = 0;
  }
  globalThis.CloseEvent = CloseEventShim as unknown as typeof CloseEvent;
}

const spec = loadMattermostSpec();
const SKIP = "SKIPPED: ../shared/specs/mattermost absent";
/** Names a spec-dependent test so a run without the specs shows what was not checked. */
const specTest = (name: string) => (spec ? name : `${name} (${SKIP})`);

/** Client4 has no openInteractiveDialog; its `doFetch` is protected, so the bot subclasses it the same way. */
class BotClient extends Client4 {
  openDialog(body: unknown): Promise<unknown> {
    return this.doFetch(`${this.getBaseRoute()}/actions/dialogs/open`, {
      method: "post",
      body: JSON.stringify(body),
    });
  }
}

let fake: FakeMattermost;
const started: FakeMattermost[] = [];
const closers: Array<() => Promise<void> | void> = [];

async function start(options: FakeMattermostOptions = {}): Promise<FakeMattermost> {
  const f = await startFakeMattermost(options);
  started.push(f);
  return f;
}

beforeEach(async () => {
  fake = await start();
});

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await Promise.all(started.splice(0).map((f) => f.close()));
  vi.restoreAllMocks();
});

function client(f: FakeMattermost = fake, token: string = f.botToken): BotClient {
  const c = new BotClient();
  c.setUrl(f.url);
  c.setToken(token);
  return c;
}

interface ClientErrorShape {
  message: string;
  server_error_id?: string;
  status_code?: number;
  detailed_error?: string;
}

/** The ClientError a Client4 call was rejected with. */
async function rejected(call: Promise<unknown>): Promise<ClientErrorShape> {
  try {
    await call;
  } catch (err) {
    return err as ClientErrorShape;
  }
  throw new Error("expected the call to be rejected");
}

/** Rejected with `status` and `id`, and recorded as a violation under `rule`. */
async function expectRefused(call: Promise<unknown>, status: number, id: string, rule: string) {
  const err = await rejected(call);
  expect(err.status_code).toBe(status);
  expect(err.server_error_id).toBe(id);
  const v = fake.violations.at(-1);
  expect(v?.rule).toBe(rule);
  expect(v?.status).toBe(status);
  return err;
}

async function raw(
  method: string,
  path: string,
  options: { body?: unknown; auth?: string | null; f?: FakeMattermost } = {},
): Promise<Response> {
  const f = options.f ?? fake;
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  const auth = options.auth === undefined ? `Bearer ${f.botToken}` : options.auth;
  if (auth !== null) headers.Authorization = auth;
  return fetch(`${f.url}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
}

interface BotRequest {
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/** A stand-in for the bot's HTTP server: records what Mattermost sends and answers with `reply`. */
async function botServer(
  reply: (req: BotRequest) => { status?: number; contentType?: string; body?: string },
): Promise<{ url: string; requests: BotRequest[] }> {
  const requests: BotRequest[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const r: BotRequest = {
      path: req.url ?? "/",
      headers: req.headers,
      body: Buffer.concat(chunks).toString(),
    };
    requests.push(r);
    const answer = reply(r);
    res.writeHead(answer.status ?? 200, { "Content-Type": answer.contentType ?? "application/json" });
    res.end(answer.body ?? "");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

const json = (value: unknown) => ({ body: JSON.stringify(value) });

const button = (id: string, name: string, url: string, context: Record<string, unknown> = { a: id }) => ({
  id,
  type: "button",
  name,
  integration: { url, context },
});

async function botPostsButton(channelId: string, url: string, id = "ack0"): Promise<StoredPost> {
  const created = await client().createPost({
    channel_id: channelId,
    message: "INC-1 needs you",
    props: { attachments: [{ text: "", actions: [button(id, "Acknowledge", url)] }] },
  } as never);
  const stored = fake.channelById(channelId) && fake.posts(fake.channelById(channelId)?.name ?? "");
  const post = stored?.find((p) => p.id === created.id);
  if (!post) throw new Error("the post was not stored");
  return post;
}

const incidents = () => fake.channel("incidents")?.id ?? "";
const general = () => fake.channel("general")?.id ?? "";

// ----------------------------------------------------------------------------------------------------------

describe("fake Mattermost vs the published OpenAPI sources", () => {
  test(specTest("every REST endpoint the fake serves is in the spec with that method"), () => {
    if (!spec) return;
    const missing = ROUTES.filter(
      (r) => !spec.operations.some((o) => o.template === r.template && o.method === r.method.toLowerCase()),
    ).map((r) => `${r.method} ${r.template}`);
    expect(missing).toEqual([]);
  });

  test(specTest("each endpoint answers success with a status the spec declares"), () => {
    if (!spec) return;
    const wrong = ROUTES.filter((r) => {
      const op = spec.operations.find(
        (o) => o.template === r.template && o.method === r.method.toLowerCase(),
      );
      return !op?.responses.includes(String(r.status));
    }).map((r) => `${r.method} ${r.template} -> ${r.status}`);
    expect(wrong).toEqual([]);
    // Creation answers 201, as Client4 does not care but the spec (and Mattermost) say.
    expect(ROUTES.find((r) => r.template === "/api/v4/posts" && r.method === "POST")?.status).toBe(201);
    expect(ROUTES.find((r) => r.template === "/api/v4/channels" && r.method === "POST")?.status).toBe(201);
  });

  test(specTest("each erratum still corrects something the sources say"), () => {
    if (!spec) return;
    expect(spec.errataFound).toEqual(SPEC_ERRATA.map(() => true));
  });

  test(specTest("a body the spec rejects is refused and recorded"), async () => {
    if (!spec) return;
    // `message` is required by the spec; Client4 sends whatever it is given.
    await expectRefused(
      client().createPost({ channel_id: incidents() } as never),
      400,
      "api.context.invalid_body_param.app_error",
      "request_body_schema",
    );
    expect(fake.violations.at(-1)?.kind).toBe("spec");
    expect(fake.violations.at(-1)?.message).toContain("message");
    expect(fake.posts("incidents")).toEqual([]);
  });

  test(
    specTest("an endpoint the spec knows but the fake does not model answers 501 and is recorded"),
    async () => {
      if (!spec) return;
      const err = await rejected(client().addReaction(fake.botUserId, "x".repeat(26), "eyes"));
      expect(err.status_code).toBe(501);
      expect(fake.violations.at(-1)).toMatchObject({ kind: "not_modelled", rule: "endpoint_not_modelled" });
      expect(fake.violations.at(-1)?.message).toContain("reactions.yaml");
    },
  );

  test(specTest("query parameters are read against their schema, as the server parses them"), async () => {
    if (!spec) return;
    const posts = `/api/v4/channels/${incidents()}/posts`;
    expect((await raw("GET", `${posts}?since=1732000000000&per_page=60&page=0`)).status).toBe(200);
    for (const query of ["since=yesterday", "per_page=many", "page=1.5"]) {
      const res = await raw("GET", `${posts}?${query}`);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ id: "api.context.invalid_url_param.app_error" });
      expect(fake.violations.at(-1)).toMatchObject({ kind: "spec", rule: "request_parameter_schema" });
      expect(fake.violations.at(-1)?.message).toContain(query.split("=")[0]);
    }
    // Parameters the operation does not declare are none of the spec's business (Client4 adds a few).
    expect((await raw("GET", `${posts}?collapsedThreads=false&skipFetchThreads=x`)).status).toBe(200);
  });

  test(specTest("a body the spec requires cannot be left out"), async () => {
    if (!spec) return;
    const op = spec.find("POST", "/api/v4/posts");
    expect(op?.requestBodyRequired).toBe(true);
    const res = await raw("POST", "/api/v4/posts");
    expect(res.status).toBe(400);
    expect(fake.violations.at(-1)).toMatchObject({ kind: "spec", rule: "request_body_missing" });
  });

  test("an endpoint nobody knows answers 404 like Mattermost and is recorded", async () => {
    const res = await raw("GET", "/api/v4/no/such/thing");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ id: "api.context.404.app_error", status_code: 404 });
    expect(fake.violations.at(-1)).toMatchObject({ kind: "not_modelled", rule: "unknown_endpoint" });
  });

  test("without the specs the fake still serves, on its own rules", async () => {
    const bare = await start({ specDir: false });
    expect(bare.spec).toBeUndefined();
    const me = await client(bare).getMe();
    expect(me.username).toBe("firebreak");
    const err = await rejected(
      client(bare).createChannel({
        team_id: bare.teamId,
        name: "Bad Name",
        display_name: "x",
        type: "O",
      } as never),
    );
    expect(err.status_code).toBe(400);
    expect(bare.violations.at(-1)?.rule).toBe("channel_name");
  });
});

describe("HTTP conventions Client4 depends on", () => {
  test("JSON answers, errors included, carry exactly `Content-Type: application/json`", async () => {
    const ok = await raw("GET", "/api/v4/users/me");
    expect(ok.headers.get("content-type")).toBe("application/json");
    const missing = await raw("GET", `/api/v4/channels/${"z".repeat(26)}`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toBe("application/json");
    const body = await missing.json();
    expect(Object.keys(body).sort()).toEqual([
      "detailed_error",
      "id",
      "message",
      "request_id",
      "status_code",
    ]);
  });

  test("the auth scheme is matched case-insensitively (Client4 sends BEARER) and Token works too", async () => {
    for (const scheme of ["BEARER", "Bearer", "bearer", "Token"]) {
      const res = await raw("GET", "/api/v4/users/me", { auth: `${scheme} ${fake.botToken}` });
      expect(res.status, scheme).toBe(200);
    }
    const query = await fetch(`${fake.url}/api/v4/users/me?access_token=${fake.botToken}`);
    expect(query.status).toBe(200);
    const me = await client().getMe();
    expect(me.id).toBe(fake.botUserId);
    fake.assertNoViolations();
  });

  test("a wrong or missing token is a 401 ClientError", async () => {
    await expectRefused(
      client(fake, "not-the-token").getMe(),
      401,
      "api.context.session_expired.app_error",
      "token_refused",
    );
    const res = await raw("GET", "/api/v4/users/me", { auth: null });
    expect(res.status).toBe(401);
    expect(fake.violations.at(-1)?.rule).toBe("token_missing");
  });

  test("ids and names in the path are checked first, as the server's handlers do: 400, not 404", async () => {
    const cases: Array<[string, string]> = [
      [`/api/v4/channels/C0123ABCD`, "channel_id"],
      [`/api/v4/channels/${"Z".repeat(26)}`, "channel_id"],
      [`/api/v4/posts/${"p".repeat(25)}`, "post_id"],
      [`/api/v4/users/U0DANA`, "user_id"],
      [`/api/v4/teams/acme`, "team_id"],
      [`/api/v4/users/username/system`, "username"],
      [`/api/v4/users/username/all`, "username"],
      [`/api/v4/users/username/Alice`, "username"],
      [`/api/v4/teams/${fake.teamId}/channels/name/Town%20Square`, "channel_name"],
      [`/api/v4/teams/name/x`, "name"],
    ];
    for (const [path, param] of cases) {
      const res = await raw("GET", path);
      expect(res.status, path).toBe(400);
      expect(await res.json()).toMatchObject({
        id: "api.context.invalid_url_param.app_error",
        message: `Invalid or missing ${param} parameter in request URL.`,
      });
      expect(fake.violations.at(-1)).toMatchObject({ kind: "invalid_request", rule: `url_param_${param}` });
    }
    // Well-formed ids of nothing are the handler's to answer (404), and `me` is the caller.
    expect((await raw("GET", `/api/v4/channels/${"z".repeat(26)}`)).status).toBe(404);
    expect((await raw("GET", "/api/v4/users/me")).status).toBe(200);
    // Client4 reports it the same way.
    const err = await rejected(client().getChannel("C0123ABCD"));
    expect(err).toMatchObject({
      status_code: 400,
      server_error_id: "api.context.invalid_url_param.app_error",
    });
  });

  test("every call is recorded with its method, path, body and status", async () => {
    await client().createPost({ channel_id: incidents(), message: "hello" } as never);
    const call = fake.calls.at(-1);
    expect(call).toMatchObject({ method: "POST", path: "/api/v4/posts", status: 201 });
    expect(call?.body).toMatchObject({ channel_id: incidents(), message: "hello" });
  });

  test("failNext answers 429 as the rate limiter does: plain text, so Client4's error has no status_code", async () => {
    fake.failNext(/^\/api\/v4\/posts$/, { status: 429, retryAfterSec: 3 });
    const res = await raw("POST", "/api/v4/posts", { body: { channel_id: incidents(), message: "x" } });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("3");
    expect(await res.text()).toBe("limit exceeded\n");

    fake.failNext(/^\/api\/v4\/posts$/, { status: 429 });
    const err = await rejected(client().createPost({ channel_id: incidents(), message: "x" } as never));
    expect(err.status_code).toBeUndefined();
    expect(err.message).toBe("");
    expect(fake.calls.at(-1)).toMatchObject({ status: 429, fault: "rate_limited" });
    // Faults are injected, not the bot's doing.
    fake.assertNoViolations();
  });

  test("failNext answers other statuses as AppErrors, `times` in a row, then the real answer", async () => {
    fake.failNext(/\/users\/me$/, { status: 503, times: 2 });
    expect((await rejected(client().getMe())).status_code).toBe(503);
    expect((await rejected(client().getMe())).status_code).toBe(503);
    expect((await client().getMe()).username).toBe("firebreak");
  });

  test("failNext can drop the connection unanswered", async () => {
    fake.failNext(/\/users\/me$/, { status: 0, network: true });
    await expect(client().getMe()).rejects.toThrow();
    expect(fake.calls.at(-1)?.fault).toBe("network");
  });
});

describe("users and teams", () => {
  test("the bot, people by id, username and ids, and the bot's teams", async () => {
    const c = client();
    const me = await c.getMe();
    expect(me).toMatchObject({ username: "firebreak", is_bot: true, id: fake.botUserId });
    expect(me.id).toMatch(/^[a-z0-9]{26}$/);
    const alice = await c.getUserByUsername("alice");
    expect(alice).toMatchObject({ id: fake.user("alice").id, first_name: "Alice", last_name: "Archer" });
    expect((await c.getUser(alice.id)).username).toBe("alice");
    const many = await c.getProfilesByIds([alice.id, fake.user("bob").id, "q".repeat(26)]);
    expect(many.map((u) => u.username).sort()).toEqual(["alice", "bob"]);
    const teams = await c.getMyTeams();
    expect(teams.map((t) => t.name)).toEqual(["acme"]);
    expect((await c.getTeamsForUser(fake.botUserId)).map((t) => t.id)).toEqual([fake.teamId]);
    expect((await c.getTeamByName("acme")).id).toBe(fake.teamId);
    expect((await c.getTeam(fake.teamId)).name).toBe("acme");
    fake.assertNoViolations();
  });

  test("looking up someone or a team that does not exist is a 404, not a violation", async () => {
    const c = client();
    expect((await rejected(c.getUserByUsername("ghost"))).status_code).toBe(404);
    expect((await rejected(c.getUser("q".repeat(26)))).server_error_id).toBe(
      "app.user.missing_account.const",
    );
    expect((await rejected(c.getTeamByName("nope"))).server_error_id).toBe(
      "app.team.get_by_name.missing.app_error",
    );
    expect(fake.violations).toEqual([]);
  });

  test("several teams, or a bot in none, as configured", async () => {
    const multi = await start({
      teams: [{ name: "acme" }, { name: "beta" }, { name: "gamma", botIsMember: false }],
    });
    expect((await client(multi).getMyTeams()).map((t) => t.name).sort()).toEqual(["acme", "beta"]);
    expect((await rejected(client(multi).getTeamByName("gamma"))).status_code).toBe(403);
    const lonely = await start({ teams: [{ name: "acme", botIsMember: false }] });
    expect(await client(lonely).getMyTeams()).toEqual([]);
  });
});

describe("roles", () => {
  const defaultRoles = [
    "channel_admin",
    "channel_guest",
    "channel_user",
    "system_admin",
    "system_guest",
    "system_post_all",
    "system_post_all_public",
    "system_user",
    "system_user_access_token",
    "team_admin",
    "team_guest",
    "team_post_all",
    "team_post_all_public",
    "team_user",
  ];

  test("users/me names the bot's roles: system_user system_post_all, plus system_admin when granted", async () => {
    expect((await client().getMe()).roles).toBe("system_user system_post_all");
    expect((await client().getUserByUsername("alice")).roles).toBe("system_user");
    const admin = await start({ botCanPostEphemeral: true });
    expect((await client(admin).getMe()).roles).toBe("system_user system_post_all system_admin");
  });

  test("POST /roles/names answers Role objects as @mattermost/types declares them", async () => {
    const roles = await client().getRolesByNames(["system_user", "system_post_all"]);
    expect(roles.map((r) => r.name).sort()).toEqual(["system_post_all", "system_user"]);
    for (const role of roles) {
      expect(Object.keys(role).sort()).toEqual(
        [
          "built_in",
          "create_at",
          "delete_at",
          "description",
          "display_name",
          "id",
          "name",
          "permissions",
          "scheme_managed",
          "update_at",
        ].sort(),
      );
      expect(role.id).toMatch(/^[a-z0-9]{26}$/);
      expect(role.display_name).toMatch(/^authentication\.roles\..+\.name$/);
      expect(role.permissions.length).toBeGreaterThan(0);
      expect(role.delete_at).toBe(0);
    }
    expect(roles.find((r) => r.name === "system_post_all")?.permissions).toEqual([
      "create_post",
      "use_channel_mentions",
    ]);
    const ids = (await client().getRolesByNames(["system_user"])).map((r) => r.id);
    expect(ids).toEqual([roles.find((r) => r.name === "system_user")?.id]);
    fake.assertNoViolations();
  });

  test("of the default roles only system_admin grants create_post_ephemeral", async () => {
    const roles = await client().getRolesByNames(defaultRoles);
    expect(roles.map((r) => r.name).sort()).toEqual(defaultRoles);
    expect(roles.filter((r) => r.permissions.includes("create_post_ephemeral")).map((r) => r.name)).toEqual([
      "system_admin",
    ]);
    const admin = roles.find((r) => r.name === "system_admin");
    for (const role of roles) {
      for (const permission of role.permissions) expect(admin?.permissions).toContain(permission);
    }
    expect(roles.find((r) => r.name === "system_user")?.permissions).toContain("create_direct_channel");
    expect(roles.find((r) => r.name === "channel_user")?.permissions).toContain("create_post");
    fake.assertNoViolations();
  });

  test("unknown names are left out, duplicates answered once, blank names skipped", async () => {
    const roles = await client().getRolesByNames(["system_user", "no_such_role", "system_user", " "]);
    expect(roles.map((r) => r.name)).toEqual(["system_user"]);
    expect(await client().getRolesByNames([""])).toEqual([]);
    fake.assertNoViolations();
  });

  test("an empty list, a malformed name or more than 100 names are refused with a 400", async () => {
    await expectRefused(
      client().getRolesByNames([]),
      400,
      "api.context.invalid_body_param.app_error",
      "role_names_empty",
    );
    await expectRefused(
      client().getRolesByNames(["system_user", "System-Admin"]),
      400,
      "api.context.invalid_body_param.app_error",
      "role_name",
    );
    await expectRefused(
      client().getRolesByNames(["x".repeat(65)]),
      400,
      "api.context.invalid_body_param.app_error",
      "role_name",
    );
    await expectRefused(
      client().getRolesByNames(Array.from({ length: 101 }, (_, i) => `role_${i}`)),
      400,
      "api.roles.get_multiple_by_name_too_many.request_error",
      "role_names_too_many",
    );
    expect((await client().getRolesByNames(Array.from({ length: 100 }, (_, i) => `role_${i}`))).length).toBe(
      0,
    );
  });

  test(specTest("a body that is not an array of strings breaks the spec"), async () => {
    if (!spec) return;
    const res = await raw("POST", "/api/v4/roles/names", { body: { names: ["system_user"] } });
    expect(res.status).toBe(400);
    expect(fake.violations.at(-1)).toMatchObject({ kind: "spec", rule: "request_body_schema" });
  });

  test("needs a session, like every other route", async () => {
    const res = await raw("POST", "/api/v4/roles/names", { body: ["system_user"], auth: null });
    expect(res.status).toBe(401);
    expect(fake.violations.at(-1)).toMatchObject({ kind: "auth", rule: "token_missing" });
  });
});

describe("channels", () => {
  const create = (name: string, display_name = "Incident", extra: Record<string, unknown> = {}) =>
    client().createChannel({ team_id: fake.teamId, name, display_name, type: "O", ...extra } as never);

  test("creating one answers 201 with the channel, the bot a member; it is found by id and by name", async () => {
    const res = await raw("POST", "/api/v4/channels", {
      body: { team_id: fake.teamId, name: "inc-1-db-down", display_name: "INC-1 DB down", type: "P" },
    });
    expect(res.status).toBe(201);
    const channel = await res.json();
    expect(channel).toMatchObject({ name: "inc-1-db-down", display_name: "INC-1 DB down", type: "P" });
    expect(fake.channel("inc-1-db-down")?.members.has(fake.botUserId)).toBe(true);
    expect((await client().getChannel(channel.id)).name).toBe("inc-1-db-down");
    expect((await client().getChannelByName(fake.teamId, "inc-1-db-down")).id).toBe(channel.id);
    // The server's own join notice is in the history the bot reads, not in what tests usually look at.
    expect(fake.posts("inc-1-db-down")).toEqual([]);
    expect(fake.posts("inc-1-db-down", { includeSystem: true }).map((p) => p.type)).toEqual([
      "system_join_channel",
    ]);
    fake.assertNoViolations();
  });

  test.each([
    ["Upper", "channel_name"],
    ["-dash-first", "channel_name"],
    ["has space", "channel_name"],
    ["a".repeat(40).replace(/a/g, "f"), "channel_name_reserved_shape"],
  ])("the name %j is refused (rule %s)", async (name, rule) => {
    const err = await rejected(create(name));
    expect(err.status_code).toBe(400);
    expect(fake.violations.at(-1)?.rule).toBe(rule);
  });

  test("a DM-shaped name is refused", async () => {
    const name = `${fake.botUserId}__${fake.user("alice").id}`;
    await expectRefused(
      create(name),
      400,
      "model.channel.is_valid.name.app_error",
      "channel_name_reserved_shape",
    );
  });

  test("64 characters is the most; 65 fails in the database with a 500", async () => {
    await create("a".repeat(64));
    await expectRefused(
      create("b".repeat(65)),
      500,
      "app.channel.create_channel.internal_error",
      "channel_name_length",
    );
  });

  test("display_name is required and at most 64 runes", async () => {
    await expectRefused(
      create("needs-display", ""),
      400,
      "api.context.invalid_body_param.app_error",
      "missing_display_name",
    );
    expect(fake.violations.at(-1)?.message).toContain("display_name");
    await create("emoji-ok", "🔥".repeat(64));
    await expectRefused(
      create("emoji-long", "🔥".repeat(65)),
      400,
      "model.channel.is_valid.display_name.app_error",
      "channel_display_name",
    );
  });

  test("a duplicate name in the team is refused with Mattermost's id", async () => {
    await create("inc-2");
    await expectRefused(
      create("inc-2"),
      400,
      "store.sql_channel.save_channel.exists.app_error",
      "channel_name_taken",
    );
  });

  test("patch changes display name, header and purpose, under the same rules", async () => {
    const c = await create("inc-3");
    const patched = await client().patchChannel(c.id, {
      display_name: "INC-3 resolved",
      header: "Status: ok",
    });
    expect(patched).toMatchObject({ display_name: "INC-3 resolved", header: "Status: ok", name: "inc-3" });
    await expectRefused(
      client().patchChannel(c.id, { header: "h".repeat(1025) }),
      400,
      "model.channel.is_valid.header.app_error",
      "channel_header",
    );
    await expectRefused(
      client().patchChannel(general(), { header: "x" }),
      403,
      "api.context.permissions.app_error",
      "patch_channel_not_member",
    );
  });

  test("an unknown channel by name is a 404 without a violation; a private one the bot is not in is hidden", async () => {
    const hidden = await start({ channels: [{ name: "secret", type: "P", members: ["dana"] }] });
    expect((await rejected(client(hidden).getChannelByName(hidden.teamId, "nope"))).status_code).toBe(404);
    expect((await rejected(client(hidden).getChannelByName(hidden.teamId, "secret"))).status_code).toBe(404);
    expect(hidden.violations).toEqual([]);
    const id = hidden.channel("secret")?.id ?? "";
    expect((await rejected(client(hidden).getChannel(id))).status_code).toBe(403);
  });
});

describe("the bot's channels (getMyChannels)", () => {
  test("the team's channels the bot is in, with its direct messages, by display name", async () => {
    const dm = await client().createDirectChannel([fake.botUserId, fake.user("alice").id]);
    const channels = await client().getMyChannels(fake.teamId);
    // The direct channel has no display name, so it comes first; ~general (the bot is not in it) is absent.
    expect(channels.map((c) => c.id)).toEqual([dm.id, incidents(), fake.channel("town-square")?.id]);
    expect(channels[1]).toMatchObject({ name: "incidents", type: "O", delete_at: 0, team_id: fake.teamId });
    expect(channels[1]?.last_post_at).toBeGreaterThan(0);
    // By the bot's own id as well as `me`.
    const res = await raw("GET", `/api/v4/users/${fake.botUserId}/teams/${fake.teamId}/channels`);
    expect(((await res.json()) as Array<{ id: string }>).map((c) => c.id)).toEqual(channels.map((c) => c.id));
    fake.assertNoViolations();
  });

  test("last_post_at moves with each post, which is how a catch-up finds the channels said something", async () => {
    const before = (await client().getMyChannels(fake.teamId)).find((c) => c.name === "incidents");
    const post = await fake.postAs({ user: "alice", channel: "incidents", message: "hi" });
    const after = (await client().getMyChannels(fake.teamId)).find((c) => c.name === "incidents");
    expect(after?.last_post_at).toBe(post.createAt);
    expect(after?.last_post_at).toBeGreaterThan(before?.last_post_at ?? 0);
  });

  test("another team's channels are not listed; an archived one only with include_deleted", async () => {
    fake = await start({
      teams: [{ name: "acme" }, { name: "globex" }],
      channels: [
        { name: "incidents", botIsMember: true },
        { name: "old-news", botIsMember: true },
        { name: "elsewhere", team: "globex", botIsMember: true },
      ],
    });
    const oldNews = fake.channel("old-news");
    if (oldNews) oldNews.deleteAt = Date.now();
    const names = async (includeDeleted?: boolean) =>
      (await client().getMyChannels(fake.teamId, includeDeleted)).map((c) => c.name);
    expect(await names()).toEqual(["incidents"]);
    expect(await names(true)).toEqual(["incidents", "old-news"]);
    const archived = (await client().getMyChannels(fake.teamId, true)).find((c) => c.name === "old-news");
    expect(archived?.delete_at).toBeGreaterThan(0);
    // `last_delete_at` keeps only what was archived since then.
    const since = (oldNews?.deleteAt ?? 0) + 1;
    const res = await raw(
      "GET",
      `/api/v4/users/me/teams/${fake.teamId}/channels?include_deleted=true&last_delete_at=${since}`,
    );
    expect(((await res.json()) as Array<{ name: string }>).map((c) => c.name)).toEqual(["incidents"]);
    fake.assertNoViolations();
  });

  test("someone else's list, or a team the bot is not in, is refused; no channel at all is a plain 404", async () => {
    const theirs = await raw("GET", `/api/v4/users/${fake.user("alice").id}/teams/${fake.teamId}/channels`);
    expect(theirs.status).toBe(403);
    expect(fake.violations.at(-1)?.rule).toBe("other_users_channels");
    const elsewhere = await start({ teams: [{ name: "acme" }, { name: "globex", botIsMember: false }] });
    const globex = elsewhere.addChannel({ name: "plans", team: "globex" }).teamId;
    const outside = await rejected(client(elsewhere).getMyChannels(globex));
    expect(outside).toMatchObject({ status_code: 403, server_error_id: "api.context.permissions.app_error" });
    expect(elsewhere.violations.at(-1)?.rule).toBe("team_not_member");
    const lonely = await start({ channels: [] });
    const none = await rejected(client(lonely).getMyChannels(lonely.teamId));
    expect(none).toMatchObject({
      status_code: 404,
      server_error_id: "app.channel.get_channels.not_found.app_error",
    });
    expect(lonely.violations).toEqual([]);
  });
});

describe("channel members", () => {
  test("add one ({user_id}) or several ({user_ids}); adding again is no error", async () => {
    const c = await client().createChannel({
      team_id: fake.teamId,
      name: "inc-4",
      display_name: "x",
      type: "O",
    } as never);
    const one = await client().addToChannel(fake.user("alice").id, c.id);
    expect(one).toMatchObject({ channel_id: c.id, user_id: fake.user("alice").id });
    const res = await raw("POST", `/api/v4/channels/${c.id}/members`, {
      body: { user_ids: [fake.user("bob").id, fake.user("alice").id] },
    });
    expect(res.status).toBe(201);
    expect((await res.json()).map((m: { user_id: string }) => m.user_id)).toEqual([
      fake.user("bob").id,
      fake.user("alice").id,
    ]);
    expect([...(fake.channel("inc-4")?.members ?? [])].sort()).toEqual(
      [fake.botUserId, fake.user("alice").id, fake.user("bob").id].sort(),
    );
    const members = await client().getChannelMembers(c.id);
    expect(members).toHaveLength(3);
    expect((await client().getChannelMember(c.id, fake.user("bob").id)).user_id).toBe(fake.user("bob").id);
    fake.assertNoViolations();
  });

  test("asking about someone who is not a member is a 404, not a violation", async () => {
    const err = await rejected(client().getChannelMember(general(), fake.botUserId));
    expect(err).toMatchObject({
      status_code: 404,
      server_error_id: "app.channel.get_member.missing.app_error",
    });
    expect(fake.violations).toEqual([]);
  });

  test("the bot may join an open channel itself, but not add others to a channel it is not in", async () => {
    await expectRefused(
      client().addToChannel(fake.user("alice").id, general()),
      403,
      "api.context.permissions.app_error",
      "add_members_not_member",
    );
    await client().addToChannel(fake.botUserId, general());
    expect(fake.channel("general")?.members.has(fake.botUserId)).toBe(true);
    const priv = await start({ channels: [{ name: "secret", type: "P", members: ["dana"] }] });
    const err = await rejected(client(priv).addToChannel(priv.botUserId, priv.channel("secret")?.id ?? ""));
    expect(err.status_code).toBe(403);
  });

  test("someone outside the channel's team cannot be added; a deactivated account can (the server does not check)", async () => {
    fake = await start({
      teams: [{ name: "acme" }, { name: "globex" }],
      users: [
        { username: "alice" },
        { username: "gus", teams: ["globex"] },
        { username: "gone", deleted: true },
      ],
      channels: [{ name: "incidents", members: ["alice"], botIsMember: true }],
    });
    const channel = fake.channel("incidents")?.id ?? "";
    const err = await expectRefused(
      client().addToChannel(fake.user("gus").id, channel),
      404,
      "app.team.get_member.missing.app_error",
      "add_user_not_in_team",
    );
    expect(err.message).toBeTruthy();
    expect(fake.channel("incidents")?.members.has(fake.user("gus").id)).toBe(false);
    await client().addToChannel(fake.user("gone").id, channel);
    expect(fake.channel("incidents")?.members.has(fake.user("gone").id)).toBe(true);
    // With several people, those who can be added are, and the call succeeds (api4 addChannelMember).
    fake.addUser({ username: "hal", teams: ["globex"] });
    const added = await client().addToChannels([fake.user("hal").id, fake.user("alice").id], channel);
    expect(added.map((m) => m.user_id)).toEqual([fake.user("alice").id]);
  });

  test("a direct channel is created once and answered 201 every time", async () => {
    const alice = fake.user("alice").id;
    const res = await raw("POST", "/api/v4/channels/direct", { body: [fake.botUserId, alice] });
    expect(res.status).toBe(201);
    const first = await res.json();
    const again = await client().createDirectChannel([alice, fake.botUserId]);
    expect(again.id).toBe(first.id);
    expect(first).toMatchObject({ type: "D", team_id: "" });
    await expectRefused(
      client().createDirectChannel([alice, fake.user("bob").id]),
      403,
      "api.context.permissions.app_error",
      "direct_channel_for_others",
    );
  });
});

describe("posts", () => {
  test("create answers 201; read it back, list newest first, and since a time", async () => {
    const c = client();
    const res = await raw("POST", "/api/v4/posts", { body: { channel_id: incidents(), message: "first" } });
    expect(res.status).toBe(201);
    const first = await res.json();
    const second = await c.createPost({ channel_id: incidents(), message: "second" } as never);
    expect(second).toMatchObject({ channel_id: incidents(), user_id: fake.botUserId, message: "second" });
    expect((await c.getPost(first.id)).message).toBe("first");
    const list = await c.getPosts(incidents());
    expect(list.order).toEqual([second.id, first.id]);
    expect(list.posts[first.id]?.message).toBe("first");
    const since = await c.getPostsSince(incidents(), first.create_at);
    expect(since.order).toEqual([second.id]);
    const page = await c.getPosts(incidents(), 1, 1);
    expect(page.order).toEqual([first.id]);
    fake.assertNoViolations();
  });

  test("the bot must be a member of the channel to post there", async () => {
    await expectRefused(
      client().createPost({ channel_id: general(), message: "hi" } as never),
      403,
      "api.context.permissions.app_error",
      "post_not_member",
    );
  });

  test(`a message is at most ${POST_MESSAGE_MAX_RUNES} runes (not UTF-16 units)`, async () => {
    await client().createPost({
      channel_id: incidents(),
      message: "😀".repeat(POST_MESSAGE_MAX_RUNES),
    } as never);
    await expectRefused(
      client().createPost({
        channel_id: incidents(),
        message: "a".repeat(POST_MESSAGE_MAX_RUNES + 1),
      } as never),
      400,
      "model.post.is_valid.message_length.app_error",
      "message_length",
    );
  });

  test("props are limited in size", async () => {
    await expectRefused(
      client().createPost({
        channel_id: incidents(),
        message: "x",
        props: { blob: "p".repeat(800_001) },
      } as never),
      400,
      "model.post.is_valid.props.app_error",
      "props_length",
    );
  });

  test("button ids must be [A-Za-z0-9]+ and unique: no click could reach another", async () => {
    const url = "http://127.0.0.1:1/mattermost/actions";
    await client().createPost({
      channel_id: incidents(),
      message: "ok",
      props: { attachments: [{ actions: [button("ack0", "Ack", url), button("Resolve1", "Resolve", url)] }] },
    } as never);
    await expectRefused(
      client().createPost({
        channel_id: incidents(),
        message: "bad",
        props: { attachments: [{ actions: [button("fb-ack", "Ack", url)] }] },
      } as never),
      400,
      "fake_mattermost.post.action_id.app_error",
      "action_id",
    );
    await expectRefused(
      client().createPost({
        channel_id: incidents(),
        message: "twice",
        props: {
          attachments: [{ actions: [button("a1", "A", url)] }, { actions: [button("a1", "B", url)] }],
        },
      } as never),
      400,
      "fake_mattermost.post.action_id.app_error",
      "action_id_duplicate",
    );
  });

  test("a nameless button is accepted but warned about, as the server only logs it", async () => {
    await client().createPost({
      channel_id: incidents(),
      message: "x",
      props: { attachments: [{ actions: [button("a1", "", "http://127.0.0.1:1/x")] }] },
    } as never);
    expect(fake.warnings.at(-1)?.message).toContain("must have a name");
    fake.assertNoViolations();
  });

  test("update (PUT) replaces message and props; an absent is_pinned unpins; edit_at moves with the message", async () => {
    const c = client();
    const post = await c.createPost({ channel_id: incidents(), message: "v1", props: { k: "1" } } as never);
    await c.pinPost(post.id);
    const updated = await c.updatePost({ id: post.id, message: "v2" } as never);
    expect(updated).toMatchObject({ message: "v2", props: {}, is_pinned: false });
    expect(updated.edit_at).toBeGreaterThan(0);
    fake.assertNoViolations();
  });

  test("patch changes only what it names; props as an object (the spec's `string` is an erratum)", async () => {
    const c = client();
    const post = await c.createPost({ channel_id: incidents(), message: "v1", props: { k: "1" } } as never);
    await c.pinPost(post.id);
    const patched = await c.patchPost({ id: post.id, props: { k: "2" } } as never);
    expect(patched).toMatchObject({ message: "v1", props: { k: "2" }, is_pinned: true, edit_at: 0 });
    const stored = fake.posts("incidents").find((p) => p.id === post.id);
    expect(stored?.isPinned).toBe(true);
    fake.assertNoViolations();
  });

  test("the bot may not edit someone else's post", async () => {
    const theirs = await fake.postAs({ user: "alice", channel: "incidents", message: "mine" });
    await expectRefused(
      client().patchPost({ id: theirs.id, message: "edited" } as never),
      403,
      "api.context.permissions.app_error",
      "edit_others_post",
    );
  });

  test("pin answers {status: OK} and marks the post", async () => {
    const post = await client().createPost({ channel_id: incidents(), message: "card" } as never);
    expect(await client().pinPost(post.id)).toEqual({ status: "OK" });
    expect(fake.posts("incidents")[0]?.isPinned).toBe(true);
  });

  test("ephemeral posts need a permission bots lack by default", async () => {
    await expectRefused(
      client().createPostEphemeral(fake.user("alice").id, { channel_id: incidents(), message: "psst" }),
      403,
      "api.context.permissions.app_error",
      "ephemeral_permission",
    );
    const admin = await start({ botCanPostEphemeral: true });
    const res = await raw("POST", "/api/v4/posts/ephemeral", {
      f: admin,
      body: {
        user_id: admin.user("alice").id,
        post: { channel_id: admin.channel("incidents")?.id, message: "psst" },
      },
    });
    expect(res.status).toBe(201);
    expect(admin.ephemerals("alice")).toMatchObject([{ message: "psst", via: "api" }]);
    admin.assertNoViolations();
  });

  test("the permission follows the bot's roles: granted and revoked as an administrator would", async () => {
    const post = () =>
      client().createPostEphemeral(fake.user("alice").id, { channel_id: incidents(), message: "psst" });
    fake.setRoles(fake.botUsername, "system_user system_post_all system_admin");
    expect((await client().getMe()).roles).toBe("system_user system_post_all system_admin");
    await post();
    expect(fake.ephemerals("alice")).toHaveLength(1);
    fake.setRoles(fake.botUsername, "system_user system_post_all");
    await expectRefused(post(), 403, "api.context.permissions.app_error", "ephemeral_permission");
    expect(fake.ephemerals("alice")).toHaveLength(1);
  });

  test("the bot's direct channel with a person, as dmWith shows it", async () => {
    const dm = await client().createDirectChannel([fake.botUserId, fake.user("bob").id]);
    await client().createPost({ channel_id: dm.id, message: "you are paged" } as never);
    expect(fake.dmWith("bob").map((p) => p.message)).toEqual(["you are paged"]);
    expect(fake.dmWith("alice")).toEqual([]);
  });
});

describe("slash commands (what Mattermost sends the bot)", () => {
  test("a form POST with every field, the command token in the header and the body", async () => {
    const bot = await botServer(() => json({ text: "ok" }));
    fake.botUrl = bot.url;
    const d = await fake.sendSlashCommand({
      user: "alice",
      channel: "incidents",
      text: "open db down @bob ~general",
    });
    expect(d.status).toBe(200);
    const req = bot.requests[0] as BotRequest;
    expect(req.path).toBe("/mattermost/command");
    expect(req.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(req.headers.authorization).toBe(`Token ${fake.commandToken}`);
    const form = new URLSearchParams(req.body);
    expect(Object.fromEntries(form)).toMatchObject({
      token: fake.commandToken,
      team_id: fake.teamId,
      team_domain: "acme",
      channel_id: incidents(),
      channel_name: "incidents",
      user_id: fake.user("alice").id,
      user_name: "alice",
      command: "/incident",
      text: "open db down @bob ~general",
      trigger_id: d.triggerId,
      root_id: "",
      response_url: d.responseUrl.url,
    });
    expect(form.getAll("user_mentions")).toEqual(["bob"]);
    expect(form.getAll("user_mentions_ids")).toEqual([fake.user("bob").id]);
    expect(form.getAll("channel_mentions")).toEqual(["general"]);
    expect(d.responseUrl.url).toMatch(new RegExp(`^${fake.url}/hooks/commands/[a-z0-9]{26}$`));
  });

  test("token: null sends neither the field nor the header; a wrong one is sent as given", async () => {
    const bot = await botServer(() => ({ status: 401, body: "" }));
    fake.botUrl = bot.url;
    await fake.sendSlashCommand({ user: "alice", channel: "incidents", text: "help", token: null });
    const none = bot.requests[0] as BotRequest;
    expect(none.headers.authorization).toBeUndefined();
    expect(new URLSearchParams(none.body).has("token")).toBe(false);
    const forged = await fake.sendSlashCommand({
      user: "alice",
      channel: "incidents",
      text: "help",
      token: "x",
    });
    expect(forged.status).toBe(401);
    expect((bot.requests[1] as BotRequest).headers.authorization).toBe("Token x");
    // Refusing a forged command is right, not a violation.
    fake.assertNoViolations();
  });

  test("the reply: JSON only when it says application/json; ephemeral by default, in_channel as the person", async () => {
    let answer: { contentType?: string; body?: string } = json({ text: "only you" });
    const bot = await botServer(() => answer);
    fake.botUrl = bot.url;
    const eph = await fake.sendSlashCommand({ user: "alice", channel: "incidents", text: "help" });
    expect(eph.body).toEqual({ text: "only you" });
    expect(fake.ephemerals("alice")).toMatchObject([{ message: "only you", via: "command" }]);

    answer = json({
      response_type: "in_channel",
      text: "for everyone",
      extra_responses: [{ text: "and you" }],
    });
    await fake.sendSlashCommand({ user: "alice", channel: "incidents", text: "status" });
    const shown = fake.posts("incidents").at(-1);
    expect(shown).toMatchObject({ message: "for everyone", userId: fake.user("alice").id });
    expect(shown?.props.from_webhook).toBe("true");
    expect(fake.ephemerals("alice").at(-1)?.message).toBe("and you");

    answer = { contentType: "text/plain", body: '{"text":"not parsed"}' };
    const text = await fake.sendSlashCommand({ user: "alice", channel: "incidents", text: "help" });
    expect(text.body).toBe('{"text":"not parsed"}');
    expect(fake.ephemerals("alice").at(-1)?.message).toBe('{"text":"not parsed"}');
    fake.assertNoViolations();
  });

  test("a non-200 answer to a valid command is visible in `status` and recorded", async () => {
    const bot = await botServer(() => ({ status: 500, body: "boom" }));
    fake.botUrl = bot.url;
    const d = await fake.sendSlashCommand({ user: "alice", channel: "incidents", text: "help" });
    expect(d.status).toBe(500);
    expect(fake.violations.at(-1)).toMatchObject({ kind: "delivery", rule: "command_status" });
  });

  test("the response URL takes 5 posts, then answers 400", async () => {
    const bot = await botServer(() => ({ body: "" }));
    fake.botUrl = bot.url;
    const d = await fake.sendSlashCommand({ user: "alice", channel: "incidents", text: "help" });
    for (let i = 1; i <= 5; i++) {
      const res = await fetch(d.responseUrl.url, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ text: `update ${i}` }),
      });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("ok");
    }
    expect(fake.ephemerals("alice").map((e) => e.message)).toEqual([1, 2, 3, 4, 5].map((i) => `update ${i}`));
    const sixth = await fetch(d.responseUrl.url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ text: "update 6" }),
    });
    expect(sixth.status).toBe(400);
    expect((await sixth.json()).id).toBe("web.command_webhook.general.app_error");
    expect(fake.violations.at(-1)).toMatchObject({
      rule: "response_url_used_up",
      id: "app.command_webhook.try_use.invalid",
    });
    expect(d.responseUrl.posts.map((p) => p.status)).toEqual([200, 200, 200, 200, 200, 400]);
  });

  test("the response URL expires after 30 minutes", async () => {
    let now = Date.parse("2026-01-01T00:00:00Z");
    const f = await start({ now: () => now });
    const bot = await botServer(() => ({ body: "" }));
    f.botUrl = bot.url;
    const d = await f.sendSlashCommand({ user: "alice", channel: "incidents", text: "help" });
    now += 30 * 60_000 + 1;
    const res = await fetch(d.responseUrl.url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ response_type: "in_channel", text: "late" }),
    });
    expect(res.status).toBe(404);
    expect(f.violations.at(-1)?.rule).toBe("response_url_expired");
    expect(f.posts("incidents")).toEqual([]);
  });
});

describe("interactive dialogs", () => {
  const dialog = {
    callback_id: "open",
    title: "Open an incident",
    elements: [
      { display_name: "Title", name: "title", type: "text", max_length: 150 },
      { display_name: "Severity", name: "sev", type: "select", options: [{ text: "SEV1", value: "sev1" }] },
      { display_name: "Details", name: "details", type: "textarea", optional: true },
      { display_name: "Notify", name: "notify", type: "bool", optional: true },
    ],
    state: "signed-state",
  };

  test("a trigger from a slash command opens a dialog once, remembering where it was minted", async () => {
    const bot = await botServer(() => ({ body: "" }));
    fake.botUrl = bot.url;
    const d = await fake.sendSlashCommand({ user: "alice", channel: "incidents", text: "open" });
    const url = `${bot.url}/mattermost/dialogs`;
    expect(await client().openDialog({ trigger_id: d.triggerId, url, dialog })).toEqual({ status: "OK" });
    const opened = fake.dialogs("alice");
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({
      url,
      channelId: incidents(),
      dialog: { title: "Open an incident", state: "signed-state" },
    });
    // Decoded into the server's model: what was left out is a Go zero value.
    expect(opened[0]?.dialog.elements[0]).toMatchObject({ subtype: "", optional: false, min_length: 0 });
    await expectRefused(
      client().openDialog({ trigger_id: d.triggerId, url, dialog }),
      400,
      "fake_mattermost.trigger_id.used",
      "trigger_used",
    );
  });

  test("an expired trigger gets Mattermost's message", async () => {
    let now = Date.parse("2026-01-01T00:00:00Z");
    fake = await start({ triggerTtlMs: 1000, now: () => now });
    const trigger = fake.mintTriggerId("alice");
    now += 1001;
    const err = await expectRefused(
      client().openDialog({ trigger_id: trigger, url: "http://127.0.0.1:1/d", dialog }),
      400,
      "interactive_message.decode_trigger_id.expired",
      "trigger_expired",
    );
    expect(err.message).toBe(
      "Trigger ID for interactive dialog is expired. Trigger IDs live for a maximum of 1s.",
    );
    expect(goDuration(30_000)).toBe("30s");
    expect(fake.dialogs("alice")).toEqual([]);
  });

  test("a trigger the server never minted, and a missing url, are refused", async () => {
    await expectRefused(
      client().openDialog({ trigger_id: "made-up", url: "http://127.0.0.1:1/d", dialog }),
      400,
      "interactive_message.decode_trigger_id.base64_decode_failed",
      "trigger_unknown",
    );
    await expectRefused(
      client().openDialog({ trigger_id: fake.mintTriggerId("alice"), url: "", dialog }),
      400,
      "api.context.invalid_body_param.app_error",
      "dialog_url",
    );
  });

  test('a field of the wrong JSON type fails to decode (a bool default must be the string "true")', async () => {
    const bad = { ...dialog, elements: [{ display_name: "B", name: "b", type: "bool", default: true }] };
    await expectRefused(
      client().openDialog({
        trigger_id: fake.mintTriggerId("alice"),
        url: "http://127.0.0.1:1/d",
        dialog: bad,
      }),
      400,
      "api.context.invalid_body_param.app_error",
      "dialog_field_type",
    );
  });

  test("a dialog breaking the element rules opens (200) but is recorded, every problem named", async () => {
    const bad = {
      callback_id: "x",
      title: "A title much longer than 24",
      elements: [
        { display_name: "A display name over 24 chars", name: "a", type: "text", help_text: "h".repeat(151) },
        {
          display_name: "Pick",
          name: "p",
          type: "select",
          default: "zzz",
          options: [{ text: "A", value: "a" }],
        },
        { display_name: "Odd", name: "o", type: "checkbox" },
      ],
    };
    await client().openDialog({
      trigger_id: fake.mintTriggerId("alice"),
      url: "http://127.0.0.1:1/d",
      dialog: bad,
    });
    const v = fake.violations.at(-1);
    expect(v).toMatchObject({ kind: "dialog", rule: "dialog_invalid" });
    for (const part of [
      "title",
      "display_name",
      "help_text",
      "not one of the options",
      "invalid element type",
    ]) {
      expect(v?.message).toContain(part);
    }
    expect(fake.dialogs("alice")[0]?.issues).toHaveLength(5);
  });

  test("the limits are in bytes, as Go's len counts: 24 characters with an accent are too many", async () => {
    const open = (d: unknown) =>
      client().openDialog({
        trigger_id: fake.mintTriggerId("alice"),
        url: "http://127.0.0.1:1/d",
        dialog: d,
      });
    await open({ ...dialog, title: "é".repeat(12) });
    expect(fake.dialogs("alice")[0]?.issues).toEqual([]);
    await open({
      ...dialog,
      title: "é".repeat(13),
      elements: [{ display_name: "ü".repeat(13), name: "t", type: "text", placeholder: "ß".repeat(76) }],
    });
    const issues = fake.dialogs("alice")[1]?.issues ?? [];
    expect(issues).toHaveLength(3);
    expect(issues.join("\n")).toMatch(/title[\s\S]*display_name[\s\S]*placeholder/);
    expect(fake.takeViolations().map((v) => v.rule)).toEqual(["dialog_invalid"]);
  });

  test("submitting posts SubmitDialogRequest to the dialog's url; `errors` keeps it open", async () => {
    let answer = json({ errors: { title: "Give it a title" } });
    const bot = await botServer(() => answer);
    fake.botUrl = bot.url;
    const d = await fake.sendSlashCommand({ user: "alice", channel: "incidents", text: "open" });
    await client().openDialog({ trigger_id: d.triggerId, url: `${bot.url}/mattermost/dialogs`, dialog });
    const opened = fake.dialogs("alice")[0];
    if (!opened) throw new Error("no dialog");
    const kept = await fake.submitDialog({
      user: "alice",
      dialog: opened,
      values: { title: "DB down", sev: "sev1" },
    });
    expect(kept).toMatchObject({
      status: 200,
      closed: false,
      body: { errors: { title: "Give it a title" } },
    });
    const req = bot.requests.at(-1) as BotRequest;
    expect(req.path).toBe("/mattermost/dialogs");
    expect(JSON.parse(req.body)).toEqual({
      type: "dialog_submission",
      callback_id: "open",
      state: "signed-state",
      user_id: fake.user("alice").id,
      channel_id: incidents(),
      team_id: fake.teamId,
      submission: { title: "DB down", sev: "sev1", details: null, notify: false },
      cancelled: false,
    });
    answer = { body: "" };
    const done = await fake.submitDialog({
      user: "alice",
      dialog: opened,
      values: { title: "DB down", sev: "sev1" },
    });
    expect(done.closed).toBe(true);
    const forged = await fake.submitDialog({
      user: "alice",
      dialog: opened,
      values: { title: "x", sev: "sev1" },
      state: "forged",
    });
    expect(JSON.parse((bot.requests.at(-1) as BotRequest).body).state).toBe("forged");
    expect(forged.status).toBe(200);
    fake.assertNoViolations();
  });

  test("the client refuses what a person could not submit", async () => {
    const trigger = fake.mintTriggerId("alice");
    await client().openDialog({ trigger_id: trigger, url: "http://127.0.0.1:1/d", dialog });
    const opened = fake.dialogs("alice")[0];
    if (!opened) throw new Error("no dialog");
    await expect(
      fake.submitDialog({ user: "alice", dialog: opened, values: { sev: "sev1" } }),
    ).rejects.toThrow(/required/);
    await expect(
      fake.submitDialog({ user: "alice", dialog: opened, values: { title: "t", sev: "sev9" } }),
    ).rejects.toThrow(/not an option/);
    await expect(
      fake.submitDialog({ user: "alice", dialog: opened, values: { title: "t", sev: "sev1", nope: "x" } }),
    ).rejects.toThrow(/no element/);
    await expect(fake.submitDialog({ user: "bob", dialog: opened, values: {} })).rejects.toThrow(
      /someone else/,
    );
  });
});

describe("buttons", () => {
  test("a click POSTs PostActionIntegrationRequest with the context echoed; update and ephemeral_text apply", async () => {
    const bot = await botServer(() =>
      json({ update: { message: "Acknowledged by alice", props: {} }, ephemeral_text: "Thanks" }),
    );
    const post = await botPostsButton(incidents(), `${bot.url}/mattermost/actions`);
    const clicked = await fake.clickButton({ user: "alice", post, label: "Acknowledge" });
    expect(clicked).toMatchObject({ status: 200, clientStatus: 200 });
    const req = bot.requests[0] as BotRequest;
    expect(req.headers["content-type"]).toBe("application/json");
    expect(req.headers.authorization).toBeUndefined();
    expect(JSON.parse(req.body)).toEqual({
      user_id: fake.user("alice").id,
      user_name: "alice",
      channel_id: incidents(),
      channel_name: "incidents",
      team_id: fake.teamId,
      team_domain: "acme",
      post_id: post.id,
      trigger_id: clicked.triggerId,
      type: "button",
      data_source: "",
      context: { a: "ack0" },
    });
    const after = fake.posts("incidents").find((p) => p.id === post.id);
    expect(after).toMatchObject({ message: "Acknowledged by alice", props: {} });
    expect(fake.ephemerals("alice")).toMatchObject([{ message: "Thanks", via: "action" }]);
    // The click's trigger opens a dialog like a command's does.
    await client().openDialog({
      trigger_id: clicked.triggerId,
      url: `${bot.url}/d`,
      dialog: { title: "Why", elements: [] },
    });
    expect(fake.dialogs("alice")[0]?.channelId).toBe(incidents());
    fake.assertNoViolations();
  });

  test("a test may forge the context; the bot refusing it is not a violation", async () => {
    const bot = await botServer(() => ({ status: 403, body: "" }));
    const post = await botPostsButton(incidents(), `${bot.url}/mattermost/actions`);
    const clicked = await fake.clickButton({
      user: "alice",
      post,
      actionId: "ack0",
      context: { a: "ack0", s: "forged" },
    });
    expect(JSON.parse((bot.requests[0] as BotRequest).body).context).toEqual({ a: "ack0", s: "forged" });
    expect(clicked).toMatchObject({ status: 403, clientStatus: 400 });
    fake.assertNoViolations();
  });

  test("an update that breaks the post rules is refused to the clicker and recorded", async () => {
    const bot = await botServer(() => json({ update: { message: "x".repeat(POST_MESSAGE_MAX_RUNES + 1) } }));
    const post = await botPostsButton(incidents(), `${bot.url}/mattermost/actions`);
    const clicked = await fake.clickButton({ user: "alice", post, label: "Acknowledge" });
    expect(clicked.clientStatus).toBe(400);
    expect(fake.violations.at(-1)?.rule).toBe("message_length");
    expect(fake.posts("incidents").find((p) => p.id === post.id)?.message).toBe("INC-1 needs you");
  });

  test("clicking a button that is not there is a mistake in the test", async () => {
    const post = await botPostsButton(incidents(), "http://127.0.0.1:1/a");
    await expect(fake.clickButton({ user: "alice", post, label: "Resolve" })).rejects.toThrow(
      /0 actions match/,
    );
  });
});

// ----------------------------------------------------------------------------------------------------------

/** Waits for WebSocket traffic; generous, since reconnects race other test files for the CPU. */
const until = <T>(check: () => T) => vi.waitFor(check, { timeout: 5000, interval: 10 });

type WsMessage = {
  event?: string;
  data?: Record<string, string>;
  seq?: number;
  broadcast?: Record<string, unknown>;
};

interface Listener {
  events: WsMessage[];
  missed: number;
  hello(): WsMessage[];
  of(event: string): WsMessage[];
  close(): void;
}

/** The real WebSocketClient, fast reconnects; `header` also puts the token on the upgrade request. */
function listen(f: FakeMattermost, options: { header?: boolean } = {}): Listener {
  vi.spyOn(console, "log").mockImplementation(() => {});
  const events: WsMessage[] = [];
  const state = { missed: 0 };
  const ws = new WebSocketClient({
    minWebSocketRetryTime: 20,
    reconnectJitterRange: 1,
    newWebSocketFn: (url: string) =>
      new WebSocket(
        url,
        options.header ? { headers: { Authorization: `Bearer ${f.botToken}` } } : {},
      ) as never,
  });
  ws.addMessageListener((m) => events.push(m as unknown as WsMessage));
  ws.addMissedMessageListener(() => {
    state.missed++;
  });
  ws.initialize(`${f.url.replace(/^http/, "ws")}/api/v4/websocket`, f.botToken);
  const l: Listener = {
    events,
    get missed() {
      return state.missed;
    },
    hello: () => events.filter((e) => e.event === "hello"),
    of: (event) => events.filter((e) => e.event === event),
    close: () => ws.close(),
  };
  closers.push(() => ws.close());
  return l;
}

describe("the WebSocket", () => {
  test("hello with a connection id, then posted with post and mentions as JSON strings", async () => {
    const l = listen(fake);
    await until(() => expect(fake.webSocketCount()).toBe(1));
    await until(() => expect(l.hello()).toHaveLength(1));
    expect(l.hello()[0]).toMatchObject({
      seq: 0,
      data: { connection_id: expect.stringMatching(/^[a-z0-9]{26}$/) },
    });

    const mention = await fake.postAs({
      user: "alice",
      channel: "incidents",
      message: "@firebreak status please",
    });
    await fake.postAs({ user: "alice", channel: "incidents", message: "no mention here, @bob." });
    await fake.postAs({ user: "alice", channel: "general", message: "@firebreak where the bot is not" });
    await until(() => expect(l.of("posted")).toHaveLength(2));
    const [first, second] = l.of("posted");
    expect(first?.seq).toBe(1);
    expect(typeof first?.data?.post).toBe("string");
    expect(JSON.parse(first?.data?.post ?? "{}")).toMatchObject({
      id: mention.id,
      message: "@firebreak status please",
    });
    expect(first?.data?.mentions).toBe(JSON.stringify([fake.botUserId]));
    expect(first?.data).toMatchObject({
      channel_type: "O",
      channel_name: "incidents",
      channel_display_name: "Incidents",
      sender_name: "@alice",
      team_id: fake.teamId,
    });
    expect(first?.broadcast).toMatchObject({ channel_id: incidents() });
    expect(second?.data?.mentions).toBeUndefined();
  });

  test("a direct message and @channel put the bot in mentions; code and the bot's own posts do not", async () => {
    const l = listen(fake);
    await until(() => expect(l.hello()).toHaveLength(1));
    await fake.postAs({ user: "bob", channel: "@bob", message: "hello bot" });
    await fake.postAs({ user: "bob", channel: "incidents", message: "@channel the db is down" });
    await fake.postAs({ user: "bob", channel: "incidents", message: "run `@firebreak help` to see" });
    await client().createPost({ channel_id: incidents(), message: "@firebreak is me" } as never);
    await until(() => expect(l.of("posted")).toHaveLength(4));
    expect(l.of("posted").map((e) => e.data?.mentions)).toEqual([
      JSON.stringify([fake.botUserId]),
      JSON.stringify([fake.botUserId]),
      undefined,
      undefined,
    ]);
    expect(l.of("posted")[0]?.data).toMatchObject({ channel_type: "D", team_id: "" });
  });

  test("reaction_added carries the reaction as a JSON string; ping is answered", async () => {
    const l = listen(fake);
    await until(() => expect(l.hello()).toHaveLength(1));
    const post = await client().createPost({ channel_id: incidents(), message: "card" } as never);
    const stored = fake.posts("incidents").find((p) => p.id === post.id) as StoredPost;
    await fake.react({ user: "dana", post: stored, emoji: "eyes" });
    await until(() => expect(l.of("reaction_added")).toHaveLength(1));
    const reaction = JSON.parse(l.of("reaction_added")[0]?.data?.reaction ?? "{}");
    expect(reaction).toMatchObject({ user_id: fake.user("dana").id, post_id: post.id, emoji_name: "eyes" });

    const pong = await new Promise<unknown>((resolve) => {
      const ws = new WebSocket(`${fake.url.replace(/^http/, "ws")}/api/v4/websocket`);
      closers.push(() => ws.terminate());
      ws.on("open", () => {
        ws.send(
          JSON.stringify({ seq: 1, action: "authentication_challenge", data: { token: fake.botToken } }),
        );
        ws.send(JSON.stringify({ seq: 2, action: "ping" }));
      });
      ws.on("message", (m) => {
        const msg = JSON.parse(m.toString());
        if (msg.seq_reply === 2) resolve(msg);
      });
    });
    expect(pong).toMatchObject({ status: "OK", seq_reply: 2, data: { text: "pong" } });
  });

  test("a bad token in the challenge closes the socket", async () => {
    const closed = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${fake.url.replace(/^http/, "ws")}/api/v4/websocket`);
      ws.on("open", () =>
        ws.send(JSON.stringify({ seq: 1, action: "authentication_challenge", data: { token: "x" } })),
      );
      ws.on("close", (code) => resolve(code));
    });
    expect(closed).toBe(1006);
    expect(fake.webSocketCount()).toBe(0);
  });

  test("with the token on the upgrade, a reconnect replays what was missed under the same connection id", async () => {
    const l = listen(fake, { header: true });
    await until(() => expect(l.hello()).toHaveLength(1));
    await fake.postAs({ user: "alice", channel: "incidents", message: "@firebreak before" });
    await until(() => expect(l.of("posted")).toHaveLength(1));

    fake.dropWebSockets();
    expect(fake.webSocketCount()).toBe(0);
    await fake.postAs({ user: "alice", channel: "incidents", message: "@firebreak while away" });
    await until(() => expect(l.of("posted")).toHaveLength(2));
    expect(JSON.parse(l.of("posted")[1]?.data?.post ?? "{}").message).toBe("@firebreak while away");
    expect(l.of("posted")[1]?.seq).toBe(2);
    expect(l.hello()).toHaveLength(1);
    expect(l.missed).toBe(0);
    expect(fake.webSocketCount()).toBe(1);
  });

  test("with the challenge only (as the server), a reconnect is a new connection and what was sent meanwhile is lost", async () => {
    const l = listen(fake);
    await until(() => expect(l.hello()).toHaveLength(1));
    const firstId = l.hello()[0]?.data?.connection_id;
    fake.dropWebSockets();
    await fake.postAs({ user: "alice", channel: "incidents", message: "@firebreak while away" });
    await until(() => expect(l.hello()).toHaveLength(2));
    expect(l.hello()[1]?.data?.connection_id).not.toBe(firstId);
    expect(l.missed).toBe(1);
    expect(l.of("posted")).toEqual([]);
  });

  test("a server restart (forget) makes even a header-authenticated client resynchronise", async () => {
    const l = listen(fake, { header: true });
    await until(() => expect(l.hello()).toHaveLength(1));
    fake.dropWebSockets({ forget: true });
    await until(() => expect(l.hello()).toHaveLength(2));
    expect(l.missed).toBe(1);
  });
});

describe("more of what Mattermost does", () => {
  test("a mention ends at a character usernames cannot hold; a trailing dot is not part of it", async () => {
    const l = listen(fake);
    await until(() => expect(l.hello()).toHaveLength(1));
    const messages = [
      "thanks @firebreak.",
      "@firebreak: status",
      "mail ops@firebreak.example",
      "@firebreakers are not the bot",
      "```\n@firebreak in a code block\n```",
    ];
    for (const message of messages) await fake.postAs({ user: "alice", channel: "incidents", message });
    await until(() => expect(l.of("posted")).toHaveLength(messages.length));
    expect(l.of("posted").map((e) => e.data?.mentions !== undefined)).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  test("an edit is broadcast as post_edited", async () => {
    const l = listen(fake);
    await until(() => expect(l.hello()).toHaveLength(1));
    const post = await client().createPost({ channel_id: incidents(), message: "v1" } as never);
    await client().patchPost({ id: post.id, message: "v2" } as never);
    await until(() => expect(l.of("post_edited")).toHaveLength(1));
    expect(JSON.parse(l.of("post_edited")[0]?.data?.post ?? "{}")).toMatchObject({
      id: post.id,
      message: "v2",
    });
  });

  test("an action before authenticating is refused; a second challenge is ignored without a reply", async () => {
    const replies: Array<Record<string, unknown>> = [];
    const ws = new WebSocket(`${fake.url.replace(/^http/, "ws")}/api/v4/websocket`);
    closers.push(() => ws.terminate());
    ws.on("message", (m) => replies.push(JSON.parse(m.toString())));
    await new Promise((resolve) => ws.on("open", resolve));
    ws.send(JSON.stringify({ seq: 1, action: "ping" }));
    ws.send(JSON.stringify({ seq: 2, action: "authentication_challenge", data: { token: fake.botToken } }));
    ws.send(JSON.stringify({ seq: 3, action: "authentication_challenge", data: { token: fake.botToken } }));
    ws.send(JSON.stringify({ seq: 4, action: "ping" }));
    await until(() => expect(replies.some((r) => r.seq_reply === 4)).toBe(true));
    expect(replies.find((r) => r.seq_reply === 1)).toMatchObject({
      status: "FAIL",
      error: { id: "api.web_socket_router.not_authenticated.app_error" },
    });
    expect(replies.find((r) => r.seq_reply === 2)).toMatchObject({ status: "OK" });
    expect(replies.some((r) => r.seq_reply === 3)).toBe(false);
    expect(replies.filter((r) => r.event === "hello")).toHaveLength(1);
  });

  test("a connection away for more events than the server queues is forgotten: the client resynchronises", async () => {
    const l = listen(fake, { header: true });
    await until(() => expect(l.hello()).toHaveLength(1));
    fake.dropWebSockets();
    for (let i = 0; i < 400; i++)
      await fake.postAs({ user: "alice", channel: "incidents", message: `m${i}` });
    await until(() => expect(l.hello()).toHaveLength(2));
    expect(l.missed).toBe(1);
    expect(l.of("posted")).toEqual([]);
  });

  test("an in_channel reply aimed at a channel the person is not in is refused and recorded", async () => {
    const bot = await botServer(() =>
      json({ response_type: "in_channel", text: "x", channel_id: general() }),
    );
    const f = fake;
    f.botUrl = bot.url;
    f.channel("general")?.members.delete(f.user("alice").id);
    await f.sendSlashCommand({ user: "alice", channel: "incidents", text: "status" });
    expect(f.violations.at(-1)).toMatchObject({ rule: "command_response_channel", status: 403 });
    expect(f.posts("general")).toEqual([]);
  });

  test("a person can only post where they are a member, and within the limits", async () => {
    await expect(fake.postAs({ user: "alice", channel: "nowhere", message: "x" })).rejects.toThrow(
      /no channel/,
    );
    const f = await start({ channels: [{ name: "quiet", members: ["bob"] }] });
    await expect(f.postAs({ user: "alice", channel: "quiet", message: "x" })).rejects.toThrow(/not in quiet/);
    await expect(f.postAs({ user: "bob", channel: "quiet", message: "x".repeat(16_384) })).rejects.toThrow(
      /refuse/,
    );
  });

  test("cancelling tells the bot only when the dialog asked to be notified", async () => {
    const bot = await botServer(() => ({ body: "" }));
    const url = `${bot.url}/d`;
    await client().openDialog({
      trigger_id: fake.mintTriggerId("alice"),
      url,
      dialog: { title: "Quiet", elements: [] },
    });
    const quiet = fake.dialogs("alice")[0];
    if (!quiet) throw new Error("no dialog");
    expect(await fake.cancelDialog({ user: "alice", dialog: quiet })).toBeUndefined();
    const notify = { title: "Tell me", elements: [], notify_on_cancel: true, callback_id: "c", state: "s" };
    await client().openDialog({ trigger_id: fake.mintTriggerId("alice"), url, dialog: notify });
    const told = fake.dialogs("alice")[1];
    if (!told) throw new Error("no dialog");
    await fake.cancelDialog({ user: "alice", dialog: told });
    expect(bot.requests).toHaveLength(1);
    expect(JSON.parse((bot.requests[0] as BotRequest).body)).toMatchObject({
      cancelled: true,
      callback_id: "c",
      state: "s",
    });
  });

  test("assertNoViolations lists what was wrong and honours `allow`; takeViolations empties the list", async () => {
    await rejected(client().createPost({ channel_id: general(), message: "x" } as never));
    expect(() => fake.assertNoViolations()).toThrow(/post_not_member/);
    expect(() => fake.assertNoViolations({ allow: ["post_not_member"] })).not.toThrow();
    expect(() => fake.assertNoViolations({ allow: ["api.context.permissions.app_error"] })).not.toThrow();
    expect(fake.takeViolations()).toHaveLength(1);
    fake.assertNoViolations();
  });

  test("a reply in a thread must name a root post of the same channel", async () => {
    const root = await client().createPost({ channel_id: incidents(), message: "root" } as never);
    const reply = await client().createPost({
      channel_id: incidents(),
      message: "reply",
      root_id: root.id,
    } as never);
    expect(reply.root_id).toBe(root.id);
    await expectRefused(
      client().createPost({ channel_id: incidents(), message: "lost", root_id: "q".repeat(26) } as never),
      400,
      "api.post.create_post.root_id.app_error",
      "root_id",
    );
  });
});
