import { describe, expect, it } from "vitest";
import {
  addFollowup,
  addRefusal,
  CARD_FOLLOWUPS,
  cardFollowups,
  type FollowupChange,
  isMarkRefusal,
  type MarkRefusal,
  markFollowupDone,
  numberList,
  openFollowups,
  reopenFollowup,
} from "../../src/core/incident/followups.js";
import type { Incident } from "../../src/core/incident/incident.js";
import { markupToPlain, parseMarkup } from "../../src/core/markup.js";
import type { Message } from "../../src/core/message.js";
import { loadTemplates } from "../../src/core/templates/index.js";
import { anIncident, T0 } from "./handler-fakes.js";
import { HOSTILE, incident as incidentVars } from "./template-samples/shared.js";

const MIN = 60_000;
const at = (minutes: number) => new Date(T0.getTime() + minutes * MIN);

/** Adds follow-ups "a", "b", … one minute apart, by Alice. */
function withFollowups(count: number, over: Partial<Incident> = {}): Incident {
  let incident = anIncident(over);
  for (let i = 0; i < count; i++) {
    incident = addFollowup(incident, {
      text: String.fromCharCode(97 + i),
      by: "U0ALICE",
      now: at(i + 1),
    }).incident;
  }
  return incident;
}

function changed(result: FollowupChange | MarkRefusal): FollowupChange {
  if (isMarkRefusal(result)) throw new Error(`refused: ${result.reason}`);
  return result;
}

describe("adding a follow-up", () => {
  it("numbers them 1, 2, 3 within the incident, open, with who added them and when", () => {
    const incident = withFollowups(3);
    expect(incident.followups?.map((f) => [f.n, f.text, f.state, f.by, f.at])).toEqual([
      [1, "a", "open", "U0ALICE", at(1).toISOString()],
      [2, "b", "open", "U0ALICE", at(2).toISOString()],
      [3, "c", "open", "U0ALICE", at(3).toISOString()],
    ]);
    expect(incident.updatedAt).toBe(at(3).toISOString());
  });

  it("records the owner and a followup_added event with the number, text and owner", () => {
    const change = addFollowup(anIncident(), {
      text: "Alert on queue depth",
      owner: "U0BOB",
      by: "U0DANA",
      now: at(5),
    });
    expect(change.followup).toEqual({
      n: 1,
      text: "Alert on queue depth",
      owner: "U0BOB",
      state: "open",
      by: "U0DANA",
      at: at(5).toISOString(),
    });
    expect(change.events).toEqual([
      {
        type: "followup_added",
        at: at(5).toISOString(),
        recordedAt: at(5).toISOString(),
        actor: "U0DANA",
        data: { n: "1", text: "Alert on queue depth", owner: "U0BOB" },
      },
    ]);
  });

  it("never gives a number twice, even when the list has gaps (numbers follow the highest)", () => {
    const gappy = anIncident({
      followups: [{ n: 4, text: "x", state: "done", by: "U0ALICE", at: at(0).toISOString() }],
    });
    expect(addFollowup(gappy, { text: "y", by: "U0BOB", now: at(1) }).followup.n).toBe(5);
  });

  it.each<[string, Partial<Incident>, ReturnType<typeof addRefusal>]>([
    ["an open incident", { state: "investigating" }, null],
    ["a resolved incident", { state: "resolved" }, null],
    ["a closed incident", { state: "closed" }, null],
    ["a merged duplicate", { state: "closed", duplicateOf: "INC-1" }, { reason: "merged", into: "INC-1" }],
    ["a change request", { kind: "change_request" }, { reason: "request" }],
    ["a guidance request", { kind: "guidance_request" }, { reason: "request" }],
  ])("on %s: %j", (_, over, want) => {
    expect(addRefusal(anIncident(over))).toEqual(want);
  });
});

describe("marking done and reopening", () => {
  it("done records who and when; reopen clears them; each records its event", () => {
    const done = changed(markFollowupDone(withFollowups(2), 2, "U0BOB", at(10)));
    expect(done.followup).toMatchObject({
      n: 2,
      state: "done",
      doneBy: "U0BOB",
      doneAt: at(10).toISOString(),
    });
    expect(done.incident.followups?.[0]?.state).toBe("open");
    expect(done.events.map((e) => [e.type, e.actor, e.data])).toEqual([
      ["followup_done", "U0BOB", { n: "2" }],
    ]);
    expect(openFollowups(done.incident).map((f) => f.n)).toEqual([1]);

    const reopened = changed(reopenFollowup(done.incident, 2, "U0DANA", at(20)));
    expect(reopened.followup).toEqual({
      n: 2,
      text: "b",
      state: "open",
      by: "U0ALICE",
      at: at(2).toISOString(),
    });
    expect(reopened.events.map((e) => [e.type, e.actor, e.data])).toEqual([
      ["followup_reopened", "U0DANA", { n: "2" }],
    ]);
    expect(reopened.incident.updatedAt).toBe(at(20).toISOString());
  });

  it("done twice is refused with the follow-up as it stands: who marked it and when", () => {
    const once = changed(markFollowupDone(withFollowups(1), 1, "U0BOB", at(10))).incident;
    const again = markFollowupDone(once, 1, "U0DANA", at(11));
    expect(again).toEqual({
      reason: "already",
      followup: expect.objectContaining({
        n: 1,
        state: "done",
        doneBy: "U0BOB",
        doneAt: at(10).toISOString(),
      }),
    });
  });

  it("reopening an open one is refused", () => {
    expect(reopenFollowup(withFollowups(1), 1, "U0BOB", at(10))).toMatchObject({ reason: "already" });
  });

  it.each<[string, number, number, number[]]>([
    ["none at all", 0, 1, []],
    ["past the last", 3, 4, [1, 2, 3]],
    ["far past the last", 1, 99, [1]],
  ])("a number nobody has (%s) is refused listing the numbers there are", (_, count, n, numbers) => {
    const incident = withFollowups(count);
    expect(markFollowupDone(incident, n, "U0BOB", at(10))).toEqual({ reason: "no_such", n, numbers });
    expect(reopenFollowup(incident, n, "U0BOB", at(10))).toEqual({ reason: "no_such", n, numbers });
  });

  it("works on a closed incident: follow-ups come after it", () => {
    const closed = withFollowups(1, { state: "closed" });
    expect(changed(markFollowupDone(closed, 1, "U0BOB", at(10))).incident.state).toBe("closed");
  });

  it("does not touch the incident it was given", () => {
    const before = withFollowups(1);
    const copy = structuredClone(before);
    markFollowupDone(before, 1, "U0BOB", at(10));
    expect(before).toEqual(copy);
  });
});

describe("numberList", () => {
  it.each<[number[], string]>([
    [[], ""],
    [[1], "1"],
    [[1, 2], "1 and 2"],
    [[1, 2, 5], "1, 2 and 5"],
  ])("%j: %s", (numbers, want) => expect(numberList(numbers)).toBe(want));
});

describe("the status card's follow-ups", () => {
  it("is absent while there are none", () => {
    expect(cardFollowups(anIncident())).toBeUndefined();
  });

  it("counts open of all and names the open ones only", () => {
    const incident = changed(markFollowupDone(withFollowups(3), 2, "U0BOB", at(10))).incident;
    expect(cardFollowups(incident)).toEqual({
      open: 2,
      total: 3,
      shown: [
        { n: 1, text: "a" },
        { n: 3, text: "c" },
      ],
      more: 0,
    });
  });

  it(`names the first ${CARD_FOLLOWUPS} open ones and counts the rest`, () => {
    const card = cardFollowups(withFollowups(CARD_FOLLOWUPS + 3));
    expect(card?.shown.map((f) => f.n)).toEqual([1, 2, 3, 4, 5]);
    expect(card).toMatchObject({ open: CARD_FOLLOWUPS + 3, total: CARD_FOLLOWUPS + 3, more: 3 });
  });

  it("says all done when none is open", () => {
    const incident = changed(markFollowupDone(withFollowups(1), 1, "U0BOB", at(10))).incident;
    expect(cardFollowups(incident)).toEqual({ open: 0, total: 1, shown: [], more: 0 });
  });
});

describe("the status card's follow-ups, rendered", () => {
  const markups = (m: Message) =>
    m.blocks.flatMap((b) => (b.type === "section" || b.type === "context" ? [b.text] : []));
  const card = async (followups?: ReturnType<typeof cardFollowups>) =>
    (await loadTemplates()).render("kickoff", {
      incident: incidentVars(),
      severity: "SEV1",
      reporter: "U0ALICE",
      commander: "U0BOB",
      ackWithin: 5 * MIN,
      updateEvery: 30 * MIN,
      timezone: "Europe/Berlin",
      ...(followups && { followups }),
    });

  it("lists the open ones with their owners, keeping hostile text literal", async () => {
    const m = await card({ open: 7, total: 9, shown: [{ n: 3, text: HOSTILE, owner: "U0BOB" }], more: 6 });
    const spans = markups(m).flatMap((t) => parseMarkup(t));
    expect(spans.filter((s) => s.kind === "link")).toEqual([]);
    expect(spans.filter((s) => s.kind === "user").map((s) => (s as { id: string }).id)).toContain("U0BOB");
    const plain = markups(m)
      .map((t) => markupToPlain(t))
      .join("\n");
    expect(plain).toContain("Follow-ups: 7 open of 9");
    expect(plain).toContain(`3. ${HOSTILE}`);
    expect(plain).toContain("and 6 more open");
  });

  it("says nothing of follow-ups while there are none", async () => {
    const plain = markups(await card())
      .map((t) => markupToPlain(t))
      .join("\n");
    expect(plain).not.toContain("Follow-ups:");
  });
});
