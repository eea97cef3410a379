import { z } from "zod";
import { ConfigError } from "../core/errors.js";

/**
 * Environment variables, parsed once at start-up. A mistake names the variable and the fix, and the process
 * exits before serving anything. Secrets are never echoed back in errors or logs.
 */
const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const envSchema = z.object({
  PORT: z.coerce
    .number({ error: "must be a port number, for example 3000" })
    .int("must be a whole number")
    .min(1, "must be between 1 and 65535")
    .max(65535, "must be between 1 and 65535")
    .default(3000),
  REDIS_URL: z
    .string()
    .trim()
    .default("redis://127.0.0.1:6379")
    .refine(
      (v) => /^rediss?:\/\//.test(v),
      "must start with redis:// or rediss://, e.g. redis://127.0.0.1:6379",
    ),
  REDIS_PREFIX: z
    .string()
    .trim()
    .default("firebreak")
    .refine((v) => /^[A-Za-z0-9_.{}-]{1,64}$/.test(v), "use letters, digits, '-', '_', '.' or a {hash tag}"),
  FIREBREAK_CONFIG: optionalText,
  FIREBREAK_TEMPLATES: optionalText,
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_BOT_TOKEN: optionalText.refine(
    (v) => v === undefined || v.startsWith("xoxb-"),
    "must be a bot token starting with xoxb- (OAuth & Permissions page of your Slack app)",
  ),
  SLACK_APP_TOKEN: optionalText.refine(
    (v) => v === undefined || v.startsWith("xapp-"),
    "must be an app-level token starting with xapp- (Basic Information → App-Level Tokens, scope connections:write)",
  ),
  SLACK_API_URL: optionalText.refine(
    (v) => v === undefined || /^https?:\/\/.+\/$/.test(v),
    "must be a URL ending in '/', for example https://slack.com/api/",
  ),
  MATTERMOST_URL: optionalText.refine(
    (v) => v === undefined || /^https?:\/\/[^\s]+$/.test(v),
    "must be your Mattermost site URL, for example https://chat.example.com",
  ),
  MATTERMOST_BOT_TOKEN: optionalText,
  MATTERMOST_COMMAND_TOKENS: optionalText,
  MATTERMOST_ACTIONS_SECRET: optionalText.refine(
    (v) => v === undefined || v.length >= 16,
    "must be at least 16 characters; generate one with `openssl rand -hex 32`",
  ),
  MATTERMOST_TEAM: optionalText.refine(
    (v) => v === undefined || /^[a-z0-9][a-z0-9-_]{0,63}$/.test(v),
    "must be a team's URL name (the part after your site URL, for example `engineering`)",
  ),
  DEPLOY_WEBHOOK_SECRET: optionalText.refine(
    (v) => v === undefined || v.length >= 16,
    "must be at least 16 characters; generate one with `openssl rand -hex 32`",
  ),
  STATUS_PAGE_TOKEN: optionalText,
  API_TOKEN: optionalText.refine(
    (v) => v === undefined || v.length >= 16,
    "must be at least 16 characters; generate one with `openssl rand -hex 32`",
  ),
  PUBLIC_URL: optionalText.refine(
    (v) => v === undefined || /^https?:\/\/[^\s]+$/.test(v),
    "must be the URL people reach this server at, for example https://firebreak.example.com",
  ),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
});

export type SlackMode =
  | { kind: "http"; signingSecret: string; botToken: string; apiUrl?: string }
  | { kind: "socket"; appToken: string; botToken: string; signingSecret?: string; apiUrl?: string };

/** A Mattermost team served over HTTP (slash command, buttons, dialogs) and the bot's WebSocket (mentions). */
export interface MattermostMode {
  /** The site URL, without a trailing slash. */
  url: string;
  /** The bot account's access token. */
  botToken: string;
  /** The slash commands' tokens: a request carrying any of them is ours (several commands, or a rotation). */
  commandTokens: string[];
  /** Key of the HMAC the bot puts in every button's context and dialog's state (Mattermost signs nothing). */
  actionsSecret: string;
  /** The team (URL name) incident channels are created in; needed only when the bot is in several teams. */
  team?: string;
}

export interface Env {
  port: number;
  redisUrl: string;
  redisPrefix: string;
  configPath?: string;
  templatesDir?: string;
  slack?: SlackMode;
  mattermost?: MattermostMode;
  /** Secret the deploy webhook's HMAC is keyed with; the hook is off (404) without it. */
  deployWebhookSecret?: string;
  /** When set, the status pages ask for it (`?token=` or a cookie); public without it. */
  statusPageToken?: string;
  /** Bearer token of the incident log API (`/api/incidents`); the API is off (404) without it. */
  apiToken?: string;
  /** Where people reach the web server (calendar links); `http://localhost:<port>` when unset. */
  publicUrl?: string;
  logLevel: z.infer<typeof envSchema>["LOG_LEVEL"];
}

export function parseEnv(source: NodeJS.ProcessEnv): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    throw invalidEnv(result.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`));
  }
  const e = result.data;
  return {
    port: e.PORT,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    configPath: e.FIREBREAK_CONFIG,
    templatesDir: e.FIREBREAK_TEMPLATES,
    slack: slackMode(e),
    mattermost: mattermostMode(e),
    deployWebhookSecret: e.DEPLOY_WEBHOOK_SECRET,
    statusPageToken: e.STATUS_PAGE_TOKEN,
    apiToken: e.API_TOKEN,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ""),
    logLevel: e.LOG_LEVEL,
  };
}

function slackMode(e: z.infer<typeof envSchema>): SlackMode | undefined {
  const anySet = e.SLACK_BOT_TOKEN || e.SLACK_SIGNING_SECRET || e.SLACK_APP_TOKEN;
  if (!anySet) return undefined;
  if (!e.SLACK_BOT_TOKEN) {
    throw invalidEnv([
      "SLACK_BOT_TOKEN: is required when SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is set (OAuth & Permissions → Bot User OAuth Token, xoxb-…); unset all SLACK_* variables to run the playground instead",
    ]);
  }
  if (e.SLACK_APP_TOKEN) {
    return {
      kind: "socket",
      appToken: e.SLACK_APP_TOKEN,
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      apiUrl: e.SLACK_API_URL,
    };
  }
  if (!e.SLACK_SIGNING_SECRET) {
    throw invalidEnv([
      "SLACK_SIGNING_SECRET: is required for Slack over HTTP (Basic Information → Signing Secret); or set SLACK_APP_TOKEN to use Socket Mode",
    ]);
  }
  return {
    kind: "http",
    signingSecret: e.SLACK_SIGNING_SECRET,
    botToken: e.SLACK_BOT_TOKEN,
    apiUrl: e.SLACK_API_URL,
  };
}

const MATTERMOST_REQUIRED = [
  "MATTERMOST_URL",
  "MATTERMOST_BOT_TOKEN",
  "MATTERMOST_COMMAND_TOKENS",
  "MATTERMOST_ACTIONS_SECRET",
] as const;

/** Mattermost needs all four of its variables or none; a half-configured team names what is missing. */
function mattermostMode(e: z.infer<typeof envSchema>): MattermostMode | undefined {
  const missing = MATTERMOST_REQUIRED.filter((name) => !e[name]);
  if (missing.length === MATTERMOST_REQUIRED.length && !e.MATTERMOST_TEAM) return undefined;
  if (missing.length > 0) {
    throw invalidEnv(
      missing.map(
        (name) =>
          `${name}: is required to serve Mattermost (see the README's Mattermost section); unset all MATTERMOST_* variables to run without it`,
      ),
    );
  }
  const commandTokens = (e.MATTERMOST_COMMAND_TOKENS ?? "")
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t !== "");
  if (commandTokens.length === 0) {
    throw invalidEnv([
      "MATTERMOST_COMMAND_TOKENS: list the slash command's token (Integrations → Slash Commands), several separated by commas",
    ]);
  }
  return {
    url: (e.MATTERMOST_URL as string).replace(/\/+$/, ""),
    botToken: e.MATTERMOST_BOT_TOKEN as string,
    commandTokens,
    actionsSecret: e.MATTERMOST_ACTIONS_SECRET as string,
    team: e.MATTERMOST_TEAM,
  };
}

/** The error for bad environment variables: one indented `NAME: what is wrong` line each. */
function invalidEnv(lines: string[]): ConfigError {
  return new ConfigError(`Environment variables are not valid:\n${lines.map((l) => `  ${l}`).join("\n")}`);
}
