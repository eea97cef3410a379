import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/core/errors.js";
import { BRIEF_RECENT_MAX, handoffBrief } from "../../src/core/incident/handoff-brief.js";
import { joinResponders, setComms } from "../../src/core/incident/roles.js";
import { type TimelineEvent, timelineEvent } from "../../src/core/incident/timeline.js";
import { loadTemplates } from "../../src/core/templates/index.js";
import { anIncident, T0 } from "./handler-fakes.js";

const at = (min: number) => new Date(T0.getTime() + min * 60_000);

const TIMELINE: TimelineEvent[] = [
  timelineEvent("incident_opened", at(0), {}, "U0BOB"),
  timelineEvent("note_added", at(3), { text: "Rolled back 4.2: no change" }, "U0DANA"),
  timelineEvent("status_changed", at(4), { from: "acknowledged", to: "investigating" }, "U0DANA"),
  timelineEvent("status_update_posted", at(5), { text: "Looking at DNS" }, "U0DANA"),
  timelineEvent("note_added", at(6), { text: "Not the CDN: direct origin hits fail too" }),
];

const INCIDENT = anIncident({
  state: "investigating",
  severity: "sev2",
  reporters: [{ platformUserId: "U0BOB" }],
  subscribers: ["U0BOB", "U0ERIN"],
  comms: { platformUserId: "U0ALICE" },
  responders: [{ platformUserId: "U0FRED" }],
  fixes: [
    { ref: "https://git.example/pr/7", refKind: "link", at: at(7).toISOString(), actor: "U0DANA" },
    {
      ref: "abc1234",
      refKind: "sha",
      at: at(8).toISOString(),
      actor: "U0DANA",
      deployedAt: at(9).toISOString(),
    },
  ],
  lastUpdate: { at: at(5).toISOString(), text: "Looking at DNS", actor: "U0DANA" },
  helpCalls: [
    { id: 1, text: "DNS expert", by: "U0DANA", at: at(2).toISOString(), dueAt: at(32).toISOString() },
    {
      id: 2,
      text: "Taken already",
      by: "U0DANA",
      at: at(2).toISOString(),
      dueAt: at(32).toISOString(),
      takenBy: "U0FRED",
    },
    {
      id: 3,
      text: "Escalated",
      by: "U0BOB",
      at: at(1).toISOString(),
      dueAt: at(2).toISOString(),
      escalatedAt: at(2).toISOString(),
    },
  ],
});

describe("the handoff brief", () => {
  it("gathers the form, the recent notes and status changes, fixes, updates, open calls and stakeholders", () => {
    const brief = handoffBrief(INCIDENT, TIMELINE, { summary: "DNS, probably", ruledOut: "CDN" });
    expect(brief).toEqual({
      summary: "DNS, probably",
      ruledOut: "CDN",
      recent: [
        { at: at(3).toISOString(), actor: "U0DANA", note: "Rolled back 4.2: no change" },
        { at: at(4).toISOString(), actor: "U0DANA", from: "acknowledged", to: "investigating" },
        { at: at(6).toISOString(), note: "Not the CDN: direct origin hits fail too" },
      ],
      fixes: [
        { ref: "https://git.example/pr/7", isLink: true, deployed: false },
        { ref: "abc1234", isLink: false, deployed: true },
      ],
      lastUpdate: { text: "Looking at DNS", at: at(5).toISOString(), author: "U0DANA" },
      nextUpdateDue: INCIDENT.timers?.update?.dueAt,
      openCalls: [
        { id: 1, text: "DNS expert", by: "U0DANA", escalated: false },
        { id: 3, text: "Escalated", by: "U0BOB", escalated: true },
      ],
      reporters: [{ id: "U0BOB" }],
      subscribers: [{ id: "U0ERIN" }],
      comms: "U0ALICE",
      responders: [{ id: "U0FRED" }],
    });
  });

  it("keeps only the latest entries, and nothing due once the incident is over", () => {
    const many = Array.from({ length: BRIEF_RECENT_MAX + 3 }, (_, i) =>
      timelineEvent("note_added", at(i), { text: `note ${i}` }),
    );
    const brief = handoffBrief({ ...INCIDENT, state: "resolved" }, many);
    expect(brief.recent.map((e) => e.note)).toEqual(
      Array.from({ length: BRIEF_RECENT_MAX }, (_, i) => `note ${i + 3}`),
    );
    expect(brief.nextUpdateDue).toBeUndefined();
  });

  it("renders every part of it, times in the reader's zone", async () => {
    const templates = await loadTemplates();
    const content = handoffBrief(INCIDENT, TIMELINE, {
      summary: "DNS, probably",
      tried: "Rollback",
      openActions: "Call the registrar",
    });
    const m = templates.render("handoff-brief", {
      incident: {
        id: "INC-1",
        title: "Search is down",
        severity: "sev2",
        state: "investigating",
        createdAt: T0.toISOString(),
      },
      severity: "SEV2",
      channel: "C0INC",
      by: "U0DANA",
      offer: 2,
      expiresAt: at(15).toISOString(),
      timezone: "America/New_York",
      ...content,
    });
    const all = `${m.text}\n${JSON.stringify(m.blocks)}`;
    for (const part of [
      "DNS, probably",
      "Rollback",
      "Call the registrar",
      "Rolled back 4.2: no change",
      "acknowledged → investigating",
      "Looking at DNS",
      "abc1234",
      "DNS expert",
      "managers pinged",
      "investigating",
      "SEV2",
      "Reported by <@U0BOB>",
      "Communications lead: <@U0ALICE>",
      "Responders: <@U0FRED>",
      "Subscribers: <@U0ERIN>",
      "17:05 EST", // the last update, 22:05 UTC, in New York
      "INC-1 2",
    ]) {
      expect(all).toContain(part);
    }
    expect(all).not.toContain("Taken already");
  });
});

describe("the communications lead and responders", () => {
  it("names the communications lead, recording who it was before", () => {
    const { incident, events } = setComms(
      anIncident({ comms: { platformUserId: "U0ALICE" } }),
      { platformUserId: "U0BOB" },
      "U0DANA",
      T0,
    );
    expect(incident.comms).toEqual({ platformUserId: "U0BOB" });
    expect(events[0]).toMatchObject({
      type: "comms_changed",
      actor: "U0DANA",
      data: { from: "U0ALICE", to: "U0BOB" },
    });
    expect(() => setComms(incident, { platformUserId: "U0BOB" }, "U0DANA", T0)).toThrow(
      "<@U0BOB> is already the communications lead of INC-1. Nothing was changed.",
    );
  });

  it("adds a responder once, and never the commander", () => {
    const { incident, events } = joinResponders(anIncident(), { platformUserId: "U0BOB" }, T0);
    expect(incident.responders).toEqual([{ platformUserId: "U0BOB" }]);
    expect(events[0]).toMatchObject({ type: "responder_joined", actor: "U0BOB" });
    expect(() => joinResponders(incident, { platformUserId: "U0BOB" }, T0)).toThrow(
      "You already joined INC-1 as a responder. Nothing was changed.",
    );
    expect(() => joinResponders(incident, { platformUserId: "U0DANA" }, T0)).toThrow(UsageError);
  });
});
