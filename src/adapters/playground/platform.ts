import { randomUUID } from "node:crypto";
import { NameTakenError, PlatformError } from "../../core/errors.js";
import { escapeMarkup, parseMarkup } from "../../core/markup.js";
import type { Form, Message } from "../../core/message.js";
import type { ChatPlatform, FetchedMessage, PostedMessage, ReplyTarget } from "../../core/ports.js";
import { type PlaygroundChannel, type PlaygroundMessage, PlaygroundState, SYSTEM_AUTHOR } from "./state.js";

/** Slack's limit, so names that work here work there too. */
export const MAX_CHANNEL_NAME_LENGTH = 80;
/**
 * Slack's trigger ids live three seconds and open one view. The playground keeps both rules so that a handler
 * which opens a form too late, or twice, fails here first instead of in someone's Slack workspace.
 */
export const TRIGGER_TTL_MS = 3000;

export interface PlaygroundPlatformOptions {
  state: PlaygroundState;
  botUserId: string;
  isKnownUser(id: string): boolean;
  /** A person's display name; the id stands in when there is none. */
  userName?(id: string): string | undefined;
  /** Prefix for channelUrl; without it links are relative to the playground page. */
  baseUrl?: string;
  now?: () => number;
}

/** Checks a channel name the way Slack's conversations.create does, with Slack's error codes. */
export function checkChannelName(name: string): void {
  if (name.length === 0) throw new PlatformError("invalid_name_required", "A channel name is required.");
  if (name.length > MAX_CHANNEL_NAME_LENGTH) {
    throw new PlatformError(
      "invalid_name_maxlength",
      `Channel names can be at most ${MAX_CHANNEL_NAME_LENGTH} characters long.`,
    );
  }
  if (!/^[a-z0-9_-]+$/.test(name)) {
    throw new PlatformError(
      "invalid_name_specials",
      "Channel names can only contain lowercase letters, numbers, hyphens and underscores.",
    );
  }
}

/** A link to one message: the page opens its channel and scrolls to it. */
export function messagePath(channelId: string, messageId: string): string {
  return `/#/c/${encodeURIComponent(channelId)}/m/${encodeURIComponent(messageId)}`;
}

/**
 * A stored message's markup as text to quote elsewhere: mentions stay mentions, everything else becomes
 * literal (a link its label and URL, a channel reference `#name`, emphasis its bare text), as the Slack adapter
 * does with what it reads back. A bot message quoted later can then name people but never link anywhere.
 */
export function quotableMarkup(markup: string, channelName: (id: string) => string | undefined): string {
  return parseMarkup(markup)
    .map((span) => {
      switch (span.kind) {
        case "user":
          return `<@${span.id}>`;
        case "channel":
          return escapeMarkup(`#${channelName(span.id) ?? span.id}`);
        case "link":
          return escapeMarkup(span.label === span.url ? span.url : `${span.label} (${span.url})`);
        default:
          return escapeMarkup(span.text);
      }
    })
    .join("");
}

export function issueTrigger(
  state: PlaygroundState,
  userId: string,
  conversationId: string,
  now: number,
): string {
  // Expired triggers are dropped whenever a new one is issued, which bounds the map by the click rate.
  for (const [id, trigger] of state.triggers) {
    if (trigger.expiresAt <= now) state.triggers.delete(id);
  }
  const id = randomUUID();
  state.triggers.set(id, { userId, conversationId, expiresAt: now + TRIGGER_TTL_MS });
  return id;
}

export function createPlaygroundPlatform(options: PlaygroundPlatformOptions): ChatPlatform {
  const { state, botUserId } = options;
  const now = options.now ?? Date.now;

  const channelOrThrow = (channelId: string): PlaygroundChannel => {
    const channel = state.channels.get(channelId);
    if (!channel) throw new PlatformError("channel_not_found", `No channel with id ${channelId}.`);
    return channel;
  };

  const userOrThrow = (userId: string): void => {
    if (!options.isKnownUser(userId)) throw new PlatformError("user_not_found", `No user with id ${userId}.`);
  };

  const messageOrThrow = (target: PostedMessage): PlaygroundMessage => {
    const message = state.messages.get(target.messageId);
    if (!message || message.channelId !== target.channelId) {
      throw new PlatformError("message_not_found", `No message ${target.messageId} in ${target.channelId}.`);
    }
    return message;
  };

  const append = (channelId: string, message: Message, extra: Partial<PlaygroundMessage> = {}) =>
    state.postMessage(channelId, botUserId, structuredClone(message), new Date(now()), extra);

  return {
    platform: "playground",
    maxChannelNameLength: MAX_CHANNEL_NAME_LENGTH,

    async createChannel(name, { topic, displayName }) {
      checkChannelName(name);
      if (state.channelByName(name)) throw new NameTakenError(name);
      const channel = state.createChannel({
        name,
        kind: "channel",
        members: [botUserId],
        createdAt: new Date(now()),
        topic,
        displayName,
      });
      return { id: channel.id, name: channel.name };
    },

    async invite(channelId, userIds) {
      const channel = channelOrThrow(channelId);
      if (channel.kind === "dm")
        throw new PlatformError("method_not_supported_for_channel_type", "DMs take no guests.");
      for (const userId of userIds) userOrThrow(userId);
      const before = channel.members.size;
      for (const userId of userIds) channel.members.add(userId);
      // Inviting someone already there is a no-op, so a retried job never fails on its own earlier success.
      if (channel.members.size !== before) state.touchChannel(channel);
    },

    async post(channelId, message, options) {
      channelOrThrow(channelId);
      const stored = append(channelId, message, options?.key === undefined ? {} : { key: options.key });
      return { channelId, messageId: stored.id };
    },

    async findPosted(channelId, key, since) {
      channelOrThrow(channelId);
      const messages = state.messagesIn(channelId);
      for (let i = messages.length - 1; i >= 0; i--) {
        const m = messages[i];
        if (!m || m.postedAt < since) break;
        if (m.author === botUserId && m.key === key && m.visibleTo === undefined) {
          return { channelId, messageId: m.id };
        }
      }
      return null;
    },

    // The key is stored beside the message, not inside it, so an edit keeps it without being given it again.
    async update(target, message) {
      const stored = messageOrThrow(target);
      if (stored.author !== botUserId) {
        throw new PlatformError("cant_update_message", "Only the bot's own messages can be edited.");
      }
      stored.message = structuredClone(message);
      stored.editedAt = new Date(now());
      state.touchMessage(stored);
    },

    async pin(target) {
      const stored = messageOrThrow(target);
      if (stored.visibleTo !== undefined)
        throw new PlatformError("not_pinnable", "Ephemeral messages can't be pinned.");
      if (stored.pinned) return;
      stored.pinned = true;
      state.touchMessage(stored);
    },

    async openDirect(userId) {
      userOrThrow(userId);
      const existing = state.dmWith(userId);
      if (existing) return existing.id;
      return state.createChannel({
        name: botUserId,
        kind: "dm",
        dmWith: userId,
        members: [botUserId, userId],
        createdAt: new Date(now()),
      }).id;
    },

    async replyEphemeral(to: ReplyTarget, message) {
      userOrThrow(to.userId);
      channelOrThrow(to.conversationId);
      append(to.conversationId, message, { visibleTo: to.userId });
    },

    async openForm(triggerId, form: Form, to) {
      const trigger = state.triggers.get(triggerId);
      if (!trigger || trigger.userId !== to.userId) {
        throw new PlatformError("invalid_trigger_id", "That trigger id was never issued for this user.");
      }
      state.triggers.delete(triggerId);
      if (trigger.expiresAt <= now()) {
        throw new PlatformError("expired_trigger_id", "The trigger id expired: open forms within 3 seconds.");
      }
      state.addForm({
        id: PlaygroundState.newId("V"),
        form: structuredClone(form),
        userId: to.userId,
        conversationId: to.conversationId || trigger.conversationId,
        openedAt: new Date(now()),
      });
    },

    async resolveChannel(name) {
      return state.channelByName(name.replace(/^#/, ""))?.id ?? null;
    },

    async userInfo(userId) {
      if (userId === botUserId) return { id: userId, name: botUserId, isBot: true, deleted: false };
      if (!options.isKnownUser(userId)) return null;
      return { id: userId, name: options.userName?.(userId) ?? userId, isBot: false, deleted: false };
    },

    async isMember(channelId, userId) {
      return state.channels.get(channelId)?.members.has(userId) ?? false;
    },

    async fetchMessage(channelId, messageId) {
      const stored = state.messages.get(messageId);
      // An ephemeral reply is nobody's message but its reader's; like Slack, it cannot be read back.
      if (!stored || stored.channelId !== channelId || stored.visibleTo !== undefined) return null;
      const fetched: FetchedMessage = {
        text: quotableMarkup(stored.message.text, (id) => state.channels.get(id)?.name),
        at: stored.postedAt.toISOString(),
        link: `${options.baseUrl ?? ""}${messagePath(channelId, messageId)}`,
      };
      if (stored.author !== botUserId && stored.author !== SYSTEM_AUTHOR) fetched.author = stored.author;
      return fetched;
    },
    channelUrl(channelId) {
      if (!state.channels.has(channelId)) return null;
      return `${options.baseUrl ?? ""}/#/c/${encodeURIComponent(channelId)}`;
    },
  };
}
