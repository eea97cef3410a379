import { describe, expect, it } from "vitest";
import { parseConfigText } from "../../src/config/file.js";
import type { Incident } from "../../src/core/incident/incident.js";
import {
  closeAsDone,
  doneRefusal,
  promoteToIncident,
  promotionOf,
  requestRefusal,
} from "../../src/core/incident/requests.js";
import { timelineEvent } from "../../src/core/incident/timeline.js";
import { STANDARD_SEVERITIES } from "../helpers/config-fixtures.js";

/** The pure side of change and guidance requests, on a fixed clock. Bob asks; Erin manages; Ivy is an admin. */
const settings = parseConfigText(
  `
timezone: Europe/Berlin
announce_channel: incidents
people:
  - { id: bob, slack: U0BOB }
  - { id: dana, slack: U0DANA }
  - { id: erin, slack: U0ERIN }
  - { id: ivy, slack: U0IVY }
roles: { managers: [erin], admins: [ivy] }
rotations:
  - { id: primary, members: [dana], shift: 1w, handoff: "Mon 09:00", timezone: Europe/Berlin, start: 2020-01-06 }
escalation_policies:
  - id: default
    steps:
      - { notify: [rotation:primary] }
      - { notify: [person:erin], after: 30m }
fallback_policy: default
${STANDARD_SEVERITIES}`,
  "test.yml",
);

const ASKED = new Date("2026-11-20T10:00:00Z");
const NOW = new Date("2026-11-20T22:00:00Z");

function aRequest(over: Partial<Incident> = {}): Incident {
  return {
    id: "INC-7",
    number: 7,
    title: "Add a CSV export",
    kind: "change_request",
    severity: "sev3",
    state: "triggered",
    platform: "slack",
    origin: { conversationId: "C0GEN" },
    reporters: [{ platformUserId: "U0BOB", personId: "bob" }],
    subscribers: ["U0BOB"],
    milestones: { triggered: ASKED.toISOString() },
    thread: { conversationId: "C0GEN", key: "INC-7/request-card" },
    createdAt: ASKED.toISOString(),
    updatedAt: ASKED.toISOString(),
    ...over,
  };
}

describe("who may mark a request done", () => {
  it.each([
    ["U0BOB", "the asker", true],
    ["U0ERIN", "a manager", true],
    ["U0IVY", "an admin", true],
    ["U0DANA", "the person on duty", false],
    ["U0NOBODY", "someone not in the people list", false],
  ])("%s (%s): %s", (actor, _who, allowed) => {
    const refusal = doneRefusal(settings, aRequest(), actor);
    if (allowed) expect(refusal).toBeNull();
    else expect(refusal).toEqual({ requesters: ["U0BOB"], managers: ["U0ERIN"], admins: ["U0IVY"] });
  });
});

describe("what may still happen to a request", () => {
  it.each<[Partial<Incident>, ReturnType<typeof requestRefusal>]>([
    [{}, null],
    [{ kind: "guidance_request" }, null],
    [{ kind: "incident" }, { reason: "not_a_request" }],
    [
      { state: "closed", closeReason: "done" },
      { reason: "finished", state: "closed" },
    ],
    [{ state: "resolved" }, { reason: "finished", state: "resolved" }],
  ])("%j: %j", (over, refusal) => {
    expect(requestRefusal(aRequest(over))).toEqual(refusal);
  });
});

describe("marking done", () => {
  it("resolves and closes in one change, recording both steps and who did it", () => {
    const { incident, events } = closeAsDone(aRequest(), "U0ERIN", NOW);
    expect(incident).toMatchObject({
      state: "closed",
      closeReason: "done",
      resolution: { at: NOW.toISOString(), actor: "U0ERIN" },
      milestones: { resolved: NOW.toISOString(), closed: NOW.toISOString() },
    });
    expect(events.map((e) => [e.type, e.data.from, e.data.to, e.actor])).toEqual([
      ["status_changed", "triggered", "resolved", "U0ERIN"],
      ["status_changed", "resolved", "closed", "U0ERIN"],
    ]);
  });
});

describe("promoting", () => {
  it("makes it an incident commanded by the person on duty, with timers from now", () => {
    const { incident, events } = promoteToIncident(settings, aRequest(), "U0ERIN", NOW);
    expect(incident).toMatchObject({
      kind: "incident",
      commander: { platformUserId: "U0DANA", personId: "dana" },
      milestones: { triggered: NOW.toISOString() },
      thread: { conversationId: "C0GEN", key: "INC-7/request-card" },
    });
    expect(incident.commanderMissingReason).toBeUndefined();
    expect(incident.timers?.update?.dueAt).toBe("2026-11-21T02:00:00.000Z");
    expect(incident.timers?.escalation?.dueAt).toBe("2026-11-20T22:30:00.000Z");
    expect(events).toEqual([
      timelineEvent(
        "promoted",
        NOW,
        { from: "change_request", severity: "SEV3", commander: "U0DANA", policy: "default" },
        "U0ERIN",
      ),
    ]);
    expect(promotionOf(events)).toEqual({ by: "U0ERIN", from: "change_request" });
  });

  it("says why nobody commands it when the policy reaches nobody", () => {
    const nobody = { ...settings, rotations: [] };
    const { incident } = promoteToIncident(nobody, aRequest(), "U0ERIN", NOW);
    expect(incident.commander).toBeUndefined();
    expect(incident.commanderMissingReason).toContain("nobody is on duty in rotation primary");
  });

  it("finds no promotion in a timeline that has none", () => {
    expect(promotionOf([timelineEvent("incident_opened", ASKED, {})])).toBeNull();
  });
});
