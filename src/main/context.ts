import type { Redis } from "ioredis";
import type { HandlerContext } from "../../handlers/context.js";
import type { Env } from "../config/env.js";
import { loadConfigFile } from "../config/file.js";
import type { Platform } from "../core/platform.js";
import {
  type ChatPlatform,
  type Clock,
  type JobScheduler,
  type Logger,
  type Outbox,
  systemClock,
} from "../core/ports.js";
import type { Settings } from "../core/settings.js";
import { loadTemplates } from "../core/templates/load.js";
import type { TemplateName } from "../core/templates/registry.js";
import { createRedisIdempotencyStore } from "../infra/redis/idempotency-store.js";
import { createRedisIncidentStore } from "../infra/redis/incident-store.js";
import type { Keys } from "../infra/redis/keys.js";
import { createRedisOncallStore } from "../infra/redis/oncall-store.js";
import { guardUnavailable } from "../infra/redis/unavailable.js";
import { DEMO_CONFIG } from "./paths.js";

/** Everything that is read from disk once at start-up; any mistake stops the process before it serves. */
export async function loadStatic(
  env: Env,
): Promise<{ settings: Settings; render: HandlerContext["render"] }> {
  const settings = loadConfigFile(env.configPath ?? DEMO_CONFIG);
  const templates = await loadTemplates(env.templatesDir);
  return {
    settings,
    render: (name, vars) => templates.render(name as TemplateName, vars as never),
  };
}

export function buildHandlerContext(parts: {
  settings: Settings;
  render: HandlerContext["render"];
  redis: Redis;
  keys: Keys;
  jobs: JobScheduler;
  outbox: Outbox;
  platforms: Partial<Record<Platform, ChatPlatform>>;
  logger: Logger;
  /** Where people reach the web server; read when a handler needs it (the port is known only once listening). */
  publicUrl: () => string;
  webTokens?: HandlerContext["webTokens"];
  clock?: Clock;
}): HandlerContext {
  return {
    settings: parts.settings,
    render: parts.render,
    store: guardUnavailable(createRedisIncidentStore(parts.redis, parts.keys)),
    idempotency: guardUnavailable(createRedisIdempotencyStore(parts.redis, parts.keys)),
    jobs: guardUnavailable(parts.jobs),
    oncall: guardUnavailable(createRedisOncallStore(parts.redis, parts.keys)),
    get publicUrl() {
      return parts.publicUrl();
    },
    webTokens: parts.webTokens ?? {},
    outbox: guardUnavailable(parts.outbox),
    platform(name) {
      const platform = parts.platforms[name];
      if (!platform) throw new Error(`The ${name} platform is not configured in this process.`);
      return platform;
    },
    clock: parts.clock ?? systemClock,
    logger: parts.logger,
  };
}
