import { markupToPlain } from "../../core/markup.js";
import type { FormField } from "../../core/message.js";
import { messageToHtml, type RenderNames } from "./render.js";
import { type PendingForm, type PlaygroundChannel, type PlaygroundMessage, SYSTEM_AUTHOR } from "./state.js";

/** What the page receives: plain JSON, already rendered, shaped for one viewer. */

export interface ChannelView {
  id: string;
  name: string;
  kind: "channel" | "dm";
  /** What the sidebar shows: "general" or "DM: firebreak". */
  label: string;
  topic?: string;
  displayName?: string;
  isMember: boolean;
  members: string[];
}

export interface MessageView {
  id: string;
  channelId: string;
  author: string;
  authorName: string;
  authorKind: "bot" | "person" | "system";
  postedAt: string;
  edited: boolean;
  pinned: boolean;
  ephemeral: boolean;
  echo: boolean;
  /** Rendered and escaped by render.ts; safe to insert as HTML. */
  html: string;
  /** Plain fallback, for the pinned list and notifications. */
  text: string;
  /** Emoji reactions in the order they were first added, each with who added it. */
  reactions: ReactionView[];
  /** Whether people can react to it: not to an ephemeral reply or a note of the playground. */
  reactable: boolean;
}

export interface ReactionView {
  /** Emoji name without colons, e.g. "pushpin". */
  name: string;
  users: string[];
}

export interface FormView {
  id: string;
  title: string;
  submitLabel: string;
  fields: FormField[];
}

export interface ViewContext {
  botUserId: string;
  names: RenderNames;
}

export function channelView(channel: PlaygroundChannel, viewer: string, ctx: ViewContext): ChannelView {
  const view: ChannelView = {
    id: channel.id,
    name: channel.name,
    kind: channel.kind,
    label: channel.kind === "dm" ? `DM: ${ctx.botUserId}` : channel.name,
    isMember: channel.members.has(viewer),
    members: [...channel.members],
  };
  if (channel.topic !== undefined) view.topic = channel.topic;
  if (channel.displayName !== undefined) view.displayName = channel.displayName;
  return view;
}

export function messageView(message: PlaygroundMessage, ctx: ViewContext): MessageView {
  const authorKind =
    message.author === ctx.botUserId ? "bot" : message.author === SYSTEM_AUTHOR ? "system" : "person";
  return {
    id: message.id,
    channelId: message.channelId,
    author: message.author,
    authorName: authorKind === "system" ? "Playground" : (ctx.names.user(message.author) ?? message.author),
    authorKind,
    postedAt: message.postedAt.toISOString(),
    edited: message.editedAt !== undefined,
    pinned: message.pinned,
    ephemeral: message.visibleTo !== undefined,
    echo: message.echo === true,
    reactions: Object.entries(message.reactions ?? {}).map(([name, users]) => ({ name, users: [...users] })),
    reactable: message.visibleTo === undefined && authorKind !== "system",
    html: messageToHtml(message.message, ctx.names),
    text: markupToPlain(message.message.text, (span) => {
      if (span.kind === "user") return `@${ctx.names.user(span.id) ?? span.id}`;
      if (span.kind === "channel") return `#${ctx.names.channel(span.id) ?? span.id}`;
      if (span.kind === "link") return span.label;
      return span.text;
    }),
  };
}

export function formView(form: PendingForm): FormView {
  return {
    id: form.id,
    title: form.form.title,
    submitLabel: form.form.submitLabel,
    fields: form.form.fields,
  };
}
