// The Web API methods the fake implements: their arguments, the errors they may answer and the scopes they
// need. The argument tables mirror Slack's OpenAPI spec (types and `required` flags, token excluded);
// `test/contract/fake-slack.test.ts` proves that equality whenever the spec is on disk, so the fake keeps
// enforcing the same rules on a machine without `../shared/specs`. Arguments added to Slack after the spec froze
// (October 2020) are marked with `since` and a source.

export type ParamType = "string" | "boolean" | "integer" | "number";

export interface ParamDef {
  type: ParamType;
  required?: boolean;
  /** JSON-encoded in form bodies; may be a raw array/object in JSON bodies. */
  json?: boolean;
  /** Not in the 2020 spec: where it comes from. */
  since?: string;
}

export type ConversationScopeFamily = "read" | "write" | "topic" | "history";

export interface MethodDef {
  params: Record<string, ParamDef>;
  /** Every error code the fake can answer for this method. */
  errors: readonly string[];
  /** A static list (any one suffices) or a family resolved by the conversation's type. */
  scopes: readonly string[] | ConversationScopeFamily;
  /** Real Slack names a specific error for some missing required arguments instead of `invalid_arguments`. */
  missingArgError?: Record<string, string>;
  /** Likewise for an argument of the wrong type (e.g. conversations.history's `invalid_ts_oldest`). */
  badArgError?: Record<string, string>;
  /** The spec's `consumes` lacks application/json: Slack ignores a JSON body there, so the call is wrong. */
  formOnly?: boolean;
}

/**
 * Error codes the 2020 spec does not list for a method but Slack answers today. The contract test allows
 * exactly these beyond each method's spec enum.
 */
export const NEWER_ERRORS: Record<string, string> = {
  invalid_arguments: "generic schema-validation error on docs.slack.dev for every method (2021+)",
  invalid_blocks: "Block Kit validation failure (chat.* with blocks; node-slack-sdk bug reports)",
  invalid_blocks_format: "`blocks` is not a JSON array of objects (docs.slack.dev chat.postMessage)",
  missing_scope: "answered by every scoped method; the 2020 spec omits it for some",
  not_in_channel:
    "chat.postEphemeral / pins.add / conversations.history / .replies when the bot is not a member (docs.slack.dev)",
  invalid_cursor:
    "conversations.list / .history / .replies with a cursor Slack did not issue (docs.slack.dev)",
  invalid_ts_latest:
    "conversations.replies with a `latest` that is not a ts (docs.slack.dev; spec: history only)",
  invalid_ts_oldest:
    "conversations.replies with an `oldest` that is not a ts (docs.slack.dev; spec: history only)",
  user_not_in_channel: "chat.postEphemeral when the target user is not a member (docs.slack.dev)",
};

/** A missing or refused token: any method may answer these. */
const AUTH_ERRORS: readonly string[] = ["not_authed", "invalid_auth"];
/** Those, and arguments that do not fit the method: every method that takes arguments. */
const CALL_ERRORS: readonly string[] = [...AUTH_ERRORS, "invalid_arguments"];
/** All of those, and a scope the token lacks: every scoped method. */
const SCOPED_CALL_ERRORS: readonly string[] = ["missing_scope", ...CALL_ERRORS];

/** Sent by `@slack/web-api` on every call when the client has a `teamId` (org-wide apps). */
const TEAM_ID: ParamDef = { type: "string", since: "org-wide apps; WebClient `teamId` option" };

export const CATALOG: Record<string, MethodDef> = {
  "auth.test": {
    params: { team_id: TEAM_ID },
    errors: AUTH_ERRORS,
    scopes: [],
  },
  "conversations.create": {
    params: {
      name: { type: "string" },
      is_private: { type: "boolean" },
      team_id: TEAM_ID,
    },
    errors: [
      "name_taken",
      "invalid_name_required",
      "invalid_name_punctuation",
      "invalid_name_maxlength",
      "invalid_name_specials",
      ...SCOPED_CALL_ERRORS,
    ],
    scopes: "write",
  },
  "conversations.invite": {
    params: {
      channel: { type: "string" },
      users: { type: "string" },
      force: { type: "boolean", since: "2023-11 (java-slack-sdk PR #1247; docs.slack.dev)" },
      team_id: TEAM_ID,
    },
    errors: [
      "channel_not_found",
      "user_not_found",
      "no_user",
      "cant_invite_self",
      "not_in_channel",
      "already_in_channel",
      "is_archived",
      "too_many_users",
      "method_not_supported_for_channel_type",
      ...SCOPED_CALL_ERRORS,
    ],
    scopes: "write",
  },
  "conversations.join": {
    params: { channel: { type: "string" }, team_id: TEAM_ID },
    errors: [
      "channel_not_found",
      "is_archived",
      "method_not_supported_for_channel_type",
      ...SCOPED_CALL_ERRORS,
    ],
    scopes: ["channels:join"],
  },
  "conversations.info": {
    formOnly: true,
    params: {
      channel: { type: "string" },
      include_locale: { type: "boolean" },
      include_num_members: { type: "boolean" },
      team_id: TEAM_ID,
    },
    errors: ["channel_not_found", ...SCOPED_CALL_ERRORS, "invalid_post_type"],
    scopes: "read",
  },
  "conversations.open": {
    params: {
      channel: { type: "string" },
      users: { type: "string" },
      return_im: { type: "boolean" },
      prevent_creation: { type: "boolean", since: "2021 (docs.slack.dev conversations.open)" },
      team_id: TEAM_ID,
    },
    errors: [
      "channel_not_found",
      "user_not_found",
      "users_list_not_supplied",
      "too_many_users",
      ...SCOPED_CALL_ERRORS,
    ],
    scopes: "write",
  },
  "conversations.setTopic": {
    params: { channel: { type: "string" }, topic: { type: "string" }, team_id: TEAM_ID },
    errors: ["channel_not_found", "not_in_channel", "is_archived", "too_long", ...SCOPED_CALL_ERRORS],
    scopes: "topic",
  },
  "conversations.list": {
    formOnly: true,
    params: {
      exclude_archived: { type: "boolean" },
      types: { type: "string" },
      limit: { type: "integer" },
      cursor: { type: "string" },
      team_id: TEAM_ID,
    },
    errors: ["invalid_cursor", ...SCOPED_CALL_ERRORS, "invalid_post_type"],
    scopes: "read",
  },
  "conversations.history": {
    formOnly: true,
    params: {
      channel: { type: "string" },
      latest: { type: "number" },
      oldest: { type: "number" },
      inclusive: { type: "boolean" },
      limit: { type: "integer" },
      cursor: { type: "string" },
      include_all_metadata: { type: "boolean", since: "2022 message metadata (docs.slack.dev)" },
      team_id: TEAM_ID,
    },
    errors: [
      "channel_not_found",
      "not_in_channel",
      "invalid_ts_latest",
      "invalid_ts_oldest",
      "invalid_cursor",
      ...SCOPED_CALL_ERRORS,
      "invalid_post_type",
    ],
    // The spec leaves `channel` optional; without one Slack answers channel_not_found (see the handler).
    scopes: "history",
    badArgError: { latest: "invalid_ts_latest", oldest: "invalid_ts_oldest" },
  },
  "conversations.members": {
    formOnly: true,
    params: {
      channel: { type: "string" },
      limit: { type: "integer" },
      cursor: { type: "string" },
      team_id: TEAM_ID,
    },
    errors: [
      "channel_not_found",
      "invalid_limit",
      "invalid_cursor",
      ...SCOPED_CALL_ERRORS,
      "invalid_post_type",
    ],
    // Like history, the spec leaves `channel` optional; without one Slack answers channel_not_found.
    scopes: "read",
  },
  "conversations.replies": {
    formOnly: true,
    params: {
      channel: { type: "string" },
      ts: { type: "number" },
      latest: { type: "number" },
      oldest: { type: "number" },
      inclusive: { type: "boolean" },
      limit: { type: "integer" },
      cursor: { type: "string" },
      include_all_metadata: { type: "boolean", since: "2022 message metadata (docs.slack.dev)" },
      team_id: TEAM_ID,
    },
    errors: [
      "channel_not_found",
      "thread_not_found",
      "not_in_channel",
      "invalid_ts_latest",
      "invalid_ts_oldest",
      "invalid_cursor",
      ...SCOPED_CALL_ERRORS,
      "invalid_post_type",
    ],
    scopes: "history",
    badArgError: { latest: "invalid_ts_latest", oldest: "invalid_ts_oldest" },
  },
  "chat.postMessage": {
    params: {
      as_user: { type: "string" },
      attachments: { type: "string", json: true },
      blocks: { type: "string", json: true },
      channel: { type: "string", required: true },
      icon_emoji: { type: "string" },
      icon_url: { type: "string" },
      link_names: { type: "boolean" },
      mrkdwn: { type: "boolean" },
      parse: { type: "string" },
      reply_broadcast: { type: "boolean" },
      text: { type: "string" },
      thread_ts: { type: "string" },
      unfurl_links: { type: "boolean" },
      unfurl_media: { type: "boolean" },
      username: { type: "string" },
      metadata: { type: "string", json: true, since: "2022 message metadata (docs.slack.dev)" },
      markdown_text: { type: "string", since: "2025 (docs.slack.dev chat.postMessage)" },
      team_id: TEAM_ID,
    },
    errors: [
      "channel_not_found",
      "not_in_channel",
      "is_archived",
      "no_text",
      "too_many_attachments",
      "invalid_blocks",
      "invalid_blocks_format",
      ...SCOPED_CALL_ERRORS,
    ],
    scopes: ["chat:write"],
    missingArgError: { channel: "channel_not_found" },
  },
  "chat.postEphemeral": {
    params: {
      as_user: { type: "boolean" },
      attachments: { type: "string", json: true },
      blocks: { type: "string", json: true },
      channel: { type: "string", required: true },
      icon_emoji: { type: "string" },
      icon_url: { type: "string" },
      link_names: { type: "boolean" },
      parse: { type: "string" },
      text: { type: "string" },
      thread_ts: { type: "string" },
      user: { type: "string", required: true },
      username: { type: "string" },
      markdown_text: { type: "string", since: "2025 (docs.slack.dev chat.postEphemeral)" },
      team_id: TEAM_ID,
    },
    errors: [
      "channel_not_found",
      "not_in_channel",
      "user_not_in_channel",
      "is_archived",
      "no_text",
      "too_many_attachments",
      "invalid_blocks",
      "invalid_blocks_format",
      ...SCOPED_CALL_ERRORS,
    ],
    scopes: ["chat:write"],
    missingArgError: { channel: "channel_not_found", user: "user_not_in_channel" },
  },
  "chat.update": {
    params: {
      as_user: { type: "string" },
      attachments: { type: "string", json: true },
      blocks: { type: "string", json: true },
      channel: { type: "string", required: true },
      link_names: { type: "string" },
      parse: { type: "string" },
      text: { type: "string" },
      ts: { type: "string", required: true },
      metadata: { type: "string", json: true, since: "2022 message metadata (docs.slack.dev)" },
      reply_broadcast: { type: "boolean", since: "docs.slack.dev chat.update" },
      file_ids: { type: "string", json: true, since: "docs.slack.dev chat.update" },
      markdown_text: { type: "string", since: "2025 (docs.slack.dev chat.update)" },
      team_id: TEAM_ID,
    },
    errors: [
      "message_not_found",
      "cant_update_message",
      "channel_not_found",
      "no_text",
      "too_many_attachments",
      "invalid_blocks",
      "invalid_blocks_format",
      ...SCOPED_CALL_ERRORS,
    ],
    scopes: ["chat:write"],
    missingArgError: { channel: "channel_not_found", ts: "message_not_found" },
  },
  "chat.getPermalink": {
    formOnly: true,
    params: {
      channel: { type: "string", required: true },
      message_ts: { type: "string", required: true },
      team_id: TEAM_ID,
    },
    errors: ["channel_not_found", "message_not_found", ...CALL_ERRORS, "invalid_post_type"],
    scopes: [],
    missingArgError: { channel: "channel_not_found", message_ts: "message_not_found" },
  },
  "pins.add": {
    params: {
      channel: { type: "string", required: true },
      timestamp: { type: "string" },
      team_id: TEAM_ID,
    },
    errors: [
      "channel_not_found",
      "message_not_found",
      "no_item_specified",
      "already_pinned",
      "not_in_channel",
      ...SCOPED_CALL_ERRORS,
    ],
    scopes: ["pins:write"],
    missingArgError: { channel: "channel_not_found" },
  },
  "views.open": {
    params: {
      trigger_id: { type: "string", required: true },
      view: { type: "string", required: true, json: true },
      interactivity_pointer: { type: "string", since: "2023 (docs.slack.dev views.open)" },
      team_id: TEAM_ID,
    },
    errors: [
      "expired_trigger_id",
      "exchanged_trigger_id",
      "invalid_trigger_id",
      "view_too_large",
      ...CALL_ERRORS,
    ],
    scopes: [],
  },
  "users.info": {
    formOnly: true,
    params: {
      include_locale: { type: "boolean" },
      user: { type: "string" },
      team_id: TEAM_ID,
    },
    errors: ["user_not_found", "user_not_visible", ...SCOPED_CALL_ERRORS, "invalid_post_type"],
    scopes: ["users:read"],
  },
};

export const IMPLEMENTED_METHODS: readonly string[] = Object.keys(CATALOG);

export type ConversationType = "public" | "private" | "im" | "mpim";

/** Which scopes satisfy a family for a conversation type (bot tokens, granular scopes). Any one suffices. */
export const CONVERSATION_SCOPES: Record<
  ConversationScopeFamily,
  Record<ConversationType, readonly string[]>
> = {
  read: {
    public: ["channels:read"],
    private: ["groups:read"],
    im: ["im:read"],
    mpim: ["mpim:read"],
  },
  write: {
    public: ["channels:manage"],
    private: ["groups:write"],
    im: ["im:write"],
    mpim: ["mpim:write"],
  },
  // conversations.setTopic also accepts the narrower *:write.topic scopes introduced in 2023.
  topic: {
    public: ["channels:manage", "channels:write.topic"],
    private: ["groups:write", "groups:write.topic"],
    im: ["im:write", "im:write.topic"],
    mpim: ["mpim:write", "mpim:write.topic"],
  },
  // conversations.history: the spec's security lists all four; Slack asks for the one of the conversation's type.
  history: {
    public: ["channels:history"],
    private: ["groups:history"],
    im: ["im:history"],
    mpim: ["mpim:history"],
  },
};

/**
 * The bot scopes Firebreak's manifest requests; the fake grants these by default, so a call that needs more
 * fails with `missing_scope` exactly as it would after installing `manifest.yml`. The manifest test keeps the
 * two lists identical.
 */
export const DEFAULT_BOT_SCOPES: readonly string[] = [
  "app_mentions:read",
  "channels:history",
  "channels:join",
  "channels:manage",
  "channels:read",
  "chat:write",
  "chat:write.public",
  "commands",
  "groups:history",
  "groups:read",
  "groups:write",
  "im:history",
  "im:write",
  "pins:write",
  "reactions:read",
  "users:read",
];
