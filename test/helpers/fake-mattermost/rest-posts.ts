// Posts (api4/post.go, app/post.go): create, ephemeral, read, update, patch, list, pin. Limits of PLATFORMS.md §2.8.

import { newId } from "./ids.js";
import { postJson, postListJson } from "./json.js";
import { Errors } from "./records.js";
import {
  applyEdit,
  bodyObject,
  isObject,
  memberChannel,
  mustPost,
  optionalString,
  pageOf,
  publishPost,
  type RestContext,
  type Route,
  readableChannel,
} from "./rest.js";
import { rolesGrant } from "./roles.js";
import { checkPost } from "./rules.js";
import type { StoredPost } from "./state.js";

function propsOf(
  body: Record<string, unknown>,
  fallback: Record<string, unknown> = {},
): Record<string, unknown> {
  const props = body.props;
  if (props === undefined || props === null) return fallback;
  if (!isObject(props))
    throw Errors.invalidBodyParam("post", "props_not_object", "props must be a JSON object");
  return props;
}

function createPost(ctx: RestContext): unknown {
  const body = bodyObject(ctx, "post");
  const channelId = optionalString(body, "channel_id") ?? "";
  if (!channelId) throw Errors.invalidBodyParam("channel_id", "missing_channel_id");
  const channel = memberChannel(ctx, channelId, "post_not_member");
  const post = publishPost(ctx, {
    channel,
    user: ctx.actor,
    message: optionalString(body, "message") ?? "",
    props: propsOf(body),
    rootId: optionalString(body, "root_id") ?? "",
  });
  return postJson(post);
}

function createEphemeral(ctx: RestContext): unknown {
  // A system-wide permission, read from the caller's roles; of the default roles only system_admin grants it.
  if (!rolesGrant(ctx.world.roles, ctx.actor.roles, "create_post_ephemeral")) {
    throw Errors.permission(
      "ephemeral_permission",
      `none of the roles "${ctx.actor.roles}" grants create_post_ephemeral (system_admin does)`,
    );
  }
  const body = bodyObject(ctx, "post");
  const userId = optionalString(body, "user_id") ?? "";
  const post = isObject(body.post) ? body.post : undefined;
  if (!userId || !post) throw Errors.invalidBodyParam("post", "ephemeral_shape");
  const user = ctx.world.users.get(userId);
  if (!user) throw Errors.missingUser(false);
  const channel = memberChannel(ctx, optionalString(post, "channel_id") ?? "", "post_not_member");
  const message = optionalString(post, "message") ?? "";
  const props = propsOf(post);
  const invalid = checkPost({ message, props });
  if (invalid) throw invalid;
  const at = ctx.world.stamp();
  ctx.world.ephemerals.push({ userId: user.id, channelId: channel.id, message, props, via: "api", at });
  return {
    ...postJson({
      id: newId(),
      channelId: channel.id,
      userId: ctx.actor.id,
      message,
      props,
      rootId: "",
      isPinned: false,
      createAt: at,
      updateAt: at,
      editAt: 0,
      deleteAt: 0,
      type: "",
      fileIds: [],
      hasReactions: false,
    }),
    type: "system_ephemeral",
  };
}

/** The post of the path, when it exists and the caller may read its channel. */
function readablePost(ctx: RestContext): StoredPost {
  const post = mustPost(ctx, ctx.params.post_id ?? "");
  readableChannel(ctx, post.channelId);
  return post;
}

/** The bot may edit its own posts only (`edit_others_posts` is not granted to it). */
function ownPost(ctx: RestContext): StoredPost {
  const post = readablePost(ctx);
  if (post.userId !== ctx.actor.id) {
    throw Errors.permission("edit_others_post", `post ${post.id} belongs to another user`);
  }
  return post;
}

/** PUT replaces: fields missing from the body become their zero value (an absent `is_pinned` unpins). */
function updatePost(ctx: RestContext): unknown {
  const body = bodyObject(ctx, "post");
  if (body.id !== ctx.params.post_id) throw Errors.invalidBodyParam("id", "update_id_mismatch");
  const post = ownPost(ctx);
  const fileIds = Array.isArray(body.file_ids) ? body.file_ids.filter((f) => typeof f === "string") : [];
  return postJson(
    applyEdit(ctx, post, {
      message: optionalString(body, "message") ?? "",
      props: propsOf(body),
      isPinned: body.is_pinned === true,
      fileIds,
    }),
  );
}

function patchPost(ctx: RestContext): unknown {
  const body = bodyObject(ctx, "post");
  const post = ownPost(ctx);
  return postJson(
    applyEdit(ctx, post, {
      message: optionalString(body, "message") ?? post.message,
      props: propsOf(body, post.props),
      ...(typeof body.is_pinned === "boolean" ? { isPinned: body.is_pinned } : {}),
    }),
  );
}

/** `since` (updated after, ms), else `page`/`per_page`; newest first either way. */
function listPosts(ctx: RestContext): unknown {
  const channel = readableChannel(ctx, ctx.params.channel_id ?? "");
  const all = ctx.world.postsIn(channel.id);
  const since = ctx.query.get("since");
  if (since !== null) {
    const t = Number(since);
    if (!Number.isFinite(t)) throw Errors.invalidUrlParam("since", "since_not_number");
    return postListJson(all.filter((p) => p.updateAt > t));
  }
  const newestFirst = [...all].filter((p) => !p.deleteAt).reverse();
  return postListJson(pageOf(ctx, newestFirst));
}

const getPost = (ctx: RestContext): unknown => postJson(readablePost(ctx));

/** Pinning a pinned post changes nothing (and says OK). */
function pinPost(ctx: RestContext): unknown {
  const post = readablePost(ctx);
  if (!post.isPinned) applyEdit(ctx, post, { message: post.message, props: post.props, isPinned: true });
  return { status: "OK" };
}

export const POST_ROUTES: Route[] = [
  { method: "POST", template: "/api/v4/posts", status: 201, handle: createPost },
  { method: "POST", template: "/api/v4/posts/ephemeral", status: 201, handle: createEphemeral },
  { method: "GET", template: "/api/v4/posts/{post_id}", status: 200, handle: getPost },
  { method: "PUT", template: "/api/v4/posts/{post_id}", status: 200, handle: updatePost },
  { method: "PUT", template: "/api/v4/posts/{post_id}/patch", status: 200, handle: patchPost },
  { method: "GET", template: "/api/v4/channels/{channel_id}/posts", status: 200, handle: listPosts },
  { method: "POST", template: "/api/v4/posts/{post_id}/pin", status: 200, handle: pinPost },
];
