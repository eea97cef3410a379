import type express from "express";
import { answerThenRun, type Plan } from "../../../handlers/context.js";
import type { Person } from "../../core/oncall/types.js";
import type { ChatPlatform, Inbound, Logger } from "../../core/ports.js";
import { checkChannelName, createPlaygroundPlatform } from "./platform.js";
import { createPlaygroundRouter, type InboundResult } from "./routes.js";
import { PlaygroundState } from "./state.js";
import type { ViewContext } from "./views.js";

/**
 * The playground: a small Slack-like web chat served by the app itself when no platform credentials are set,
 * so anyone can try every command against the real core, store and queue within a minute — and the browser
 * tests have something to drive.
 *
 * Its chat history (channels, messages, open forms) is kept in memory and is gone after a restart; incidents,
 * timelines and on-call state are not — they live in Redis, like on every other platform.
 */

export { PlaygroundState } from "./state.js";

interface PlaygroundBaseOptions {
  /** Demo people; in the playground a person's platform user id is their person id. */
  people: Person[];
  /** The bot's user id; default "firebreak". */
  botUserId?: string;
  /** Channels that exist at start, every demo person a member; default ["general"]. */
  channels?: string[];
  logger?: Logger;
  /** Absolute origin for channelUrl (e.g. "http://localhost:3000"); without it the links are relative. */
  baseUrl?: string;
}

/**
 * Where what people do goes: `prepare`, the core's entry point as every adapter takes it, or `onInbound`, a
 * stand-in that answers through the platform itself (tests of the page that need no core).
 */
export type PlaygroundOptions = PlaygroundBaseOptions &
  (
    | {
        /**
         * The core's plan for each inbound, carried out here: a refused form answers with its errors, anything
         * else gets its ack as a reply only the person sees, then runs. Run failures are logged and shown to the
         * person as an error id.
         */
        prepare: (inbound: Inbound) => Plan;
        onInbound?: never;
      }
    | {
        /** Awaited; a failure is logged and shown to the person as an error id. */
        onInbound: (inbound: Inbound) => Promise<InboundResult>;
        prepare?: never;
      }
  );

export interface Playground {
  router: express.Router;
  platform: ChatPlatform;
  state: PlaygroundState;
  /** Ends every live stream (pages reconnect by themselves), so the HTTP server can close without waiting. */
  close(): void;
}

const consoleLogger: Logger = {
  debug() {},
  info() {},
  warn: (fields, msg) => console.warn(msg, fields),
  error: (fields, msg) => console.error(msg, fields),
};

export function createPlayground(options: PlaygroundOptions): Playground {
  const botUserId = options.botUserId ?? "firebreak";
  const logger = options.logger ?? consoleLogger;
  const people = new Map<string, { id: string; name: string }>();
  for (const person of options.people) {
    if (person.id === botUserId) throw new Error(`A demo person cannot use the bot's id "${botUserId}".`);
    people.set(person.id, { id: person.id, name: person.name ?? person.id });
  }

  const state = new PlaygroundState();
  const ctx: ViewContext = {
    botUserId,
    names: {
      user: (id) => (id === botUserId ? botUserId : people.get(id)?.name),
      channel: (id) => {
        const channel = state.channels.get(id);
        if (!channel) return undefined;
        return channel.kind === "dm" ? `DM: ${botUserId}` : channel.name;
      },
    },
  };

  const isKnownUser = (id: string) => id === botUserId || people.has(id);
  const platformOptions: Parameters<typeof createPlaygroundPlatform>[0] = {
    state,
    botUserId,
    isKnownUser,
    userName: (id) => people.get(id)?.name,
  };
  if (options.baseUrl !== undefined) platformOptions.baseUrl = options.baseUrl.replace(/\/+$/, "");
  const platform = createPlaygroundPlatform(platformOptions);

  for (const name of options.channels ?? ["general"]) {
    checkChannelName(name);
    if (state.channelByName(name)) continue;
    state.createChannel({
      name,
      kind: "channel",
      members: [botUserId, ...people.keys()],
      createdAt: new Date(),
    });
  }

  const { router, closeStreams } = createPlaygroundRouter({
    state,
    platform,
    botUserId,
    people,
    isKnownUser,
    ctx,
    onInbound: options.prepare ? carryOut(options.prepare, platform) : options.onInbound,
    logger,
  });
  return { router, platform, state, close: closeStreams };
}

/**
 * An inbound handed to the core as a plan. The playground's HTTP answer can carry nothing but form errors, so
 * the ack follows as an ephemeral reply, and the page waits for the whole plan: what it shows next is the
 * outcome, which makes the playground (and tests driving it) deterministic.
 */
function carryOut(
  prepare: (inbound: Inbound) => Plan,
  platform: ChatPlatform,
): (inbound: Inbound) => Promise<InboundResult> {
  return async (inbound) => {
    const plan = prepare(inbound);
    if (plan.formErrors) return { formErrors: plan.formErrors };
    await answerThenRun(platform, inbound, plan);
    return undefined;
  };
}
