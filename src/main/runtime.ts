import type { Server } from "node:http";
import express from "express";
import { replyTarget } from "../../handlers/context.js";
import { createDispatcher } from "../../handlers/dispatch.js";
import { runOpenEffects } from "../../handlers/open-effects.js";
import { fireTimer, reconcileTimers } from "../../handlers/timers.js";
import { createPlayground } from "../adapters/playground/index.js";
import { createSlackAdapter, type SlackAdapter } from "../adapters/slack/bolt-app.js";
import { createSlackPlatform } from "../adapters/slack/slack-platform.js";
import { createSlackWebClient } from "../adapters/slack/web-client.js";
import type { Env } from "../config/env.js";
import { ConfigError } from "../core/errors.js";
import type { ChatPlatform, Inbound, Logger } from "../core/ports.js";
import { createHealthRouter } from "../http/health.js";
import { createJobScheduler } from "../infra/queue/job-scheduler.js";
import { createOutbox } from "../infra/queue/outbox.js";
import { createOutboxStore } from "../infra/queue/outbox-store.js";
import { createQueues } from "../infra/queue/queues.js";
import { startWorkers } from "../infra/queue/workers.js";
import { connectRedis } from "../infra/redis/connection.js";
import { createKeys, type Keys } from "../infra/redis/keys.js";
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
export async function startRuntime(env: Env, role: Role, logger: Logger): Promise<Running> {
  const { settings, render } = await loadStatic(env);
  if (!env.slack && role !== "all") {
    throw new ConfigError(
      "No Slack credentials are set. The playground runs in one process: use `npm start`. To run web and worker separately, set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN).",
    );
  }
  const redis = await connectRedis(env.redisUrl, "request", (err) =>
    logger.warn(
      { err: err.message },
      "Redis connection problem; commands answer 'cannot act right now' until it is back",
    ),
  );
  const safety = await checkRedisSafety(redis);
  for (const warning of safety.warnings) logger.warn({ redis: safety.version }, warning);
  const keys = createKeys(env.redisPrefix);
  const queues = createQueues(env.redisUrl, keys, "request");
  const stops: Array<() => Promise<void>> = [];

  const expressApp = express();
  expressApp.disable("x-powered-by");
  let server: Server | undefined;
  let slack: SlackAdapter | undefined;
  let platform: ChatPlatform;
  const platforms: Parameters<typeof buildHandlerContext>[0]["platforms"] = {};
  // The dispatcher is created after the platform exists; the adapters reach it through this indirection.
  let prepare: ReturnType<typeof createDispatcher>["prepare"] = () => {
    throw new Error("not ready");
  };

  if (env.slack) {
    if (role === "worker") {
      platform = createSlackPlatform(createSlackWebClient(env.slack.botToken, env.slack.apiUrl), logger);
    } else {
      slack = createSlackAdapter({ mode: env.slack, expressApp, prepare: (i) => prepare(i), logger });
      platform = slack.platform;
    }
    platforms.slack = platform;
  } else {
    const playground = createPlayground({
      people: settings.people,
      channels: ["general", settings.announceChannel],
      logger,
      onInbound: async (inbound: Inbound) => {
        const plan = prepare(inbound);
        if (plan.formErrors) return { formErrors: plan.formErrors };
        if (plan.ack) await platform.replyEphemeral(replyTarget(inbound), plan.ack);
        await plan.run();
        return undefined;
      },
    });
    platform = playground.platform;
    platforms.playground = platform;
    expressApp.use(playground.router);
    // Live event streams would otherwise keep server.close() waiting for every open browser tab.
    stops.push(async () => playground.close());
  }

  const { outbox, jobs } = producers(queues, keys);
  const ctx = buildHandlerContext({ settings, render, redis, keys, outbox, jobs, platforms, logger });
  prepare = createDispatcher(ctx).prepare;
  expressApp.use(createHealthRouter(redis));

  if (role !== "worker") {
    server = await new Promise<Server>((resolve, reject) => {
      const s = expressApp.listen(env.port, () => resolve(s));
      s.once("error", reject);
    });
    // Slack gives 3 s per request; keep-alive sockets outliving the load balancer's would drop requests.
    server.keepAliveTimeout = 65_000;
    if (slack) await slack.start();
    stops.push(async () => {
      await slack?.stop();
      await new Promise<void>((resolve) => server?.close(() => resolve()));
    });
  }
  if (role !== "web") {
    // Jobs get their own connections that wait for Redis instead of failing fast: a reminder that fell due
    // during an outage then fires as soon as Redis is back, rather than burning a retry on a dead socket.
    const jobRedis = await connectRedis(env.redisUrl, "worker");
    const jobQueues = createQueues(env.redisUrl, keys, "worker");
    const jobProducers = producers(jobQueues, keys);
    const jobCtx = buildHandlerContext({
      settings,
      render,
      redis: jobRedis,
      keys,
      outbox: jobProducers.outbox,
      jobs: jobProducers.jobs,
      platforms,
      logger,
    });
    const workers = await startWorkers({
      redisUrl: env.redisUrl,
      keys,
      queues: jobQueues,
      outboxStore: jobProducers.outboxStore,
      platform: (name) => jobCtx.platform(name),
      runner: {
        openEffects: (id) => runOpenEffects(jobCtx, id),
        fireTimer: (timer) => fireTimer(jobCtx, timer),
        reconcileTimers: () => reconcileTimers(jobCtx),
      },
      logger,
    });
    stops.push(() => workers.close());
    stops.push(() => jobQueues.close());
    stops.push(async () => void jobRedis.disconnect());
  }
  stops.push(() => queues.close());
  stops.push(async () => void redis.disconnect());

  const address = server?.address();
  const port = typeof address === "object" && address ? address.port : undefined;
  logger.info(
    { role, port, mode: env.slack ? `slack-${env.slack.kind}` : "playground" },
    "Firebreak started",
  );
  return {
    url: port ? `http://127.0.0.1:${port}` : undefined,
    port,
    async stop() {
      for (const stop of stops) {
        await stop().catch((err: unknown) => logger.warn({ err: String(err) }, "error while stopping"));
      }
    },
  };
}

/** The outbox and the job scheduler over one set of queues. */
function producers(queues: ReturnType<typeof createQueues>, keys: Keys) {
  const outboxStore = createOutboxStore(queues.redis, keys);
  return { outboxStore, outbox: createOutbox(queues, outboxStore), jobs: createJobScheduler(queues, keys) };
}
