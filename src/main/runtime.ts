import type { Server } from "node:http";
import express from "express";
import type { Redis } from "ioredis";
import type { HandlerContext } from "../../handlers/context.js";
import { applyDeploy } from "../../handlers/deploy-hook.js";
import { createDispatcher } from "../../handlers/dispatch.js";
import { runOpenEffects } from "../../handlers/open-effects.js";
import { scanShifts } from "../../handlers/shift-notices.js";
import { fireTimer, reconcileTimers } from "../../handlers/timers.js";
import {
  connectMattermost,
  createMattermostAdapter,
  type MattermostAdapter,
} from "../adapters/mattermost/index.js";
import { createPlayground } from "../adapters/playground/index.js";
import { createSlackAdapter, type SlackAdapter } from "../adapters/slack/bolt-app.js";
import { fetchSlackIdentity } from "../adapters/slack/identity.js";
import { createSlackPlatform } from "../adapters/slack/slack-platform.js";
import { createSlackWebClient } from "../adapters/slack/web-client.js";
import type { Env } from "../config/env.js";
import { ConfigError } from "../core/errors.js";
import type { Platform } from "../core/platform.js";
import type { ChatPlatform, Clock, Logger, OpsStats } from "../core/ports.js";
import type { Settings } from "../core/settings.js";
import { createCalendarRouter } from "../http/calendar.js";
import { createDeployHookRouter } from "../http/deploy-hook.js";
import { createHealthRouter } from "../http/health.js";
import { createIncidentLogRouter } from "../http/incident-log.js";
import { createMetricsRouter } from "../http/metrics.js";
import { createPostmortemRouter } from "../http/postmortem.js";
import { createStatusRouter } from "../http/status-page.js";
import { createJobScheduler } from "../infra/queue/job-scheduler.js";
import { createOpsStats } from "../infra/queue/ops-stats.js";
import { createOutbox } from "../infra/queue/outbox.js";
import { createQueues } from "../infra/queue/queues.js";
import { startWorkers } from "../infra/queue/workers.js";
import { connectRedis, type RedisRole } from "../infra/redis/connection.js";
import { createKeys } from "../infra/redis/keys.js";
import { checkRedisSafety } from "../infra/redis/safety-check.js";
import { buildHandlerContext, loadStatic } from "./context.js";

export type Role = "web" | "worker" | "all";

export interface Running {
  /** Base URL of the web server, when this process serves one. */
  url?: string;
  port?: number;
  stop(): Promise<void>;
}

/**
 * Starts the pieces a process role needs. `web` serves HTTP (Slack endpoint or playground, health), `worker`
 * runs the queue workers, `all` does both in one process, which is what `npm start` and the playground use.
 */
export async function startRuntime(
  env: Env,
  role: Role,
  logger: Logger,
  options: { clock?: Clock } = {},
): Promise<Running> {
  const { settings, render } = await loadStatic(env);
  if (!env.slack && !env.mattermost && role !== "all") {
    throw new ConfigError(
      "No Slack or Mattermost credentials are set. The playground runs in one process: use `npm start`. To run web and worker separately, set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN), or the MATTERMOST_* variables.",
    );
  }
  const keys = createKeys(env.redisPrefix);
  // In order: stop taking requests, let workers finish what they hold, then close queues and connections.
  const stops: Array<() => Promise<void>> = [];
  const closeSides: Array<() => Promise<void>> = [];
  const platforms: Partial<Record<Platform, ChatPlatform>> = {};
  // Known once the server listens (PORT may be 0 in tests); calendar links are only built after that.
  let listeningPort = env.port;
  const publicUrl = () => env.publicUrl ?? `http://localhost:${listeningPort}`;

  /**
   * What one kind of caller works through: a connection, the queues on it, and the handlers' context. Commands
   * get a connection that fails fast (a person hears "cannot act right now" within 2 s); jobs get one that waits
   * for Redis, so a reminder that fell due during an outage fires as soon as it is back.
   */
  const side = async (redisRole: RedisRole) => {
    const redis = await connectRedis(env.redisUrl, redisRole, (err) =>
      logger.warn(
        { err: err.message, connection: redisRole },
        redisRole === "request"
          ? "Redis connection problem; commands answer 'cannot act right now' until it is back"
          : "Redis connection problem; jobs wait until it is back",
      ),
    );
    const queues = createQueues(redis, keys);
    closeSides.push(async () => {
      await queues.close();
      redis.disconnect();
    });
    const ctx = buildHandlerContext({
      settings,
      render,
      redis,
      keys,
      outbox: createOutbox(queues),
      jobs: createJobScheduler(queues, keys),
      platforms,
      logger,
      publicUrl,
      webTokens: { status: env.statusPageToken, api: env.apiToken },
      clock: options.clock,
    });
    return { redis, queues, ctx };
  };

  const requests = role === "worker" ? undefined : await side("request");
  const jobs = role === "web" ? undefined : await side("worker");
  if (env.mattermost && !env.publicUrl) {
    logger.warn(
      {},
      "PUBLIC_URL is not set: Mattermost sends button clicks and form submissions to this server's address, and localhost only works when Mattermost runs on this machine; set it to the address Mattermost reaches this server at",
    );
  } else if (env.slack && !env.publicUrl) {
    logger.warn(
      {},
      "PUBLIC_URL is not set: calendar-feed links will point at localhost, which nobody else can open; set it to the address people reach this server at",
    );
  }
  const safety = await checkRedisSafety((requests ?? jobs)?.redis as Redis);
  for (const warning of safety.warnings) logger.warn({ redis: safety.version }, warning);

  let server: Server | undefined;
  try {
    if (requests) {
      const opsStats = createOpsStats(requests.queues, keys);
      server = await serve(
        env,
        settings,
        requests.ctx,
        requests.redis,
        opsStats,
        platforms,
        stops,
        logger,
        publicUrl,
      );
    } else {
      // A worker alone only sends: the platforms' clients, without their inbound endpoints.
      if (env.slack) {
        const client = createSlackWebClient(env.slack.botToken, env.slack.apiUrl);
        platforms.slack = createSlackPlatform(client, await fetchSlackIdentity(client, { logger }), logger);
      }
      if (env.mattermost) {
        platforms.mattermost = (await connectMattermost(env.mattermost, logger, publicUrl)).platform;
      }
    }
    if (jobs) {
      const { ctx } = jobs;
      const workers = await startWorkers({
        redisUrl: env.redisUrl,
        keys,
        queues: jobs.queues,
        platform: (name) => ctx.platform(name),
        runner: {
          openEffects: (id) => runOpenEffects(ctx, id),
          fireTimer: (timer) => fireTimer(ctx, timer),
          reconcileTimers: () => reconcileTimers(ctx),
          scanShifts: () => scanShifts(ctx),
        },
        logger,
      });
      stops.push(() => workers.close());
    }
  } catch (err) {
    // A start-up that fails half way (Slack refused the token) leaves nothing running behind it.
    for (const stop of [...stops, ...closeSides]) await stop().catch(() => undefined);
    throw err;
  }

  const address = server?.address();
  const port = typeof address === "object" && address ? address.port : undefined;
  if (port) listeningPort = port;
  logger.info({ role, port, mode: modeName(env) }, "Firebreak started");
  return {
    url: port ? `http://127.0.0.1:${port}` : undefined,
    port,
    async stop() {
      for (const stop of [...stops, ...closeSides]) {
        await stop().catch((err: unknown) => logger.warn({ err: String(err) }, "error while stopping"));
      }
    },
  };
}

/**
 * The web side: the platforms' endpoints (Slack's receiver, Mattermost's routes and WebSocket, or the
 * playground when neither is configured), the dispatcher behind them, and the web pages, on one HTTP server.
 * Registers the platforms it serves in `platforms`.
 */
async function serve(
  env: Env,
  settings: Settings,
  ctx: HandlerContext,
  redis: Redis,
  opsStats: OpsStats,
  platforms: Partial<Record<Platform, ChatPlatform>>,
  stops: Array<() => Promise<void>>,
  logger: Logger,
  publicUrl: () => string,
): Promise<Server> {
  const expressApp = express();
  expressApp.disable("x-powered-by");
  // Building the dispatcher asks nothing of the platforms; its plans reach them through `ctx` when they run.
  const { prepare } = createDispatcher(ctx);
  let slack: SlackAdapter | undefined;
  let mattermost: MattermostAdapter | undefined;
  // One deployment may serve a Slack workspace and a Mattermost team at once; each incident lives on the
  // platform it was opened on, and on-call people are found on either through the config's people map.
  if (env.slack) {
    slack = await createSlackAdapter({ mode: env.slack, expressApp, prepare, logger });
    platforms.slack = slack.platform;
  }
  if (env.mattermost) {
    mattermost = await createMattermostAdapter({
      mode: env.mattermost,
      expressApp,
      prepare,
      logger,
      publicUrl,
    });
    platforms.mattermost = mattermost.platform;
  }
  if (!slack && !mattermost) {
    const playground = createPlayground({
      people: settings.people,
      channels: ["general", settings.announceChannel],
      logger,
      prepare,
    });
    platforms.playground = playground.platform;
    expressApp.use(playground.router);
    // Live event streams would otherwise keep server.close() waiting for every open browser tab.
    stops.push(async () => playground.close());
  }
  expressApp.use(createCalendarRouter(ctx));
  expressApp.use(createDeployHookRouter(ctx, { secret: env.deployWebhookSecret, apply: applyDeploy }));
  expressApp.use(createStatusRouter(ctx, { token: env.statusPageToken }));
  expressApp.use(createPostmortemRouter(ctx, { templatesDir: env.templatesDir }));
  expressApp.use(createIncidentLogRouter(ctx, { token: env.apiToken }));
  expressApp.use(createMetricsRouter(ctx, opsStats));
  expressApp.use(createHealthRouter(redis));

  const server = await new Promise<Server>((resolve, reject) => {
    const s = expressApp.listen(env.port, () => resolve(s));
    s.once("error", reject);
  });
  // Slack gives 3 s per request; keep-alive sockets outliving the load balancer's would drop requests.
  server.keepAliveTimeout = 65_000;
  // Registered before the adapters start: a start that fails (Socket Mode refused, say) makes the caller run
  // the stops, and the server must not be left listening behind the error.
  stops.push(async () => {
    for (const adapter of [slack, mattermost]) {
      await adapter
        ?.stop()
        .catch((err: unknown) => logger.warn({ err: String(err) }, "error while stopping"));
    }
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  if (slack) await slack.start();
  if (mattermost) await mattermost.start();
  return server;
}

/** What the start-up log line calls the platforms served: `slack-http+mattermost`, or `playground`. */
function modeName(env: Env): string {
  const served = [env.slack && `slack-${env.slack.kind}`, env.mattermost && "mattermost"].filter(Boolean);
  return served.length > 0 ? served.join("+") : "playground";
}
