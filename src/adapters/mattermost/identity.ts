import { ConfigError, PlatformError } from "../../core/errors.js";
import type { Logger } from "../../core/ports.js";
import {
  type MattermostClient,
  mattermostErrorId,
  mattermostStatus,
  translateMattermostError,
} from "./client.js";

/** Who the bot token belongs to and the team it serves: needed to skip our own posts and to find channels. */
export interface MattermostIdentity {
  /** The bot's user id (26 chars): author of what the bot posts, never invited to a channel it creates. */
  userId: string;
  username: string;
  teamId: string;
  /** The team's URL name (`acme` in https://chat.example.com/acme/channels/town-square). */
  teamName: string;
  /**
   * Whether the bot's roles grant `create_post_ephemeral` (only system_admin does by default): without it,
   * POST /posts/ephemeral is refused, so replies only one person sees go by DM instead.
   */
  canPostEphemeral: boolean;
}

export interface MattermostIdentityOptions {
  /** MATTERMOST_TEAM: the team's name; needed only when the bot belongs to several teams. */
  team?: string;
  logger?: Logger;
  /** How many times the server is asked when it is unreachable or unwell. Default 5. */
  attempts?: number;
  /** Wait before the second attempt; it doubles after each further failure (Retry-After wins). Default 500. */
  delayMs?: number;
}

/** Start-up waits at most this long between two attempts. */
const MAX_DELAY_MS = 30_000;

const TOKEN_FIX =
  "Create an access token for the bot account (System Console → Integrations → Bot Accounts → Create New " +
  "Token), put it in MATTERMOST_BOT_TOKEN and start Firebreak again.";

/** A person or a bot, as far as start-up reads it. */
interface Me {
  id?: unknown;
  username?: unknown;
  is_bot?: unknown;
  /** System roles, space-separated (`system_user system_post_all`). */
  roles?: unknown;
}

/** A role as POST /roles/names gives it, as far as start-up reads it. */
interface RoleSummary {
  permissions?: unknown;
}

/** The permission POST /posts/ephemeral checks, system-wide (team and channel roles do not count). */
const EPHEMERAL_PERMISSION = "create_post_ephemeral";

interface TeamSummary {
  id: string;
  name: string;
}

/**
 * Asks the server who the bot is and which team it serves (retrying only while the server is unreachable or
 * unwell). Meant for start-up: a refused token, a URL that is not Mattermost's, a team that cannot be chosen
 * each become a ConfigError naming the variable to fix, so the process stops with one clear line.
 */
export async function fetchMattermostIdentity(
  client: MattermostClient,
  options: MattermostIdentityOptions = {},
): Promise<MattermostIdentity> {
  const { team, logger, attempts = 5, delayMs = 500 } = options;
  for (let attempt = 1; ; attempt++) {
    let error: PlatformError;
    try {
      const identity = await readIdentity(client, team, logger);
      logger?.info(
        {
          botUserId: identity.userId,
          bot: identity.username,
          team: identity.teamName,
          canPostEphemeral: identity.canPostEphemeral,
        },
        "Mattermost bot token verified",
      );
      return identity;
    } catch (err) {
      if (!(err instanceof PlatformError)) throw err;
      error = err;
    }
    if (!error.retryable) {
      throw new ConfigError(
        `Mattermost at ${client.getUrl()} refused to say who the bot is (${error.platformCode}): check ` +
          `MATTERMOST_URL (the site URL, without /api/v4) and MATTERMOST_BOT_TOKEN. ${error.message}`,
      );
    }
    if (attempt >= Math.max(1, attempts)) {
      throw new ConfigError(
        `Mattermost at ${client.getUrl()} could not be reached: ${attempt} attempts failed (last: ` +
          `${error.message}). Check MATTERMOST_URL (the site URL people open in a browser) and that this host ` +
          "can reach it, then start Firebreak again.",
      );
    }
    const waitMs = Math.min(error.retryAfterMs ?? delayMs * 2 ** (attempt - 1), MAX_DELAY_MS);
    logger?.warn(
      { attempt, of: attempts, delayMs: waitMs, code: error.platformCode },
      "Mattermost did not answer at start-up; retrying",
    );
    await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
}

/** A call at start-up; a refused token becomes the ConfigError that says how to fix it. */
async function ask<T>(client: MattermostClient, operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    const status = mattermostStatus(err);
    if (status === 401) {
      throw new ConfigError(
        `MATTERMOST_BOT_TOKEN was refused by Mattermost at ${client.getUrl()} (HTTP 401 on ${operation}: ` +
          `mistyped, revoked, or its account deactivated). ${TOKEN_FIX}`,
      );
    }
    if (status === 403) {
      throw new ConfigError(
        `MATTERMOST_BOT_TOKEN may not ${operation} at ${client.getUrl()} (HTTP 403, ` +
          `${mattermostErrorId(err) ?? "forbidden"}): the bot account or its token is disabled. ${TOKEN_FIX}`,
      );
    }
    return translateMattermostError(err, operation);
  }
}

async function readIdentity(
  client: MattermostClient,
  team: string | undefined,
  logger: Logger | undefined,
): Promise<MattermostIdentity> {
  const me: unknown = await ask(client, "getMe", () => client.getMe());
  const user = (typeof me === "object" && me !== null ? me : {}) as Me;
  if (typeof user.id !== "string" || typeof user.username !== "string") {
    throw new ConfigError(
      `MATTERMOST_URL (${client.getUrl()}) does not answer like a Mattermost server: /api/v4/users/me gave ` +
        "no user. Set it to the site URL people open in a browser (without /api/v4).",
    );
  }
  const teams: unknown = await ask(client, "getMyTeams", () => client.getMyTeams());
  const chosen = chooseTeam(Array.isArray(teams) ? (teams as TeamSummary[]) : [], team, user.username);
  return {
    userId: user.id,
    username: user.username,
    teamId: chosen.id,
    teamName: chosen.name,
    canPostEphemeral: await mayPostEphemeral(client, user.roles, logger),
  };
}

/**
 * Whether the bot's system roles grant ephemeral posts, read once at start-up so no reply has to try one and
 * be refused. Not knowing is answered "no": a DM always reaches the person.
 */
async function mayPostEphemeral(
  client: MattermostClient,
  roles: unknown,
  logger: Logger | undefined,
): Promise<boolean> {
  const names = typeof roles === "string" ? [...new Set(roles.split(/\s+/).filter(Boolean))] : [];
  if (names.length === 0) return false;
  let found: unknown;
  try {
    found = await client.getRolesByNames(names);
  } catch (err) {
    logger?.info(
      { roles: names, status: mattermostStatus(err), code: mattermostErrorId(err) },
      "could not read the bot's roles; replies only one person sees will go by DM",
    );
    return false;
  }
  return (
    Array.isArray(found) &&
    (found as RoleSummary[]).some(
      (role) => Array.isArray(role.permissions) && role.permissions.includes(EPHEMERAL_PERMISSION),
    )
  );
}

/** MATTERMOST_TEAM when set (it must be one of the bot's teams), else the bot's only team. */
function chooseTeam(teams: TeamSummary[], wanted: string | undefined, bot: string): TeamSummary {
  const names = teams.map((t) => t.name).sort();
  const listed = names.map((n) => `"${n}"`).join(", ");
  if (wanted) {
    const found = teams.find((t) => t.name.toLowerCase() === wanted.trim().toLowerCase());
    if (found) return found;
    throw new ConfigError(
      `MATTERMOST_TEAM is "${wanted}", but the bot @${bot} is not a member of a team by that name` +
        `${names.length ? ` (its teams: ${listed})` : ""}. Set MATTERMOST_TEAM to the team's URL name, or add ` +
        "the bot to that team (Main Menu → Invite People), and start Firebreak again.",
    );
  }
  const [only] = teams;
  if (only && teams.length === 1) return only;
  if (!only) {
    throw new ConfigError(
      `The bot @${bot} is not a member of any team: add it to your team (Main Menu → Invite People) and ` +
        "start Firebreak again.",
    );
  }
  throw new ConfigError(
    `The bot @${bot} belongs to several teams (${listed}): set MATTERMOST_TEAM to the one Firebreak serves ` +
      "and start Firebreak again.",
  );
}
