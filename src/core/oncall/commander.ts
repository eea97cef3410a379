import type { Participant } from "../incident/incident.js";
import type { Platform } from "../platform.js";
import type { Settings } from "../settings.js";
import { personById, platformUserId } from "./people.js";
import { onDutyAt } from "./rotation.js";
import type { EscalationPolicy, EscalationStep, EscalationTarget } from "./types.js";

export type CommanderLookup =
  | { found: true; commander: Participant; policy: EscalationPolicy; via: string }
  | { found: false; reason: string; policy?: EscalationPolicy };

/** The escalation policy that covers a service: its own, else the fallback for services nobody owns. */
export function policyForService(
  settings: Settings,
  serviceId: string | undefined,
): { policy?: EscalationPolicy; fallback: boolean } {
  const service = serviceId ? settings.services.find((s) => s.id === serviceId) : undefined;
  const own = service?.policy ? settings.policies.find((p) => p.id === service.policy) : undefined;
  if (own) return { policy: own, fallback: false };
  const fallback = settings.fallbackPolicy
    ? settings.policies.find((p) => p.id === settings.fallbackPolicy)
    : undefined;
  return { policy: fallback, fallback: true };
}

/** One escalation target resolved to a person reachable on the platform, or the reason it could not be. */
export type TargetResolution =
  | { ok: true; participant: Participant; via: string }
  | { ok: false; via: string; reason: string };

/** Who an escalation target reaches at an instant: a person, or a rotation's person on duty then. */
function resolveTarget(
  settings: Settings,
  target: EscalationTarget,
  platform: Platform,
  at: Date,
): TargetResolution {
  const via = `${target.kind}:${target.id}`;
  let personId: string;
  if (target.kind === "person") {
    personId = target.id;
  } else {
    const rotation = settings.rotations.find((r) => r.id === target.id);
    // TEMPORARY: the first layer alone, until duty.ts lays layers and overrides over each other.
    const layer = rotation?.layers[0];
    const shift = layer ? onDutyAt(layer, at) : null;
    if (!shift) return { ok: false, via, reason: `nobody is on duty in rotation ${target.id}` };
    personId = shift.personId;
  }
  const person = personById(settings, personId);
  const userId = person ? platformUserId(person, platform) : undefined;
  if (!person || !userId) {
    return { ok: false, via, reason: `${personId} has no ${platform} account in the people list` };
  }
  return { ok: true, participant: { platformUserId: userId, personId: person.id }, via };
}

/**
 * Everyone one escalation step reaches now: each target resolved, duplicates dropped, and the targets that
 * reach nobody listed with why, so the page can say so instead of paging no one in silence.
 */
export function resolveStep(
  settings: Settings,
  step: EscalationStep | undefined,
  platform: Platform,
  at: Date,
): { people: Participant[]; skipped: string[] } {
  const people: Participant[] = [];
  const skipped: string[] = [];
  for (const target of step?.notify ?? []) {
    const r = resolveTarget(settings, target, platform, at);
    if (!r.ok) skipped.push(r.reason);
    else if (!people.some((p) => p.platformUserId === r.participant.platformUserId))
      people.push(r.participant);
  }
  return { people, skipped };
}

/**
 * Who takes command when an incident opens: the first person the policy's first step reaches who is on duty
 * and reachable on the incident's platform. Later steps are escalation, not the first choice. When nobody can
 * be found the reason says why, so the channel can say it loudly instead of paging no one in silence.
 */
export function findCommander(
  settings: Settings,
  serviceId: string | undefined,
  platform: Platform,
  at: Date,
): CommanderLookup {
  const { policy } = policyForService(settings, serviceId);
  if (!policy) {
    return { found: false, reason: "no escalation policy covers this service and no fallback_policy is set" };
  }
  const tried: string[] = [];
  for (const target of policy.steps[0]?.notify ?? []) {
    const r = resolveTarget(settings, target, platform, at);
    if (r.ok) return { found: true, commander: r.participant, policy, via: r.via };
    tried.push(r.reason);
  }
  return { found: false, reason: tried.join("; ") || `policy ${policy.id} notifies nobody first`, policy };
}
