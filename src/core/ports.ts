/**
 * The interfaces the core and the handlers need from the outside world. Adapters (Slack, Mattermost,
 * playground) and infra (Redis, BullMQ) implement them; only src/main wires the two together.
 */
import type { Incident } from "./incident/incident.js";
import type { TimelineEvent } from "./incident/timeline.js";
import type { Form, Message } from "./message.js";
import type { Away, Override } from "./oncall/types.js";
import type { Platform } from "./platform.js";

/** Something a person did in chat, already verified and deduplicated by the adapter. */
export interface Inbound {
  platform: Platform;
  /** Platform user id of the person. */
  actor: string;
  /** Conversation (channel, DM) where it happened. */
  conversationId: string;
  /** Unique id of this delivery; a redelivery carries the same one. */
  deliveryId: string;
  /** For opening forms; short-lived on every platform. */
  triggerId?: string;
  /** Where replies only the actor sees can go, when the platform gives one. */
  responseUrl?: string;
  body:
    | { kind: "command"; text: string }
    | { kind: "mention"; text: string }
    | { kind: "action"; actionId: string; value?: string; messageId?: string }
    | { kind: "form"; callbackId: string; values: Record<string, string>; state?: string }
    /** An emoji reaction added to a message (`reaction` without colons, e.g. "pushpin"). */
    | { kind: "reaction"; reaction: string; messageId: string };
}

/** A person's account as the platform knows it. */
export interface PlatformUser {
  id: string;
  /** Display name, plain text. */
  name: string;
  isBot: boolean;
  /** Deactivated accounts cannot be reached. */
  deleted: boolean;
}

/** A message read back from a channel (for the timeline). */
export interface FetchedMessage {
  /** Neutral markup (see markup.ts): mentions as `<@id>`. */
  text: string;
  /** Platform user id of the author, when a person wrote it. */
  author?: string;
  /** ISO 8601. */
  at: string;
  /** A permalink, when the platform has one. */
  link?: string;
}

/** Where a reply only the actor sees should go. */
export interface ReplyTarget {
  userId: string;
  conversationId: string;
  responseUrl?: string;
}

export interface PostedMessage {
  channelId: string;
  messageId: string;
}

export interface ChatPlatform {
  readonly platform: Platform;
  /** Creates a channel; throws NameTakenError when the name is in use. */
  createChannel(
    name: string,
    options: { topic?: string; displayName?: string },
  ): Promise<{ id: string; name: string }>;
  invite(channelId: string, userIds: string[]): Promise<void>;
  /**
   * Posts a message. `key` (the outbox's idempotency key) is stored with the message in a way `findPosted` can
   * read back, so a retry after an unknown outcome (a crash or a timeout mid-call) never posts twice.
   */
  post(channelId: string, message: Message, options?: { key?: string }): Promise<PostedMessage>;
  /** The message this bot posted with `key` in the channel since `since`, or null when there is none. */
  findPosted(channelId: string, key: string, since: Date): Promise<PostedMessage | null>;
  /**
   * Replaces a posted message's content. `key` is the key the post was sent with: the edited message carries it
   * again, because the edit replaces whatever held it, and `findPosted` must still find the message by it.
   */
  update(target: PostedMessage, message: Message, options?: { key?: string }): Promise<void>;
  pin(target: PostedMessage): Promise<void>;
  /** The id of the direct-message conversation between the bot and a person, opening it when needed. */
  openDirect(userId: string): Promise<string>;
  replyEphemeral(to: ReplyTarget, message: Message): Promise<void>;
  openForm(triggerId: string, form: Form, to: ReplyTarget): Promise<void>;
  /** A channel id for a configured channel name (the announcement channel); null when it does not exist. */
  resolveChannel(name: string): Promise<string | null>;
  /** A person's account; null when the platform has no such user. */
  userInfo(userId: string): Promise<PlatformUser | null>;
  /** Whether the person is a member of the channel. */
  isMember(channelId: string, userId: string): Promise<boolean>;
  /** A message of the channel by its id; null when it is gone or cannot be read. */
  fetchMessage(channelId: string, messageId: string): Promise<FetchedMessage | null>;
  /** A link people can click to reach a channel. */
  channelUrl(channelId: string): string | null;
  /** Channel-name rules: maximum length. */
  readonly maxChannelNameLength: number;
}

export interface IncidentChange {
  incident: Incident;
  events?: TimelineEvent[];
}

export interface IncidentStore {
  /** Allocates the next incident number atomically. */
  nextNumber(): Promise<number>;
  /** Stores a new incident and its first timeline event in one transaction. */
  create(incident: Incident, opened: TimelineEvent): Promise<void>;
  get(id: string): Promise<Incident | null>;
  /**
   * Applies a change to one incident atomically with its timeline events (optimistic, re-run on concurrent
   * writes, so `change` must be pure). Returning null leaves the incident as it is.
   */
  update(
    id: string,
    change: (current: Incident) => IncidentChange | null,
  ): Promise<{ incident: Incident; changed: boolean }>;
  appendEvent(id: string, event: TimelineEvent): Promise<void>;
  timeline(id: string): Promise<TimelineEvent[]>;
  /** Ids of incidents not yet closed, newest first. */
  listOpen(): Promise<string[]>;
  /** Ids of incidents with a timer due, open or closed, in no order: the timers the reconciler looks after. */
  listTimed(): Promise<string[]>;
  /** Every incident ever opened, oldest first (the log, the metrics and the status page read them all). */
  all(): Promise<Incident[]>;
  /** Records which incident a channel belongs to, so commands typed there find it. */
  linkChannel(id: string, platform: Platform, channelId: string): Promise<void>;
  findByChannel(platform: Platform, channelId: string): Promise<string | null>;
}

/** Remembers which deliveries and effects already happened, so retries never repeat them. */
export interface IdempotencyStore {
  /** True the first time a key is claimed within `ttlMs`; false on every later call. */
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** Remembers the result of an effect (a message id, a channel id) under the incident's life. */
  remember(scope: string, step: string, value: string): Promise<void>;
  recall(scope: string, step: string): Promise<string | null>;
}

/**
 * One chat message (or an edit or pin of one) the bot wants delivered. `key` is its idempotency key, unique for
 * ever (`INC-4/page`, `INC-4/update-3`): sending the same key again is a no-op, and it is what an edit or a pin
 * names (`ref`) to reach a message posted earlier.
 */
export type OutboxOp =
  | { kind: "post"; channelId: string; message: Message }
  | { kind: "update"; channelId: string; ref: string; message: Message }
  | { kind: "pin"; channelId: string; ref: string }
  | { kind: "direct"; userId: string; message: Message }
  | { kind: "ephemeral"; to: ReplyTarget; message: Message };

export interface OutboxItem {
  key: string;
  platform: Platform;
  op: OutboxOp;
  /** For logs and metrics. */
  incidentId?: string;
}

/**
 * Every chat message goes through here: durable, retried with backoff (honouring 429 Retry-After), at most one
 * post per second per channel, in order per channel (per person for direct and ephemeral messages). A platform
 * outage delays a message; it never loses or duplicates one.
 */
export interface Outbox {
  /** Queues items in the order given; a key queued before is ignored, so callers may retry freely. */
  send(...items: OutboxItem[]): Promise<void>;
  /** Where a delivered post landed; null while it is pending (or when the key is unknown). */
  delivered(key: string): Promise<PostedMessage | null>;
}

/** The timed jobs of an incident. Each kind has one live generation; see `TimerState` in incident.ts. */
export const TIMER_KINDS = ["escalation", "update", "offer", "help", "confirmation", "postmortem"] as const;
export type TimerKind = (typeof TIMER_KINDS)[number];

export interface TimerRef {
  incidentId: string;
  kind: TimerKind;
  /** The generation this job belongs to: a job whose generation is no longer the incident's does nothing. */
  gen: number;
  /** ISO 8601; a time in the past fires at once. */
  dueAt: string;
}

/** Durable background work: jobs survive restarts and run once. */
export interface JobScheduler {
  /** Runs the effects of opening an incident (channel, invitations, kickoff, page, announcement). */
  enqueueOpenEffects(incidentId: string): Promise<void>;
  /**
   * Schedules the job for one timer generation. Idempotent (the job id is derived from incident, kind and
   * generation), so a reconciler may call it again for every timer it finds recorded on an incident.
   */
  scheduleTimer(timer: TimerRef): Promise<void>;
  /** Removes a pending timer job; harmless when it already ran or never existed. */
  cancelTimer(timer: Omit<TimerRef, "dueAt">): Promise<void>;
  /** Timer jobs still pending for an incident, soonest first. */
  pendingTimers(incidentId: string): Promise<TimerRef[]>;
}

/** What `changeOverrides` / `changeAway` write: entries to add and ids to remove. */
export interface ListChange<T> {
  add?: T[];
  remove?: string[];
}

/**
 * On-call state that people change from chat (the config file stays the source of truth for the base
 * schedule): overrides per rotation, unavailability per person, short-lived drafts (plans, calls for cover),
 * the shared record of who was asked recently, the base-schedule snapshots shift notices compare against, and
 * the calendar feeds' secret. Entries that ended long ago are pruned by the store.
 */
export interface OncallStore {
  /** A rotation's overrides that end after `since`, sorted by start. */
  overrides(rotation: string, since: Date): Promise<Override[]>;
  /**
   * Changes a rotation's overrides atomically with what was read (optimistic, re-run on a concurrent write, so
   * `change` must be pure; it may throw a FirebreakError to refuse, and nothing is written). `change` sees the
   * overrides ending after `since`. Returns the overrides ending after `since` once written (unchanged on null).
   */
  changeOverrides(
    rotation: string,
    since: Date,
    change: (current: Override[]) => ListChange<Override> | null,
  ): Promise<Override[]>;
  /** Everyone's unavailability that ends after `since`, sorted by start. */
  away(since: Date): Promise<Away[]>;
  /** As `changeOverrides`, for one person's unavailability. */
  changeAway(
    personId: string,
    since: Date,
    change: (current: Away[]) => ListChange<Away> | null,
  ): Promise<Away[]>;
  /** Stores a short-lived draft (a plan, a call for cover) as JSON text. */
  putDraft(kind: DraftKind, id: string, json: string, ttlMs: number): Promise<void>;
  /** Reads a draft without taking it; null when gone (taken, discarded or expired). */
  peekDraft(kind: DraftKind, id: string): Promise<string | null>;
  /** Takes a draft: exactly one caller gets it, every later one gets null. */
  takeDraft(kind: DraftKind, id: string): Promise<string | null>;
  /** Records that these people were asked (for help, for cover, by the planner) at `at`. */
  recordAsked(personIds: string[], at: Date): Promise<void>;
  /** When each person was asked since `since` (epoch ms, oldest first); people never asked are absent. */
  askedSince(since: Date): Promise<Record<string, number[]>>;
  /** The base schedule a rotation had when shift notices last looked (opaque text), or null the first time. */
  baseSnapshot(rotation: string): Promise<string | null>;
  saveBaseSnapshot(rotation: string, snapshot: string): Promise<void>;
  /** The secret calendar-feed tokens derive from; created once, shared by every process. */
  calendarSecret(): Promise<string>;
}

export type DraftKind = "plan" | "cover";

/** What the queues look like now, for `/metrics`: read from Redis, so any web process can answer. */
export interface OpsStats {
  /** Jobs per queue and state (waiting, delayed, active, failed). */
  queueDepth(): Promise<Array<{ queue: string; state: string; count: number }>>;
  /** How late the most overdue timer is (ms; 0 when none is overdue): a worker that keeps up keeps it near 0. */
  timerLagMs(): Promise<number>;
  /** Age of the oldest chat message still waiting for delivery (ms; 0 when none waits). */
  outboxLagMs(): Promise<number>;
}

export interface Clock {
  now(): Date;
}

export interface Logger {
  debug(fields: Record<string, unknown>, msg: string): void;
  info(fields: Record<string, unknown>, msg: string): void;
  warn(fields: Record<string, unknown>, msg: string): void;
  error(fields: Record<string, unknown>, msg: string): void;
}

export const systemClock: Clock = { now: () => new Date() };
