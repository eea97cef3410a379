import type { WebClient } from "@slack/web-api";
import { ConfigError, PlatformError, UnavailableError } from "../../core/errors.js";
import type { Logger } from "../../core/ports.js";
import { type SlackIdentity, translateSlackError } from "./slack-platform.js";

export type { SlackIdentity };

export interface SlackIdentityOptions {
  logger?: Logger;
  /** How many times auth.test is tried when Slack is unreachable or unwell. Default 5. */
  attempts?: number;
  /** Wait before the second attempt; it doubles after each further failure (Retry-After wins). Default 500. */
  firstDelayMs?: number;
  /** One attempt gives up after this long: a Slack that never answers must not hang start-up. Default 10 s. */
  timeoutMs?: number;
}

/** auth.test refusals that mean the token itself is wrong: retrying cannot help, the operator must act. */
const TOKEN_REFUSALS: Record<string, string> = {
  invalid_auth: "is not valid (mistyped, regenerated, or from another workspace)",
  not_authed: "was not sent",
  account_inactive: "belongs to an app that was uninstalled or a user that was deactivated",
  token_revoked: "was revoked",
  token_expired: "has expired",
};

const FIX =
  "Copy the Bot User OAuth Token (xoxb-…) from your Slack app's OAuth & Permissions page into SLACK_BOT_TOKEN " +
  "(reinstall the app to the workspace if it was removed) and start Firebreak again.";

/** Slack waits the whole Retry-After; start-up waits at most this long between two attempts. */
const MAX_DELAY_MS = 30_000;

/**
 * Calls `auth.test` once (retrying only when Slack is unreachable or unwell) and returns the bot's identity.
 * Meant for start-up: a token Slack refuses becomes a ConfigError that names the fix, and a Slack that stays
 * unreachable an UnavailableError, so the process stops with one clear line instead of dying later.
 */
export async function fetchSlackIdentity(
  client: WebClient,
  options: SlackIdentityOptions = {},
): Promise<SlackIdentity> {
  const { logger, attempts = 5, firstDelayMs = 500, timeoutMs = 10_000 } = options;
  for (let attempt = 1; ; attempt++) {
    let error: PlatformError;
    try {
      const auth = await withTimeout(client.auth.test(), timeoutMs).catch((err: unknown) =>
        translateSlackError(err, "auth.test"),
      );
      if (!auth.user_id || !auth.bot_id) {
        throw new ConfigError(
          `SLACK_BOT_TOKEN is not a bot token: Slack's auth.test named no bot user. ${FIX}`,
        );
      }
      logger?.info(
        { botUserId: auth.user_id, botId: auth.bot_id, team: auth.team_id },
        "Slack bot token verified",
      );
      return { userId: auth.user_id, botId: auth.bot_id, ...(auth.team_id ? { teamId: auth.team_id } : {}) };
    } catch (err) {
      if (!(err instanceof PlatformError)) throw err;
      error = err;
    }
    const refusal = TOKEN_REFUSALS[error.platformCode];
    if (refusal) {
      throw new ConfigError(
        `SLACK_BOT_TOKEN ${refusal}: Slack answered auth.test with ${error.platformCode}. ${FIX}`,
      );
    }
    if (!error.retryable) {
      throw new ConfigError(
        `Slack refused auth.test at ${client.slackApiUrl} (${error.platformCode}): check SLACK_API_URL ` +
          `(unset it for https://slack.com/api/) and SLACK_BOT_TOKEN. ${error.message}`,
      );
    }
    if (attempt >= attempts) {
      throw new UnavailableError(
        `Slack could not confirm the bot token: auth.test at ${client.slackApiUrl} failed ${attempt} times ` +
          `(last: ${error.message}). Check that this host can reach Slack (and SLACK_API_URL, if set), ` +
          "then start Firebreak again.",
      );
    }
    const delayMs = Math.min(error.retryAfterMs ?? firstDelayMs * 2 ** (attempt - 1), MAX_DELAY_MS);
    logger?.warn(
      { attempt, of: attempts, delayMs, code: error.platformCode },
      "Slack auth.test failed at start-up; retrying",
    );
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new PlatformError("unreachable", `Slack did not answer auth.test within ${ms} ms`, true)),
      ms,
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
