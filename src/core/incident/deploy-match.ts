/**
 * What a deploy does to one incident, decided without I/O: which of its recorded fixes the deploy carried, and
 * whether that makes the incident `fix_deployed` (seed 000: reporters cannot tell when a fix is actually live).
 *
 * Matching. A fix recorded as a sha (`/incident fix abc1234`) is carried by a commit when one is a prefix of the
 * other, case-insensitively, with at least 7 hex characters on both sides (short and full shas meet). A fix
 * recorded as a link is carried when a path segment of the link is such a sha: GitHub's `/commit/<sha>`,
 * GitLab's `/-/commit/<sha>`, Bitbucket's `/commits/<sha>`, a pull request's `/pull/7/commits/<sha>`. A bare
 * pull-request link names no commit, so no deploy can match it: the person runs `/incident deployed` by hand.
 * Path segments of digits only are numbers (of pull requests, issues, pipelines), never taken for a sha.
 *
 * The effect. Only incidents not yet closed and only fixes not yet live are looked at; fixes may live in another
 * repository than the deployed service's, so every open incident is matched, and the record says which service
 * and environment the deploy was. A deploy to a production environment marks the carried fixes live; the
 * incident moves to `fix_deployed` when the lifecycle allows it and no other recorded fix still waits (merged is
 * not live: a second fix still waiting keeps it `fix_merged`). Anything else is recorded and told, without a
 * transition. A deploy is recorded again under the same service, environment and version only for the fixes
 * no earlier record of it lists: GitHub's version is `deployment.ref`, often `main`, so a later deploy of `main`
 * carrying another fix is news, while a webhook delivered twice changes nothing the second time.
 *
 * Telling again. A delivery that repeats a recorded deploy changes nothing, but `recordedChanges` rebuilds what
 * that deploy did, so the handler can send its news again: when the write succeeded and telling failed, the
 * retry is the only chance anybody hears of it (the news is keyed by the record, so nothing is sent twice).
 */
import type { DeployRecord, Fix, Incident, IncidentState } from "./incident.js";
import { enterState, transition } from "./lifecycle.js";
import { type TimelineEvent, timelineEvent } from "./timeline.js";

/** One deploy as a webhook reports it. */
export interface Deploy {
  /** A service id of the config file. */
  service: string;
  environment: string;
  version: string;
  /** The commits it shipped: 7–40 hex characters each, as sent. */
  commits: string[];
}

/** What the webhook answers: the incidents this delivery changed, and how many commits changed nothing. */
export interface DeployResult {
  matched: string[];
  ignored: number;
}

/** The shortest sha Git itself abbreviates to: anything shorter is too ambiguous to match on. */
const MIN_SHA = 7;
const HEX = /^[0-9a-f]+$/i;
const DIGITS = /^[0-9]+$/;

function isSha(text: string, max = 64): boolean {
  return text.length >= MIN_SHA && text.length <= max && HEX.test(text);
}

/** True when one sha is a prefix of the other (short and full shas of the same commit meet). */
export function shasMatch(a: string, b: string): boolean {
  if (!isSha(a) || !isSha(b)) return false;
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x.startsWith(y) || y.startsWith(x);
}

/** The shas a link names in its path (a commit page); none for a pull-request or any other link. */
export function shasInLink(link: string): string[] {
  let path: string;
  try {
    path = new URL(link).pathname;
  } catch {
    return [];
  }
  return path
    .split("/")
    .map((segment) => segment.split(/[.#?]/)[0] ?? "")
    .filter((segment) => isSha(segment, 40) && !DIGITS.test(segment));
}

/** The shas a recorded fix stands for. */
export function fixShas(fix: Pick<Fix, "ref" | "refKind">): string[] {
  if (fix.refKind === "sha") return isSha(fix.ref) ? [fix.ref] : [];
  return shasInLink(fix.ref);
}

/** True when one of the deploy's commits is the fix. */
export function fixCarriedBy(fix: Pick<Fix, "ref" | "refKind">, commits: readonly string[]): boolean {
  return fixShas(fix).some((sha) => commits.some((commit) => shasMatch(sha, commit)));
}

/** The incident's fixes not yet live that the deploy carried; none for a closed incident. */
export function carriedFixes(incident: Pick<Incident, "state" | "fixes">, commits: readonly string[]): Fix[] {
  if (incident.state === "closed") return [];
  return (incident.fixes ?? []).filter((f) => !f.deployedAt && fixCarriedBy(f, commits));
}

/** The commits that carried at least one of `fixes`. */
export function commitsCarrying(fixes: readonly Fix[], commits: readonly string[]): string[] {
  return commits.filter((commit) => fixes.some((f) => fixShas(f).some((sha) => shasMatch(sha, commit))));
}

/** The incident's fixes the deploy carried, live or not; none for a closed incident. */
export function fixesIn(incident: Pick<Incident, "state" | "fixes">, commits: readonly string[]): Fix[] {
  if (incident.state === "closed") return [];
  return (incident.fixes ?? []).filter((f) => fixCarriedBy(f, commits));
}

/** A deploy record and its place among the incident's (which keys its news). */
export interface RecordAt {
  record: DeployRecord;
  index: number;
}

/** The records of deploys with the same service, environment and version (a version like `main` repeats). */
export function sameDeployRecords(incident: Pick<Incident, "deploys">, deploy: Deploy): RecordAt[] {
  return (incident.deploys ?? []).flatMap((record, index) =>
    record.service === deploy.service &&
    record.environment === deploy.environment &&
    record.version === deploy.version
      ? [{ record, index }]
      : [],
  );
}

/** The carried fixes not yet live that no record of the same deploy lists yet: what this delivery adds. */
export function newlyCarried(incident: Pick<Incident, "state" | "fixes" | "deploys">, deploy: Deploy): Fix[] {
  const listed = new Set(sameDeployRecords(incident, deploy).flatMap(({ record }) => record.fixes));
  return carriedFixes(incident, deploy.commits).filter((f) => !listed.has(f.ref));
}

/** True when the environment makes a fix live (config `deploys.production`, compared case-insensitively). */
export function isProduction(environment: string, productionEnvironments: readonly string[]): boolean {
  const env = environment.toLowerCase();
  return productionEnvironments.some((p) => p.toLowerCase() === env);
}

/** How a deploy reached an incident. */
export type DeployReach =
  /** Production, and the incident moved to fix_deployed. */
  | "moved"
  /** Production: the fixes are live, but the incident stays where it is (another fix waits, or its state). */
  | "live"
  /** Another environment: recorded and told, nothing is live yet. */
  | "reached";

export interface DeployChange {
  incident: Incident;
  events: TimelineEvent[];
  record: DeployRecord;
  /** The record's place in `incident.deploys`: the news of the deploy is keyed by it. */
  index: number;
  reach: DeployReach;
  /** The fixes the deploy carried. */
  carried: Fix[];
  /** The recorded fixes still not live after it. */
  waiting: Fix[];
}

/** Who says the fixes are live: a person (`/incident deployed`) or a deploy webhook (version, environment). */
export interface DeployedBy {
  actor?: string;
  version?: string;
  environment?: string;
}

/**
 * Every fix not yet live goes live and the incident enters `to` (fix_deployed), with the timeline events of it:
 * the one step `/incident deployed` and a production deploy of the last waiting fix share.
 */
export function fixesGoLive(
  incident: Incident,
  step: { from: IncidentState; to: IncidentState },
  now: Date,
  by: DeployedBy,
): { incident: Incident; events: TimelineEvent[]; live: Fix[] } {
  const at = now.toISOString();
  const live = (incident.fixes ?? []).filter((f) => !f.deployedAt);
  return {
    incident: {
      ...enterState(incident, step.to, now),
      fixes: (incident.fixes ?? []).map((f) => (f.deployedAt ? f : { ...f, deployedAt: at })),
    },
    events: [
      timelineEvent(
        "fix_deployed",
        now,
        {
          // Links and shas hold no spaces.
          refs: live.map((f) => f.ref).join(" "),
          ...(by.version && { version: by.version }),
          ...(by.environment && { environment: by.environment }),
        },
        by.actor,
      ),
      timelineEvent("status_changed", now, { from: step.from, to: step.to }, by.actor),
    ],
    live,
  };
}

/** The incident after the deploy, or null when the deploy carried none of its fixes or was already recorded. */
export function deployReaches(
  incident: Incident,
  deploy: Deploy,
  options: { production: boolean; now: Date },
): DeployChange | null {
  const carried = newlyCarried(incident, deploy);
  if (carried.length === 0) return null;
  const { now, production } = options;
  const at = now.toISOString();
  const refs = carried.map((f) => f.ref);
  const record: DeployRecord = {
    service: deploy.service,
    environment: deploy.environment,
    version: deploy.version,
    at,
    fixes: refs,
  };
  const index = incident.deploys?.length ?? 0;
  const received = timelineEvent("deploy_received", now, {
    service: deploy.service,
    environment: deploy.environment,
    version: deploy.version,
    // Links and shas hold no spaces.
    refs: refs.join(" "),
    production: String(production),
  });
  const recorded: Incident = { ...incident, deploys: [...(incident.deploys ?? []), record], updatedAt: at };
  const base = { record, index, carried };
  if (!production) {
    const waiting = (incident.fixes ?? []).filter((f) => !f.deployedAt);
    return { ...base, incident: recorded, events: [received], reach: "reached", waiting };
  }
  const fixes = (incident.fixes ?? []).map((f) => (carried.includes(f) ? { ...f, deployedAt: at } : f));
  const waiting = fixes.filter((f) => !f.deployedAt);
  const live: Incident = { ...recorded, fixes };
  const step = transition(incident, "deployed");
  if (!step.ok || waiting.length > 0) {
    return { ...base, incident: live, events: [received], reach: "live", waiting };
  }
  // Every fix left waiting was carried, so going live marks exactly the carried ones.
  const moved = fixesGoLive(recorded, step, now, {
    version: deploy.version,
    environment: deploy.environment,
  });
  return { ...base, incident: moved.incident, events: [received, ...moved.events], reach: "moved", waiting };
}

/**
 * The recorded deploys this delivery repeats, rebuilt as the changes they made (no events: nothing is written),
 * so their news can be sent again: the records of the same service, environment and version all of whose fixes
 * it carries. Whether one moved the incident is read from the timeline (`fix_deployed` at the record's time);
 * `waiting` is what still waits now. None for a closed incident.
 */
export function recordedChanges(
  incident: Incident,
  deploy: Deploy,
  options: { production: boolean; timeline: readonly TimelineEvent[] },
): DeployChange[] {
  const fixes = fixesIn(incident, deploy.commits);
  const waiting = (incident.fixes ?? []).filter((f) => !f.deployedAt);
  return sameDeployRecords(incident, deploy).flatMap(({ record, index }) => {
    const carried = record.fixes.flatMap((ref) => fixes.filter((f) => f.ref === ref).slice(0, 1));
    if (carried.length === 0 || carried.length < record.fixes.length) return [];
    const moved = options.timeline.some(
      (e) =>
        e.type === "fix_deployed" &&
        e.at === record.at &&
        e.data.version === record.version &&
        e.data.environment === record.environment,
    );
    const reach: DeployReach = !options.production ? "reached" : moved ? "moved" : "live";
    return [
      { incident, events: [], record, index, reach, carried, waiting: reach === "moved" ? [] : waiting },
    ];
  });
}
