/**
 * Every Redis key Firebreak uses, built in one place under a configurable prefix. Tests give each run its own
 * prefix. The prefix may hold a hash tag (`{firebreak}`), which keeps every key and every BullMQ queue in one
 * slot, as multi-key scripts will need once Redis Cluster is supported (connecting to one is not, yet).
 */
export interface Keys {
  incidentSequence(): string;
  incident(id: string): string;
  timeline(id: string): string;
  openIncidents(): string;
  channelIndex(): string;
  delivery(key: string): string;
  effects(scope: string): string;
  /** One outbox item: its message, lane, sequence number and delivery state. */
  outboxItem(key: string): string;
  /** A lane (a channel, or a person for direct and ephemeral messages): its sequence and pacing. */
  outboxLane(lane: string): string;
  /** A lane's undelivered items, scored by sequence: the lowest is the only one that may be sent. */
  outboxLanePending(lane: string): string;
  /** Items stored but whose queue job is not yet known to exist; a sweeper re-adds their jobs. */
  outboxUnqueued(): string;
  /** Timer jobs scheduled for one incident (job id scored by due time), for `reminders` and cleanup. */
  incidentTimers(id: string): string;
  /** The prefix BullMQ builds its own keys under. */
  queuePrefix(): string;
}

export function createKeys(prefix: string): Keys {
  const k = (...parts: string[]) => [prefix, ...parts].join(":");
  return {
    incidentSequence: () => k("incident", "seq"),
    incident: (id) => k("incident", id),
    timeline: (id) => k("incident", id, "timeline"),
    openIncidents: () => k("incidents", "open"),
    channelIndex: () => k("incidents", "by-channel"),
    delivery: (key) => k("delivery", key),
    effects: (scope) => k("effects", scope),
    outboxItem: (key) => k("outbox", "item", key),
    outboxLane: (lane) => k("outbox", "lane", lane),
    outboxLanePending: (lane) => k("outbox", "lane", lane, "pending"),
    outboxUnqueued: () => k("outbox", "unqueued"),
    incidentTimers: (id) => k("incident", id, "timers"),
    queuePrefix: () => k("bull"),
  };
}
