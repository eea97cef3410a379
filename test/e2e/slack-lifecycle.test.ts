import { describe, expect, it } from "vitest";
import type { INCIDENT_STATES } from "../../src/core/incident/incident.js";
import { eventually } from "../helpers/firebreak.js";
import { allText, slackWorld } from "../helpers/slack-world.js";

/**
 * A whole incident, from `/incident open` to the reporter's "Fixed for me", as Slack would deliver it: signed
 * slash commands and block actions through Bolt's real receiver, the real core, store, queue and outbox on a
 * real Redis, and a fake Slack that rejects any call real Slack would. Bob reports; Dana is on call.
 */
const world = slackWorld();
const store = () => world.store();

describe("an incident's whole life in Slack", () => {
  it("goes from open to closed by the reporter's confirmation, recording every milestone", async () => {
    const { fake } = await world.start({ label: "slack-lifecycle" });
    const state = async () => (await store().get("INC-1"))?.state;
    const inChannel = (id: string) => fake.messages(id).map(allText).join("\n");

    const opened = await fake.sendSlashCommand({
      text: "open Search is down sev2 service:search",
      user: "U0BOB",
    });
    expect(opened.status).toBe(200);
    const channel = await eventually(() => {
      const c = fake.channel("inc-1-search-is-down");
      if (!c || c.pins.size === 0) throw new Error("no kickoff yet");
      return c.id;
    }, 10_000);

    /** Dana types `text` in the incident channel; Slack gets its ack in time and the incident moves to `to`. */
    const step = async (text: string, to: string) => {
      const d = await fake.sendSlashCommand({ text, user: "U0DANA", channel });
      expect(d.status).toBe(200);
      expect(d.elapsedMs).toBeLessThan(3000);
      await eventually(async () => expect(await state()).toBe(to), 10_000);
    };
    await step("ack", "acknowledged");
    await step("status investigating", "investigating");
    await step("fix 9f8e7d6c5b4a", "fix_merged");
    await step("deployed", "fix_deployed");
    await step("resolve Rebuilt the search index", "resolved");
    await eventually(() => expect(inChannel(channel)).toContain("resolved *INC-1*"), 10_000);

    // Bob, who reported it, is asked by DM; his click comes back through Bolt as a signed block action.
    const request = await eventually(() => {
      const im = fake.imWith("U0BOB");
      const m = im?.messages.find((x) => allText(x).includes("fbConfirmFixed"));
      if (!im || !m) throw new Error("no confirmation request yet");
      return { im, m };
    }, 10_000);
    expect(allText(request.m)).toContain("Is it fixed for you?");
    expect(allText(request.m)).toContain("fbStillBroken");
    const actionId = allText(request.m).match(/"action_id":"(fbConfirmFixed[^"]*)"/)?.[1] as string;
    const clicked = await fake.sendBlockAction({
      user: "U0BOB",
      channel: request.im.id,
      messageTs: request.m.ts,
      actionId,
    });
    expect(clicked.status).toBe(200);
    await eventually(async () => expect(await state()).toBe("closed"), 10_000);
    await eventually(() => expect(inChannel(channel)).toContain("Every reporter confirmed"), 10_000);
    await eventually(
      () =>
        expect(
          fake
            .ephemerals({ user: "U0BOB" })
            .map((e) => e.text)
            .join("\n"),
        ).toContain("is closed"),
      10_000,
    );

    const incident = await store().get("INC-1");
    expect(incident).toMatchObject({
      closeReason: "confirmed",
      resolution: { actor: "U0DANA", summary: "Rebuilt the search index" },
      confirmation: { asked: ["U0BOB"], confirmed: ["U0BOB"] },
      fixes: [{ ref: "9f8e7d6c5b4a", refKind: "sha", actor: "U0DANA", deployedAt: expect.any(String) }],
    });
    // Every state it went through has its first time, in the order it happened.
    const milestones = incident?.milestones ?? {};
    const path = [
      "triggered",
      "acknowledged",
      "investigating",
      "fix_merged",
      "fix_deployed",
      "resolved",
      "closed",
    ];
    expect(Object.keys(milestones).sort()).toEqual([...path].sort());
    const times = path.map((s) => Date.parse(milestones[s as (typeof INCIDENT_STATES)[number]] ?? ""));
    expect(times.every((t, i) => Number.isFinite(t) && (i === 0 || t >= (times[i - 1] as number)))).toBe(
      true,
    );
    const changes = (await store().timeline("INC-1")).filter((e) => e.type === "status_changed");
    expect(changes.map((e) => `${e.data.from}→${e.data.to}`)).toEqual([
      "acknowledged→investigating",
      "investigating→fix_merged",
      "fix_merged→fix_deployed",
      "fix_deployed→resolved",
      "resolved→closed",
    ]);
    // Nothing is timed any more, and nothing will be.
    expect(Object.values(incident?.timers ?? {}).some((t) => t?.dueAt)).toBe(false);
    fake.assertNoViolations();
  });
});
