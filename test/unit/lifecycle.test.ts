import { describe, expect, it } from "vitest";
import { notAStatusError, refusalError } from "../../handlers/lifecycle-refusal.js";
import { fireTimer } from "../../handlers/timers.js";
import { fireConfirmationTimer, reporterIds, waitingFor } from "../../src/core/incident/confirmation.js";
import {
  INCIDENT_STATES,
  type Incident,
  type IncidentKind,
  type IncidentState,
} from "../../src/core/incident/incident.js";
import {
  allowedActions,
  enterState,
  LIFECYCLE_ACTIONS,
  type LifecycleAction,
  type Refusal,
  transition,
} from "../../src/core/incident/lifecycle.js";
import { armTimer, fireTimerChange } from "../../src/core/incident/timers.js";
import { anIncident, fakeContext, settings, T0 } from "./handler-fakes.js";

/**
 * The transition table of DESIGN.md §4, written out here by hand (not derived from the code): for every state
 * and every action, the state it leads to, or `!reason` for the refusal. A change to the table must change
 * this test too, on purpose.
 */
type Expected = IncidentState | `!${Refusal["reason"]}`;

// biome-ignore format: the table reads as a table
//                ack             investigating        identified           mitigated            fix                  deployed             resolve              reopen           confirm          still_broken     confirm_timeout    merge
const ROWS: Record<IncidentState, readonly Expected[]> = {
  triggered:     ["acknowledged", "!not_acknowledged", "!not_acknowledged", "!not_acknowledged", "!not_acknowledged", "!not_acknowledged", "!not_acknowledged", "!not_finished", "!not_resolved", "!not_resolved", "!not_resolved",   "closed"],
  acknowledged:  ["!already",     "investigating",     "identified",        "mitigated",         "fix_merged",        "!no_fix_recorded",  "!nothing_live",     "!not_finished", "!not_resolved", "!not_resolved", "!not_resolved",   "closed"],
  investigating: ["!already",     "!already",          "identified",        "mitigated",         "fix_merged",        "!no_fix_recorded",  "!nothing_live",     "!not_finished", "!not_resolved", "!not_resolved", "!not_resolved",   "closed"],
  identified:    ["!already",     "investigating",     "!already",          "mitigated",         "fix_merged",        "!no_fix_recorded",  "!nothing_live",     "!not_finished", "!not_resolved", "!not_resolved", "!not_resolved",   "closed"],
  mitigated:     ["!already",     "investigating",     "identified",        "!already",          "fix_merged",        "!no_fix_recorded",  "resolved",          "!not_finished", "!not_resolved", "!not_resolved", "!not_resolved",   "closed"],
  fix_merged:    ["!already",     "investigating",     "identified",        "mitigated",         "fix_merged",        "fix_deployed",      "!fix_not_live",     "!not_finished", "!not_resolved", "!not_resolved", "!not_resolved",   "closed"],
  fix_deployed:  ["!already",     "investigating",     "identified",        "mitigated",         "fix_merged",        "!already",          "resolved",          "!not_finished", "!not_resolved", "!not_resolved", "!not_resolved",   "closed"],
  resolved:      ["!finished",    "!finished",         "!finished",         "!finished",         "!finished",         "!finished",         "!already",          "reopened",      "closed",        "reopened",      "closed",          "closed"],
  closed:        ["!finished",    "!finished",         "!finished",         "!finished",         "!finished",         "!finished",         "!finished",         "reopened",      "!finished",     "reopened",      "!finished",       "!finished"],
  reopened:      ["!already",     "investigating",     "identified",        "mitigated",         "fix_merged",        "!no_fix_recorded",  "!nothing_live",     "!already",      "!not_resolved", "!not_resolved", "!not_resolved",   "closed"],
};

const ACTIONS: readonly LifecycleAction[] = [
  "ack",
  "investigating",
  "identified",
  "mitigated",
  "fix",
  "deployed",
  "resolve",
  "reopen",
  "confirm",
  "still_broken",
  "confirm_timeout",
  "merge",
];

const PAIRS = INCIDENT_STATES.flatMap((state) =>
  ACTIONS.map((action, i) => ({ state, action, expected: ROWS[state][i] as Expected })),
);

function outcome(kind: IncidentKind, state: IncidentState, action: LifecycleAction): Expected {
  const t = transition({ kind, state }, action);
  return t.ok ? t.to : `!${t.reason}`;
}

describe("the transition table, pair by pair", () => {
  it("covers every state and every action (10 × 12)", () => {
    expect([...ACTIONS].sort()).toEqual([...LIFECYCLE_ACTIONS].sort());
    expect(Object.keys(ROWS).sort()).toEqual([...INCIDENT_STATES].sort());
    for (const state of INCIDENT_STATES) expect(ROWS[state], state).toHaveLength(ACTIONS.length);
    expect(PAIRS).toHaveLength(120);
  });

  it.each(PAIRS)("an incident $state + $action → $expected", ({ state, action, expected }) => {
    expect(outcome("incident", state, action)).toBe(expected);
  });

  it("says from where an allowed transition goes, and which state a refusal saw", () => {
    expect(transition({ kind: "incident", state: "mitigated" }, "resolve")).toEqual({
      ok: true,
      from: "mitigated",
      to: "resolved",
    });
    expect(transition({ kind: "incident", state: "identified" }, "resolve")).toEqual({
      ok: false,
      reason: "nothing_live",
      state: "identified",
    });
    expect(transition({ kind: "incident", state: "fix_merged" }, "resolve")).toEqual({
      ok: false,
      reason: "fix_not_live",
    });
    expect(transition({ kind: "incident", state: "investigating" }, "investigating")).toEqual({
      ok: false,
      reason: "already",
      state: "investigating",
    });
  });

  it("lists the allowed actions of a state as the table has them", () => {
    expect(allowedActions("incident", "triggered")).toEqual(["ack", "merge"]);
    expect(allowedActions("incident", "resolved")).toEqual([
      "reopen",
      "confirm",
      "still_broken",
      "confirm_timeout",
      "merge",
    ]);
    expect(allowedActions("incident", "closed")).toEqual(["reopen", "still_broken"]);
  });
});

describe("a duplicate closed by a merge", () => {
  it.each(["reopen", "still_broken"] as const)(
    "is refused %s: the work goes on where it was merged",
    (action) => {
      expect(transition({ kind: "incident", state: "closed", duplicateOf: "INC-2" }, action)).toEqual({
        ok: false,
        reason: "merged",
        into: "INC-2",
      });
    },
  );

  it("follows the table for everything else", () => {
    for (const { state, action, expected } of PAIRS) {
      if (action === "reopen" || action === "still_broken") continue;
      const t = transition({ kind: "incident", state, duplicateOf: "INC-2" }, action);
      expect(t.ok ? t.to : `!${t.reason}`, `${state} + ${action}`).toBe(expected);
    }
  });
});

describe("change and guidance requests", () => {
  const OPEN: readonly IncidentState[] = INCIDENT_STATES.filter((s) => s !== "resolved" && s !== "closed");
  const kinds: IncidentKind[] = ["change_request", "guidance_request"];
  const cases = kinds.flatMap((kind) => PAIRS.map((p) => ({ kind, ...p })));

  it.each(OPEN.flatMap((state) => kinds.map((kind) => ({ kind, state }))))(
    "a $kind may be resolved from $state: there is no fix to deploy",
    ({ kind, state }) => {
      expect(outcome(kind, state, "resolve")).toBe("resolved");
    },
  );

  it("follow the incident table for everything else", () => {
    for (const { kind, state, action, expected } of cases) {
      if (action === "resolve" && OPEN.includes(state)) continue;
      expect(outcome(kind, state, action), `${kind} ${state} + ${action}`).toBe(expected);
    }
  });
});

describe("entering a state", () => {
  const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

  it("records the first time each state is reached and counts every change", () => {
    let incident: Incident = anIncident({ state: "triggered", milestones: { triggered: T0.toISOString() } });
    incident = enterState(incident, "acknowledged", at(1));
    incident = enterState(incident, "mitigated", at(2));
    incident = enterState(incident, "resolved", at(3));
    incident = enterState(incident, "reopened", at(4));
    incident = enterState(incident, "mitigated", at(5));
    incident = enterState(incident, "resolved", at(6));
    expect(incident.state).toBe("resolved");
    expect(incident.milestones).toEqual({
      triggered: T0.toISOString(),
      acknowledged: at(1).toISOString(),
      mitigated: at(2).toISOString(),
      resolved: at(3).toISOString(),
      reopened: at(4).toISOString(),
    });
    expect(incident.stateChanges).toBe(6);
    expect(incident.updatedAt).toBe(at(6).toISOString());
  });
});

describe("the reporters' confirmation window", () => {
  const dueAt = new Date(T0.getTime() + 3600_000);
  const tag = { timer: "confirmation", gen: "1" };
  const resolved = (over: Partial<Incident> = {}): Incident => {
    const base = anIncident({
      state: "resolved",
      reporters: [{ platformUserId: "U0BOB" }, { platformUserId: "U0ALICE" }, { platformUserId: "U0BOB" }],
      confirmation: {
        asked: ["U0BOB", "U0ALICE"],
        confirmed: ["U0ALICE"],
        askedAt: T0.toISOString(),
        dueAt: dueAt.toISOString(),
      },
      ...over,
    });
    return { ...base, timers: armTimer(base, "confirmation", dueAt) };
  };

  it("asks each reporter once and knows who has not answered", () => {
    expect(reporterIds(resolved())).toEqual(["U0BOB", "U0ALICE"]);
    expect(waitingFor({ asked: ["U0BOB", "U0ALICE"], confirmed: ["U0ALICE"] })).toEqual(["U0BOB"]);
  });

  it("closes a resolved incident at the deadline, naming who never answered", () => {
    const fired = fireConfirmationTimer(settings, resolved(), dueAt, tag);
    expect(fired.incident.state).toBe("closed");
    expect(fired.incident.closeReason).toBe("timeout");
    expect(fired.incident.milestones?.closed).toBe(dueAt.toISOString());
    expect(fired.nextDueAt).toBeUndefined();
    expect(fired.events.map((e) => [e.type, e.data])).toEqual([
      ["confirmation_timed_out", { ...tag, waitingFor: "U0BOB", confirmed: "U0ALICE" }],
      ["status_changed", { ...tag, from: "resolved", to: "closed", reason: "timeout" }],
    ]);
  });

  it.each(["reopened", "closed", "mitigated"] as const)("does nothing to an incident that is %s", (state) => {
    const incident = resolved({ state });
    const fired = fireConfirmationTimer(settings, incident, dueAt, tag);
    expect(fired).toEqual({ incident, events: [] });
  });

  it("fires only for the generation armed, through the fence", () => {
    const incident = resolved();
    const gen = incident.timers?.confirmation?.gen ?? 0;
    const ref = { incidentId: incident.id, kind: "confirmation" as const, gen, dueAt: dueAt.toISOString() };
    const fired = fireTimerChange(settings, incident, ref, dueAt);
    expect(fired?.incident.state).toBe("closed");
    expect(fired?.incident.timers?.confirmation).toEqual({ gen: gen + 1, firedGen: gen });
    expect(fired?.events.every((e) => e.data.timer === "confirmation" && e.data.gen === String(gen))).toBe(
      true,
    );
    expect(fireTimerChange(settings, incident, { ...ref, gen: gen - 1 }, dueAt)).toBeNull();
  });
});

describe("the confirmation deadline's effects", () => {
  it("tell the channel, the card and the subscribers, keyed by the timer generation", async () => {
    const dueAt = new Date(T0.getTime() + 3600_000).toISOString();
    const base = anIncident({
      state: "resolved",
      confirmation: { asked: ["U0BOB"], confirmed: [], askedAt: T0.toISOString(), dueAt },
    });
    const incident = { ...base, timers: armTimer(base, "confirmation", dueAt) };
    const gen = incident.timers.confirmation?.gen ?? 0;
    const fake = await fakeContext(incident);
    await fireTimer(fake.ctx, { incidentId: "INC-1", kind: "confirmation", gen, dueAt });
    expect(fake.current()).toMatchObject({ state: "closed", closeReason: "timeout" });
    expect(fake.sent.map((s) => [s.key, s.op.kind])).toEqual([
      [`INC-1/confirmation-g${gen}-closed`, "post"],
      [`INC-1/confirmation-g${gen}-closed-card`, "update"],
      [`INC-1/confirmation-g${gen}-closed-sub-U0BOB`, "direct"],
    ]);
    expect(fake.rendered.find((r) => r.name === "incident-closed")?.vars).toMatchObject({
      timedOut: true,
      waitingFor: [{ id: "U0BOB" }],
    });
    expect(fake.scheduled).toEqual([]);
  });
});

describe("what a refusal tells the person", () => {
  const incident = anIncident({ id: "INC-4", state: "fix_merged" });
  const refusals = PAIRS.flatMap(({ state, action }) => {
    const t = transition({ kind: "incident", state }, action);
    return t.ok ? [] : [{ state, action, refusal: t as Refusal }];
  });

  it.each(refusals)(
    "$state + $action names the incident and changes nothing",
    ({ state, action, refusal }) => {
      const err = refusalError({ ...incident, state }, action, refusal);
      expect(err.message).toContain("INC-4");
      expect(err.message).toMatch(/Nothing was changed\.$/);
    },
  );

  it("names the command that gets past it", () => {
    const say = (state: IncidentState, action: LifecycleAction) => {
      const t = transition({ kind: "incident", state }, action);
      if (t.ok) throw new Error("allowed");
      return refusalError({ ...incident, state }, action, t).message;
    };
    expect(say("triggered", "investigating")).toBe(
      "Nobody has acknowledged INC-4 yet: `/incident ack` first (the people paged can), then `/incident status investigating`. Nothing was changed.",
    );
    expect(say("fix_merged", "resolve")).toContain("run `/incident deployed` once it is in production");
    expect(say("investigating", "resolve")).toContain("`/incident status mitigated`");
    expect(say("resolved", "resolve")).toBe("INC-4 is already resolved. Nothing was changed.");
    expect(say("acknowledged", "deployed")).toContain("record it with `/incident fix <link or sha>` first");
  });

  it("sends every state `status` does not set to its own command", () => {
    const expected: Partial<Record<IncidentState, string>> = {
      triggered: "cannot go back to triggered",
      acknowledged: "`/incident ack`",
      fix_merged: "`/incident fix <link or sha>`",
      fix_deployed: "`/incident deployed`",
      resolved: "`/incident resolve [summary]`",
      reopened: "`/incident reopen`",
      closed: "closes by itself when its reporters confirm the fix",
    };
    for (const [state, words] of Object.entries(expected)) {
      const err = notAStatusError("INC-4", state as IncidentState);
      expect(err.message, state).toContain(words);
      expect(err.message, state).toMatch(/Nothing was changed\.$/);
    }
  });
});
