// What every REST route gets and shares: the request context, channel access checks, and publishing a post
// (validation, storage, the `posted` broadcast) the same way for the API, command responses and people's posts.

import { type OutgoingEvent, postEditedEvent, postedEvent } from "./events.js";
import { AppError, Errors, type ViolationKind } from "./records.js";
import { attachmentWarnings, checkPost } from "./rules.js";
import type { MmChannel, MmUser, StoredPost, World } from "./state.js";

export interface ServerSettings {
  siteUrl: string;
  triggerTtlMs: number;
}

export interface RestContext {
  world: World;
  settings: ServerSettings;
  /** The authenticated caller (the bot). */
  actor: MmUser;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  emit(event: OutgoingEvent): void;
  /** Something Mattermost accepts but logs as invalid. */
  warn(message: string): void;
  /** Records a violation for a request that is answered successfully all the same (as the server does). */
  violate(kind: ViolationKind, rule: string, message: string): void;
}

export interface Route {
  method: "GET" | "POST" | "PUT";
  /** In the spec's notation, e.g. `/api/v4/channels/{channel_id}/members`. */
  template: string;
  /** The success status, as the spec declares it. */
  status: number;
  handle(ctx: RestContext): unknown;
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const PER_PAGE_MAX = 200;

/** `?page=&per_page=` as the server reads them (default 60 per page, at most 200). */
export function pageOf<T>(ctx: RestContext, items: T[], perPageDefault = 60): T[] {
  const page = Math.max(0, Number(ctx.query.get("page") ?? 0) || 0);
  const perPage = Math.min(
    PER_PAGE_MAX,
    Math.max(1, Number(ctx.query.get("per_page") ?? perPageDefault) || 1),
  );
  return items.slice(page * perPage, page * perPage + perPage);
}

/** The body as an object, or the 400 Mattermost's JSON decoder gives. */
export function bodyObject(ctx: RestContext, name: string): Record<string, unknown> {
  if (!isObject(ctx.body)) throw Errors.invalidBodyParam(name, "body_not_object");
  return ctx.body;
}

export function optionalString(body: Record<string, unknown>, key: string, name = key): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string")
    throw Errors.invalidBodyParam(name, "body_field_type", `${key} must be a string`);
  return v;
}

/** A channel the caller may read: a member, or an open channel of a team it belongs to. */
export function readableChannel(ctx: RestContext, channelId: string): MmChannel {
  const channel = ctx.world.channels.get(channelId);
  if (!channel) throw Errors.missingChannel(false);
  if (!canRead(ctx.world, ctx.actor, channel)) {
    throw Errors.permission(
      "channel_not_readable",
      `${ctx.actor.username} cannot read channel ${channel.id}`,
    );
  }
  return channel;
}

export function canRead(world: World, user: MmUser, channel: MmChannel): boolean {
  if (channel.members.has(user.id)) return true;
  return channel.type === "O" && world.teams.get(channel.teamId)?.members.has(user.id) === true;
}

/** A channel the caller belongs to (posting, editing its members, patching it). */
export function memberChannel(ctx: RestContext, channelId: string, rule: string): MmChannel {
  const channel = readableChannel(ctx, channelId);
  if (!channel.members.has(ctx.actor.id)) {
    throw Errors.permission(
      rule,
      `${ctx.actor.username} is not a member of channel ${channel.name || channel.id}`,
    );
  }
  return channel;
}

export function mustPost(ctx: RestContext, postId: string): StoredPost {
  const post = ctx.world.posts.get(postId);
  if (!post || post.deleteAt) throw Errors.missingPost();
  return post;
}

export interface PublishInput {
  channel: MmChannel;
  user: MmUser;
  message: string;
  props: Record<string, unknown>;
  rootId?: string;
  type?: string;
}

export interface Publisher {
  world: World;
  emit(event: OutgoingEvent): void;
  warn(message: string): void;
}

/** Validates, stores and broadcasts a post; throws the AppError Mattermost answers for an invalid one. */
export function publishPost(p: Publisher, input: PublishInput): StoredPost {
  const invalid = checkPost({ message: input.message, props: input.props });
  if (invalid) throw invalid;
  for (const w of attachmentWarnings(input.props)) p.warn(w);
  if (input.rootId) {
    const root = p.world.posts.get(input.rootId);
    if (!root || root.channelId !== input.channel.id) {
      throw new AppError(400, "api.post.create_post.root_id.app_error", "Invalid RootId parameter.", {
        kind: "state",
        rule: "root_id",
      });
    }
  }
  const post = p.world.insertPost({
    channelId: input.channel.id,
    userId: input.user.id,
    message: input.message,
    props: input.props,
    rootId: input.rootId ?? "",
    type: input.type ?? "",
  });
  p.emit(postedEvent(p.world, input.channel, post, input.user));
  return post;
}

/** Applies an edit after validating the result; bumps `edit_at` only when the message changed, as the server. */
export function applyEdit(
  p: Publisher,
  post: StoredPost,
  next: { message: string; props: Record<string, unknown>; isPinned?: boolean; fileIds?: string[] },
): StoredPost {
  const invalid = checkPost({ message: next.message, props: next.props });
  if (invalid) throw invalid;
  for (const w of attachmentWarnings(next.props)) p.warn(w);
  const at = p.world.stamp();
  if (next.message !== post.message) post.editAt = at;
  post.message = next.message;
  post.props = next.props;
  if (next.isPinned !== undefined) post.isPinned = next.isPinned;
  if (next.fileIds !== undefined) post.fileIds = next.fileIds;
  post.updateAt = at;
  const channel = p.world.channels.get(post.channelId);
  if (channel) p.emit(postEditedEvent(channel, post));
  return post;
}

/** The server's own notice in a channel (joins, additions), which real history contains too. */
export function systemPost(
  p: Publisher,
  channel: MmChannel,
  actor: MmUser,
  type: string,
  message: string,
): void {
  const post = p.world.insertPost({ channelId: channel.id, userId: actor.id, message, props: {}, type });
  p.emit(postedEvent(p.world, channel, post, actor));
}
