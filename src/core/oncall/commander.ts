import type { Participant } from "../incident/incident.js";
import type { Platform } from "../platform.js";
import type { Settings } from "../settings.js";
import { personById, platformUserId } from "./people.js";
import { onDutyAt } from "./rotation.js";
import type { EscalationPolicy } from "./types.js";

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
  const first = policy.steps[0];
  const tried: string[] = [];
  for (const target of first?.notify ?? []) {
    let personId: string | undefined;
    if (target.kind === "person") {
      personId = target.id;
    } else {
      const rotation = settings.rotations.find((r) => r.id === target.id);
      const shift = rotation ? onDutyAt(rotation, at) : null;
      if (!shift) {
        tried.push(`nobody is on duty in rotation ${target.id}`);
        continue;
      }
      personId = shift.personId;
    }
    const person = personById(settings, personId);
    const userId = person ? platformUserId(person, platform) : undefined;
    if (person && userId) {
      return {
        found: true,
        commander: { platformUserId: userId, personId: person.id },
        policy,
        via: `${target.kind}:${target.id}`,
      };
    }
    tried.push(`${personId} has no ${platform} account in the people list`);
  }
  return { found: false, reason: tried.join("; ") || `policy ${policy.id} notifies nobody first`, policy };
}
