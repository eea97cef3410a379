import { describe, expect, it } from "vitest";
import type { Clock } from "../../src/core/ports.js";
import { createKeys } from "../../src/infra/redis/keys.js";
import { createRedisOncallStore } from "../../src/infra/redis/oncall-store.js";
import { STANDARD_SEVERITIES } from "../helpers/config-fixtures.js";
import type { FakeSlack, SlashCommandDelivery } from "../helpers/fake-slack/index.js";
import { eventually } from "../helpers/firebreak.js";
import { testRedis } from "../helpers/redis.js";
import { allText, slackWorld } from "../helpers/slack-world.js";

/**
 * `oncall [service|rotation]` and the mention `who is on call for …?`, end to end: the real dispatcher, store
 * and outbox on a real Redis, Slack faked, Firebreak's clock fixed at Wednesday 18 November 2026, 11:00 in
 * Berlin. Alice lives in Berlin, Bob in New York: each sees times in their own zone.
 *
 * On that Wednesday: primary (weekly from Mon 2 Nov: alice, bob, alice, …) has Alice until Mon 23 Nov 09:00.
 * search-oncall has two layers: business hours (daily Dana/Carol, Mon–Fri 09:00–17:00; day 16 is Dana's) over
 * a base where Bob is always on. weekend-desk is on only at weekends, so nobody is on it now.
 */
const CONFIG = `
timezone: Europe/Berlin
announce_channel: incidents
people:
  - { id: alice, name: Alice, slack: U0ALICE, timezone: Europe/Berlin }
  - { id: bob, name: Bob, slack: U0BOB, timezone: America/New_York }
  - { id: dana, name: Dana, slack: U0DANA, timezone: Europe/Berlin }
  - { id: carol, name: Carol Nohandle, timezone: Europe/Berlin }
rotations:
  - { id: primary, name: Primary, members: [alice, bob], shift: 1w, handoff: "Mon 09:00", timezone: Europe/Berlin, start: 2026-11-02 }
  - id: search-oncall
    timezone: Europe/Berlin
    layers:
      - name: business-hours
        members: [dana, carol]
        shift: 1d
        handoff: "09:00"
        start: 2026-11-02
        restrict: [{ days: Mon-Fri, from: "09:00", to: "17:00" }]
      - { name: base, members: [bob], shift: 1w, handoff: "Mon 09:00", start: 2026-11-02 }
  - id: weekend-desk
    members: [dana]
    shift: 1w
    handoff: "Sat 00:00"
    timezone: Europe/Berlin
    start: 2026-11-07
    restrict: [{ days: [Sat, Sun], from: "00:00", to: "00:00" }]
escalation_policies:
  - id: default
    steps:
      - { notify: [rotation:primary] }
  - id: search-policy
    steps:
      - { notify: [rotation:search-oncall, person:alice] }
      - { notify: [person:dana], after: 30m }
services:
  - { id: search, name: Search API, owner: search-team, policy: search-policy }
  - { id: billing }
fallback_policy: default
${STANDARD_SEVERITIES}`;

const NOW = new Date("2026-11-18T10:00:00Z");
const clock: Clock = { now: () => new Date(NOW) };

const world = slackWorld();
let fake: FakeSlack;
let prefix: string;

async function start(label: string) {
  const started = await world.start({
    label: `oncall-who-${label}`,
    config: CONFIG,
    clock,
    channels: [
      { name: "general", members: ["U0ALICE", "U0BOB", "U0DANA"] },
      { name: "incidents", members: ["U0FIREBRK", "U0ALICE", "U0BOB"] },
    ],
  });
  fake = started.fake;
  prefix = started.app.prefix;
}

/** What the person who typed the command was answered (only they see it). */
const answered = (d: SlashCommandDelivery) =>
  d.responseUrl.posts.map((p) => allText(p.body as { text?: string; blocks?: unknown[] })).join("\n");

async function ask(text: string, user = "U0ALICE"): Promise<string> {
  const d = await fake.sendSlashCommand({ text, user, channel: "general" });
  return eventually(() => {
    const said = answered(d);
    if (!said.trim()) throw new Error(`no answer to "${text}" yet`);
    return said;
  }, 10_000);
}

describe("oncall: who is on call", () => {
  it("lists every rotation: who is on now until when, the next changes, in the asker's zone, nobody loudly", async () => {
    await start("all");
    const said = await ask("oncall");
    expect(said).toContain("times in Europe/Berlin");
    expect(said).toContain("*Primary* (primary)");
    expect(said).toContain("🟢 <@U0ALICE> until Mon 23 Nov 09:00 CET");
    expect(said).toContain("then <@U0BOB> from Mon 23 Nov 09:00 CET");
    expect(said).toContain("then <@U0ALICE> from Mon 30 Nov 09:00 CET");
    // Layers are named when a rotation has several; Carol has no Slack account, so her name is shown.
    expect(said).toContain("🟢 <@U0DANA> · business-hours layer until Wed 18 Nov 17:00 CET");
    expect(said).toContain("then <@U0BOB> · base layer from Wed 18 Nov 17:00 CET");
    expect(said).toContain("then Carol Nohandle · business-hours layer from Thu 19 Nov 09:00 CET");
    // Only the next two changes in the overview.
    expect(said).not.toContain("from Thu 19 Nov 17:00 CET");
    expect(said).toContain("*weekend-desk*");
    expect(said).toContain("🚨 *NOBODY IS ON CALL* until Sat 21 Nov 00:00 CET");
    expect(said).toContain("then <@U0DANA> from Sat 21 Nov 00:00 CET");
  }, 30_000);

  it("shows one rotation with more of what comes next, and an override as such, in Bob's New York time", async () => {
    await start("rotation");
    const redis = testRedis();
    try {
      await createRedisOncallStore(redis, createKeys(prefix)).changeOverrides("primary", NOW, () => ({
        add: [
          {
            id: "cover-1",
            rotation: "primary",
            personId: "bob",
            from: "2026-11-18T09:00:00.000Z",
            to: "2026-11-19T09:00:00.000Z",
            kind: "override",
            replaces: "alice",
            by: "alice",
            at: "2026-11-17T12:00:00.000Z",
          },
        ],
      }));
    } finally {
      redis.disconnect();
    }
    const said = await ask("oncall primary", "U0BOB");
    expect(said).toContain("times in America/New_York");
    expect(said).toContain("changes of person in the next 4w");
    expect(said).toContain("🟢 <@U0BOB> (override by <@U0ALICE>) until Thu 19 Nov 04:00 EST");
    expect(said).toContain("then <@U0ALICE> from Thu 19 Nov 04:00 EST");
    expect(said).toContain("then <@U0BOB> from Mon 23 Nov 03:00 EST");
    expect(said).toContain("then <@U0ALICE> from Mon 30 Nov 03:00 EST");
    expect(said).not.toContain("weekend-desk");
  }, 30_000);

  it("names who made an override when they are not in the people list: a mention here, else the label", async () => {
    await start("stranger");
    const stranger = (id: string, rotation: string, personId: string, by: string) => ({
      id,
      rotation,
      personId,
      from: "2026-11-18T09:00:00.000Z",
      to: "2026-11-19T09:00:00.000Z",
      kind: "override" as const,
      by,
      at: "2026-11-17T12:00:00.000Z",
    });
    const redis = testRedis();
    try {
      const store = createRedisOncallStore(redis, createKeys(prefix));
      await store.changeOverrides("primary", NOW, () => ({
        add: [stranger("by-slack", "primary", "bob", "slack:U0ZED")],
      }));
      await store.changeOverrides("weekend-desk", NOW, () => ({
        add: [stranger("by-mattermost", "weekend-desk", "carol", "mattermost:m0zed")],
      }));
    } finally {
      redis.disconnect();
    }
    const said = await ask("oncall");
    // A Slack label is mentioned on Slack; one from Mattermost cannot be, so it is shown as recorded.
    expect(said).toContain("🟢 <@U0BOB> (override by <@U0ZED>) until Thu 19 Nov 10:00 CET");
    expect(said).toContain("🟢 Carol Nohandle (override by mattermost:m0zed) until Thu 19 Nov 10:00 CET");
  }, 30_000);

  it("shows a service: owner, policy, and who its first step reaches now and next", async () => {
    await start("service");
    const said = await ask("oncall search");
    expect(said).toContain("*Search API* (search) · owner: search-team");
    expect(said).toContain("Paged through the policy *search-policy*.");
    expect(said).toContain(
      "whoever is on call in *search-oncall*: <@U0DANA> · business-hours layer until Wed 18 Nov 17:00 CET, " +
        "then <@U0BOB> · base layer from Wed 18 Nov 17:00 CET",
    );
    expect(said).toContain("• <@U0ALICE>, always");
    // The second step is escalation, not who an incident pages first.
    expect(said).not.toContain("<@U0DANA>, always");
    expect(said).not.toContain("NOBODY");
  }, 30_000);

  it("says when a service has no policy of its own and falls to fallback_policy", async () => {
    await start("fallback");
    const said = await ask("oncall billing");
    expect(said).toContain("owner: nobody owns it");
    expect(said).toContain(
      "Paged through the policy *default*: the service has no policy of its own, so it falls to `fallback_policy`.",
    );
    expect(said).toContain("whoever is on call in *Primary*: <@U0ALICE> until Mon 23 Nov 09:00 CET");
  }, 30_000);

  it("refuses an unknown id, listing what there is and the nearest match", async () => {
    await start("unknown");
    const said = await ask("oncall serch");
    expect(said).toContain("There is no service or rotation `serch`. Did you mean `search`?");
    expect(said).toContain("Services: `search`, `billing`.");
    expect(said).toContain("Rotations: `primary`, `search-oncall`, `weekend-desk`.");
  }, 30_000);

  it("answers the mention form only to the person who asked", async () => {
    await start("mention");
    await fake.sendAppMention({
      user: "U0BOB",
      channel: "incidents",
      text: `<@${fake.botUserId}> who is on call for search?`,
    });
    const said = await eventually(() => {
      const text = fake.ephemerals({ user: "U0BOB" }).map(allText).join("\n");
      if (!text.includes("search-policy")) throw new Error("no answer yet");
      return text;
    }, 10_000);
    expect(said).toContain("(times in America/New_York)");
    expect(said).toContain("<@U0DANA> · business-hours layer until Wed 18 Nov 11:00 EST");
    // Nothing was posted for everyone to see.
    expect(
      fake
        .messages("incidents")
        .filter((m) => m.user === fake.botUserId)
        .map(allText)
        .join("\n"),
    ).not.toContain("search-policy");
    expect(fake.ephemerals({ user: "U0ALICE" })).toHaveLength(0);
  }, 30_000);
});
