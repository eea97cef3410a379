// Fake Mattermost server for tests: REST (checked against the OpenAPI sources and the server's Go rules), command
// response URLs, the WebSocket, and drivers that play Mattermost's side of commands, buttons and dialogs.
//
//   const fake = await startFakeMattermost({ botUrl: "http://127.0.0.1:3000" });
//   const client = new Client4(); client.setUrl(fake.url); client.setToken(fake.botToken);
//   await fake.sendSlashCommand({ user: "alice", channel: "incidents", text: "open db down" });
//   fake.assertNoViolations();
//   await fake.close();
//
// Beyond the shared API (startFakeMattermost, FakeMattermost, FakeMattermostOptions):
// - options `botToken`, `commandPath` (default /mattermost/command), `now` (a clock for trigger and response-URL
//   expiry), `specDir` (`false` runs without the spec), and `teams[].botIsMember` / `channels[].team`;
// - `warnings` (what the server accepts but logs), `takeViolations()`, `assertNoViolations({ allow })`,
//   `addChannel()`, `mintTriggerId()`, `cancelDialog()`, `react()`, `posts(name, { includeSystem })` (join and
//   add notices are real posts in the history the bot reads, hidden here by default), `users[].teams` (a person
//   outside some teams: the server refuses to add them to those teams' channels);
// - the built-in roles (POST /roles/names) and each user's `roles`, which permission checks read: the bot has
//   `system_user system_post_all` (plus `system_admin` with `botCanPostEphemeral`); `setRoles()` changes them
//   later, like an administrator granting or revoking;
// - `postAs` channel `@username` posts in the bot's direct channel with that person;
// - the bot's channels (`GET /users/me/teams/{team_id}/channels`, Client4 getMyChannels): the team's channels it is
//   in plus its direct and group messages; setting a channel's `deleteAt` archives it for that list;
// - `failNext(path, { network: true })` drops the connection; `dropWebSockets({ forget: true })` also forgets the
//   server's WebSocket sessions, like a restart;
// - deliveries report `clientStatus` (buttons) and `closed` (dialogs); slash commands report the `fields` sent.
//
// Faithful where Mattermost surprises (each one tested in test/contract/fake-mattermost.test.ts):
// - a 429 is plain text, so Client4's ClientError has no `status_code` for it;
// - WebSocket events missed during a drop are replayed only when the upgrade request itself carried the token
//   (e.g. `newWebSocketFn: (url) => new WebSocket(url, { headers: { Authorization: "Bearer …" } })`); with the
//   authentication challenge alone the server starts a new connection (hello with a new connection id);
// - a direct message, `@channel`, `@all` and `@here` all put the bot in `mentions`;
// - ids and names in the path are checked before anything else, as the server's handlers do: a Slack `C0123ABCD`
//   as a channel id, or `system` as a username, is a 400 `api.context.invalid_url_param.app_error`, not a 404;
// - path and query parameters are checked against the spec's `parameters` (`since` must be an integer), and a
//   body the spec requires must be there;
// - adding someone outside the channel's team is a 404 `app.team.get_member.missing.app_error`; adding a
//   deactivated account is not refused (the server does not check); with several people, those who can be
//   added are, and the call fails only when nobody was;
// - a dialog that breaks the element rules is opened (200) and recorded as a violation; its limits count bytes
//   (Go's `len`), not characters;
// - PUT /posts/{id} replaces: an absent `is_pinned` unpins, absent `props` clears them.
// Stricter than Mattermost, on purpose: a post whose button id is not [A-Za-z0-9]+ is refused (400), since no
// click could ever reach it; a trigger id opens one dialog only.

export { FakeMattermost, type FakeMattermostOptions, startFakeMattermost } from "./fake.js";
export { RESPONSE_URL_MAX_USES, RESPONSE_URL_TTL_MS } from "./hooks.js";
export { postJson } from "./json.js";
export type { RecordedCall, Violation, ViolationKind, Warning } from "./records.js";
export { goDuration } from "./rest-dialogs.js";
export {
  BOT_ROLES,
  EPHEMERAL_GRANTING_ROLE,
  PERSON_ROLES,
  ROLES_BY_NAMES_MAX,
} from "./roles.js";
export {
  ACTION_ID_PATTERN,
  CHANNEL_NAME_MAX_LENGTH,
  DIALOG_LIMITS,
  POST_MESSAGE_MAX_RUNES,
  POST_PROPS_MAX_RUNES,
  runeCount,
} from "./rules.js";
export { ROUTES } from "./server.js";
export {
  loadMattermostSpec,
  type MattermostSpec,
  mattermostSpecsDir,
  SPEC_ERRATA,
  SPEC_PATH_FILES,
} from "./spec.js";
export {
  BOT_USERNAME,
  type CommandHook,
  DEFAULT_CHANNELS,
  DEFAULT_USERS,
  type EphemeralPost,
  type MmChannel,
  type MmUser,
  type OpenedDialog,
  type SeedChannel,
  type SeedTeam,
  type SeedUser,
  type StoredPost,
} from "./state.js";
export type { ActionDelivery, DialogDelivery, SlashCommandDelivery, SlashCommandInput } from "./to-bot.js";
export { REPLAY_BUFFER_SIZE, WEBSOCKET_PATH } from "./websocket.js";
