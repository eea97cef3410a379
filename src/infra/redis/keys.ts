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
  /** Incidents with a timer due, open or closed (a post-mortem's reminders outlive the incident): what the reconciler visits. */
  timedIncidents(): string;
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
  /** A rotation's overrides: a hash of override id → JSON. */
  oncallOverrides(rotation: string): string;
  /** The same overrides' ids scored by end (epoch ms): reads skip ended ones, writes prune old ones. */
  oncallOverrideEnds(rotation: string): string;
  /** A counter bumped on every write of a rotation's overrides; a write applies only to the version it read. */
  oncallOverridesVersion(rotation: string): string;
  /** Everyone's unavailability: a hash of `<person id length>:<person id>:<away id>` → JSON. */
  oncallAway(): string;
  /** The same entries scored by end (epoch ms). */
  oncallAwayEnds(): string;
  /** A counter bumped on every write of one person's unavailability (optimistic, as for overrides). */
  oncallAwayVersion(personId: string): string;
  /** A short-lived draft (a plan, a call for cover) as JSON text, with a TTL; taken with GETDEL. */
  oncallDraft(kind: string, id: string): string;
  /** Who was asked when: members `<epoch ms> <person id>` scored by epoch ms, pruned after ~45 days. */
  oncallAsked(): string;
  /** The base schedule a rotation had when shift notices last looked (opaque text). */
  oncallBaseSnapshot(rotation: string): string;
  /** The secret calendar-feed tokens derive from; set once (SET NX), shared by every process. */
  oncallCalendarSecret(): string;
}

export function createKeys(prefix: string): Keys {
  const k = (...parts: string[]) => [prefix, ...parts].join(":");
  return {
    incidentSequence: () => k("incident", "seq"),
    incident: (id) => k("incident", id),
    timeline: (id) => k("incident", id, "timeline"),
    openIncidents: () => k("incidents", "open"),
    timedIncidents: () => k("incidents", "timed"),
    channelIndex: () => k("incidents", "by-channel"),
    delivery: (key) => k("delivery", key),
    effects: (scope) => k("effects", scope),
    outboxItem: (key) => k("outbox", "item", key),
    outboxLane: (lane) => k("outbox", "lane", lane),
    outboxLanePending: (lane) => k("outbox", "lane", lane, "pending"),
    outboxUnqueued: () => k("outbox", "unqueued"),
    incidentTimers: (id) => k("incident", id, "timers"),
    queuePrefix: () => k("bull"),
    oncallOverrides: (rotation) => k("oncall", "rotation", rotation, "overrides"),
    oncallOverrideEnds: (rotation) => k("oncall", "rotation", rotation, "overrides", "ends"),
    oncallOverridesVersion: (rotation) => k("oncall", "rotation", rotation, "overrides", "v"),
    oncallAway: () => k("oncall", "away"),
    oncallAwayEnds: () => k("oncall", "away", "ends"),
    oncallAwayVersion: (personId) => k("oncall", "away", "v", personId),
    oncallDraft: (kind, id) => k("oncall", "draft", kind, id),
    oncallAsked: () => k("oncall", "asked"),
    oncallBaseSnapshot: (rotation) => k("oncall", "rotation", rotation, "base"),
    oncallCalendarSecret: () => k("oncall", "calendar-secret"),
  };
}
