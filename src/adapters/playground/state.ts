import { randomBytes } from "node:crypto";
import type { Form, Message } from "../../core/message.js";

/**
 * The playground's chat, held in memory only: restarting the process empties every channel and message.
 * That is on purpose — the playground is a demo surface, not a chat server. Incidents, timelines and on-call
 * state live in Redis like on any platform and survive a restart; a stale reference to a vanished channel
 * then fails with `channel_not_found` instead of landing somewhere else, because ids are random, not counters.
 */

export interface PlaygroundChannel {
  id: string;
  /** Slack-style name for channels; the bot's user id for a DM (shown as "DM: <bot>"). */
  name: string;
  kind: "channel" | "dm";
  topic?: string;
  displayName?: string;
  /** For a DM: the person the bot talks to; nobody else sees it. */
  dmWith?: string;
  members: Set<string>;
  createdAt: Date;
  /** Message ids, oldest first. */
  messageIds: string[];
}

export interface PlaygroundMessage {
  id: string;
  channelId: string;
  /** User id of the author: the bot, a person, or `SYSTEM_AUTHOR` for the playground's own notes. */
  author: string;
  message: Message;
  postedAt: Date;
  editedAt?: Date;
  pinned: boolean;
  /** Set on ephemeral messages: the only person who sees it. */
  visibleTo?: string;
  /** A slash command echoed back to the person who typed it, so the conversation reads naturally. */
  echo?: boolean;
  /** The outbox's idempotency key the bot posted it with, so a retry finds it instead of posting again. */
  key?: string;
  /** Emoji reactions: emoji name (without colons) → who added it, in order. */
  reactions?: Record<string, string[]>;
}

export interface PendingForm {
  id: string;
  form: Form;
  userId: string;
  conversationId: string;
  openedAt: Date;
}

export interface Trigger {
  userId: string;
  conversationId: string;
  expiresAt: number;
}

export const SYSTEM_AUTHOR = "playground";

/** What a new channel or DM starts with; the state gives it its id and an empty history. */
export interface NewChannel {
  name: string;
  kind: PlaygroundChannel["kind"];
  members: Iterable<string>;
  createdAt: Date;
  topic?: string | undefined;
  displayName?: string | undefined;
  dmWith?: string;
}

export type PlaygroundEvent =
  | { type: "channel"; channel: PlaygroundChannel }
  | { type: "message"; message: PlaygroundMessage }
  | { type: "form"; form: PendingForm };

type Listener = (event: PlaygroundEvent) => void;

/** Enough history for any demo while keeping a forgotten tab from growing the process without bound. */
const MAX_MESSAGES_PER_CHANNEL = 1000;
const MAX_PENDING_FORMS = 200;

export class PlaygroundState {
  readonly channels = new Map<string, PlaygroundChannel>();
  /** Every message still kept, in posting order. */
  readonly messages = new Map<string, PlaygroundMessage>();
  readonly forms = new Map<string, PendingForm>();
  readonly triggers = new Map<string, Trigger>();
  private readonly listeners = new Set<Listener>();

  static newId(prefix: string): string {
    return `${prefix}${randomBytes(5).toString("hex").toUpperCase()}`;
  }

  /** A named channel (never a DM), or undefined. */
  channelByName(name: string): PlaygroundChannel | undefined {
    for (const channel of this.channels.values()) {
      if (channel.kind === "channel" && channel.name === name) return channel;
    }
    return undefined;
  }

  /** The DM between the bot and a person, if it was opened. */
  dmWith(userId: string): PlaygroundChannel | undefined {
    for (const channel of this.channels.values()) {
      if (channel.kind === "dm" && channel.dmWith === userId) return channel;
    }
    return undefined;
  }

  addChannel(channel: PlaygroundChannel): void {
    this.channels.set(channel.id, channel);
    this.emit({ type: "channel", channel });
  }

  /** Adds a new channel (ids start with C) or DM (D). Only the optional fields that are given are set. */
  createChannel(fields: NewChannel): PlaygroundChannel {
    const { name, kind, members, createdAt, topic, displayName, dmWith } = fields;
    const channel: PlaygroundChannel = {
      id: PlaygroundState.newId(kind === "dm" ? "D" : "C"),
      name,
      kind,
      members: new Set(members),
      createdAt,
      messageIds: [],
    };
    if (topic !== undefined) channel.topic = topic;
    if (displayName !== undefined) channel.displayName = displayName;
    if (dmWith !== undefined) channel.dmWith = dmWith;
    this.addChannel(channel);
    return channel;
  }

  /** Tells listeners a channel changed (members, topic). */
  touchChannel(channel: PlaygroundChannel): void {
    this.emit({ type: "channel", channel });
  }

  addMessage(message: PlaygroundMessage): void {
    const channel = this.channels.get(message.channelId);
    if (!channel) throw new Error(`unknown channel ${message.channelId}`);
    this.messages.set(message.id, message);
    channel.messageIds.push(message.id);
    while (channel.messageIds.length > MAX_MESSAGES_PER_CHANNEL) {
      const oldest = channel.messageIds.shift();
      if (oldest) this.messages.delete(oldest);
    }
    this.emit({ type: "message", message });
  }

  /** Adds a new, unpinned message to a channel; `extra` sets the rest (ephemeral reader, key, echo). */
  postMessage(
    channelId: string,
    author: string,
    message: Message,
    postedAt: Date,
    extra: Partial<PlaygroundMessage> = {},
  ): PlaygroundMessage {
    const stored: PlaygroundMessage = {
      id: PlaygroundState.newId("M"),
      channelId,
      author,
      message,
      postedAt,
      pinned: false,
      ...extra,
    };
    this.addMessage(stored);
    return stored;
  }

  /** Tells listeners a message changed (edited, pinned, reacted to). */
  touchMessage(message: PlaygroundMessage): void {
    this.emit({ type: "message", message });
  }

  /**
   * Adds a person's reaction to a message. False when they had already added that one: as in Slack, reacting
   * twice with the same emoji is no new reaction (and no new event).
   */
  addReaction(message: PlaygroundMessage, reaction: string, userId: string): boolean {
    const reactions = message.reactions ?? {};
    const users = Object.hasOwn(reactions, reaction) ? (reactions[reaction] as string[]) : [];
    if (users.includes(userId)) return false;
    reactions[reaction] = [...users, userId];
    message.reactions = reactions;
    this.touchMessage(message);
    return true;
  }

  addForm(form: PendingForm): void {
    this.forms.set(form.id, form);
    // Forms nobody submitted (closed tab, cancelled) must not pile up.
    for (const id of this.forms.keys()) {
      if (this.forms.size <= MAX_PENDING_FORMS) break;
      this.forms.delete(id);
    }
    this.emit({ type: "form", form });
  }

  /** Whether a person may see a channel: every channel is public; a DM only to its person. */
  canSeeChannel(userId: string, channel: PlaygroundChannel): boolean {
    return channel.kind === "channel" || channel.dmWith === userId;
  }

  canSeeMessage(userId: string, message: PlaygroundMessage): boolean {
    const channel = this.channels.get(message.channelId);
    if (!channel || !this.canSeeChannel(userId, channel)) return false;
    return message.visibleTo === undefined || message.visibleTo === userId;
  }

  /** Messages of one channel, oldest first; with a viewer, only what that person sees. */
  messagesIn(channelId: string, viewer?: string): PlaygroundMessage[] {
    const channel = this.channels.get(channelId);
    if (!channel) return [];
    const out: PlaygroundMessage[] = [];
    for (const id of channel.messageIds) {
      const message = this.messages.get(id);
      if (message && (viewer === undefined || this.canSeeMessage(viewer, message))) out.push(message);
    }
    return out;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private emit(event: PlaygroundEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // One broken stream must not stop delivery to the others; the stream cleans itself up on close.
      }
    }
  }
}
