import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createRedisIncidentStore } from "../../src/infra/redis/incident-store.js";
import { createKeys } from "../../src/infra/redis/keys.js";
import { type FakeSlack, startFakeSlack } from "../helpers/fake-slack/index.js";
import { deliver } from "../helpers/fake-slack/to-bot.js";
import { eventually, startFirebreak, type TestFirebreak } from "../helpers/firebreak.js";
import { testRedis } from "../helpers/redis.js";
import { allText } from "../helpers/slack-world.js";

/**
 * The foundation slice end to end: signed requests through Bolt's real receiver, the real core, store and
 * queue on a real Redis, and a fake Slack that rejects anything real Slack would.
 */
let fake: FakeSlack;
let app: TestFirebreak;
const redis = testRedis();

async function start(label: string, config?: string) {
  fake = await startFakeSlack({ channels: [{ name: "general" }, { name: "incidents" }] });
  app = await startFirebreak({
    label,
    config,
    slack: { kind: "http", botToken: fake.botToken, signingSecret: fake.signingSecret, apiUrl: fake.apiUrl },
  });
  fake.botUrl = `${app.url}/slack/events`;
}

const store = () => createRedisIncidentStore(redis, createKeys(app.prefix));

afterEach(async () => {
  await app?.stop();
  await fake?.close();
});
afterAll(() => redis.disconnect());

describe("opening an incident from Slack", () => {
  beforeAll(() => {});

  it("creates the channel, invites, posts and pins the kickoff, pages the commander and announces", async () => {
    await start("open");
    const d = await fake.sendSlashCommand({ text: "open Search is down sev1 service:search", user: "U0BOB" });
    expect(d.status).toBe(200);
    expect(d.elapsedMs).toBeLessThan(3000);
    expect(JSON.stringify(d.responseJson)).toContain("Opening an incident");

    // The reporter's answer comes last in the job, but the outbox delivers per conversation: posts in the
    // incident channel go out at most one per second, so the page and the kickoff may still be on their way.
    const reply = await eventually(() => {
      const post = d.responseUrl.posts.at(-1);
      if (!post) throw new Error("no reply yet");
      return post.body as { text: string; response_type: string };
    });
    const channel = fake.channel("inc-1-search-is-down");
    expect(channel).toBeDefined();
    if (!channel) return;
    expect(reply.response_type).toBe("ephemeral");
    expect(reply.text).toContain(`<#${channel.id}>`);
    expect([...channel.members].sort()).toEqual([fake.botUserId, "U0BOB", "U0DANA"].sort());

    await eventually(() => {
      const [page, kickoff] = channel.messages;
      expect(page?.text).toContain("<@U0DANA>");
      expect(kickoff && allText(kickoff)).toContain("Search is down");
      expect(kickoff && allText(kickoff)).toContain("SEV1");
      expect(kickoff && allText(kickoff)).toContain("<@U0BOB>");
      expect(kickoff && channel.pins.has(kickoff.ts)).toBe(true);
    }, 10_000);

    await eventually(() => expect(fake.imWith("U0DANA")?.messages.at(-1)?.text).toContain("INC-1"));
    await eventually(() => expect(fake.messages("incidents").at(-1)?.text).toContain("INC-1"));
    expect(allText(fake.messages("incidents").at(-1) as { text: string })).toContain(`<#${channel.id}>`);

    const incident = await store().get("INC-1");
    expect(incident).toMatchObject({
      title: "Search is down",
      severity: "sev1",
      service: "search",
      state: "triggered",
      commander: { platformUserId: "U0DANA", personId: "dana" },
      reporters: [{ platformUserId: "U0BOB", personId: "bob" }],
      channel: { id: channel.id, name: "inc-1-search-is-down" },
    });
    const types = (await store().timeline("INC-1")).map((e) => e.type);
    expect(types).toEqual([
      "incident_opened",
      "channel_created",
      "participants_invited",
      "commander_paged",
      "kickoff_posted",
      "commander_paged",
      "announced",
    ]);
    fake.assertNoViolations();
  });

  it("rejects forged and stale signatures with 401 and stores nothing", async () => {
    await start("forged");
    const forged = await fake.sendSlashCommand({ text: "open Forged" }, { forgeSignature: true });
    const stale = await fake.sendSlashCommand({ text: "open Stale" }, { stale: true });
    const wrongSecret = await fake.sendSlashCommand(
      { text: "open Wrong" },
      { signingSecret: "not-the-secret" },
    );
    expect([forged.status, stale.status, wrongSecret.status]).toEqual([401, 401, 401]);
    await new Promise((r) => setTimeout(r, 200));
    expect(await redis.keys(`${app.prefix}:incident*`)).toEqual([]);
    expect(fake.callsTo("conversations.create")).toEqual([]);
  });

  it("opens one incident when Slack delivers the same command twice", async () => {
    await start("dupe");
    const first = await fake.sendSlashCommand({ text: "open Twice delivered sev2" });
    const again = await deliver(
      "slash_command",
      first.payload,
      first.rawBody,
      "application/x-www-form-urlencoded",
      { url: fake.botUrl as string, signingSecret: fake.signingSecret, now: Date.now },
      {},
    );
    expect(again.status).toBe(200);
    await eventually(() => expect(first.responseUrl.posts.length).toBeGreaterThanOrEqual(1));
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.callsTo("conversations.create").length).toBe(1);
    expect(await store().get("INC-2")).toBeNull();
    fake.assertNoViolations();
  });

  it("adds a suffix when the channel name is taken", async () => {
    await start("taken");
    fake.addChannel({ name: "inc-1-search-is-down" });
    const d = await fake.sendSlashCommand({ text: "open Search is down" });
    await eventually(() => expect(d.responseUrl.posts.length).toBe(1));
    expect(fake.channel("inc-1-search-is-down-2")?.members.has("U0DANA")).toBe(true);
    expect((await store().get("INC-1"))?.channel?.name).toBe("inc-1-search-is-down-2");
    fake.assertNoViolations({ allow: ["name_taken"] });
  });

  it("answers an unknown service with a clear ephemeral message and opens nothing", async () => {
    await start("unknown-service");
    const d = await fake.sendSlashCommand({ text: "open Search is down service:serch" });
    const text = JSON.stringify(d.responseJson);
    expect(text).toContain("Unknown service");
    expect(text).toContain("service:search");
    expect(await redis.keys(`${app.prefix}:incident*`)).toEqual([]);
  });

  it.each([
    ["open", "form"],
    ["open sev1", "title"],
    ["open sev7 Broken", "sev1"],
    [`open ${"x".repeat(5000)}`, "150"],
    ["frobnicate", "Unknown command"],
  ])("answers bad input %j in the ack without opening anything", async (text, hint) => {
    await start("bad-input");
    const d = await fake.sendSlashCommand({ text });
    expect(d.status).toBe(200);
    if (text === "open") {
      // Bare open shows the form instead.
      await eventually(() => expect(fake.callsTo("views.open").length).toBe(1));
      return;
    }
    expect(JSON.stringify(d.responseJson)).toContain(hint);
    expect(JSON.stringify(d.responseJson)).not.toMatch(/at .*\.ts:\d+/);
    expect(await redis.keys(`${app.prefix}:incident*`)).toEqual([]);
  });

  it("escapes broadcasts, mentions and links typed in a title", async () => {
    await start("escape");
    const d = await fake.sendSlashCommand({
      text: "open <!channel> @here <https://evil.example|click> is down",
      escape: false,
    });
    await eventually(() => expect(d.responseUrl.posts.length).toBe(1));
    const incident = await store().get("INC-1");
    expect(incident?.title).toBe("@channel @here click (https://evil.example) is down");
    const everything = [...fake.calls.filter((c) => c.method.startsWith("chat."))].map((c) =>
      JSON.stringify(c.args),
    );
    expect(everything.join("\n")).not.toMatch(/<!(channel|here|everyone)>|<https:\/\/evil/);
    fake.assertNoViolations();
  });

  it("opens with no commander and says so loudly when nobody can be paged", async () => {
    await start("no-commander");
    const d = await fake.sendSlashCommand({ text: "open Legacy batch stuck service:legacy" });
    await eventually(() => expect(d.responseUrl.posts.length).toBe(1));
    const channel = fake.channel("inc-1-legacy-batch-stuck");
    // The outbox delivers per conversation, so the channel and the announcement may trail the reply.
    await eventually(() =>
      expect(channel?.messages.map((m) => allText(m)).join("\n")).toContain(
        "No Incident Commander could be found",
      ),
    );
    await eventually(() =>
      expect(allText(fake.messages("incidents").at(-1) ?? { text: "" })).toMatch(
        /no Incident Commander|No Incident Commander/,
      ),
    );
    expect((await store().timeline("INC-1")).map((e) => e.type)).toContain("commander_missing");
    fake.assertNoViolations();
  });

  it("opens from the form: bare open shows a modal, its submission opens the incident", async () => {
    await start("form");
    await fake.sendSlashCommand({ text: "open", user: "U0ALICE" });
    const view = await eventually(() => {
      const v = fake.views.at(-1);
      if (!v) throw new Error("no modal yet");
      return v;
    });
    const empty = await fake
      .sendViewSubmission({ viewId: view.id, values: { title: "   ", severity: "sev2" } })
      .catch((e: Error) => e);
    // An all-blank title is refused in the modal itself.
    if (!(empty instanceof Error)) expect(JSON.stringify(empty.responseJson)).toContain("errors");
    const ok = await fake.sendViewSubmission({
      viewId: view.id,
      values: { title: "Checkout errors", severity: "sev2", service: "search", description: "500s on /pay" },
    });
    expect(ok.status).toBe(200);
    await eventually(async () => expect((await store().get("INC-1"))?.channel).toBeDefined());
    expect(await store().get("INC-1")).toMatchObject({
      title: "Checkout errors",
      severity: "sev2",
      description: "500s on /pay",
    });
    // A form carries no response_url and Alice is not a member of the fake's #general, where she opened it:
    // Slack refuses the ephemeral answer there, so it reaches her by DM instead.
    const channel = fake.channel("inc-1-checkout-errors");
    await eventually(() =>
      expect(
        fake
          .imWith("U0ALICE")
          ?.messages.map((m) => m.text)
          .join("\n"),
      ).toContain(`<#${channel?.id}>`),
    );
    fake.assertNoViolations({ allow: ["user_not_in_channel"] });
  });

  it("acknowledges from the page's button, once", async () => {
    await start("ack");
    const d = await fake.sendSlashCommand({ text: "open Search is down sev1" });
    await eventually(() => expect(d.responseUrl.posts.length).toBe(1));
    const channel = fake.channel("inc-1-search-is-down");
    // The outbox posts in the channel at most once a second: the page may land after the reporter's answer.
    const page = await eventually(() => {
      const first = channel?.messages[0];
      if (!first) throw new Error("no page yet");
      return first;
    }, 10_000);
    const actionId = JSON.stringify(page?.blocks).match(/"action_id":"(fbAcknowledge[^"]*)"/)?.[1] as string;
    await fake.sendBlockAction({
      user: "U0DANA",
      actionId,
      channel: channel?.id as string,
      messageTs: page?.ts as string,
    });
    await eventually(async () => expect((await store().get("INC-1"))?.state).toBe("acknowledged"));
    await eventually(() => expect(channel?.messages.at(-1)?.text).toContain("acknowledged"));
    const ack = await fake.sendSlashCommand({ text: "ack", user: "U0ALICE", channel: channel?.id });
    expect(ack.status).toBe(200);
    await eventually(() =>
      expect(JSON.stringify(ack.responseUrl.posts.at(-1)?.body)).toContain("already acknowledged"),
    );
    expect((await store().timeline("INC-1")).filter((e) => e.type === "acknowledged")).toHaveLength(1);
    fake.assertNoViolations();
  });

  it("answers an update form's submission in the conversation it was opened from", async () => {
    await start("update-form");
    const d = await fake.sendSlashCommand({ text: "open Search is down sev1", user: "U0BOB" });
    await eventually(() => expect(d.responseUrl.posts.length).toBe(1));
    const channel = fake.channel("inc-1-search-is-down");
    if (!channel) throw new Error("no incident channel");
    const kickoff = await eventually(() => {
      const m = channel.messages.find((x) => JSON.stringify(x.blocks ?? []).includes("fbPostUpdate"));
      if (!m) throw new Error("no kickoff yet");
      return m;
    }, 10_000);
    const actionId = JSON.stringify(kickoff.blocks).match(/"action_id":"(fbPostUpdate[^"]*)"/)?.[1] as string;
    const openUpdateForm = async () => {
      const before = fake.views.length;
      await fake.sendBlockAction({ user: "U0DANA", actionId, channel: channel.id, messageTs: kickoff.ts });
      return eventually(() => {
        const v = fake.views[before];
        if (!v) throw new Error("no modal yet");
        return v;
      });
    };

    // The form names the incident (its state) and the channel (where answers go): the update lands on INC-1.
    const first = await openUpdateForm();
    await fake.sendViewSubmission({ viewId: first.id, user: "U0DANA", values: { text: "Rolled back" } });
    await eventually(async () => expect((await store().get("INC-1"))?.lastUpdate?.text).toBe("Rolled back"));
    await eventually(() =>
      expect(channel.messages.map((m) => allText(m)).join("\n")).toContain("Rolled back"),
    );

    // Resolved while the second form is open: the refusal is an ephemeral answer in the incident channel,
    // not a post to a channel named "INC-1" (which Slack refuses) nor a DM.
    const second = await openUpdateForm();
    // Resolving needs an acknowledgement and the harm stopped (or a fix live).
    for (const [text, state] of [
      ["ack", "acknowledged"],
      ["status mitigated", "mitigated"],
    ]) {
      await fake.sendSlashCommand({ text, user: "U0DANA", channel: channel.id });
      await eventually(async () => expect((await store().get("INC-1"))?.state).toBe(state));
    }
    await fake.sendSlashCommand({ text: "resolve Fixed", user: "U0DANA", channel: channel.id });
    await eventually(async () => expect((await store().get("INC-1"))?.state).toBe("resolved"));
    await fake.sendViewSubmission({ viewId: second.id, user: "U0DANA", values: { text: "Too late" } });
    await eventually(() =>
      expect(fake.ephemerals({ channel: channel.id, user: "U0DANA" }).map((e) => JSON.stringify(e))).toEqual(
        expect.arrayContaining([expect.stringContaining("resolved")]),
      ),
    );
    expect(fake.callsTo("chat.postEphemeral").map((c) => c.args.channel)).not.toContain("INC-1");
    expect(
      fake
        .imWith("U0DANA")
        ?.messages.map((m) => m.text)
        .join("\n") ?? "",
    ).not.toContain("nothing to act on");
    fake.assertNoViolations();
  });

  it("answers help in the ack with every command", async () => {
    await start("help");
    const d = await fake.sendSlashCommand({ text: "help" });
    const text = JSON.stringify(d.responseJson);
    for (const verb of ["open", "ack", "update", "handoff", "oncall", "postmortem"])
      expect(text).toContain(verb);
  });
});
