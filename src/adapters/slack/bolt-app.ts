import { App, type BlockAction, ExpressReceiver, LogLevel } from "@slack/bolt";
import type { Express } from "express";
import { answerThenRunSafely, type Plan, runSafely } from "../../../handlers/context.js";
import type { SlackMode } from "../../config/env.js";
import type { ChatPlatform, Inbound, Logger } from "../../core/ports.js";
import { baseActionId, decodeFormMetadata, modalValues, toBlockKit } from "./block-kit.js";
import { fetchSlackIdentity, type SlackIdentity, type SlackIdentityOptions } from "./identity.js";
import { fromSlackText } from "./mrkdwn.js";
import { createSlackPlatform } from "./slack-platform.js";
import { createSlackWebClient, slackClientOptions } from "./web-client.js";

export interface SlackAdapterOptions {
  mode: SlackMode;
  /** The one HTTP server's app; the receiver mounts POST /slack/events on it (HTTP mode). */
  expressApp: Express;
  prepare: (inbound: Inbound) => Plan;
  logger: Logger;
  /** How start-up retries auth.test while Slack is unreachable; tests shorten it. */
  identity?: Omit<SlackIdentityOptions, "logger">;
}

export interface SlackAdapter {
  app: App;
  /** The bot's identity, from the one auth.test call made at start-up. */
  identity: SlackIdentity;
  platform: ChatPlatform;
  /** Socket Mode connects here; HTTP mode is served by the shared server. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export const SLACK_EVENTS_PATH = "/slack/events";

/**
 * Bolt, wired so that every request is verified by Bolt's own receiver (signature and 5-minute window), acked
 * before any slow work, and turned into a neutral Inbound. What to ack with is decided without I/O by the
 * dispatcher; the rest of the work runs after the HTTP response has gone.
 *
 * The bot token is checked first, with one auth.test of our own (fetchSlackIdentity): a refused token or an
 * unreachable Slack rejects here, with a message naming the fix, before anything is mounted or served. Bolt is
 * then given the identity (`botId`, `botUserId`), so it never calls auth.test itself, neither at construction
 * (where a failure used to be an unhandled rejection that killed the process) nor per request.
 */
export async function createSlackAdapter(options: SlackAdapterOptions): Promise<SlackAdapter> {
  const { mode, prepare, logger } = options;
  const identity = await fetchSlackIdentity(createSlackWebClient(mode.botToken, mode.apiUrl), {
    ...options.identity,
    logger,
  });
  // No sleeping on 429 and no hidden retries: the outbox queue retries, honouring Retry-After (web-client.ts).
  // A fresh options object per App, because Bolt writes its logger into it.
  const clientOptions = slackClientOptions(mode.apiUrl);
  const boltLogLevel = LogLevel.WARN;
  const app =
    mode.kind === "http"
      ? new App({
          token: mode.botToken,
          botId: identity.botId,
          botUserId: identity.userId,
          receiver: new ExpressReceiver({
            signingSecret: mode.signingSecret,
            app: options.expressApp,
            endpoints: SLACK_EVENTS_PATH,
            processBeforeResponse: false,
            logLevel: boltLogLevel,
          }),
          clientOptions,
          logLevel: boltLogLevel,
        })
      : new App({
          token: mode.botToken,
          botId: identity.botId,
          botUserId: identity.userId,
          appToken: mode.appToken,
          socketMode: true,
          clientOptions,
          logLevel: boltLogLevel,
        });
  const platform = createSlackPlatform(app.client, identity, logger);

  /** Where Slack's ack cannot carry the answer (events, clicks), it follows as an ephemeral message. */
  const answerLater = (inbound: Inbound) => answerThenRunSafely(platform, inbound, prepare(inbound), logger);

  app.command(/.*/, async ({ command, ack }) => {
    const plan = prepare({
      platform: "slack",
      actor: command.user_id,
      conversationId: command.channel_id,
      deliveryId: `command-${command.trigger_id}`,
      triggerId: command.trigger_id,
      responseUrl: command.response_url,
      body: { kind: "command", text: fromSlackText(command.text ?? "") },
    });
    await ack(plan.ack ? { response_type: "ephemeral", ...toBlockKit(plan.ack) } : undefined);
    await runSafely(logger, () => plan.run());
  });

  app.event("app_mention", async ({ event }) => {
    // Keyed on the message, not the event id: Slack has re-sent one message under a new event id.
    const text = fromSlackText(event.text.replace(/^\s*<@[A-Z0-9]+(\|[^>]*)?>\s*/, ""));
    const inbound: Inbound = {
      platform: "slack",
      actor: event.user ?? "",
      conversationId: event.channel,
      deliveryId: `mention-${event.channel}-${event.ts}`,
      body: { kind: "mention", text },
    };
    await answerLater(inbound);
  });

  app.event("reaction_added", async ({ event, body }) => {
    // Reactions on files and file comments have no message to read back.
    if (event.item.type !== "message") return;
    // Bolt drops the bot's own events already; kept explicit because a reaction the bot adds must never
    // turn into work for the bot.
    if (event.user === identity.userId) return;
    await answerLater({
      platform: "slack",
      actor: event.user,
      conversationId: event.item.channel,
      // Slack retries an event under the same event id, so a redelivery is dropped by the dispatcher.
      deliveryId: `reaction-${body.event_id}`,
      body: { kind: "reaction", reaction: event.reaction, messageId: event.item.ts },
    });
  });

  app.action<BlockAction>(/.*/, async ({ body, action, ack }) => {
    await ack();
    const a = action as { action_id: string; value?: string };
    await answerLater({
      platform: "slack",
      actor: body.user.id,
      conversationId: body.channel?.id ?? body.container?.channel_id ?? "",
      deliveryId: `action-${body.trigger_id}-${a.action_id}`,
      triggerId: body.trigger_id,
      responseUrl: body.response_url,
      body: {
        kind: "action",
        actionId: baseActionId(a.action_id),
        value: a.value,
        messageId: body.message?.ts,
      },
    });
  });

  app.view(/.*/, async ({ body, view, ack }) => {
    // openForm put the conversation the form was opened from next to the form's own state (block-kit.ts).
    const { conversationId, state } = decodeFormMetadata(view.private_metadata);
    const plan = prepare({
      platform: "slack",
      actor: body.user.id,
      conversationId,
      deliveryId: `form-${view.id}-${view.hash}`,
      body: {
        kind: "form",
        callbackId: view.callback_id,
        values: modalValues(view.state as Parameters<typeof modalValues>[0]),
        state,
      },
    });
    if (plan.formErrors) {
      await ack({ response_action: "errors", errors: plan.formErrors });
      return;
    }
    await ack();
    await runSafely(logger, () => plan.run());
  });

  app.error(async (err) => {
    logger.error({ err: err.message, code: (err as { code?: string }).code }, "Slack adapter error");
  });

  return {
    app,
    identity,
    platform,
    async start() {
      if (mode.kind === "socket") await app.start();
    },
    async stop() {
      if (mode.kind === "socket") await app.stop();
    },
  };
}
