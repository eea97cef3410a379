/**
 * Who a page reaches: the escalation policy that covers a service (its own, else the fallback for services
 * nobody owns, then its backup policy), and who each step's targets are at an instant, overrides applied.
 * Pure: the handlers load the overrides (an `OverrideBook`) before they write and pass them in.
 */
import type { Participant } from "../incident/incident.js";
import type { Platform } from "../platform.js";
import type { Settings } from "../settings.js";
import { onCallAt } from "./duty.js";
import type { OverrideBook } from "./override-index.js";
import { personById, platformUserId } from "./people.js";
import type { EscalationPolicy, EscalationStep, EscalationTarget, Service } from "./types.js";

/**
 * A service as the config builds it: `backupPolicy` (config `backup_policy`) is the policy paged once nobody
 * acknowledged on the first one, for volunteer-run services.
 */

/** One step of the escalation as it runs: where it came from, so a page can say which policy it pages. */
export interface PolicyStep extends EscalationStep {
  /** The id of the policy the step belongs to. */
  policy: string;
  /** Its place in that policy, counted from 0, and how many steps that policy has. */
  index: number;
  count: number;
  /** True for the backup policy's steps. */
  backup: boolean;
  /** The first policy's last step paged again before the backup takes over: repeat `n` of `of`. */
  repeat?: { n: number; of: number };
}

/**
 * The escalation a service's incidents run: the first policy's steps, and when the service has a backup
 * policy, the first policy's repeats of its last step spelled out as steps, then the backup's steps; the
 * backup's `repeatLast` then repeats the backup's last step. So escalation.ts steps through it like any
 * policy, and each step still knows which policy it pages.
 */
export interface EffectivePolicy extends EscalationPolicy {
  steps: PolicyStep[];
  /** The policy paged first: the service's own, else fallback_policy. */
  primary: string;
  backup?: string;
  /** True when fallback_policy covers the service because it has no policy of its own (or none was named). */
  fallback: boolean;
}

export type CommanderLookup =
  | { found: true; commander: Participant; policy: EffectivePolicy; via: string }
  | { found: false; reason: string; policy?: EffectivePolicy };

export function serviceById(settings: Settings, id: string | undefined): Service | undefined {
  return id ? settings.services.find((s) => s.id === id) : undefined;
}

function policyById(settings: Settings, id: string | undefined): EscalationPolicy | undefined {
  return id ? settings.policies.find((p) => p.id === id) : undefined;
}

function stepsOf(policy: EscalationPolicy, backup: boolean): PolicyStep[] {
  return policy.steps.map((step, index) => ({
    ...step,
    policy: policy.id,
    index,
    count: policy.steps.length,
    backup,
  }));
}

/**
 * The escalation policy that covers a service: its own, else the fallback for services nobody owns, with the
 * service's backup policy after it when it names one.
 */
export function policyForService(
  settings: Settings,
  serviceId: string | undefined,
): { policy?: EffectivePolicy; fallback: boolean } {
  const service = serviceById(settings, serviceId);
  const own = policyById(settings, service?.policy);
  const first = own ?? policyById(settings, settings.fallbackPolicy);
  const fallback = !own;
  if (!first) return { fallback };
  const backup = policyById(settings, service?.backupPolicy);
  if (!backup || backup.id === first.id) {
    return {
      policy: { ...first, steps: stepsOf(first, false), primary: first.id, fallback },
      fallback,
    };
  }
  const primarySteps = stepsOf(first, false);
  const last = primarySteps[primarySteps.length - 1] as PolicyStep;
  const repeats = Array.from(
    { length: first.repeatLast },
    (_, i): PolicyStep => ({ ...last, repeat: { n: i + 1, of: first.repeatLast } }),
  );
  return {
    policy: {
      id: first.id,
      steps: [...primarySteps, ...repeats, ...stepsOf(backup, true)],
      repeatLast: backup.repeatLast,
      primary: first.id,
      backup: backup.id,
      fallback,
    },
    fallback,
  };
}

/** How many different steps an escalation pages (the first policy's repeats spelled out as steps not counted). */
export function distinctSteps(policy: EscalationPolicy): number {
  return policy.steps.filter((s) => !(s as Partial<PolicyStep>).repeat).length;
}

/** One escalation target resolved to a person reachable on the platform, or the reason it could not be. */
export type TargetResolution =
  | { ok: true; participant: Participant; via: string }
  | { ok: false; via: string; reason: string };

/**
 * Who a target means at an instant, by person id, before any platform is involved: the person named, or the
 * rotation's person on duty, overrides applied; null when nobody is on duty (or, config refusing unknown ids,
 * the rotation is gone).
 */
export function targetPerson(
  settings: Settings,
  target: EscalationTarget,
  at: Date,
  book: OverrideBook,
): string | null {
  if (target.kind === "person") return target.id;
  const rotation = settings.rotations.find((r) => r.id === target.id);
  return rotation ? onCallAt(rotation, book(rotation.id), at).personId : null;
}

/** Who an escalation target reaches at an instant: a person, or a rotation's person on duty then. */
export function resolveTarget(
  settings: Settings,
  target: EscalationTarget,
  platform: Platform,
  at: Date,
  book: OverrideBook,
): TargetResolution {
  const via = `${target.kind}:${target.id}`;
  const personId = targetPerson(settings, target, at, book);
  if (personId === null) return { ok: false, via, reason: `nobody is on duty in rotation ${target.id}` };
  const person = personById(settings, personId);
  const userId = person ? platformUserId(person, platform) : undefined;
  if (!person || !userId) {
    return { ok: false, via, reason: `${personId} has no ${platform} account in the people list` };
  }
  return { ok: true, participant: { platformUserId: userId, personId: person.id }, via };
}

/**
 * Everyone one escalation step reaches now: each target resolved (overrides applied), duplicates dropped, and
 * the targets that reach nobody listed with why, so the page can say so instead of paging no one in silence.
 */
export function resolveStep(
  settings: Settings,
  step: EscalationStep | undefined,
  platform: Platform,
  at: Date,
  book: OverrideBook,
): { people: Participant[]; skipped: string[] } {
  const people: Participant[] = [];
  const skipped: string[] = [];
  for (const target of step?.notify ?? []) {
    const r = resolveTarget(settings, target, platform, at, book);
    if (!r.ok) skipped.push(r.reason);
    else if (!people.some((p) => p.platformUserId === r.participant.platformUserId))
      people.push(r.participant);
  }
  return { people, skipped };
}

/**
 * Who takes command when an incident opens: the first person the policy's first step reaches who is on duty
 * (overrides applied) and reachable on the incident's platform. Later steps are escalation, not the first
 * choice. When nobody can be found the reason says why, so the channel can say it loudly instead of paging
 * no one in silence.
 */
export function findCommander(
  settings: Settings,
  serviceId: string | undefined,
  platform: Platform,
  at: Date,
  book: OverrideBook,
): CommanderLookup {
  const { policy } = policyForService(settings, serviceId);
  if (!policy) {
    return { found: false, reason: "no escalation policy covers this service and no fallback_policy is set" };
  }
  const tried: string[] = [];
  for (const target of policy.steps[0]?.notify ?? []) {
    const r = resolveTarget(settings, target, platform, at, book);
    if (r.ok) return { found: true, commander: r.participant, policy, via: r.via };
    tried.push(r.reason);
  }
  return { found: false, reason: tried.join("; ") || `policy ${policy.id} notifies nobody first`, policy };
}
