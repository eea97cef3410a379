// The checks Mattermost's handlers make on URL path parameters before anything else (web/context.go `RequireUserId`,
// `RequireChannelId`, `RequireUsername`...): an id that is not 26 lower-case letters and digits, or a username the
// server could never hold, is a 400 `api.context.invalid_url_param.app_error`, not a 404. A bot that sends another
// platform's id (a Slack `C0123ABCD`) to Mattermost meets exactly this on a real server.

import { isValidId } from "./ids.js";
import { Errors } from "./records.js";

/** `model.IsValidUsername`: 1 to 64 of [a-z0-9.-_], and none of the names the server reserves. */
const USERNAME = /^[a-z0-9._-]{1,64}$/;
const RESTRICTED_USERNAMES = new Set(["all", "channel", "matterbot", "system"]);

/** `model.IsValidChannelIdentifier`: the channel-name alphabet (`validSimpleAlphaNum`), at least one character. */
const CHANNEL_NAME = /^[a-z0-9]+([a-z\-_0-9]+|(__)?)[a-z0-9]*$/;

/** `model.IsValidTeamName`: `isValidAlphaNum` and at least 2 characters. */
const TEAM_NAME = /^[a-z0-9]+([a-z\-0-9]+|(__)?)[a-z0-9]+$/;

export function isValidUsername(name: string): boolean {
  return USERNAME.test(name) && !RESTRICTED_USERNAMES.has(name);
}

/** Each path parameter the fake's routes use, and whether the server accepts a value for it. */
const RULES: Record<string, (value: string) => boolean> = {
  // `me` is replaced by the caller's own id before the check.
  user_id: (v) => v === "me" || isValidId(v),
  channel_id: isValidId,
  post_id: isValidId,
  team_id: isValidId,
  username: isValidUsername,
  channel_name: (v) => CHANNEL_NAME.test(v),
  name: (v) => TEAM_NAME.test(v),
};

/** Throws the AppError Mattermost answers for the first path parameter it would refuse. */
export function checkUrlParams(params: Record<string, string>): void {
  for (const [name, value] of Object.entries(params)) {
    const valid = RULES[name];
    if (valid && !valid(value)) {
      throw Errors.invalidUrlParam(name, `url_param_${name}`, `${name}=${JSON.stringify(value)}`);
    }
  }
}
