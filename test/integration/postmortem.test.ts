import { describe, expect, it } from "vitest";
import type { Incident } from "../../src/core/incident/incident.js";
import { postmortemToken } from "../../src/core/incident/postmortem-link.js";
import { createKeys } from "../../src/infra/redis/keys.js";
import { createRedisOncallStore } from "../../src/infra/redis/oncall-store.js";
import { teamConfig } from "../helpers/config-fixtures.js";
import type { FakeSlack } from "../helpers/fake-slack/index.js";
import { eventually } from "../helpers/firebreak.js";
import { testRedis } from "../helpers/redis.js";
import { allText, slackWorld } from "../helpers/slack-world.js";

/**
 * Post-mortems end to end: the real dispatcher, store, queue, outbox and web server on a real Redis, Slack
 * faked. Bob reports, Dana commands (alone on the rotation), Alice manages the search service, so she owns its
 * post-mortems. Reminders come hourly (the least the config allows) and it is due after two hours; the test
 * that watches them fire runs Firebreak's clock three hours behind the queue's (see there).
 */
const CONFIG = teamConfig({
  names: { alice: "Alice Archer", bob: "Bob Baker", dana: "Dana Diaz" },
  extra: `postmortem: { due_after: 2h, remind_every: 1h }
services:
  - { id: search, name: Search API, policy: default, manager: alice }
`,
});

const world = slackWorld();
const redis = testRedis();
let fake: FakeSlack;
const { say, incident } = world;
let url: string;
let prefix: string;
const inChannel = (channel: string) => world.inChannel(channel);
const dms = (user: string) => world.dmsTo(user);
const toldOnly = (user: string) =>
  fake
    .ephemerals({ user })
    .map((e) => allText(e))
    .join("\n");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How far Firebreak's clock is from the real one (the queue's delays are real time). */
let clockOffsetMs = 0;
const clock = { now: () => new Date(Date.now() + clockOffsetMs) };

async function start(label: string, env: { statusPageToken?: string } = {}) {
  clockOffsetMs = 0;
  const started = await world.start({ label: `postmortem-${label}`, config: CONFIG, env, clock });
  fake = started.fake;
  url = started.app.url;
  prefix = started.app.prefix;
}

/** The token of a draft's link, derived as the running Firebreak derives it (from its calendar secret). */
async function tokenOf(id: string): Promise<string> {
  return postmortemToken(await createRedisOncallStore(redis, createKeys(prefix)).calendarSecret(), id);
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
    // Even with the right link token there is no draft yet.
    const res = await fetch(`${url}/incidents/INC-1/postmortem.md?token=${await tokenOf("INC-1")}`);
    expect(res.status).toBe(404);
  });

  it("drafts the post-mortem from the recorded incident and serves it as Markdown", async () => {
    await start("draft");
    const channel = await recordedIncident();
    await say(channel, "postmortem", "U0BOB");
    await eventually(async () => expect((await incident()).postmortem?.owner).toBe("U0ALICE"), 10_000);
    const link = `${url}/incidents/INC-1/postmortem.md?token=${await tokenOf("INC-1")}`;
    // What chat hands out: the public address (localhost in tests), on the same port, with the link token.
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

    // An unknown incident's own token finds nothing; a path that is no incident id is no draft.
    expect(
      (await fetch(`${url}/incidents/INC-99/postmortem.md?token=${await tokenOf("INC-99")}`)).status,
    ).toBe(404);
    expect((await fetch(`${url}/incidents/nope/postmortem.md`)).status).toBe(404);
  });

  it("reminds the owner by DM until it is done, tells the channel when overdue, and stops once done", async () => {
    await start("reminders");
    const channel = await recordedIncident();
    // Firebreak's clock goes three hours back: the reminders at +1 h, +2 h (the due date) and +3 h are due now
    // for the queue, which runs each at once, while Firebreak's clock says each is still ahead. Each of these
    // early firings must send its reminder once and arm the next, never itself again; the one at +4 h waits.
    clockOffsetMs = -3 * 3_600_000;
    await say(channel, "postmortem", "U0DANA");
    await eventually(async () => expect((await incident()).postmortem).toBeDefined(), 10_000);
    const reminders = () => (dms("U0ALICE").match(/Reminder: the post-mortem of INC-1/g) ?? []).length;
    await eventually(() => expect(reminders()).toBe(3), 10_000);
    await eventually(() => expect(inChannel(channel)).toContain("is overdue: it was due"), 10_000);
    expect(dms("U0ALICE")).toContain("is *overdue*");
    const created = Date.parse((await incident()).postmortem?.createdAt ?? "");
    await eventually(async () =>
      expect((await incident()).timers?.postmortem?.dueAt).toBe(
        new Date(created + 4 * 3_600_000).toISOString(),
      ),
    );
    await sleep(1_500);
    expect(reminders()).toBe(3);

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
    // Asked again: it says it is done already (not "already open"), and changes nothing.
    await say(channel, "postmortem done", "U0DANA");
    await eventually(
      () => expect(toldOnly("U0DANA")).toContain("is already done: <@U0ALICE> marked it done"),
      10_000,
    );
    expect(toldOnly("U0DANA")).not.toContain("already open");
    expect((await incident()).postmortem).toEqual(done.postmortem);

    // No reminder after it was done (give a job already in flight time to land first).
    await sleep(500);
    const after = reminders();
    await sleep(2_500);
    expect(reminders()).toBe(after);
    expect((inChannel(channel).match(/is overdue: it was due/g) ?? []).length).toBe(1);
  });
});

describe("the draft's access", () => {
  it("opens only with its own link token, never the status pages' token, private incidents included", async () => {
    await start("token", { statusPageToken: "s3cret token" });
    const channel = await recordedIncident();
    await say(channel, "postmortem");
    await eventually(async () => expect((await incident()).postmortem).toBeDefined(), 10_000);
    const token = await tokenOf("INC-1");
    const path = `${url}/incidents/INC-1/postmortem.md`;
    await eventually(
      () =>
        expect(inChannel(channel)).toContain(
          `<${path.replace("127.0.0.1", "localhost")}?token=${encodeURIComponent(token)}|postmortem.md>`,
        ),
      10_000,
    );
    expect(inChannel(channel)).not.toContain("s3cret");

    const status = async (query: string) => (await fetch(`${path}${query}`)).status;
    expect(await status("")).toBe(401);
    expect(await status("?token=wrong")).toBe(401);
    // The status pages' token (readers of the public pages) does not open the internal history.
    expect(await status("?token=s3cret%20token")).toBe(401);
    expect(
      (await fetch(path, { headers: { cookie: `firebreak_status=${encodeURIComponent("s3cret token")}` } }))
        .status,
    ).toBe(401);
    // Another incident's token opens nothing here, and its own path is refused before any lookup.
    expect(await status(`?token=${await tokenOf("INC-2")}`)).toBe(401);
    expect((await fetch(`${url}/incidents/INC-2/postmortem.md?token=${token}`)).status).toBe(401);

    const ok = await fetch(`${path}?token=${token}`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("cache-control")).toBe("no-store");
    expect(ok.headers.get("set-cookie")).toBeNull();
    expect(await ok.text()).toContain("# Post-mortem of INC-1");
    expect((await fetch(`${url}/incidents/inc-1/postmortem.md?token=${token}`)).status).toBe(200);

    // A private incident's draft is still served to whoever holds its link, and chat still hands it out.
    await say(channel, "visibility private");
    await eventually(async () => expect((await incident()).private).toBe(true), 10_000);
    expect(await status(`?token=${token}`)).toBe(200);
    expect(await status("")).toBe(401);
    await say(channel, "postmortem", "U0BOB");
    await eventually(
      () => expect(toldOnly("U0BOB")).toContain(`?token=${encodeURIComponent(token)}|postmortem.md>`),
      10_000,
    );
    expect(toldOnly("U0BOB")).not.toContain("not published");
  });
});
