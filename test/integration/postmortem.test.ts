import { afterEach, describe, expect, it } from "vitest";
import type { Env } from "../../src/config/env.js";
import type { Incident } from "../../src/core/incident/incident.js";
import type { IncidentStore } from "../../src/core/ports.js";
import { createRedisIncidentStore } from "../../src/infra/redis/incident-store.js";
import { createKeys } from "../../src/infra/redis/keys.js";
import { createLogger } from "../../src/main/logger.js";
import { type Running, startRuntime } from "../../src/main/runtime.js";
import { type FakeSlack, startFakeSlack } from "../helpers/fake-slack/index.js";
import { eventually, writeConfig } from "../helpers/firebreak.js";
import { deletePrefix, TEST_REDIS_URL, testRedis, uniquePrefix } from "../helpers/redis.js";
import { allText, slackWorld } from "../helpers/slack-world.js";

/**
 * Post-mortems end to end: the real dispatcher, store, queue, outbox and web server on a real Redis, Slack
 * faked. Bob reports, Dana commands (alone on the rotation), Alice manages the search service, so she owns its
 * post-mortems. Reminders come every second and the post-mortem is due after two, so a test sees them.
 */
const CONFIG = `
timezone: Europe/Berlin
announce_channel: incidents
people:
  - { id: alice, name: Alice Archer, slack: U0ALICE, timezone: Europe/Berlin }
  - { id: bob, name: Bob Baker, slack: U0BOB, timezone: America/New_York }
  - { id: dana, name: Dana Diaz, slack: U0DANA, timezone: Europe/Berlin }
postmortem: { due_after: 2s, remind_every: 1s }
rotations:
  - { id: primary, members: [dana], shift: 1w, handoff: "Mon 09:00", timezone: Europe/Berlin, start: 2020-01-06 }
escalation_policies:
  - id: default
    steps:
      - { notify: [rotation:primary] }
services:
  - { id: search, name: Search API, policy: default, manager: alice }
fallback_policy: default
severities:
  sev1: { update_every: 1h, ack_within: 1h }
  sev2: { update_every: 1h, ack_within: 1h }
  sev3: { update_every: 1h, ack_within: 1h }
  sev4: { update_every: 1d, ack_within: 1h }
`;

const world = slackWorld();
let fake: FakeSlack;
let url: string;
/** The store of the Firebreak under test: the world's, unless a test starts its own runtime. */
let storeOf: () => IncidentStore = () => world.store();
const inChannel = (channel: string) => world.inChannel(channel);
const dms = (user: string) => world.dmsTo(user);
const toldOnly = (user: string) =>
  fake
    .ephemerals({ user })
    .map((e) => allText(e))
    .join("\n");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function start(label: string) {
  const started = await world.start({ label: `postmortem-${label}`, config: CONFIG });
  fake = started.fake;
  url = started.app.url;
}

async function incident(): Promise<Incident> {
  const found = await storeOf().get("INC-1");
  if (!found) throw new Error("INC-1 is not stored");
  return found;
}

/** Bob opens an incident on the search service; resolves with its channel id once the status card is pinned. */
async function open(): Promise<string> {
  await fake.sendSlashCommand({ text: "open Search is down sev3 service:search", user: "U0BOB" });
  return eventually(() => {
    const channel = fake.channel("inc-1-search-is-down");
    if (!channel || channel.pins.size === 0) throw new Error("no card yet");
    return channel.id;
  }, 10_000);
}

const say = (channel: string, text: string, user = "U0DANA") =>
  fake.sendSlashCommand({ text, user, channel });

async function reaches(state: Incident["state"]) {
  await eventually(async () => expect((await incident()).state).toBe(state), 10_000);
}

/** Open, acknowledge, update, fix, deploy and resolve: the incident a post-mortem is written about. */
async function recordedIncident(): Promise<string> {
  const channel = await open();
  await say(channel, "ack");
  await reaches("acknowledged");
  await say(channel, "update Rolling back the index change");
  await eventually(async () => expect((await incident()).lastUpdate?.text).toContain("Rolling back"), 10_000);
  await say(channel, "fix https://github.com/acme/search/pull/7");
  await eventually(async () => expect((await incident()).fixes).toHaveLength(1), 10_000);
  await say(channel, "deployed");
  await reaches("fix_deployed");
  await say(channel, "resolve Rolled back the bad index");
  await reaches("resolved");
  await say(channel, "followup Alert on empty search results @alice");
  await eventually(async () => expect((await incident()).followups).toHaveLength(1), 10_000);
  return channel;
}

describe("/incident postmortem", () => {
  it("is refused until the incident is resolved, and changes nothing", async () => {
    await start("refused");
    const channel = await open();
    await say(channel, "postmortem", "U0BOB");
    await eventually(
      () => expect(toldOnly("U0BOB")).toContain("The post-mortem opens once the incident is resolved"),
      10_000,
    );
    expect(toldOnly("U0BOB")).toContain("Nothing was changed");
    expect((await incident()).postmortem).toBeUndefined();
    const types = (await world.store().timeline("INC-1")).map((e) => e.type);
    expect(types).not.toContain("postmortem_created");
    const res = await fetch(`${url}/incidents/INC-1/postmortem.md`);
    expect(res.status).toBe(404);
  });

  it("drafts the post-mortem from the recorded incident and serves it as Markdown", async () => {
    await start("draft");
    const channel = await recordedIncident();
    await say(channel, "postmortem", "U0BOB");
    await eventually(async () => expect((await incident()).postmortem?.owner).toBe("U0ALICE"), 10_000);
    const link = `${url}/incidents/INC-1/postmortem.md`;
    // What chat hands out: the public address (localhost in tests), on the same port.
    const handedOut = link.replace("127.0.0.1", "localhost");
    await eventually(() => {
      expect(inChannel(channel)).toContain("opened the *post-mortem* of *INC-1*");
      expect(inChannel(channel)).toContain("Owner: <@U0ALICE> (the service's manager)");
      expect(inChannel(channel)).toContain(`<${handedOut}|postmortem.md>`);
    }, 10_000);
    // The owner hears of it by DM, since Bob asked for it.
    await eventually(
      () => expect(dms("U0ALICE")).toContain("made you the owner of the *post-mortem*"),
      10_000,
    );

    const res = await fetch(link);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/markdown");
    const md = await res.text();
    for (const heading of [
      "# Post-mortem of INC-1: Search is down",
      "## Summary",
      "## Impact",
      "## Timeline",
      "## Contributing factors",
      "## What went well",
      "## What went badly",
      "## Deploy review",
      "## Follow-ups",
    ]) {
      expect(md).toContain(`\n${heading}`.trimStart());
    }
    expect(md).toContain("Rolled back the bad index");
    expect(md).toContain("- **Service:** Search API");
    expect(md).toContain("- **Reporters:** 1 (Bob Baker)");
    expect(md).toContain("- **Owner:** Alice Archer");
    const timeline = md.split("## Timeline")[1]?.split("\n## ")[0] ?? "";
    const line = /^- \d{4}-\d{2}-\d{2} \d{2}:\d{2} CES?T · /;
    const lines = timeline.split("\n").filter((l) => line.test(l));
    expect(lines.length).toBeGreaterThanOrEqual(8);
    for (const wanted of [
      "· Bob Baker · opened it: Search is down (SEV3)",
      "· Dana Diaz · acknowledged the page",
      "· Dana Diaz · posted an update: Rolling back the index change",
      "· Dana Diaz · recorded a fix: <https://github.com/acme/search/pull/7>",
      "· Dana Diaz · moved it from fix\\_deployed to resolved: Rolled back the bad index",
      "· Dana Diaz · added follow-up 1: Alert on empty search results (owner Alice Archer)",
      "· Bob Baker · opened the post-mortem, owned by Alice Archer",
    ]) {
      expect(
        lines.some((l) => l.includes(wanted)),
        wanted,
      ).toBe(true);
    }
    expect(md).toContain("Why was this change deployed outside the normal deploy train");
    expect(md).toMatch(/- \[ \] 1\. Alert on empty search results — open, owner Alice Archer/);

    // Regenerated on every request: a follow-up added later is in the next copy.
    await say(channel, "followup Write the runbook");
    await eventually(async () => expect((await incident()).followups).toHaveLength(2), 10_000);
    expect(await (await fetch(link)).text()).toContain("2. Write the runbook — open, no owner");

    // Asking again changes nothing and answers with the link and the owner.
    const before = await incident();
    await say(channel, "postmortem", "U0DANA");
    await eventually(
      () => expect(toldOnly("U0DANA")).toContain("is already open: owned by <@U0ALICE>"),
      10_000,
    );
    expect(toldOnly("U0DANA")).toContain(`<${handedOut}|postmortem.md>`);
    expect((await incident()).postmortem).toEqual(before.postmortem);

    // Unknown incidents and malformed ids get the same 404.
    expect((await fetch(`${url}/incidents/INC-99/postmortem.md`)).status).toBe(404);
    expect((await fetch(`${url}/incidents/nope/postmortem.md`)).status).toBe(404);
  });

  it("reminds the owner by DM until it is done, tells the channel when overdue, and stops once done", async () => {
    await start("reminders");
    const channel = await recordedIncident();
    await say(channel, "postmortem", "U0DANA");
    await eventually(async () => expect((await incident()).postmortem).toBeDefined(), 10_000);
    const reminders = () => (dms("U0ALICE").match(/Reminder: the post-mortem of INC-1/g) ?? []).length;
    // Reminded at 1 s (still due), at 2 s the due date (overdue, and the channel is told).
    await eventually(() => expect(reminders()).toBeGreaterThanOrEqual(1), 10_000);
    await eventually(() => expect(inChannel(channel)).toContain("is overdue: it was due"), 10_000);
    await eventually(() => expect(dms("U0ALICE")).toContain("is *overdue*"), 10_000);

    // Bob (a reporter) may not mark it done; Alice, its owner, may.
    await say(channel, "postmortem done", "U0BOB");
    await eventually(
      () => expect(toldOnly("U0BOB")).toContain("Only the post-mortem's owner (<@U0ALICE>)"),
      10_000,
    );
    expect((await incident()).postmortem?.done).toBeUndefined();
    await say(channel, "postmortem done", "U0ALICE");
    await eventually(
      () => expect(inChannel(channel)).toContain("marked the *post-mortem* of *INC-1*"),
      10_000,
    );
    const done = await incident();
    expect(done.postmortem?.done?.by).toBe("U0ALICE");
    expect(done.timers?.postmortem?.dueAt).toBeUndefined();
    expect((await world.store().timeline("INC-1")).map((e) => e.type)).toContain("postmortem_done");

    // No reminder after it was done (give a job already in flight time to land first).
    await sleep(500);
    const after = reminders();
    await sleep(2_500);
    expect(reminders()).toBe(after);
    expect((inChannel(channel).match(/is overdue: it was due/g) ?? []).length).toBe(1);
  });
});

describe("the draft's access", () => {
  let running: Running | undefined;
  let prefix: string | undefined;
  afterEach(async () => {
    await running?.stop();
    if (prefix) {
      const redis = testRedis();
      await deletePrefix(redis, prefix);
      redis.disconnect();
    }
    running = undefined;
  });

  it("needs the status page's token when one is set, and hides private incidents", async () => {
    const slack = await startFakeSlack({ channels: [{ name: "general" }, { name: "incidents" }] });
    const redis = testRedis();
    try {
      prefix = uniquePrefix("postmortem-token");
      const env: Env = {
        port: 0,
        redisUrl: TEST_REDIS_URL,
        redisPrefix: prefix,
        configPath: writeConfig(CONFIG),
        slack: {
          kind: "http",
          botToken: slack.botToken,
          signingSecret: slack.signingSecret,
          apiUrl: slack.apiUrl,
        },
        logLevel: "silent",
        statusPageToken: "s3cret token",
      };
      running = await startRuntime(env, "all", createLogger("silent"));
      slack.botUrl = `${running.url}/slack/events`;
      fake = slack;
      const base = running.url as string;
      storeOf = () => createRedisIncidentStore(redis, createKeys(prefix as string));
      await recordedIncident();
      await say("inc-1-search-is-down", "postmortem");
      await eventually(() => {
        expect(fake.messages("inc-1-search-is-down").map(allText).join("\n")).toContain(
          `${base.replace("127.0.0.1", "localhost")}/incidents/INC-1/postmortem.md?token=s3cret%20token`,
        );
      }, 10_000);
      const path = `${base}/incidents/INC-1/postmortem.md`;
      expect((await fetch(path)).status).toBe(401);
      expect((await fetch(`${path}?token=wrong`)).status).toBe(401);
      const ok = await fetch(`${path}?token=s3cret%20token`);
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain("# Post-mortem of INC-1");
      // The cookie the token set lets the next request through without it.
      const cookie = ok.headers.get("set-cookie")?.split(";")[0] ?? "";
      expect((await fetch(path, { headers: { cookie } })).status).toBe(200);

      await say("inc-1-search-is-down", "visibility private");
      await eventually(async () => expect((await incident()).private).toBe(true), 10_000);
      expect((await fetch(`${path}?token=s3cret%20token`)).status).toBe(404);
    } finally {
      await running?.stop();
      running = undefined;
      await slack.close();
      redis.disconnect();
      storeOf = () => world.store();
    }
  });
});
