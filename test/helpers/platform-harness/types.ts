// What the shared adapter contract suite (test/contract/platform-contract.test.ts) needs from each platform:
// the adapter running over its real inbound path, a fake (or the playground's own state) to act as people and
// to look at what they see, and the adapter's ChatPlatform. One implementation per adapter.

import type { Plan } from "../../../handlers/context.js";
import type { Platform } from "../../../src/core/platform.js";
import type { ChatPlatform, Inbound, PostedMessage } from "../../../src/core/ports.js";

/** The people every harness seeds, named the same on every platform (their ids differ). */
export const PEOPLE = ["alice", "bob", "dana"] as const;
export type Person = (typeof PEOPLE)[number];

/** Channels every harness seeds: everybody and the bot are members of both. */
export const CHANNELS = ["general", "incidents"] as const;
export type ChannelName = (typeof CHANNELS)[number];

/** The adapter's entry point into the core, supplied by the suite. */
export type Prepare = (inbound: Inbound) => Plan;

/** A form (modal, dialog) the platform shows a person, as the harness finds it again. */
export interface OpenedForm {
  /** The harness's own handle for it (view id, trigger id, form id). */
  handle: string;
  callbackId: string;
}

/** What a person saw after pressing a form's submit button. */
export interface FormOutcome {
  /** Reasons shown next to fields, by field id; absent when the form was accepted. */
  errors?: Record<string, string>;
  /** Whether the form is still in front of the person. */
  open: boolean;
}

/** A button of a message the bot posted, as the suite names it. */
export interface ButtonRef {
  actionId: string;
  value?: string;
}

export interface PlatformHarness {
  readonly name: Platform;
  /** The adapter's ChatPlatform, the same object the handlers would be given. */
  readonly platform: ChatPlatform;
  /** The bot's own id in this platform's id space. */
  readonly botId: string;
  /** A user id shaped like this platform's ids that belongs to nobody. */
  readonly unknownUserId: string;
  userId(person: Person): string;
  channelId(name: ChannelName): string;

  /** The person types `/incident <text>`; `text` is what they typed, `@bob` for a mention of a person. */
  command(as: Person, channel: ChannelName, text: string): Promise<void>;
  /** The person writes `@<bot> <text>` in the channel. */
  mention(as: Person, channel: ChannelName, text: string): Promise<void>;
  /** The person writes `text` in the channel, to nobody in particular; the message's id. */
  say(as: Person, channel: ChannelName, text: string): Promise<string>;
  /** The person adds an emoji reaction (`pushpin`, no colons) to a message of the channel. */
  react(as: Person, channel: ChannelName, messageId: string, reaction: string): Promise<void>;
  /** The person clicks the button of a bot message; rejects when the message has no such button. */
  click(as: Person, posted: PostedMessage, button: ButtonRef): Promise<void>;
  /** The form most recently opened in front of the person, if any. */
  openedForm(as: Person): Promise<OpenedForm | undefined>;
  /** The person fills in the form (values by field id) and submits it. */
  submitForm(as: Person, form: OpenedForm, values: Record<string, string>): Promise<FormOutcome>;

  /**
   * Everything the person can see right now, wherever it is (channel messages, DMs, replies only they see,
   * answers to their commands), one string per message with all of its content.
   */
  seenBy(as: Person): Promise<string[]>;
  /** A message the bot posted, as the platform stores it; undefined when it is not there. */
  stored(posted: PostedMessage): Promise<{ content: string; pinned: boolean } | undefined>;
  /** Members of a channel, as the platform itself records them (user ids). */
  membersOf(channelId: string): Promise<string[]>;
  /**
   * Whom a stored bot message notifies when people read it: user ids of real mentions, plus `@here`,
   * `@channel` or `@all` for a broadcast. Literal text must never notify anyone.
   */
  notified(posted: PostedMessage): Promise<string[]>;

  /** Throws when the platform saw something from the adapter that the real one would refuse. */
  assertNoViolations(): void;
  /** Returns and forgets the refusals so far (one line each), for a test that provokes one on purpose. */
  takeViolations(): string[];
  close(): Promise<void>;
}

export interface HarnessFactory {
  name: Platform;
  start(prepare: Prepare): Promise<PlatformHarness>;
}
