/**
 * The interfaces the core and the handlers need from the outside world. Adapters (Slack, Mattermost,
 * playground) and infra (Redis, BullMQ) implement them; only src/main wires the two together.
 */
import type { Incident } from "./incident/incident.js";
import type { TimelineEvent } from "./incident/timeline.js";
import type { Form, Message } from "./message.js";
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
    | { kind: "form"; callbackId: string; values: Record<string, string>; state?: string };
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
  post(channelId: string, message: Message): Promise<PostedMessage>;
  update(target: PostedMessage, message: Message): Promise<void>;
  pin(target: PostedMessage): Promise<void>;
  sendDirect(userId: string, message: Message): Promise<PostedMessage>;
  replyEphemeral(to: ReplyTarget, message: Message): Promise<void>;
  openForm(triggerId: string, form: Form, to: ReplyTarget): Promise<void>;
  /** A channel id for a configured channel name (the announcement channel); null when it does not exist. */
  resolveChannel(name: string): Promise<string | null>;
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

/** Durable background work: jobs survive restarts and run once. */
export interface JobScheduler {
  /** Runs the effects of opening an incident (channel, invitations, kickoff, page, announcement). */
  enqueueOpenEffects(incidentId: string): Promise<void>;
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
