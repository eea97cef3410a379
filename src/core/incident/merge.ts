/**
 * Merging a duplicate into the incident that stays open (`/incident merge INC-n`), as pure steps the handler
 * runs inside each incident's own write. There is no transaction across two incidents, so the merge is two
 * writes in an order that is safe to run again: first the survivor takes in the duplicate (skipped when its
 * `mergedFrom` already names it), then the duplicate closes (skipped when it already points at the survivor).
 * A merge stopped between the two is finished by running it again.
 */
import type { Settings } from "../settings.js";
import { type Incident, SEVERITIES, type Severity, severityLabel, subscribersOf } from "./incident.js";
import { enterState, transition } from "./lifecycle.js";
import { type TimelineEvent, timelineEvent } from "./timeline.js";
import { isFinished, stopAllTimers, timersForSeverity } from "./timers.js";

/** The more severe of two severities (SEV1 is the most severe). */
export function moreSevere(a: Severity, b: Severity): Severity {
  return SEVERITIES.indexOf(a) <= SEVERITIES.indexOf(b) ? a : b;
}

/** Why a merge is refused, as facts the handler turns into a sentence that says what to do instead. */
export type MergeRefusal =
  /** The command names the incident it was typed in. */
  | { reason: "self" }
  /** The duplicate is already merged into this very target: nothing left to do. */
  | { reason: "already_merged"; into: string }
  /** The duplicate is closed (for another reason, or as a duplicate of another incident). */
  | { reason: "duplicate_closed"; duplicateOf?: string }
  /** The target is closed; `duplicateOf` when it was itself merged into a third incident. */
  | { reason: "target_closed"; duplicateOf?: string }
  /** The target was itself merged into the duplicate (directly, or through others): the merge would loop. */
  | { reason: "cycle" }
  /** The target lives on another chat platform, where the duplicate's people have no accounts to tell. */
  | { reason: "other_platform"; platform: string };

/** Whether the duplicate can still be merged into `targetId`, judged on the duplicate as it is now. */
export function duplicateRefusal(duplicate: Incident, targetId: string): MergeRefusal | null {
  if (duplicate.id === targetId) return { reason: "self" };
  if (duplicate.state !== "closed") return null;
  if (duplicate.duplicateOf === targetId) return { reason: "already_merged", into: targetId };
  return duplicate.duplicateOf
    ? { reason: "duplicate_closed", duplicateOf: duplicate.duplicateOf }
    : { reason: "duplicate_closed" };
}

/**
 * Whether `target` can take the duplicate in, judged on the target as it is now. `chain` is where the target's
 * own `duplicateOf` links lead (target first), for the cycle through several merges.
 */
export function targetRefusal(
  target: Incident,
  duplicate: Pick<Incident, "id" | "platform">,
  chain: readonly string[] = [],
): MergeRefusal | null {
  if (target.id === duplicate.id) return { reason: "self" };
  if (target.duplicateOf === duplicate.id || chain.includes(duplicate.id)) return { reason: "cycle" };
  if (target.platform !== duplicate.platform) return { reason: "other_platform", platform: target.platform };
  if (target.state !== "closed") return null;
  return target.duplicateOf
    ? { reason: "target_closed", duplicateOf: target.duplicateOf }
    : { reason: "target_closed" };
}

/** Platform user ids the duplicate told of its news: its reporters and its subscribers. */
export function followersOf(incident: Pick<Incident, "reporters" | "subscribers">): string[] {
  return union(
    incident.reporters.map((r) => r.platformUserId),
    subscribersOf(incident),
  );
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}

/**
 * The survivor with the duplicate folded in: reporters and subscribers united, the duplicate recorded in
 * `mergedFrom`, and the severity raised to the duplicate's when that is more severe (the update cadence and,
 * while unacknowledged, the escalation follow the new severity, unless the survivor is already resolved).
 * Null when the survivor already took this duplicate in, so running the merge again changes nothing.
 */
export function foldDuplicate(
  target: Incident,
  duplicate: Incident,
  settings: Settings,
  now: Date,
  actor: string,
): { incident: Incident; events: TimelineEvent[] } | null {
  if (target.mergedFrom?.includes(duplicate.id)) return null;
  const known = new Set(target.reporters.map((r) => r.platformUserId));
  const reporters = [...target.reporters, ...duplicate.reporters.filter((r) => !known.has(r.platformUserId))];
  const severity = moreSevere(target.severity, duplicate.severity);
  const raised = severity !== target.severity;
  const events: TimelineEvent[] = [];
  if (raised) {
    events.push(
      timelineEvent(
        "severity_changed",
        now,
        { from: severityLabel(target.severity), to: severityLabel(severity), merged: duplicate.id },
        actor,
      ),
    );
  }
  events.push(
    timelineEvent(
      "duplicate_merged_in",
      now,
      {
        from: duplicate.id,
        title: duplicate.title,
        severity: severityLabel(duplicate.severity),
        reporters: duplicate.reporters.map((r) => r.platformUserId).join(","),
      },
      actor,
    ),
  );
  return {
    incident: {
      ...target,
      reporters,
      subscribers: union(subscribersOf(target), followersOf(duplicate)),
      mergedFrom: [...(target.mergedFrom ?? []), duplicate.id],
      severity,
      ...(raised && !isFinished(target) && { timers: timersForSeverity(target, severity, settings, now) }),
      updatedAt: now.toISOString(),
    },
    events,
  };
}

/**
 * The duplicate closed as a duplicate of `targetId`: the lifecycle's "merge" step, every timer stopped (any job
 * in flight is fenced out), and the event `merged`. Null when it is already closed into that target.
 * Callers check `duplicateRefusal` first; a state the lifecycle does not allow to merge throws.
 */
export function closeAsDuplicate(
  duplicate: Incident,
  targetId: string,
  now: Date,
  actor: string,
): { incident: Incident; events: TimelineEvent[] } | null {
  if (duplicate.state === "closed" && duplicate.duplicateOf === targetId) return null;
  const step = transition(duplicate, "merge");
  if (!step.ok) throw new Error(`${duplicate.id} cannot be merged while ${duplicate.state}`);
  return {
    incident: {
      ...enterState(duplicate, step.to, now),
      closeReason: "duplicate",
      duplicateOf: targetId,
      timers: stopAllTimers(duplicate),
    },
    events: [timelineEvent("merged", now, { into: targetId, from: step.from }, actor)],
  };
}

/**
 * The severity change a merge of `duplicateId` recorded on the survivor, read back from its timeline (a merge
 * run again after a crash tells of it with the same words).
 */
export function raiseRecorded(
  timeline: readonly TimelineEvent[],
  duplicateId: string,
): { from: string; to: string } | undefined {
  const e = timeline.find((x) => x.type === "severity_changed" && x.data.merged === duplicateId);
  return e ? { from: e.data.from ?? "", to: e.data.to ?? "" } : undefined;
}
