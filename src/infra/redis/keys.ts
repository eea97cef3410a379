/**
 * Every Redis key Firebreak uses, built in one place under a configurable prefix. Tests give each run its own
 * prefix; a Redis Cluster deployment puts a hash tag in the prefix (`{firebreak}`) so that every key, and
 * every BullMQ queue, lands in one slot and multi-key scripts keep working.
 */
export interface Keys {
  readonly prefix: string;
  incidentSequence(): string;
  incident(id: string): string;
  timeline(id: string): string;
  openIncidents(): string;
  channelIndex(): string;
  delivery(key: string): string;
  effects(scope: string): string;
  /** The prefix BullMQ builds its own keys under. */
  queuePrefix(): string;
}

export function createKeys(prefix: string): Keys {
  const k = (...parts: string[]) => [prefix, ...parts].join(":");
  return {
    prefix,
    incidentSequence: () => k("incident", "seq"),
    incident: (id) => k("incident", id),
    timeline: (id) => k("incident", id, "timeline"),
    openIncidents: () => k("incidents", "open"),
    channelIndex: () => k("incidents", "by-channel"),
    delivery: (key) => k("delivery", key),
    effects: (scope) => k("effects", scope),
    queuePrefix: () => k("bull"),
  };
}
