import { escapeMarkup, userRef } from "../../core/markup.js";

/**
 * What the composer's text means. The playground produces the same `Inbound` text the Slack adapter does: plain
 * text in which mentions of known users are `<@id>` (in the playground a person's user id is their person id).
 */
export type ComposerInput =
  | { kind: "command"; text: string }
  | { kind: "mention"; text: string }
  | { kind: "message" }
  | { kind: "unknown_command"; command: string };

// An id ends on a letter or digit, so "@alice," and "@alice." still mention alice. An `@` inside a word
// (an e-mail address) or right after `<` (a hand-typed `<@id>`, already a mention) is left alone.
const MENTION = /(^|[^A-Za-z0-9._<-])@([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)/g;

/** Turns `@id` of known users into `<@id>`; everything else stays as typed. */
export function linkMentions(text: string, isKnownUser: (id: string) => boolean): string {
  return text.replace(MENTION, (whole, before: string, id: string) =>
    isKnownUser(id) ? `${before}${userRef(id)}` : whole,
  );
}

/**
 * The person's own message as neutral markup: literal text, except mentions of known users. Escaping first
 * means nobody can format, link or broadcast through the playground either.
 */
export function typedTextToMarkup(text: string, isKnownUser: (id: string) => boolean): string {
  let out = "";
  let last = 0;
  for (const match of text.matchAll(MENTION)) {
    const before = match[1] as string;
    const id = match[2] as string;
    if (!isKnownUser(id)) continue;
    const start = (match.index ?? 0) + before.length;
    out += escapeMarkup(text.slice(last, start)) + userRef(id);
    last = start + 1 + id.length;
  }
  return out + escapeMarkup(text.slice(last));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export function parseComposer(
  raw: string,
  options: { botUserId: string; isKnownUser: (id: string) => boolean },
): ComposerInput {
  const text = raw.trim();
  const command = /^\/(\S*)(?:\s+([\s\S]*))?$/.exec(text);
  if (command) {
    if (command[1] !== "incident") return { kind: "unknown_command", command: `/${command[1]}` };
    return { kind: "command", text: linkMentions((command[2] ?? "").trim(), options.isKnownUser) };
  }
  // Only a message that starts with the bot's mention is addressed to it, like Slack's leading `<@BOT>`,
  // which the Slack adapter strips; a mention later in a sentence is conversation, not a command.
  const mention = new RegExp(
    `^@${escapeRegExp(options.botUserId)}(?![A-Za-z0-9_-])[\\s:,]*([\\s\\S]*)$`,
  ).exec(text);
  if (mention) return { kind: "mention", text: linkMentions((mention[1] ?? "").trim(), options.isKnownUser) };
  return { kind: "message" };
}
