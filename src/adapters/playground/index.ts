import type express from "express";
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

export interface PlaygroundOptions {
  /** Demo people; in the playground a person's platform user id is their person id. */
  people: Person[];
  /** The bot's user id; default "firebreak". */
  botUserId?: string;
  /** Channels that exist at start, every demo person a member; default ["general"]. */
  channels?: string[];
  /** The core's entry point. Awaited; a failure is logged and shown to the person as an error id. */
  onInbound: (inbound: Inbound) => Promise<InboundResult>;
  logger?: Logger;
  /** Absolute origin for channelUrl (e.g. "http://localhost:3000"); without it the links are relative. */
  baseUrl?: string;
}

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
    onInbound: options.onInbound,
    logger,
  });
  return { router, platform, state, close: closeStreams };
}
