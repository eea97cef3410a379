import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/core/errors.js";
import {
  addHelpCall,
  fireHelpTimer,
  isWaiting,
  nextHelpDue,
  takeHelpCall,
  untakenCalls,
} from "../../src/core/incident/help-calls.js";
import type { HelpCall, Incident } from "../../src/core/incident/incident.js";
import { anIncident, settings, T0 } from "./handler-fakes.js";

const WAIT = 30 * 60_000;
const at = (ms: number) => new Date(T0.getTime() + ms);
const iso = (ms: number) => at(ms).toISOString();
const TAG = { timer: "help", gen: "3" };

function call(id: number, dueMs: number, over: Partial<HelpCall> = {}): HelpCall {
  return { id, text: `need ${id}`, by: "U0DANA", at: iso(dueMs - WAIT), dueAt: iso(dueMs), ...over };
}

describe("asking for help", () => {
  it("numbers calls after the largest, due a wait from now, and records the ask", () => {
    const before = anIncident({ helpCalls: [call(1, WAIT), call(4, WAIT, { takenBy: "U0BOB" })] });
    const {
      incident,
      call: made,
      events,
    } = addHelpCall(before, "Someone who knows DNS", "U0DANA", WAIT, at(1000));
    expect(made).toEqual({
      id: 5,
      text: "Someone who knows DNS",
      by: "U0DANA",
      at: iso(1000),
      dueAt: iso(1000 + WAIT),
    });
    expect(incident.helpCalls?.map((c) => c.id)).toEqual([1, 4, 5]);
    expect(events).toEqual([
      expect.objectContaining({
        type: "help_wanted",
        actor: "U0DANA",
        data: { call: "5", text: "Someone who knows DNS", dueAt: iso(1000 + WAIT) },
      }),
    ]);
  });

  it("starts at 1", () => {
    expect(addHelpCall(anIncident(), "x", "U0DANA", WAIT, T0).call.id).toBe(1);
  });
});

describe("taking a call", () => {
  it("gives it to the first taker and records who asked", () => {
    const before = anIncident({ helpCalls: [call(1, WAIT), call(2, WAIT)] });
    const { incident, call: taken, events } = takeHelpCall(before, 2, "U0BOB", at(5));
    expect(taken).toMatchObject({ id: 2, takenBy: "U0BOB", takenAt: iso(5) });
    expect(incident.helpCalls?.[0]?.takenBy).toBeUndefined();
    expect(events).toEqual([
      expect.objectContaining({
        type: "help_taken",
        actor: "U0BOB",
        data: { call: "2", text: "need 2", by: "U0DANA" },
      }),
    ]);
  });

  it("lets someone take a call already escalated to the managers", () => {
    const before = anIncident({ helpCalls: [call(1, WAIT, { escalatedAt: iso(WAIT) })] });
    expect(takeHelpCall(before, 1, "U0BOB", at(WAIT + 1)).call.takenBy).toBe("U0BOB");
  });

  it.each([
    ["a second taker", "U0ALICE", 1, "help_taken", "<@U0BOB> already took this call for help on INC-1."],
    ["the taker again", "U0BOB", 1, "help_taken", "You already took this call for help on INC-1."],
    ["an unknown call", "U0ALICE", 9, "no_help_call", "INC-1 has no call for help #9."],
  ])("refuses %s", (_, actor, id, code, message) => {
    const before = anIncident({ helpCalls: [call(1, WAIT, { takenBy: "U0BOB", takenAt: iso(1) })] });
    try {
      takeHelpCall(before, id, actor, at(2));
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(UsageError);
      expect((err as UsageError).code).toBe(code);
      expect((err as UsageError).message).toBe(`${message} Nothing was changed.`);
    }
  });
});

describe("the deadline", () => {
  it("escalates every waiting call past due, once, and waits for the next deadline", () => {
    const before = anIncident({
      helpCalls: [
        call(1, 100),
        call(2, 200, { takenBy: "U0BOB" }),
        call(3, 300, { escalatedAt: iso(300) }),
        call(4, 400),
        call(5, 900),
      ],
    });
    const fired = fireHelpTimer(settings, before, at(400), TAG);
    expect(fired.events.map((e) => e.data.call)).toEqual(["1", "4"]);
    expect(fired.events[0]).toMatchObject({
      type: "help_unanswered",
      data: { ...TAG, call: "1", text: "need 1", by: "U0DANA", at: iso(100 - WAIT), dueAt: iso(100) },
    });
    expect(fired.incident.helpCalls?.map((c) => c.escalatedAt)).toEqual([
      iso(400),
      undefined,
      iso(300),
      iso(400),
      undefined,
    ]);
    expect(fired.nextDueAt).toBe(iso(900));
    const again = fireHelpTimer(settings, fired.incident, at(400), TAG);
    expect(again.events).toEqual([]);
    expect(again.incident).toBe(fired.incident);
  });

  it("has nothing more due once every call is taken or escalated", () => {
    const before = anIncident({ helpCalls: [call(1, 100)] });
    expect(fireHelpTimer(settings, before, at(100), TAG).nextDueAt).toBeUndefined();
  });

  it("waits when it fires before any deadline", () => {
    const before = anIncident({ helpCalls: [call(1, 100)] });
    const fired = fireHelpTimer(settings, before, at(99), TAG);
    expect(fired.events).toEqual([]);
    expect(fired.nextDueAt).toBe(iso(100));
  });
});

describe("what is open", () => {
  const calls = [
    call(1, 500),
    call(2, 100, { takenBy: "U0BOB" }),
    call(3, 50, { escalatedAt: iso(50) }),
    call(4, 300),
  ];

  it("the timer follows the earliest call still waiting", () => {
    expect(nextHelpDue(calls)).toBe(iso(300));
    expect(nextHelpDue([])).toBeUndefined();
    expect(nextHelpDue(undefined)).toBeUndefined();
    expect(calls.map(isWaiting)).toEqual([true, false, false, true]);
  });

  it("an escalated call is still an open action until someone takes it", () => {
    expect(untakenCalls({ helpCalls: calls }).map((c) => c.id)).toEqual([1, 3, 4]);
  });
});

describe("any sequence of asks, takes and deadlines", () => {
  type Step =
    | { kind: "ask"; dt: number }
    | { kind: "take"; dt: number; id: number; who: string }
    | { kind: "fire"; dt: number };
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ kind: fc.constant("ask" as const), dt: fc.integer({ min: 0, max: WAIT }) }),
    fc.record({
      kind: fc.constant("take" as const),
      dt: fc.integer({ min: 0, max: WAIT }),
      id: fc.integer({ min: 1, max: 6 }),
      who: fc.constantFrom("U0BOB", "U0ALICE"),
    }),
    fc.record({ kind: fc.constant("fire" as const), dt: fc.integer({ min: 0, max: WAIT }) }),
  );

  it("takes each call at most once, escalates each at most once and only when untaken past due, and keeps the timer on the earliest waiting deadline", () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 20 }), (steps) => {
        let incident: Incident = anIncident();
        let now = 0;
        const escalations = new Map<string, number>();
        const takes = new Map<number, number>();
        for (const s of steps) {
          now += s.dt;
          if (s.kind === "ask") incident = addHelpCall(incident, "help", "U0DANA", WAIT, at(now)).incident;
          if (s.kind === "take") {
            try {
              incident = takeHelpCall(incident, s.id, s.who, at(now)).incident;
              takes.set(s.id, (takes.get(s.id) ?? 0) + 1);
            } catch (err) {
              if (!(err instanceof UsageError)) throw err;
            }
          }
          if (s.kind === "fire") {
            const fired = fireHelpTimer(settings, incident, at(now), TAG);
            for (const e of fired.events) {
              const c = incident.helpCalls?.find((x) => String(x.id) === e.data.call);
              expect(c && !c.takenBy && Date.parse(c.dueAt) <= now + T0.getTime()).toBe(true);
              escalations.set(e.data.call as string, (escalations.get(e.data.call as string) ?? 0) + 1);
            }
            incident = fired.incident;
            expect(fired.nextDueAt).toBe(nextHelpDue(incident.helpCalls));
            if (fired.nextDueAt) expect(Date.parse(fired.nextDueAt)).toBeGreaterThan(at(now).getTime());
          }
        }
        for (const n of takes.values()) expect(n).toBe(1);
        for (const n of escalations.values()) expect(n).toBe(1);
        const ids = (incident.helpCalls ?? []).map((c) => c.id);
        expect(new Set(ids).size).toBe(ids.length);
      }),
    );
  });
});
