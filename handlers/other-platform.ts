import type { Incident } from "../src/core/incident/incident.js";
import { channelRef, escapeMarkup, linkRef, parseMarkup, type Span } from "../src/core/markup.js";
import type { Block, Message } from "../src/core/message.js";
import { personByPlatformId } from "../src/core/oncall/people.js";
import type { Platform } from "../src/core/platform.js";
import type { Inbound } from "../src/core/ports.js";
import type { HandlerContext } from "./context.js";

/**
 * One Firebreak can serve several chat platforms at once, and a few answers speak of incidents wherever they
 * are followed (`/incident list`, `show INC-n`, `timeline INC-n`); everything else acts on an incident only from
 * its own platform (see requireOwnPlatform in incident-lookup.ts). An incident's people and channel are ids of
 * its own platform: a Slack channel id means nothing to Mattermost (which refuses to look it up) and a Slack
 * user id mentions nobody there. So such an answer names them in plain words instead: the person's name from
 * the config, the channel's name and where it is ("#inc-4-db on Slack"). No id of one platform ever reaches
 * another platform's renderer.
 */

/** How people call each platform. */
export const PLATFORM_NAMES: Record<Platform, string> = {
  slack: "Slack",
  mattermost: "Mattermost",
  playground: "the playground",
};

/** Whether the incident is followed on another platform than the one the person asks from. */
export function onOtherPlatform(incident: Pick<Incident, "platform">, inbound: Pick<Inbound, "platform">) {
  return incident.platform !== inbound.platform;
}

/** A person of `platform` in plain words: their name in the config's people map, else "someone". */
export function personInWords(ctx: HandlerContext, platform: Platform, userId: string): string {
  const person = personByPlatformId(ctx.settings, platform, userId);
  return person ? (person.name ?? person.id) : "someone";
}

/** The incident's channel in plain words, with its platform: "#inc-4-db on Slack". */
export function channelInWords(incident: Pick<Incident, "platform" | "channel">): string {
  const where = `on ${PLATFORM_NAMES[incident.platform]}`;
  return incident.channel ? `#${incident.channel.name} ${where}` : where;
}

/**
 * The incident's channel as markup for a message to `inbound`'s platform: a channel reference on its own
 * platform, the channel in words (escaped) on any other.
 */
export function channelMarkup(
  incident: Pick<Incident, "platform" | "channel">,
  inbound: Pick<Inbound, "platform">,
): string {
  if (!incident.channel) return escapeMarkup(channelInWords(incident));
  return onOtherPlatform(incident, inbound)
    ? escapeMarkup(channelInWords(incident))
    : channelRef(incident.channel.id);
}

/** Markup of one span, written so parseMarkup reads it back as the same span. */
function spanMarkup(s: Span): string {
  switch (s.kind) {
    case "text":
      return escapeMarkup(s.text);
    case "bold":
      return `*${escapeMarkup(s.text)}*`;
    case "italic":
      return `_${escapeMarkup(s.text)}_`;
    case "code":
      return `\`${escapeMarkup(s.text)}\``;
    case "user":
      return `<@${s.id}>`;
    case "channel":
      return `<#${s.id}>`;
    case "link":
      return linkRef(s.url, s.label);
  }
}

/**
 * A message about one incident of another platform, rendered for the platform the person asked from: every
 * mention (an id of the incident's platform) becomes the person's name as text, every channel reference the
 * channel's name and platform as text, and its buttons are left out: they would act on the incident, which is
 * acted on only where it lives (incident-lookup.ts refuses it). Links, emphasis and the rest stay as they were.
 */
export function inPlainWords(ctx: HandlerContext, incident: Incident, message: Message): Message {
  const words = (text: string) =>
    parseMarkup(text)
      .map((span): Span => {
        if (span.kind === "user") {
          return { kind: "text", text: personInWords(ctx, incident.platform, span.id) };
        }
        if (span.kind === "channel") {
          const ours = incident.channel?.id === span.id;
          const text = ours ? channelInWords(incident) : `a channel on ${PLATFORM_NAMES[incident.platform]}`;
          return { kind: "text", text };
        }
        return span;
      })
      .map(spanMarkup)
      .join("");
  const block = (b: Block): Block => {
    switch (b.type) {
      case "section":
      case "context":
        return { ...b, text: words(b.text) };
      case "fields":
        return { ...b, fields: b.fields.map((f) => ({ ...f, value: words(f.value) })) };
      default:
        return b;
    }
  };
  const blocks = message.blocks.filter((b) => b.type !== "actions").map(block);
  return { text: words(message.text), blocks };
}
