/**
 * Follow-ups: the tasks that come out of an incident (`/incident followup <text> [@owner]`), numbered 1, 2, …
 * within it, each open or done. They are for after the incident, so they are taken at every stage, resolved
 * and closed included. Pure: the handler runs these inside the incident's write, where nothing changes under
 * them, and turns a refusal into the sentence the person reads.
 */
import type { Followup, Incident } from "./incident.js";
import { isRequest } from "./requests.js";
import { type TimelineEvent, timelineEvent } from "./timeline.js";

/** Why a follow-up cannot be added to this incident. */
export type AddRefusal =
  /** Closed as a duplicate: its follow-ups belong on the survivor. */
  | { reason: "merged"; into: string }
  /** A change or guidance request: no review follows it unless it is promoted to an incident. */
  | { reason: "request" };

/** Why `followup done <n>` / `followup reopen <n>` changes nothing. */
export type MarkRefusal =
  /** No follow-up has that number; `numbers` are the ones there are (ascending, maybe none). */
  | { reason: "no_such"; n: number; numbers: number[] }
  /** Done already (on `done`) or open already (on `reopen`): nothing to do. */
  | { reason: "already"; followup: Followup };

export interface FollowupChange {
  incident: Incident;
  followup: Followup;
  events: TimelineEvent[];
}

export function followupsOf(incident: Pick<Incident, "followups">): readonly Followup[] {
  return incident.followups ?? [];
}

/** The follow-ups still open, in number order. */
export function openFollowups(incident: Pick<Incident, "followups">): Followup[] {
  return followupsOf(incident).filter((f) => f.state === "open");
}

/** Whether a follow-up can be added, as the incident stands. */
export function addRefusal(incident: Pick<Incident, "kind" | "duplicateOf">): AddRefusal | null {
  if (incident.duplicateOf) return { reason: "merged", into: incident.duplicateOf };
  if (isRequest(incident)) return { reason: "request" };
  return null;
}

/**
 * Adds follow-up n+1, where n is the highest number given so far: numbers never repeat, so "follow-up 3"
 * means the same task in every message about it. The caller checks `addRefusal` first.
 */
export function addFollowup(
  incident: Incident,
  add: { text: string; owner?: string; by: string; now: Date },
): FollowupChange {
  const existing = followupsOf(incident);
  const n = existing.reduce((max, f) => Math.max(max, f.n), 0) + 1;
  const at = add.now.toISOString();
  const followup: Followup = {
    n,
    text: add.text,
    ...(add.owner && { owner: add.owner }),
    state: "open",
    by: add.by,
    at,
  };
  const data: Record<string, string> = {
    n: String(n),
    text: add.text,
    ...(add.owner && { owner: add.owner }),
  };
  return {
    incident: { ...incident, followups: [...existing, followup], updatedAt: at },
    followup,
    events: [timelineEvent("followup_added", add.now, data, add.by)],
  };
}

/** Marks follow-up `n` done, recording who and when; refused when there is none or it is done already. */
export function markFollowupDone(
  incident: Incident,
  n: number,
  by: string,
  now: Date,
): FollowupChange | MarkRefusal {
  return changeFollowup(
    incident,
    n,
    "done",
    (f) => ({ ...f, state: "done", doneAt: now.toISOString(), doneBy: by }),
    {
      event: timelineEvent("followup_done", now, { n: String(n) }, by),
      now,
    },
  );
}

/** Opens follow-up `n` again, clearing who marked it done; refused when there is none or it is open. */
export function reopenFollowup(
  incident: Incident,
  n: number,
  by: string,
  now: Date,
): FollowupChange | MarkRefusal {
  return changeFollowup(
    incident,
    n,
    "open",
    ({ doneAt: _at, doneBy: _by, ...rest }) => ({ ...rest, state: "open" }),
    { event: timelineEvent("followup_reopened", now, { n: String(n) }, by), now },
  );
}

export function isMarkRefusal(result: FollowupChange | MarkRefusal): result is MarkRefusal {
  return "reason" in result;
}

function changeFollowup(
  incident: Incident,
  n: number,
  target: Followup["state"],
  change: (f: Followup) => Followup,
  { event, now }: { event: TimelineEvent; now: Date },
): FollowupChange | MarkRefusal {
  const existing = followupsOf(incident);
  const current = existing.find((f) => f.n === n);
  if (!current) return { reason: "no_such", n, numbers: existing.map((f) => f.n).sort((a, b) => a - b) };
  if (current.state === target) return { reason: "already", followup: current };
  const followup = change(current);
  return {
    incident: {
      ...incident,
      followups: existing.map((f) => (f.n === n ? followup : f)),
      updatedAt: now.toISOString(),
    },
    followup,
    events: [event],
  };
}

/** "1", "1 and 2", "1, 2 and 3": the numbers there are, for a refusal naming a number that is not one. */
export function numberList(numbers: readonly number[]): string {
  if (numbers.length <= 1) return numbers.join("");
  return `${numbers.slice(0, -1).join(", ")} and ${numbers[numbers.length - 1]}`;
}

/** How many open follow-ups the status card lists by name; the rest it counts. */
export const CARD_FOLLOWUPS = 5;

/** The follow-ups as the status card shows them: the first open ones by name, the counts; none when there are none. */
export function cardFollowups(incident: Pick<Incident, "followups">):
  | {
      open: number;
      total: number;
      shown: { n: number; text: string; owner?: string }[];
      more: number;
    }
  | undefined {
  const total = followupsOf(incident).length;
  if (total === 0) return undefined;
  const open = openFollowups(incident).sort((a, b) => a.n - b.n);
  return {
    open: open.length,
    total,
    shown: open
      .slice(0, CARD_FOLLOWUPS)
      .map((f) => ({ n: f.n, text: f.text, ...(f.owner && { owner: f.owner }) })),
    more: Math.max(0, open.length - CARD_FOLLOWUPS),
  };
}
