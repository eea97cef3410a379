// The wire shapes of Mattermost's model types (User, Team, Channel, ChannelMember, Post, PostList), with the
// fields @mattermost/types declares, so a bot reading any of them sees what a real server sends.

import type { MmChannel, MmTeam, MmUser, StoredPost } from "./state.js";

export const SERVER_VERSION = "11.9.0";

export function userJson(u: MmUser, self = false): Record<string, unknown> {
  return {
    id: u.id,
    create_at: u.createAt,
    update_at: u.createAt,
    delete_at: u.deleteAt,
    username: u.username,
    auth_service: "",
    email: u.email,
    nickname: "",
    first_name: u.firstName,
    last_name: u.lastName,
    position: "",
    roles: u.roles,
    locale: "en",
    timezone: { automaticTimezone: "", manualTimezone: "", useAutomaticTimezone: "true" },
    is_bot: u.isBot,
    ...(u.isBot ? { bot_description: "" } : {}),
    props: {},
    disable_welcome_email: false,
    // Only the caller's own record carries its notification settings.
    ...(self
      ? { notify_props: { channel: "true", desktop: "mention", email: "true", mention_keys: "" } }
      : {}),
  };
}

export function teamJson(t: MmTeam): Record<string, unknown> {
  return {
    id: t.id,
    create_at: t.createAt,
    update_at: t.createAt,
    delete_at: 0,
    display_name: t.displayName,
    name: t.name,
    description: "",
    email: "",
    type: "O",
    company_name: "",
    allowed_domains: "",
    invite_id: "",
    allow_open_invite: false,
    scheme_id: null,
    group_constrained: null,
    policy_id: null,
    cloud_limits_archived: false,
  };
}

export function channelJson(c: MmChannel): Record<string, unknown> {
  return {
    id: c.id,
    create_at: c.createAt,
    update_at: c.updateAt,
    delete_at: c.deleteAt ?? 0,
    team_id: c.teamId,
    type: c.type,
    display_name: c.displayName,
    name: c.name,
    header: c.header,
    purpose: c.purpose,
    last_post_at: c.lastPostAt,
    last_root_post_at: c.lastPostAt,
    total_msg_count: 0,
    total_msg_count_root: 0,
    extra_update_at: 0,
    creator_id: c.creatorId,
    scheme_id: null,
    props: null,
    group_constrained: null,
    shared: null,
    policy_id: null,
  };
}

export function memberJson(c: MmChannel, userId: string): Record<string, unknown> {
  return {
    channel_id: c.id,
    user_id: userId,
    roles: "channel_user",
    last_viewed_at: 0,
    msg_count: 0,
    mention_count: 0,
    mention_count_root: 0,
    urgent_mention_count: 0,
    msg_count_root: 0,
    notify_props: {
      desktop: "default",
      email: "default",
      ignore_channel_mentions: "default",
      mark_unread: "all",
      push: "default",
    },
    last_update_at: c.createAt,
    scheme_guest: false,
    scheme_user: true,
    scheme_admin: false,
    explicit_roles: "",
  };
}

export function postJson(p: StoredPost): Record<string, unknown> {
  return {
    id: p.id,
    create_at: p.createAt,
    update_at: p.updateAt,
    edit_at: p.editAt,
    delete_at: p.deleteAt,
    is_pinned: p.isPinned,
    user_id: p.userId,
    channel_id: p.channelId,
    root_id: p.rootId,
    original_id: "",
    message: p.message,
    type: p.type,
    props: p.props,
    hashtags: "",
    file_ids: p.fileIds,
    pending_post_id: "",
    has_reactions: p.hasReactions,
    remote_id: "",
    reply_count: 0,
    last_reply_at: 0,
    participants: null,
    metadata: {},
  };
}

/** `PostList`: ids newest first, posts by id. */
export function postListJson(posts: StoredPost[]): Record<string, unknown> {
  const newestFirst = [...posts].sort((a, b) => b.createAt - a.createAt);
  return {
    order: newestFirst.map((p) => p.id),
    posts: Object.fromEntries(newestFirst.map((p) => [p.id, postJson(p)])),
    next_post_id: "",
    prev_post_id: "",
    has_next: false,
  };
}

/** `model.DialogElement` as the server re-encodes it for the client (Go zero values for what was left out). */
export interface DialogElementJson {
  display_name: string;
  name: string;
  type: string;
  subtype: string;
  default: string;
  placeholder: string;
  help_text: string;
  optional: boolean;
  min_length: number;
  max_length: number;
  data_source: string;
  options: Array<{ text: string; value: string }> | null;
  multiselect: boolean;
}

/** `model.Dialog`, likewise. */
export interface DialogJson {
  callback_id: string;
  title: string;
  introduction_text: string;
  icon_url: string;
  elements: DialogElementJson[];
  submit_label: string;
  notify_on_cancel: boolean;
  state: string;
}
