/**
 * The service catalog as people see it: for each service its owner, the policy that pages for it (its own, or
 * the fallback for services nobody owns), its backup policy, and who its policy's first step reaches now,
 * overrides applied. Also the words a page uses to say that the fallback policy, not the service's own, pages.
 * Pure: the handler loads the overrides and renders.
 */
import type { Platform } from "../platform.js";
import type { Settings } from "../settings.js";
import { policyForService, serviceById, targetPerson } from "./commander.js";
import { nowAndNext } from "./duty.js";
import type { OverrideBook } from "./override-index.js";
import { personById, platformUserId } from "./people.js";
import type { EscalationTarget, Service } from "./types.js";

/** How far ahead "on duty until" looks; a stretch longer than this is shown without an end. */
export const UNTIL_HORIZON_MS = 30 * 86_400_000;

/** Why fallback_policy pages for an incident instead of a service's own policy. */
export type FallbackReason = "no_service" | "unowned" | "no_policy";

/** Which policy covers a service and why, for pages and the catalog. */
export interface Coverage {
  /** The policy paged first; absent when none covers it (no policy of its own and no fallback_policy). */
  policy?: string;
  backup?: string;
  /** Set when fallback_policy covers it: why. */
  fallback?: FallbackReason;
}

export function coverageOf(settings: Settings, serviceId: string | undefined): Coverage {
  const service = serviceById(settings, serviceId);
  const { policy, fallback } = policyForService(settings, serviceId);
  const coverage: Coverage = {};
  if (policy) coverage.policy = policy.primary;
  if (policy?.backup) coverage.backup = policy.backup;
  if (fallback && policy)
    coverage.fallback = !service ? "no_service" : !service.owner ? "unowned" : "no_policy";
  return coverage;
}

/**
 * The variables a page (page, page-dm, escalation pages) gets to say that the fallback policy pages: absent
 * when the service's own policy does.
 */
export function coverageVars(
  settings: Settings,
  serviceId: string | undefined,
): { fallback?: { policy: string; noService?: boolean; unowned?: boolean; owner?: string } } {
  const coverage = coverageOf(settings, serviceId);
  if (!coverage.fallback || !coverage.policy) return {};
  const owner = serviceById(settings, serviceId)?.owner;
  return {
    fallback: {
      policy: coverage.policy,
      ...(coverage.fallback === "no_service" && { noService: true }),
      ...(coverage.fallback === "unowned" && { unowned: true }),
      ...(owner && { owner }),
    },
  };
}

/** One target of a policy's first step, and who it reaches now. */
export interface DutyReach {
  target: EscalationTarget;
  /** The rotation's name (or id), or the person's name (or id). */
  label: string;
  /** Who it is now; null: nobody is on duty in the rotation (or it does not exist). */
  personId: string | null;
  /** Their user id on the platform asked from; absent when they have no account there. */
  userId?: string;
  /** For a rotation: when this person's stretch ends; absent when not within UNTIL_HORIZON_MS. */
  until?: Date;
  /** True when an override puts them on duty. */
  override: boolean;
}

export interface CatalogEntry {
  id: string;
  name: string;
  owner?: string;
  coverage: Coverage;
  /** The policy's first step's targets, now. */
  onDuty: DutyReach[];
  /** True when nobody at all can be paged for it now: no policy, or no target reaches a person with an account. */
  nobody: boolean;
}

export interface Catalog {
  services: CatalogEntry[];
  /** Who pages for incidents without a service (and services without a policy): absent without fallback_policy. */
  fallback?: { policy: string; onDuty: DutyReach[]; nobody: boolean };
}

function reachOf(
  settings: Settings,
  target: EscalationTarget,
  platform: Platform,
  now: Date,
  book: OverrideBook,
): DutyReach {
  const rotation =
    target.kind === "rotation" ? settings.rotations.find((r) => r.id === target.id) : undefined;
  const personId = targetPerson(settings, target, now, book);
  const person = personId ? personById(settings, personId) : undefined;
  const label = target.kind === "rotation" ? (rotation?.name ?? target.id) : (person?.name ?? target.id);
  const reach: DutyReach = { target, label, personId, override: false };
  const userId = person ? platformUserId(person, platform) : undefined;
  if (userId) reach.userId = userId;
  if (rotation) {
    const { current } = nowAndNext(rotation, book(rotation.id), now, 0, UNTIL_HORIZON_MS);
    if (current.to.getTime() < now.getTime() + UNTIL_HORIZON_MS) reach.until = current.to;
    reach.override = current.source.kind === "override";
  }
  return reach;
}

function firstStep(
  settings: Settings,
  serviceId: string | undefined,
  platform: Platform,
  now: Date,
  book: OverrideBook,
): { onDuty: DutyReach[]; nobody: boolean } {
  const { policy } = policyForService(settings, serviceId);
  const onDuty = (policy?.steps[0]?.notify ?? []).map((t) => reachOf(settings, t, platform, now, book));
  return { onDuty, nobody: !onDuty.some((r) => r.userId) };
}

/** The whole catalog as it stands at `now`, for people on `platform`, in config order. */
export function serviceCatalog(
  settings: Settings,
  platform: Platform,
  now: Date,
  book: OverrideBook,
): Catalog {
  const services = settings.services.map((service: Service): CatalogEntry => {
    const entry: CatalogEntry = {
      id: service.id,
      name: service.name ?? service.id,
      coverage: coverageOf(settings, service.id),
      ...firstStep(settings, service.id, platform, now, book),
    };
    if (service.owner) entry.owner = service.owner;
    return entry;
  });
  const catalog: Catalog = { services };
  if (settings.fallbackPolicy) {
    catalog.fallback = {
      policy: settings.fallbackPolicy,
      ...firstStep(settings, undefined, platform, now, book),
    };
  }
  return catalog;
}
