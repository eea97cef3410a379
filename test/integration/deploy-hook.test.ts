import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import type { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { applyDeploy } from "../../handlers/deploy-hook.js";
import type { Env } from "../../src/config/env.js";
import type { Incident } from "../../src/core/incident/incident.js";
import type { Outbox } from "../../src/core/ports.js";
import { createDeployHookRouter } from "../../src/http/deploy-hook.js";
import { firebreakSignature, githubSignature } from "../../src/http/deploy-signature.js";
import { createJobScheduler } from "../../src/infra/queue/job-scheduler.js";
import { createOutbox } from "../../src/infra/queue/outbox.js";
import { createQueues, type Queues } from "../../src/infra/queue/queues.js";
import { connectRedis } from "../../src/infra/redis/connection.js";
import { createKeys } from "../../src/infra/redis/keys.js";
import { buildHandlerContext, loadStatic } from "../../src/main/context.js";
import { createLogger } from "../../src/main/logger.js";
import { teamConfig } from "../helpers/config-fixtures.js";
import type { FakeSlack } from "../helpers/fake-slack/index.js";
import { eventually, type TestFirebreak, writeConfig } from "../helpers/firebreak.js";
import { TEST_REDIS_URL } from "../helpers/redis.js";
import { slackWorld } from "../helpers/slack-world.js";

/**
 * The deploy webhook end to end: Bob reports through the fake Slack, Dana (on call) acknowledges and records the
 * fix `abc1234`, and a deploy pipeline (or GitHub) posts to /hooks/deploy. The hook runs as a second web process
 * on the same Redis prefix as the running Firebreak (as a scaled-out `web` would), so its chat news is delivered
 * by Firebreak's own outbox worker to the fake Slack.
 */
const SECRET = "test-deploy-secret-0123456789";
const FULL = "abc1234def5678901234567890abcdef12345678";

const config = teamConfig({
  extra: `services:
  - { id: search, name: Search, policy: default }
  - { id: legacy, name: Legacy, policy: default }
deploys: { production: [production, prod-eu] }
`,
});

const world = slackWorld();
let fake: FakeSlack;
const { say } = world;
let hook: { url: string; close(): Promise<void> } | undefined;

afterEach(async () => {
  await hook?.close();
  hook = undefined;
});

/** The deploy hook with its own context on the running Firebreak's Redis prefix. */
async function startHook(
  app: TestFirebreak,
  options: { secret?: string; config?: string; outbox?: (real: Outbox) => Outbox } = { secret: SECRET },
) {
  const { settings, render } = await loadStatic({ configPath: writeConfig(options.config ?? config) } as Env);
  const redis: Redis = await connectRedis(TEST_REDIS_URL, "request");
  const keys = createKeys(app.prefix);
  const queues: Queues = createQueues(redis, keys);
  const ctx = buildHandlerContext({
    settings,
    render,
    redis,
    keys,
    outbox: (options.outbox ?? ((real) => real))(createOutbox(queues)),
    jobs: createJobScheduler(queues, keys),
    platforms: {},
    logger: createLogger("silent"),
    publicUrl: () => app.url,
  });
  const server: Server = await new Promise((resolve) => {
    const s = express()
      .use(createDeployHookRouter(ctx, { secret: options.secret, apply: applyDeploy }))
      .listen(0, "127.0.0.1", () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  hook = {
    url: `http://127.0.0.1:${port}/hooks/deploy`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await queues.close();
      redis.disconnect();
    },
  };
  return hook;
}

async function start(label: string) {
  const started = await world.start({ label, config });
  fake = started.fake;
  return startHook(started.app);
}

const store = () => world.store();
const incident = async () => (await store().get("INC-1")) as Incident;

/** Bob reports, Dana acknowledges and records the fix `abc1234`: INC-1 waits in fix_merged. */
async function fixMerged(ref = "abc1234"): Promise<string> {
  await fake.sendSlashCommand({ text: "open Search is down sev3 service:search", user: "U0BOB" });
  const channel = await eventually(() => {
    const c = fake.channel("inc-1-search-is-down");
    if (!c || c.pins.size === 0) throw new Error("no kickoff yet");
    return c.id;
  }, 10_000);
  await say(channel, "ack");
  await eventually(async () => expect((await incident()).state).toBe("acknowledged"), 10_000);
  await say(channel, `fix ${ref}`);
  await eventually(async () => expect((await incident()).state).toBe("fix_merged"), 10_000);
  return channel;
}

const body = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    service: "search",
    environment: "production",
    version: "v2026.11.21",
    commits: [FULL],
    ...over,
  });

/** A POST signed the way a deploy pipeline signs it; `ts` in unix seconds (now unless given). */
async function post(
  url: string,
  text: string,
  options: { ts?: number; secret?: string; headers?: object } = {},
) {
  const ts = String(options.ts ?? Math.floor(Date.now() / 1000));
  const res = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-firebreak-timestamp": ts,
      "x-firebreak-signature": firebreakSignature(options.secret ?? SECRET, ts, text),
      ...options.headers,
    },
    body: text,
  });
  return { status: res.status, json: (await res.json().catch(() => null)) as Record<string, unknown> | null };
}

function githubEvent(
  state = "success",
  sha = FULL,
  over: { ref?: string; payload?: object; repository?: string } = {},
) {
  return JSON.stringify({
    action: "created",
    deployment_status: { state, environment: "production" },
    deployment: {
      sha,
      ref: over.ref ?? "v2026.11.21",
      environment: "production",
      payload: over.payload ?? {},
    },
    repository: { name: over.repository ?? "search", full_name: `acme/${over.repository ?? "search"}` },
  });
}

async function postGithub(
  url: string,
  text: string,
  options: { delivery?: string; event?: string; secret?: string } = {},
) {
  const res = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": options.event ?? "deployment_status",
      "x-github-delivery": options.delivery ?? crypto.randomUUID(),
      "x-hub-signature-256": githubSignature(options.secret ?? SECRET, text),
    },
    body: text,
  });
  return { status: res.status, json: (await res.json().catch(() => null)) as Record<string, unknown> | null };
}

describe("deploy webhook: what a deploy does to incidents", () => {
  it("a production deploy moves the incident to fix_deployed, tells the channel which version went where and asks the reporter to check", async () => {
    const { url } = await start("deploy-prod");
    const channel = await fixMerged();

    const staging = await post(url, body({ environment: "staging" }));
    expect(staging).toEqual({ status: 200, json: { matched: ["INC-1"], ignored: 0 } });
    await eventually(
      () => expect(world.inChannel(channel)).toContain("reached *staging* (service search)"),
      10_000,
    );
    expect((await incident()).state).toBe("fix_merged");
    expect((await incident()).fixes?.[0]?.deployedAt).toBeUndefined();

    const liveTs = Math.floor(Date.now() / 1000);
    const live = await post(url, body({ commits: ["0000000", FULL] }), { ts: liveTs });
    expect(live).toEqual({ status: 200, json: { matched: ["INC-1"], ignored: 1 } });
    await eventually(async () => expect((await incident()).state).toBe("fix_deployed"), 10_000);
    const after = await incident();
    expect(after.deploys?.map((d) => [d.environment, d.version, d.fixes])).toEqual([
      ["staging", "v2026.11.21", ["abc1234"]],
      ["production", "v2026.11.21", ["abc1234"]],
    ]);
    expect(after.fixes?.[0]?.deployedAt).toEqual(expect.any(String));
    await eventually(
      () =>
        expect(world.inChannel(channel)).toContain(
          "*v2026.11.21* with `abc1234` is live in *production* (service search)",
        ),
      10_000,
    );
    // The reporter is told once, as the reporter, that the fix they waited for is live.
    await eventually(() => expect(world.dmsTo("U0BOB")).toContain("which you reported, is live"), 10_000);
    const timeline = (await store().timeline("INC-1")).map((e) => e.type);
    expect(timeline.filter((t) => t === "deploy_received")).toHaveLength(2);
    expect(timeline).toContain("fix_deployed");

    // The same deploy delivered again (a fresh signature): accepted, and nothing more changes or is said.
    const texts = () => fake.messages(channel).map((m) => m.text);
    const said = texts();
    const bobHeard = world.dmsTo("U0BOB");
    const again = await post(url, body({ commits: ["0000000", FULL] }), { ts: liveTs - 10 });
    expect(again).toEqual({ status: 200, json: { matched: [], ignored: 2 } });
    expect(await incident()).toEqual(after);
    await new Promise((r) => setTimeout(r, 300));
    expect(texts()).toEqual(said);
    expect(world.dmsTo("U0BOB")).toBe(bobHeard);
  });

  it("a deploy while another fix still waits marks only its fix live and keeps the incident fix_merged", async () => {
    const { url } = await start("deploy-partial");
    const channel = await fixMerged();
    await say(channel, "fix https://github.com/acme/search/pull/9");
    await eventually(async () => expect((await incident()).fixes).toHaveLength(2), 10_000);

    expect(await post(url, body())).toEqual({ status: 200, json: { matched: ["INC-1"], ignored: 0 } });
    await eventually(() => expect(world.inChannel(channel)).toContain("still waiting for"), 10_000);
    const after = await incident();
    expect(after.state).toBe("fix_merged");
    expect(after.fixes?.map((f) => Boolean(f.deployedAt))).toEqual([true, false]);
  });

  it("accepts GitHub's deployment_status: a success moves the incident; other states and events are ignored", async () => {
    const { url } = await start("deploy-github");
    await fixMerged(FULL);

    expect(await postGithub(url, "{}", { event: "ping" })).toMatchObject({ status: 202 });
    expect(await postGithub(url, githubEvent("pending"))).toMatchObject({ status: 202 });
    expect((await incident()).state).toBe("fix_merged");

    const delivery = crypto.randomUUID();
    expect(await postGithub(url, githubEvent(), { delivery })).toEqual({
      status: 200,
      json: { matched: ["INC-1"], ignored: 0 },
    });
    await eventually(async () => expect((await incident()).state).toBe("fix_deployed"), 10_000);
    expect((await incident()).deploys?.[0]).toMatchObject({ service: "search", version: "v2026.11.21" });

    // The same delivery again is a replay; a forged one is refused.
    const replay = await postGithub(url, githubEvent(), { delivery });
    expect(replay.status).toBe(401);
    expect(replay.json?.error).toMatch(/replayed/);
    const forged = await postGithub(url, githubEvent(), { secret: "another-secret-0123456789" });
    expect(forged.status).toBe(401);
  });
});

describe("deploy webhook: GitHub deploys of a branch, and retries", () => {
  const B = "bbbbbbb0123456789abcdef0123456789abcdef0";

  it("a later deploy of `main` carrying another fix is recorded too, and moves the incident", async () => {
    const { url } = await start("deploy-main-twice");
    const channel = await fixMerged();
    await say(channel, "fix bbbbbbb");
    await eventually(async () => expect((await incident()).fixes).toHaveLength(2), 10_000);

    const first = await postGithub(url, githubEvent("success", FULL, { ref: "main" }));
    expect(first).toEqual({ status: 200, json: { matched: ["INC-1"], ignored: 0 } });
    expect((await incident()).state).toBe("fix_merged");

    // The same service, environment and version `main`, but another commit: the fix B it carries is news.
    const second = await postGithub(url, githubEvent("success", B, { ref: "main" }));
    expect(second).toEqual({ status: 200, json: { matched: ["INC-1"], ignored: 0 } });
    const after = await incident();
    expect(after.state).toBe("fix_deployed");
    expect(after.deploys?.map((d) => [d.version, d.fixes])).toEqual([
      ["main", ["abc1234"]],
      ["main", ["bbbbbbb"]],
    ]);
    await eventually(
      () => expect(world.inChannel(channel)).toContain("*main* with `bbbbbbb` is live in *production*"),
      10_000,
    );
  });

  it("reads deployment.payload.commits besides the head sha", async () => {
    const { url } = await start("deploy-payload-commits");
    await fixMerged();
    const event = githubEvent("success", B, { payload: { commits: [B, FULL] } });
    expect(await postGithub(url, event)).toEqual({ status: 200, json: { matched: ["INC-1"], ignored: 1 } });
    expect((await incident()).state).toBe("fix_deployed");
  });

  it("a delivery answered 400 may be redelivered once the config is fixed; after it succeeds it is a replay", async () => {
    const { app, fake: f } = await world.start({ label: "deploy-redeliver", config });
    fake = f;
    const before = await startHook(app);
    await fixMerged(FULL);
    const delivery = crypto.randomUUID();
    const event = githubEvent("success", FULL, { repository: "billing" });
    const refused = await postGithub(before.url, event, { delivery });
    expect(refused.status).toBe(400);
    expect(refused.json?.error).toMatch(/Unknown service "billing"/);
    await before.close();

    // The config now names the repository; GitHub's "Redeliver" sends the same delivery id and body.
    const fixed = config.replace(
      "services:\n",
      "services:\n  - { id: billing, name: Billing, policy: default }\n",
    );
    const { url } = await startHook(app, { secret: SECRET, config: fixed });
    expect(await postGithub(url, event, { delivery })).toEqual({
      status: 200,
      json: { matched: ["INC-1"], ignored: 0 },
    });
    expect((await incident()).state).toBe("fix_deployed");
    const replay = await postGithub(url, event, { delivery });
    expect(replay.status).toBe(401);
    expect(replay.json?.error).toMatch(/replayed/);
  });

  it("when the incident was written but the news could not be queued (503), sending it again tells everyone once", async () => {
    const { app, fake: f } = await world.start({ label: "deploy-retell", config });
    fake = f;
    let failures = 1;
    const { url } = await startHook(app, {
      secret: SECRET,
      // Redis goes away between writing the incident and queueing its news, once.
      outbox: (real) => ({
        ...real,
        async send(...items) {
          if (failures-- > 0) throw new Error("Connection is closed.");
          await real.send(...items);
        },
      }),
    });
    const channel = await fixMerged();
    const ts = Math.floor(Date.now() / 1000);
    const failed = await post(url, body(), { ts });
    expect(failed.status).toBe(503);
    expect(failed.json?.error).toMatch(/send it again: what was already recorded is not recorded twice/);
    expect((await incident()).state).toBe("fix_deployed");
    await new Promise((r) => setTimeout(r, 300));
    expect(world.inChannel(channel)).not.toContain("is live in *production*");

    // The very same request again (same signature): not a replay, since it never succeeded.
    const again = await post(url, body(), { ts });
    expect(again).toEqual({ status: 200, json: { matched: [], ignored: 1 } });
    await eventually(
      () =>
        expect(world.inChannel(channel)).toContain(
          "*v2026.11.21* with `abc1234` is live in *production* (service search)",
        ),
      10_000,
    );
    await eventually(() => expect(world.dmsTo("U0BOB")).toContain("which you reported, is live"), 10_000);

    // Once more, freshly signed: the news is keyed by the deploy's record, so nothing is said twice.
    const said = fake.messages(channel).map((m) => m.text);
    const bobHeard = world.dmsTo("U0BOB");
    expect(await post(url, body(), { ts: ts - 1 })).toEqual({
      status: 200,
      json: { matched: [], ignored: 1 },
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(fake.messages(channel).map((m) => m.text)).toEqual(said);
    expect(world.dmsTo("U0BOB")).toBe(bobHeard);
    expect((await store().timeline("INC-1")).filter((e) => e.type === "deploy_received")).toHaveLength(1);
  });
});

describe("deploy webhook: who may call it", () => {
  it("is off (404) without DEPLOY_WEBHOOK_SECRET", async () => {
    const { app } = await world.start({ label: "deploy-off", config });
    const { url } = await startHook(app, {});
    expect((await post(url, body())).status).toBe(404);
  });

  it("refuses missing, forged, stale and replayed signatures with 401, and changes nothing", async () => {
    const { url } = await start("deploy-auth");
    await fixMerged();
    const before = await incident();
    const text = body();

    const missing = await fetch(url, {
      method: "POST",
      body: text,
      headers: { "content-type": "application/json" },
    });
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { error: string }).error).toMatch(/Missing X-Firebreak-Signature/);

    const forged = await post(url, text, { secret: "not-the-secret-0123456789" });
    expect(forged.status).toBe(401);
    expect(forged.json?.error).toMatch(/does not match/);

    // Signed with the right secret, but the body was changed on the way.
    const ts = String(Math.floor(Date.now() / 1000));
    const tampered = await fetch(url, {
      method: "POST",
      headers: { "x-firebreak-timestamp": ts, "x-firebreak-signature": firebreakSignature(SECRET, ts, text) },
      body: body({ version: "v666" }),
    });
    expect(tampered.status).toBe(401);

    const stale = await post(url, text, { ts: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(stale.status).toBe(401);
    expect(stale.json?.error).toMatch(/stale/);
    expect(await incident()).toEqual(before);

    // A good call goes through once; the very same request again is a replay.
    const replayTs = Math.floor(Date.now() / 1000);
    expect((await post(url, body({ environment: "staging" }), { ts: replayTs })).status).toBe(200);
    const replay = await post(url, body({ environment: "staging" }), { ts: replayTs });
    expect(replay.status).toBe(401);
    expect(replay.json?.error).toMatch(/replayed/);
    expect((await incident()).deploys).toHaveLength(1);
  });

  it.each([
    [
      "an unknown service",
      body({ service: "serach" }),
      /Unknown service "serach" \(known services: search, legacy/,
    ],
    ["malformed commits", body({ commits: ["abc12", "xyz"] }), /`commits\[0\]` is "abc12"/],
    ["commits that are not a list", body({ commits: FULL }), /must be an array/],
    ["a missing version", body({ version: undefined }), /`version` is missing/],
    ["bad JSON", "{service: search", /not valid JSON/],
    ["a body over 256 KB", body({ notes: "x".repeat(300 * 1024) }), /larger than 256 KB/],
  ])("answers 400 to %s, with the reason, and changes nothing", async (_, text, reason) => {
    const { url } = await start("deploy-400");
    const channel = await fixMerged();
    const before = await incident();
    const texts = () => fake.messages(channel).map((m) => m.text);
    const said = texts();
    const res = await post(url, text);
    expect(res.status).toBe(400);
    expect(res.json?.error).toMatch(reason);
    expect(await incident()).toEqual(before);
    expect((await store().timeline("INC-1")).map((e) => e.type)).not.toContain("deploy_received");
    expect(texts()).toEqual(said);
  });
});
