import { describe, expect, it } from "vitest";
import { acknowledge } from "../../handlers/acknowledge.js";
import { resolveIncident } from "../../handlers/resolve.js";
import { changeSeverity } from "../../handlers/severity.js";
import { snooze } from "../../handlers/snooze.js";
import { postStatusUpdate } from "../../handlers/status-update.js";
import { fireTimer } from "../../handlers/timers.js";
import type { Incident } from "../../src/core/incident/incident.js";
import { timelineEvent } from "../../src/core/incident/timeline.js";
import { stopAllTimers } from "../../src/core/incident/timers.js";
import { anIncident, fakeContext, inbound, T0 } from "./handler-fakes.js";

/**
 * The commands check the incident inside their write, on the incident as it is then: a resolve (or another
 * change) that lands between the command's lookup and its write is seen, and the command changes nothing.
 */
const resolvedMeanwhile = (i: Incident): Incident => ({ ...i, state: "resolved", timers: stopAllTimers(i) });
const command = (text: string) => inbound({ kind: "command", text });

describe("a command racing a resolve", () => {
  it("snooze on an incident resolved in between re-arms nothing", async () => {
    const fake = await fakeContext(anIncident(), { concurrently: resolvedMeanwhile });
    await expect(snooze(fake.ctx, command("snooze 30m"), 30 * 60_000)).rejects.toMatchObject({
      code: "incident_finished",
    });
    expect(fake.writes).toEqual([]);
    expect(fake.scheduled).toEqual([]);
    expect(fake.sent).toEqual([]);
    expect(fake.current().timers?.update?.dueAt).toBeUndefined();
  });

  it("snooze from a button on an incident resolved in between re-arms nothing", async () => {
    const fake = await fakeContext(anIncident(), { concurrently: resolvedMeanwhile });
    const click = inbound(
      { kind: "action", actionId: "fbSnooze", value: "INC-1 30m" },
      { conversationId: "D0DM" },
    );
    await expect(snooze(fake.ctx, click, 30 * 60_000, "INC-1")).rejects.toMatchObject({
      code: "incident_finished",
    });
    expect(fake.writes).toEqual([]);
    expect(fake.scheduled).toEqual([]);
  });

  it("update on an incident resolved in between posts nothing and re-arms nothing", async () => {
    const fake = await fakeContext(anIncident(), { concurrently: resolvedMeanwhile });
    await expect(postStatusUpdate(fake.ctx, command("update x"), "Rolled back")).rejects.toMatchObject({
      code: "incident_finished",
    });
    expect(fake.writes).toEqual([]);
    expect(fake.scheduled).toEqual([]);
    expect(fake.sent).toEqual([]);
    expect(fake.current().lastUpdate).toBeUndefined();
  });

  it("sev and resolve on an incident resolved in between change nothing, with one message each", async () => {
    const sev = await fakeContext(anIncident(), { concurrently: resolvedMeanwhile });
    await expect(changeSeverity(sev.ctx, command("sev 1"), "sev1")).rejects.toMatchObject({
      code: "incident_finished",
    });
    const res = await fakeContext(anIncident(), { concurrently: resolvedMeanwhile });
    await expect(resolveIncident(res.ctx, command("resolve"))).rejects.toMatchObject({
      code: "already_resolved",
      message: "INC-1 is already resolved. Nothing was changed.",
    });
    for (const f of [sev, res]) {
      expect(f.writes).toEqual([]);
      expect(f.sent).toEqual([]);
    }
  });

  it("ack after someone else acknowledged in between only tells the person", async () => {
    const fake = await fakeContext(anIncident({ state: "triggered" }), {
      concurrently: (i) => ({ ...i, state: "acknowledged" }),
    });
    await acknowledge(fake.ctx, command("ack"));
    expect(fake.writes).toEqual([]);
    expect(fake.sent.map((s) => s.op.kind)).toEqual(["ephemeral"]);
  });

  it("still does its work when nothing raced it (the fake is not vacuous)", async () => {
    const fake = await fakeContext(anIncident());
    await snooze(fake.ctx, command("snooze 30m"), 30 * 60_000);
    expect(fake.writes).toHaveLength(1);
    expect(fake.scheduled).toEqual([
      expect.objectContaining({ kind: "update", dueAt: new Date(T0.getTime() + 31 * 60_000).toISOString() }),
    ]);
    const before = fake.sent.length;
    await postStatusUpdate(fake.ctx, command("update x"), "Rolled back");
    expect(fake.current().lastUpdate?.text).toBe("Rolled back");
    expect(fake.sent.slice(before).map((s) => s.key)).toEqual([
      "INC-1/status-g3",
      "INC-1/status-g3-card",
      "INC-1/status-g3-announcement",
      "INC-1/status-g3-sub-U0BOB",
    ]);
  });
});

describe("the severity change", () => {
  it("says what it changed from as the write saw it, even when another change landed first", async () => {
    const fake = await fakeContext(anIncident({ severity: "sev3" }), {
      concurrently: (i) => ({ ...i, severity: "sev2" }),
    });
    await changeSeverity(fake.ctx, command("sev 1"), "sev1");
    const told = fake.rendered.find((r) => r.name === "severity-changed");
    expect(told?.vars).toMatchObject({ from: "SEV2", to: "SEV1" });
    expect(fake.writes[0]?.events?.[0]?.data).toEqual({ from: "SEV2", to: "SEV1" });
    expect(fake.sent.map((s) => s.key)).toEqual([
      "INC-1/sev-g2",
      "INC-1/sev-g2-card",
      "INC-1/sev-g2-announcement",
      "INC-1/sev-g2-sub-U0BOB",
    ]);
  });

  it("refuses the same severity inside the write, once", async () => {
    const fake = await fakeContext(anIncident({ severity: "sev3" }), {
      concurrently: (i) => ({ ...i, severity: "sev1" }),
    });
    await expect(changeSeverity(fake.ctx, command("sev 1"), "sev1")).rejects.toMatchObject({
      code: "same_severity",
      message: "INC-1 is already SEV1. Nothing was changed.",
    });
    expect(fake.writes).toEqual([]);
  });
});

describe("acknowledging", () => {
  const paged = timelineEvent("escalated", T0, {
    timer: "escalation",
    gen: "1",
    step: "1",
    steps: "2",
    targets: "U0BOB",
  });

  it("lets the people paged acknowledge, editing the page between the post and the card", async () => {
    const fake = await fakeContext(anIncident({ state: "triggered" }), { timeline: [paged] });
    await acknowledge(fake.ctx, inbound({ kind: "command", text: "ack" }, { actor: "U0BOB" }));
    expect(fake.current().state).toBe("acknowledged");
    expect(fake.sent.map((s) => [s.key, s.op.kind])).toEqual([
      ["INC-1/acknowledged", "post"],
      ["INC-1/page-acknowledged", "update"],
      ["INC-1/card-acknowledged", "update"],
    ]);
  });

  it("refuses a bystander inside the write", async () => {
    const fake = await fakeContext(anIncident({ state: "triggered" }), { timeline: [paged] });
    await expect(
      acknowledge(fake.ctx, inbound({ kind: "command", text: "ack" }, { actor: "U0MALLORY" })),
    ).rejects.toMatchObject({ code: "not_paged" });
    expect(fake.writes).toEqual([]);
  });
});

describe("a timer firing", () => {
  it("schedules its next generation once", async () => {
    const incident = anIncident();
    const update = incident.timers?.update;
    const fake = await fakeContext(incident);
    const ref = {
      incidentId: "INC-1",
      kind: "update" as const,
      gen: update?.gen ?? 0,
      dueAt: update?.dueAt ?? "",
    };
    await fireTimer(fake.ctx, ref);
    expect(fake.scheduled).toEqual([
      expect.objectContaining({ kind: "update", gen: (update?.gen ?? 0) + 1 }),
    ]);
    expect(fake.sent.map((s) => s.key)).toEqual([`INC-1/update-g${ref.gen}-nudge`]);
  });
});
