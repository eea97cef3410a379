import { describe, expect, it } from "vitest";
import { hourlySeverities, teamConfig } from "../helpers/config-fixtures.js";
import type { FakeSlack } from "../helpers/fake-slack/index.js";
import { eventually } from "../helpers/firebreak.js";
import { allText, slackWorld } from "../helpers/slack-world.js";

/**
 * Severity end to end: the open form's impact × urgency, who may change it, and the page raising to SEV1 sends.
 * Dana is on duty and commands; the first step of the policy also reaches Alice, so a raise to SEV1 pages her
 * too. Erin is a manager; Bob reports and holds no role. Every cadence is long, so no timer fires in a test.
 */
const CONFIG = teamConfig({
  morePeople: ["{ id: erin, name: Erin, slack: U0ERIN, timezone: Europe/Berlin }"],
  firstNotify: ["rotation:primary", "person:alice"],
  laterSteps: ["{ notify: [person:erin], after: 1h }"],
  extra: `roles: { managers: [erin] }
services:
  - { id: blog, name: Team blog }
`,
  severities: hourlySeverities({ sev2: { update_every: "2h" }, sev3: { update_every: "4h" } }),
});

const world = slackWorld();
let fake: FakeSlack;
const store = () => world.store();
const inChannel = (channel: string) => world.inChannel(channel);
const dmsTo = (user: string) => world.dmsTo(user);

async function start(label: string) {
  ({ fake } = await world.start({
    label: `sev-${label}`,
    config: CONFIG,
    users: [{ id: "U0ERIN", name: "erin" }],
  }));
}

/** Opens an incident from #general as Bob and waits for its channel and kickoff card. */
async function open(text: string, name = "inc-1-search-is-down"): Promise<string> {
  await fake.sendSlashCommand({ text: `open ${text}`, user: "U0BOB" });
  return eventually(() => {
    const channel = fake.channel(name);
    if (!channel || channel.messages.length < 2) throw new Error("no kickoff yet");
    return channel.id;
  }, 10_000);
}

const say = (channel: string, text: string, user: string) => fake.sendSlashCommand({ text, user, channel });
const answered = (d: { responseUrl: { posts: unknown[] } }) => JSON.stringify(d.responseUrl.posts);

describe("the open form", () => {
  it("derives the severity from impact and urgency, and records how it was chosen", async () => {
    await start("form");
    const submit = async (values: Record<string, string>) => {
      const before = fake.views.length;
      await fake.sendSlashCommand({ text: "open", user: "U0BOB" });
      const view = await eventually(() => {
        const v = fake.views[before];
        if (!v) throw new Error("no modal yet");
        return v;
      });
      const blocks = (view.view.blocks as { block_id: string }[]).map((b) => b.block_id);
      expect(blocks).toEqual([
        "title",
        "kind",
        "impact",
        "urgency",
        "severity",
        "service",
        "visibility",
        "description",
      ]);
      const sent = await fake.sendViewSubmission({ viewId: view.id, values });
      expect(sent.status).toBe(200);
    };
    await submit({ title: "Checkout down", impact: "high", urgency: "high" });
    await eventually(async () => expect((await store().get("INC-1"))?.severity).toBe("sev1"), 10_000);
    await submit({ title: "Export slow", impact: "low", urgency: "medium" });
    await eventually(async () => expect((await store().get("INC-2"))?.severity).toBe("sev4"), 10_000);
    // A severity picked in the form overrides the matrix.
    await submit({ title: "Login flaky", impact: "low", urgency: "low", severity: "sev2" });
    await eventually(async () => expect((await store().get("INC-3"))?.severity).toBe("sev2"), 10_000);

    const opened = async (id: string) =>
      (await store().timeline(id)).find((e) => e.type === "incident_opened")?.data;
    expect(await opened("INC-1")).toMatchObject({
      severity: "SEV1",
      severityFrom: "matrix",
      impact: "high",
      urgency: "high",
    });
    expect(await opened("INC-2")).toMatchObject({ severity: "SEV4", severityFrom: "matrix", impact: "low" });
    expect(await opened("INC-3")).toMatchObject({
      severity: "SEV2",
      severityFrom: "explicit",
      impact: "low",
    });
    await eventually(() => expect(fake.channel("inc-1-checkout-down")).toBeDefined(), 10_000);
    fake.assertNoViolations({ allow: ["user_not_in_channel"] });
  });

  it("records an explicit severity on the command line, and the default without one", async () => {
    await start("command");
    await open("Search is down sev2");
    await open("Cache is cold", "inc-2-cache-is-cold");
    const opened = async (id: string) =>
      (await store().timeline(id)).find((e) => e.type === "incident_opened")?.data;
    expect(await opened("INC-1")).toMatchObject({ severity: "SEV2", severityFrom: "explicit" });
    expect(await opened("INC-2")).toMatchObject({ severity: "SEV3", severityFrom: "default" });
  });
});

describe("changing the severity", () => {
  it("refuses someone without a role, naming who can, and lets a manager do it", async () => {
    await start("perm");
    const channel = await open("Search is down");
    const refused = await say(channel, "sev 2", "U0BOB");
    await eventually(() => {
      const text = answered(refused);
      expect(text).toContain("Only the Incident Commander");
      expect(text).toContain("U0DANA");
      expect(text).toContain("a manager");
      expect(text).toContain("U0ERIN");
      expect(text).toContain("Nothing was changed.");
    }, 10_000);
    expect((await store().get("INC-1"))?.severity).toBe("sev3");

    await say(channel, "sev 2", "U0ERIN");
    await eventually(
      () => expect(inChannel(channel)).toContain("changed the severity of *INC-1* from SEV3"),
      10_000,
    );
    expect((await store().get("INC-1"))?.severity).toBe("sev2");
    await eventually(() => expect(inChannel("incidents")).toContain("is now *SEV2*"), 10_000);
    // Bob reported it, so he is subscribed and hears of the change.
    await eventually(() => expect(dmsTo("U0BOB")).toContain("changed the severity"), 10_000);
    expect((await store().timeline("INC-1")).filter((e) => e.type === "escalated")).toEqual([]);
    fake.assertNoViolations();
  });

  it("raising to SEV1 pages the policy's first step, who may then acknowledge", async () => {
    await start("raise");
    const channel = await open("Search is down sev3");
    expect(fake.channel(channel)?.members.has("U0ALICE")).toBe(false);
    await say(channel, "sev 1", "U0ERIN");

    const escalated = await eventually(async () => {
      const e = (await store().timeline("INC-1")).find((x) => x.type === "escalated");
      if (!e) throw new Error("not paged yet");
      return e;
    }, 10_000);
    expect(escalated.data).toMatchObject({
      reason: "severity_raised",
      targets: "U0DANA,U0ALICE",
      from: "SEV3",
    });
    expect(escalated.actor).toBe("U0ERIN");
    await eventually(() => {
      const page = fake.messages(channel).find((m) => allText(m).includes("is now SEV1"));
      expect(page && allText(page)).toContain("<@U0ALICE>");
      expect(page && allText(page)).toContain("fbAcknowledge");
      // No service named: the fallback policy pages, and the page says so as the page at open does.
      expect(page && allText(page)).toContain(
        "No service was named, so the fallback policy *default* pages for it.",
      );
    }, 10_000);
    await eventually(() => expect(fake.channel(channel)?.members.has("U0ALICE")).toBe(true), 10_000);
    await eventually(() => {
      const dm = dmsTo("U0ALICE");
      expect(dm).toContain("was raised to *SEV1*");
      expect(dm).toContain("fbAcknowledge");
    }, 10_000);

    // Alice was not the commander; the page makes her one of the people who may acknowledge.
    await say(channel, "ack", "U0ALICE");
    await eventually(async () => expect((await store().get("INC-1"))?.state).toBe("acknowledged"), 10_000);
    fake.assertNoViolations();
  });

  it("the SEV1 page says when the fallback policy pages because nobody owns the service", async () => {
    await start("raise-fallback");
    const channel = await open("Blog is down service:blog sev3", "inc-1-blog-is-down");
    await say(channel, "sev 1", "U0ERIN");
    const escalated = await eventually(async () => {
      const e = (await store().timeline("INC-1")).find((x) => x.type === "escalated");
      if (!e) throw new Error("not paged yet");
      return e;
    }, 10_000);
    expect(escalated.data).toMatchObject({ reason: "severity_raised", policy: "default" });
    await eventually(() => {
      const page = fake.messages(channel).find((m) => allText(m).includes("is now SEV1"));
      expect(page && allText(page)).toContain(
        "Nobody owns *Team blog*, so the fallback policy *default* pages for it.",
      );
    }, 10_000);
    await eventually(
      () =>
        expect(dmsTo("U0ALICE")).toContain(
          "Nobody owns *Team blog*, so the fallback policy *default* pages you.",
        ),
      10_000,
    );
    fake.assertNoViolations();
  });

  it("does not page when the severity goes down or stays below SEV1", async () => {
    await start("lower");
    const channel = await open("Search is down sev1");
    await say(channel, "sev 2", "U0DANA");
    await eventually(() => expect(inChannel(channel)).toContain("from SEV1 to *SEV2*"), 10_000);
    expect((await store().timeline("INC-1")).some((e) => e.type === "escalated")).toBe(false);
    expect(fake.imWith("U0ALICE")).toBeUndefined();
  });
});
