/**
 * The Mattermost adapter: REST calls as the bot (the ChatPlatform), the HTTP endpoints Mattermost calls (slash
 * command, buttons, dialogs) mounted on the one web server, and the bot's WebSocket for mentions and reactions.
 *
 * The bot token is checked first, with getMe and the team lookup (identity.ts): a refused token or a Mattermost
 * out of reach rejects here, with a message naming the fix, before anything is mounted or served.
 */
import type { Express } from "express";
import { answerThenRunSafely, type Plan } from "../../../handlers/context.js";
import type { MattermostMode } from "../../config/env.js";
import type { ChatPlatform, Inbound, Logger } from "../../core/ports.js";
import { postsSince } from "./catch-up.js";
import { createMattermostClient, type MattermostClient } from "./client.js";
import { createDirectory, type Directory } from "./directory.js";
import { fetchMattermostIdentity, type MattermostIdentity } from "./identity.js";
import { createMattermostRouter, MATTERMOST_PATHS } from "./inbound.js";
import { createMattermostPlatform } from "./mattermost-platform.js";
import type { RenderContext } from "./post-render.js";
import { listenForMentions, type MentionListener } from "./websocket.js";

export { MATTERMOST_PATHS } from "./inbound.js";

export interface MattermostAdapterOptions {
  mode: MattermostMode;
  /** The one HTTP server's app; the adapter mounts its /mattermost/* routes on it. */
  expressApp: Express;
  prepare: (inbound: Inbound) => Plan;
  logger: Logger;
  /** Where Mattermost reaches this server (buttons and dialogs post back there), without a trailing slash. */
  publicUrl: () => string;
  /** The WebSocket's reconnect backoff; tests shorten it. */
  retry?: { minMs: number; maxMs: number };
  /** How start-up retries while Mattermost is unreachable; tests shorten it. */
  identity?: { attempts?: number; delayMs?: number };
}

export interface MattermostAdapter {
  platform: ChatPlatform;
  /** The bot's user and team, from the checks made at start-up. */
  identity: MattermostIdentity;
  /** Connects the WebSocket (mentions, reactions); the HTTP routes are served as soon as they are mounted. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface MattermostConnection {
  client: MattermostClient;
  platform: ChatPlatform;
  identity: MattermostIdentity;
  directory: Directory;
}

/**
 * The REST side alone: the bot's identity (checked now), its directory and the ChatPlatform. A worker that only
 * sends needs nothing more; the web process adds the routes and the WebSocket (createMattermostAdapter).
 */
export async function connectMattermost(
  mode: MattermostMode,
  logger: Logger,
  publicUrl: () => string,
  identityOptions: { attempts?: number; delayMs?: number } = {},
): Promise<MattermostConnection> {
  const client = createMattermostClient(mode.url, mode.botToken);
  const identity = await fetchMattermostIdentity(client, { ...identityOptions, team: mode.team, logger });
  const directory = createDirectory(client, logger);
  directory.remember({ id: identity.userId, username: identity.username });
  const platform = createMattermostPlatform(client, {
    identity,
    directory,
    siteUrl: mode.url,
    actionsUrl: () => endpoint(publicUrl, MATTERMOST_PATHS.actions),
    dialogsUrl: () => endpoint(publicUrl, MATTERMOST_PATHS.dialogs),
    secret: mode.actionsSecret,
    logger,
  });
  return { client, platform, identity, directory };
}

/** Where Mattermost reaches one of our routes: buttons and dialogs carry it, so it is the public address. */
const endpoint = (publicUrl: () => string, path: string) => `${publicUrl().replace(/\/+$/, "")}${path}`;

export async function createMattermostAdapter(options: MattermostAdapterOptions): Promise<MattermostAdapter> {
  const { mode, prepare, logger } = options;
  const { client, platform, identity, directory } = await connectMattermost(
    mode,
    logger,
    options.publicUrl,
    options.identity,
  );
  const renderContext = (): RenderContext => ({
    actionsUrl: endpoint(options.publicUrl, MATTERMOST_PATHS.actions),
    secret: mode.actionsSecret,
    channelName: (id) => directory.channelName(id),
  });
  options.expressApp.use(
    createMattermostRouter({
      commandTokens: mode.commandTokens,
      secret: mode.actionsSecret,
      prepare,
      platform,
      directory,
      renderContext,
      logger,
    }),
  );

  let listener: MentionListener | undefined;
  return {
    platform,
    identity,
    async start() {
      if (listener) return;
      listener = listenForMentions({
        siteUrl: mode.url,
        token: mode.botToken,
        identity,
        directory,
        // A mention or a reaction has no response to carry an ack, so one a plan has follows as a reply of its
        // own (the dispatcher's plans send theirs in their run instead: once, however many processes see it).
        onMention: (inbound) => void answerThenRunSafely(platform, inbound, prepare(inbound), logger),
        // When the server could not replay what the socket missed, the posts since are read back instead.
        catchUp: (since) => postsSince(client, identity.teamId, since, logger),
        logger,
        retry: options.retry,
      });
      await listener.start();
    },
    async stop() {
      listener?.stop();
      listener = undefined;
    },
  };
}
