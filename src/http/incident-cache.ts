/**
 * Every incident, read at most once per 15 s for the pages that read them all: /status (and its charts) and
 * /metrics. `IncidentStore.all()` reads every incident ever opened, so a status page refreshed by many
 * browsers, or scraped often, must not run it on every hit. Concurrent readers share one read in flight, and a
 * failed read is not kept (the next hit tries again).
 *
 * What a 15 s old copy may get wrong is bounded by its users: /metrics and the charts are aggregates that may
 * lag that much; /status re-reads the few incidents it is about to show (status-page.ts), so an incident made
 * private, resolved or updated shows so on the next refresh.
 *
 * One cache per incident store, so every router of one runtime shares it without being handed it, and two
 * runtimes in one process (tests) never see each other's incidents.
 */
import type { Incident } from "../core/incident/incident.js";
import type { IncidentStore } from "../core/ports.js";

/** How long a read of every incident is reused. */
export const INCIDENT_CACHE_TTL_MS = 15_000;

export type IncidentCache = () => Promise<Incident[]>;

/**
 * A cache of `load` for `ttlMs`, timed by `now` (real time by default, not the handlers' clock: a test's
 * frozen clock must not freeze the cache).
 */
export function createIncidentCache(
  load: () => Promise<Incident[]>,
  options: { ttlMs?: number; now?: () => number } = {},
): IncidentCache {
  const ttlMs = options.ttlMs ?? INCIDENT_CACHE_TTL_MS;
  const now = options.now ?? Date.now;
  let cached: { at: number; incidents: Promise<Incident[]> } | undefined;
  return () => {
    if (cached && now() - cached.at < ttlMs) return cached.incidents;
    const entry = { at: now(), incidents: load() };
    cached = entry;
    entry.incidents.catch(() => {
      if (cached === entry) cached = undefined;
    });
    return entry.incidents;
  };
}

const shared = new WeakMap<IncidentStore, IncidentCache>();

/** The cache every page of this store shares. */
export function allIncidents(store: IncidentStore): Promise<Incident[]> {
  let cache = shared.get(store);
  if (!cache) {
    cache = createIncidentCache(() => store.all());
    shared.set(store, cache);
  }
  return cache();
}
