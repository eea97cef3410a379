import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { Env } from "../../src/config/env.js";
import type { IncidentTimes } from "../../src/core/metrics/incident-times.js";
import { createRedisIncidentStore } from "../../src/infra/redis/incident-store.js";
import { createKeys } from "../../src/infra/redis/keys.js";
import { createLogger } from "../../src/main/logger.js";
import { type Running, startRuntime } from "../../src/main/runtime.js";
import { type FakeSlack, startFakeSlack } from "../helpers/fake-slack/index.js";
import { eventually, TEST_CONFIG, writeConfig } from "../helpers/firebreak.js";
import { deletePrefix, TEST_REDIS_URL, testRedis, uniquePrefix } from "../helpers/redis.js";
import { allText } from "../helpers/slack-world.js";

/**
 * The incident log through a running Firebreak: incidents opened, acknowledged, updated and resolved through the
 * fake Slack, then read back over HTTP as JSON and CSV. The test helpers start Firebreak without an API token,
 * so this file starts its own (same parts: real Redis under a prefix of its own, Slack faked).
 */
const TOKEN = "s3cret-api-token";

const redis = testRedis();
let fake: FakeSlack | undefined;
let app: (Running & { url: string }) | undefined;
let prefix = "";

afterEach(async () => {
  await app?.stop();
  await fake?.close();
  if (prefix) await deletePrefix(redis, prefix);
  app = undefined;
  fake = undefined;
});
afterAll(() => redis.disconnect());

async function start(
  label: string,
  apiToken: string | null = TOKEN,
  config = TEST_CONFIG,
): Promise<FakeSlack> {
  fake = await startFakeSlack({ channels: [{ name: "general" }, { name: "incidents" }] });
  prefix = uniquePrefix(label);
  const env: Env = {
    port: 0,
    redisUrl: TEST_REDIS_URL,
    redisPrefix: prefix,
    configPath: writeConfig(config),
    slack: { kind: "http", botToken: fake.botToken, signingSecret: fake.signingSecret, apiUrl: fake.apiUrl },
    apiToken: apiToken ?? undefined,
    publicUrl: "https://firebreak.example.com",
    logLevel: "silent",
  };
  const running = await startRuntime(env, "all", createLogger(process.env.TEST_LOG_LEVEL ?? "silent"));
  app = { ...running, url: running.url as string };
  fake.botUrl = `${app.url}/slack/events`;
  return fake;
}

const store = () => createRedisIncidentStore(redis, createKeys(prefix));

async function reaches(id: string, state: string): Promise<void> {
  await eventually(async () => expect((await store().get(id))?.state).toBe(state), 10_000);
}

/** Bob opens an incident from #general; resolves with its channel id once the channel exists. */
async function open(s: FakeSlack, text: string, name: string): Promise<string> {
  await s.sendSlashCommand({ text: `open ${text}`, user: "U0BOB" });
  return eventually(() => {
    const channel = s.channel(name);
    if (!channel || channel.pins.size === 0) throw new Error(`no ${name} yet`);
    return channel.id;
  }, 10_000);
}

/** INC-1 (SEV2, search) acknowledged, updated, mitigated and resolved; INC-2 (SEV1, private) left triggered. */
async function history(s: FakeSlack): Promise<void> {
  const channel = await open(s, "Search is down sev2 service:search", "inc-1-search-is-down");
  const say = (text: string) => s.sendSlashCommand({ text, user: "U0DANA", channel });
  await say("ack");
  await reaches("INC-1", "acknowledged");
  await say("update Cache node replaced, watching");
  await eventually(async () => expect((await store().get("INC-1"))?.lastUpdate).toBeDefined(), 10_000);
  await say("status mitigated");
  await reaches("INC-1", "mitigated");
  await say("resolve Replaced the cache node");
  await reaches("INC-1", "resolved");
  await open(s, "=HYPERLINK(1) payroll leak sev1", "inc-2-hyperlink-1-payroll-leak");
  // Marked private straight in the store: this part reads the flag, the visibility commands set it.
  await store().update("INC-2", (i) => ({ incident: { ...i, private: true } }));
}

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${app?.url}${path}`, { headers });
const bearer = { authorization: `Bearer ${TOKEN}` };

describe("GET /api/incidents", () => {
  it("lists every incident newest first with its times, commander and privacy, behind the token", async () => {
    const s = await start("log-api");
    await history(s);

    expect((await get("/api/incidents")).status).toBe(401);
    expect((await get("/api/incidents", { authorization: "Bearer wrong" })).status).toBe(401);
    expect((await get(`/api/incidents?token=${TOKEN}x`)).status).toBe(401);

    const res = await get("/api/incidents", bearer);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const rows = (await res.json()) as IncidentTimes[];
    expect(rows.map((r) => r.id)).toEqual(["INC-2", "INC-1"]);
    const [second, first] = rows as [IncidentTimes, IncidentTimes];
    expect(second).toMatchObject({ severity: "sev1", state: "triggered", private: true, acknowledged: null });
    expect(first).toMatchObject({
      title: "Search is down",
      kind: "incident",
      severity: "sev2",
      service: "search",
      state: "resolved",
      private: false,
      commander: { platformUserId: "U0DANA", personId: "dana" },
      commanders: [{ platformUserId: "U0DANA", personId: "dana" }],
      fixDeployed: null,
      confirmed: null,
    });
    const stored = await store().get("INC-1");
    expect(first.opened).toBe(stored?.milestones?.triggered);
    expect(first.acknowledged).toBe(stored?.milestones?.acknowledged);
    expect(first.mitigated).toBe(stored?.milestones?.mitigated);
    expect(first.resolved).toBe(stored?.milestones?.resolved);
    const expectedAck = (Date.parse(first.acknowledged ?? "") - Date.parse(first.opened)) / 1000;
    expect(first.seconds.acknowledge).toBe(expectedAck);
    expect(first.seconds.resolve).toBeGreaterThanOrEqual(first.seconds.mitigate ?? Number.NaN);
    expect(first.seconds.mitigate).toBeGreaterThanOrEqual(first.seconds.acknowledge ?? Number.NaN);
    expect(first.seconds.confirm).toBeNull();

    // The token also works in the query string.
    expect((await get(`/api/incidents?token=${TOKEN}`)).status).toBe(200);
  }, 60_000);

  it("filters by severity, service, state, kind and opening date, and refuses a bad filter with a reason", async () => {
    const s = await start("log-filters");
    await history(s);
    const ids = async (query: string) => {
      const res = await get(`/api/incidents?${query}`, bearer);
      expect(res.status).toBe(200);
      return ((await res.json()) as Array<{ id: string }>).map((r) => r.id);
    };
    expect(await ids("severity=SEV1")).toEqual(["INC-2"]);
    expect(await ids("severity=sev1,sev2")).toEqual(["INC-2", "INC-1"]);
    expect(await ids("service=search")).toEqual(["INC-1"]);
    expect(await ids("state=resolved")).toEqual(["INC-1"]);
    expect(await ids("kind=change_request")).toEqual([]);
    const today = new Date().toISOString().slice(0, 10);
    expect(await ids(`from=2020-01-01&to=${today}T23:59:59Z`)).toEqual(["INC-2", "INC-1"]);
    expect(await ids("to=2020-01-01")).toEqual([]);

    for (const [query, reason] of [
      ["severity=sev9", 'There is no severity "sev9"'],
      ["from=last-week", '"from" must be a date'],
      ["service=serach", 'There is no service "serach"'],
      ["colour=red", 'Unknown filter "colour"'],
    ] as const) {
      const res = await get(`/api/incidents?${query}`, bearer);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toContain(reason);
    }
  }, 60_000);

  it("serves the same rows as CSV, with formula-like cells neutralised", async () => {
    const s = await start("log-csv");
    await history(s);
    expect((await get("/api/incidents.csv")).status).toBe(401);
    const res = await get("/api/incidents.csv", bearer);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    const lines = (await res.text()).split("\r\n");
    expect(lines[0]?.startsWith("id,title,kind,severity,service,state,private,commander,")).toBe(true);
    expect(lines).toHaveLength(4); // header, two rows, and the empty string after the last CRLF
    expect(lines[1]).toMatch(/^INC-2,'=HYPERLINK\(1\) payroll leak,incident,SEV1,,triggered,true,dana,dana,/);
    expect(lines[2]).toMatch(/^INC-1,Search is down,incident,SEV2,search,resolved,false,dana,dana,/);
    expect(await (await get("/api/incidents.csv?severity=sev2", bearer)).text()).not.toContain("INC-2");
    expect((await get("/api/incidents.csv?state=gone", bearer)).status).toBe(400);
  }, 60_000);
});

describe("/incident log", () => {
  // Alice manages, Dana is an admin; Bob is neither.
  const ROLES = `${TEST_CONFIG}roles: { managers: [alice], admins: [dana] }\n`;

  /** Sends `/incident log` as `user` and waits for the answer only they see. */
  async function logAnswer(s: FakeSlack, user: string): Promise<string> {
    const d = await s.sendSlashCommand({ text: "log", user });
    return eventually(() => {
      if (d.responseUrl.posts.length === 0) throw new Error("no answer yet");
      return JSON.stringify(d.responseUrl.posts.map((p) => p.body));
    }, 10_000);
  }

  it("answers a manager or an admin only with the JSON and CSV links, token included", async () => {
    const s = await start("log-command", TOKEN, ROLES);
    for (const user of ["U0ALICE", "U0DANA"]) {
      const answer = await logAnswer(s, user);
      expect(answer).toContain(`https://firebreak.example.com/api/incidents?token=${TOKEN}`);
      expect(answer).toContain(`https://firebreak.example.com/api/incidents.csv?token=${TOKEN}`);
      expect(answer).toContain("https://firebreak.example.com/metrics");
    }
    expect(s.messages("general").map(allText).join("\n")).not.toContain(TOKEN);
  }, 60_000);

  it("tells anyone else whom to ask, without the token", async () => {
    const s = await start("log-refused", TOKEN, ROLES);
    const answer = await logAnswer(s, "U0BOB");
    expect(answer).not.toContain(TOKEN);
    expect(answer).not.toContain("/api/incidents");
    expect(answer).toContain("only managers and admins get them");
    expect(answer).toContain("Ask a manager (<@U0ALICE>) or an admin (<@U0DANA>)");
    expect(answer).toContain("https://firebreak.example.com/metrics");
  }, 60_000);

  it("says an operator names managers in the config when there are none", async () => {
    const s = await start("log-nobody");
    const answer = await logAnswer(s, "U0ALICE");
    expect(answer).not.toContain(TOKEN);
    expect(answer).toContain("No manager or admin is named yet");
  }, 60_000);

  it("without API_TOKEN says the API is off and how to turn it on; the API answers 404", async () => {
    const s = await start("log-off", null);
    const answer = await logAnswer(s, "U0ALICE");
    expect(answer).toContain("The incident log API is off");
    expect(answer).toContain("API_TOKEN");
    expect(answer).not.toContain("/api/incidents");
    expect((await get("/api/incidents", bearer)).status).toBe(404);
    expect((await get("/api/incidents.csv", bearer)).status).toBe(404);
  }, 60_000);
});
