/**
 * Calls for help (`/incident help-wanted <text>`): a request for takers, posted where people can see it. The
 * first person to take a call gets it; a call nobody takes in time is escalated to the managers, once.
 *
 * Pure rules on the incident as it is at the write, run inside the incident's optimistic write, so two people
 * clicking "I'll take it" at once are decided by whichever write lands first. One "help" timer serves every
 * call: it is due at the earliest deadline of the calls still waiting (`nextHelpDue`), and the handlers keep
 * it there in the same write (core/incident/timers.ts).
 */
import { UsageError } from "../errors.js";
import { userRef } from "../markup.js";
import type { HelpCall, Incident } from "./incident.js";
import { roleRefusal } from "./role-refusal.js";
import { recordedSpan, type TimelineEvent, timelineEvent } from "./timeline.js";
import type { FireTimer } from "./timer-firing.js";

export interface HelpCallChange {
  incident: Incident;
  call: HelpCall;
  events: TimelineEvent[];
}

/** Still waiting for its deadline: nobody took it and the managers were not pinged yet. */
export function isWaiting(call: HelpCall): boolean {
  return !call.takenBy && !call.escalatedAt;
}

/** Calls nobody has taken yet, escalated or not: the open actions of the incident. */
export function untakenCalls(incident: Pick<Incident, "helpCalls">): HelpCall[] {
  return (incident.helpCalls ?? []).filter((c) => !c.takenBy);
}

/** When the "help" timer should fire next: the earliest deadline among the waiting calls; undefined when none waits. */
export function nextHelpDue(calls: readonly HelpCall[] | undefined): string | undefined {
  let earliest: string | undefined;
  for (const c of calls ?? []) {
    if (isWaiting(c) && (earliest === undefined || Date.parse(c.dueAt) < Date.parse(earliest)))
      earliest = c.dueAt;
  }
  return earliest;
}

/** A new call, numbered after the largest so far, due `dueInMs` from now. */
export function addHelpCall(
  incident: Incident,
  text: string,
  by: string,
  dueInMs: number,
  now: Date,
): HelpCallChange {
  const calls = incident.helpCalls ?? [];
  const id = calls.reduce((max, c) => Math.max(max, c.id), 0) + 1;
  const call: HelpCall = {
    id,
    text,
    by,
    at: now.toISOString(),
    dueAt: new Date(now.getTime() + dueInMs).toISOString(),
  };
  return {
    incident: { ...incident, helpCalls: [...calls, call], updatedAt: now.toISOString() },
    call,
    events: [timelineEvent("help_wanted", now, { call: String(id), text, dueAt: call.dueAt }, by)],
  };
}

/**
 * `actor` takes call `callId`. The first taker wins; a later one (or a second click) is refused with who has
 * it. A call already escalated to the managers can still be taken: the help is still wanted.
 */
export function takeHelpCall(incident: Incident, callId: number, actor: string, now: Date): HelpCallChange {
  const calls = incident.helpCalls ?? [];
  const call = calls.find((c) => c.id === callId);
  if (!call) {
    throw new UsageError(
      `${incident.id} has no call for help #${callId}. Nothing was changed.`,
      "no_help_call",
    );
  }
  if (call.takenBy) {
    throw roleRefusal(
      "help_taken",
      { incident: { id: incident.id }, helpTaken: true, person: call.takenBy, you: call.takenBy === actor },
      call.takenBy === actor
        ? `You already took this call for help on ${incident.id}. Nothing was changed.`
        : `${userRef(call.takenBy)} already took this call for help on ${incident.id}. Nothing was changed.`,
    );
  }
  const taken: HelpCall = { ...call, takenBy: actor, takenAt: now.toISOString() };
  return {
    incident: {
      ...incident,
      helpCalls: calls.map((c) => (c.id === callId ? taken : c)),
      updatedAt: now.toISOString(),
    },
    call: taken,
    events: [timelineEvent("help_taken", now, { call: String(callId), text: call.text, by: call.by }, actor)],
  };
}

/**
 * The deadline of the calls for help: every call still waiting whose deadline has passed is marked escalated
 * and recorded as unanswered (the effects ping the managers); the timer then waits for the next deadline.
 */
export const fireHelpTimer: FireTimer = (_settings, incident, now, tag) => {
  const events: TimelineEvent[] = [];
  const calls = (incident.helpCalls ?? []).map((c) => {
    if (!isWaiting(c) || Date.parse(c.dueAt) > now.getTime()) return c;
    events.push(
      timelineEvent("help_unanswered", now, {
        ...tag,
        call: String(c.id),
        text: c.text,
        by: c.by,
        at: c.at,
        dueAt: c.dueAt,
      }),
    );
    return { ...c, escalatedAt: now.toISOString() };
  });
  const next = nextHelpDue(calls);
  const changed =
    events.length > 0 ? { ...incident, helpCalls: calls, updatedAt: now.toISOString() } : incident;
  return { incident: changed, events, ...(next && { nextDueAt: next }) };
};

/** What a `help_unanswered` event says: which call, what it asked, who asked, and how long it waited. */
export function unansweredCall(event: TimelineEvent): {
  call: number;
  text: string;
  by: string;
  waited: number;
} {
  return {
    call: Number(event.data.call),
    text: event.data.text ?? "",
    by: event.data.by ?? "",
    waited: recordedSpan(event, "at", "dueAt"),
  };
}
