import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/core/errors.js";
import type { Incident } from "../../src/core/incident/incident.js";
import {
  acceptOffer,
  checkOfferTarget,
  declineOffer,
  fireOfferTimer,
  makeOffer,
  type OfferKind,
  parseIncidentRef,
} from "../../src/core/incident/offers.js";
import { anIncident, settings, T0 } from "./handler-fakes.js";

/** Dana commands INC-1; offers last 15 minutes. */
const EXPIRES = 15 * 60_000;
const at = (ms: number) => new Date(T0.getTime() + ms);
const TAG = { timer: "offer", gen: "4" };

function offered(kind: OfferKind = "designation", over: Partial<Incident> = {}, to = "U0BOB", by = "U0DANA") {
  return makeOffer(anIncident(over), { kind, to: { platformUserId: to }, by }, EXPIRES, T0).incident;
}

function refusal(f: () => unknown): { code: string; message: string } {
  try {
    f();
  } catch (err) {
    if (err instanceof UsageError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error("expected a refusal");
}

describe("making an offer", () => {
  it("records the offer with the next id and its deadline, and an event saying who offered what to whom", () => {
    const { incident, offer, events } = makeOffer(
      anIncident({ offerSeq: 4 }),
      { kind: "handoff", to: { platformUserId: "U0BOB" }, by: "U0DANA", brief: { summary: "Cache is cold" } },
      EXPIRES,
      T0,
    );
    expect(offer).toEqual({
      id: 5,
      kind: "handoff",
      to: { platformUserId: "U0BOB" },
      by: "U0DANA",
      from: "U0DANA",
      brief: { summary: "Cache is cold" },
      at: T0.toISOString(),
      expiresAt: at(EXPIRES).toISOString(),
    });
    expect(incident.offer).toEqual(offer);
    expect(incident.offerSeq).toBe(5);
    expect(incident.commander?.platformUserId).toBe("U0DANA");
    expect(events).toEqual([
      expect.objectContaining({
        type: "commander_offered",
        actor: "U0DANA",
        data: {
          offer: "5",
          kind: "handoff",
          to: "U0BOB",
          from: "U0DANA",
          expiresAt: at(EXPIRES).toISOString(),
        },
      }),
    ]);
  });

  it("replaces a pending offer, saying whose it was, and never reuses an id", () => {
    const first = offered("designation", {}, "U0ALICE");
    const second = makeOffer(
      first,
      { kind: "designation", to: { platformUserId: "U0BOB" }, by: "U0DANA" },
      EXPIRES,
      T0,
    );
    expect(second.offer.id).toBe(2);
    expect(second.incident.offer?.to.platformUserId).toBe("U0BOB");
    expect(second.events[0]?.data).toMatchObject({ replaced: "1", replacedTo: "U0ALICE" });
  });

  it("offers command of an incident nobody commands, without a `from`", () => {
    const { offer } = makeOffer(
      anIncident({ commander: undefined }),
      { kind: "designation", to: { platformUserId: "U0BOB" }, by: "U0ALICE" },
      EXPIRES,
      T0,
    );
    expect(offer.from).toBeUndefined();
  });

  it.each([
    [
      "designation",
      "U0DANA",
      "U0DANA",
      "already_commander",
      "You already command INC-1. Nothing was changed.",
    ],
    [
      "handoff",
      "U0DANA",
      "U0DANA",
      "already_commander",
      "You already command INC-1. Hand off to someone else.",
    ],
    ["designation", "U0DANA", "U0ALICE", "already_commander", "<@U0DANA> already commands INC-1."],
    ["handoff", "U0DANA", "U0ALICE", "already_commander", "<@U0DANA> already commands INC-1."],
    ["handoff", "U0ALICE", "U0ALICE", "handoff_to_self", "ask <@U0DANA> to hand it to you"],
  ] as const)("refuses a %s to %s by %s (%s)", (kind, to, actor, code, message) => {
    const r = refusal(() => checkOfferTarget(anIncident(), kind, to, actor));
    expect(r.code).toBe(code);
    expect(r.message).toContain(message);
    expect(r.message).toMatch(/Nothing was changed\.$/);
    expect(
      refusal(() => makeOffer(anIncident(), { kind, to: { platformUserId: to }, by: actor }, EXPIRES, T0))
        .code,
    ).toBe(code);
  });

  it("lets a manager designate themselves: they still have to accept", () => {
    expect(() => checkOfferTarget(anIncident(), "designation", "U0ALICE", "U0ALICE")).not.toThrow();
  });
});

describe("accepting", () => {
  it("swaps the roles: the new commander leaves the responders, the previous one joins them", () => {
    const before = offered("handoff", {
      responders: [{ platformUserId: "U0BOB" }, { platformUserId: "U0ALICE" }],
    });
    const { incident, offer, events } = acceptOffer(before, 1, "U0BOB", at(60_000));
    expect(incident.commander).toEqual({ platformUserId: "U0BOB" });
    expect(incident.responders).toEqual([
      { platformUserId: "U0ALICE" },
      { platformUserId: "U0DANA", personId: "dana" },
    ]);
    expect(incident.offer).toBeUndefined();
    expect(incident.offerSeq).toBe(1);
    expect(offer.id).toBe(1);
    expect(events).toEqual([
      expect.objectContaining({
        type: "commander_changed",
        actor: "U0BOB",
        data: { from: "U0DANA", to: "U0BOB", via: "handoff", offer: "1", by: "U0DANA" },
      }),
    ]);
  });

  it("gives a commanderless incident its commander and drops the reason none was found", () => {
    const before = offered("designation", { commander: undefined, commanderMissingReason: "nobody on call" });
    const { incident, events } = acceptOffer(before, 1, "U0BOB", T0);
    expect(incident.commander?.platformUserId).toBe("U0BOB");
    expect(incident.commanderMissingReason).toBeUndefined();
    expect(incident.responders).toEqual([]);
    expect(events[0]?.data).toMatchObject({ from: "", via: "designation" });
  });

  it.each([
    ["no offer pending", anIncident(), 1, "U0BOB", T0, "offer_closed", "already answered, or it expired"],
    ["an older offer's button", offered(), 0, "U0BOB", T0, "offer_closed", "a newer offer replaced it"],
    ["an id never handed out", offered(), 7, "U0BOB", T0, "offer_closed", "already answered"],
    ["at the deadline", offered(), 1, "U0BOB", at(EXPIRES), "offer_closed", "it expired"],
    ["after the deadline", offered(), 1, "U0BOB", at(EXPIRES + 1), "offer_closed", "it expired"],
    [
      "someone else",
      offered(),
      1,
      "U0ALICE",
      T0,
      "offer_not_yours",
      "is for <@U0BOB>: only they can accept it",
    ],
  ] as const)("refuses %s, changing nothing", (_, incident, id, actor, now, code, message) => {
    const r = refusal(() => acceptOffer(incident, id, actor, now));
    expect(r.code).toBe(code);
    expect(r.message).toContain(message);
    expect(r.message).toMatch(/Nothing was changed\.$/);
  });

  it("names who commands now when the offer is gone", () => {
    expect(refusal(() => acceptOffer(anIncident(), 1, "U0BOB", T0)).message).toContain(
      "<@U0DANA> is the Incident Commander of INC-1.",
    );
  });
});

describe("declining", () => {
  it("clears the offer and records the reason; the commander stays", () => {
    const { incident, events } = declineOffer(offered("handoff"), 1, "U0BOB", "Off shift", at(1000));
    expect(incident.offer).toBeUndefined();
    expect(incident.commander?.platformUserId).toBe("U0DANA");
    expect(events).toEqual([
      expect.objectContaining({
        type: "commander_offer_declined",
        actor: "U0BOB",
        data: { offer: "1", kind: "handoff", to: "U0BOB", by: "U0DANA", reason: "Off shift" },
      }),
    ]);
  });

  it("refuses someone else, and an offer already gone", () => {
    expect(refusal(() => declineOffer(offered(), 1, "U0ALICE", undefined, T0)).message).toContain(
      "only they can decline it",
    );
    expect(refusal(() => declineOffer(anIncident(), 1, "U0BOB", undefined, T0)).code).toBe("offer_closed");
  });
});

describe("the offer's deadline", () => {
  it("withdraws an unanswered offer, recording who was asked, by whom, and the window", () => {
    const fired = fireOfferTimer(settings, offered("handoff"), at(EXPIRES), TAG);
    expect(fired.incident.offer).toBeUndefined();
    expect(fired.nextDueAt).toBeUndefined();
    expect(fired.events).toEqual([
      expect.objectContaining({
        type: "commander_offer_expired",
        data: {
          ...TAG,
          offer: "1",
          kind: "handoff",
          to: "U0BOB",
          by: "U0DANA",
          at: T0.toISOString(),
          expiresAt: at(EXPIRES).toISOString(),
        },
      }),
    ]);
  });

  it("waits when it fires early, and does nothing once the offer was answered", () => {
    const early = fireOfferTimer(settings, offered(), at(EXPIRES - 5), TAG);
    expect(early.events).toEqual([]);
    expect(early.incident.offer?.id).toBe(1);
    expect(early.nextDueAt).toBe(at(EXPIRES).toISOString());
    const answered = anIncident();
    expect(fireOfferTimer(settings, answered, at(EXPIRES), TAG)).toEqual({ incident: answered, events: [] });
  });
});

describe("answers racing", () => {
  type Answer =
    | { kind: "accept"; actor: string; atMs: number }
    | { kind: "decline"; actor: string; atMs: number }
    | { kind: "expire"; atMs: number };
  const answer = fc.oneof(
    fc.record({
      kind: fc.constant("accept" as const),
      actor: fc.constantFrom("U0BOB", "U0ALICE"),
      atMs: fc.integer({ min: 0, max: 2 * EXPIRES }),
    }),
    fc.record({
      kind: fc.constant("decline" as const),
      actor: fc.constantFrom("U0BOB", "U0ALICE"),
      atMs: fc.integer({ min: 0, max: 2 * EXPIRES }),
    }),
    fc.record({ kind: fc.constant("expire" as const), atMs: fc.integer({ min: 0, max: 2 * EXPIRES }) }),
  );

  /** Applies answers one after another, as the store serialises racing writes; counts those that took effect. */
  function run(answers: Answer[]): { incident: Incident; won: Answer[] } {
    let incident = offered();
    const won: Answer[] = [];
    for (const a of answers) {
      try {
        if (a.kind === "expire") {
          const fired = fireOfferTimer(settings, incident, at(a.atMs), TAG);
          if (fired.events.length > 0) won.push(a);
          incident = fired.incident;
        } else {
          const change =
            a.kind === "accept"
              ? acceptOffer(incident, 1, a.actor, at(a.atMs))
              : declineOffer(incident, 1, a.actor, undefined, at(a.atMs));
          won.push(a);
          incident = change.incident;
        }
      } catch (err) {
        if (!(err instanceof UsageError)) throw err;
      }
    }
    return { incident, won };
  }

  it("in any order, at most one answer takes effect, and only Bob's answers or the deadline can", () => {
    fc.assert(
      fc.property(fc.array(answer, { maxLength: 8 }), (answers) => {
        const { incident, won } = run(answers);
        expect(won.length).toBeLessThanOrEqual(1);
        const [winner] = won;
        if (winner && winner.kind !== "expire") {
          expect(winner.actor).toBe("U0BOB");
          expect(winner.atMs).toBeLessThan(EXPIRES);
        }
        if (winner?.kind === "expire") expect(winner.atMs).toBeGreaterThanOrEqual(EXPIRES);
        expect(incident.commander?.platformUserId).toBe(winner?.kind === "accept" ? "U0BOB" : "U0DANA");
        if (winner) expect(incident.offer).toBeUndefined();
      }),
    );
  });
});

describe("button values", () => {
  it.each([
    ["INC-4 2", { incidentId: "INC-4", n: 2 }],
    ["INC-123 17", { incidentId: "INC-123", n: 17 }],
    ["INC-4", null],
    ["INC-4 0", null],
    ["INC-4 two", null],
    ["inc-4 2", null],
    [" INC-4 2", null],
    [undefined, null],
  ])("%j → %j", (value, expected) => {
    expect(parseIncidentRef(value)).toEqual(expected);
  });
});
