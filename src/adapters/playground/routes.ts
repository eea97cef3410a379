import { randomBytes, randomUUID } from "node:crypto";
import express, { type Request, type Response } from "express";
import { findUp } from "../../core/find-up.js";
import { escapeMarkup } from "../../core/markup.js";
import { type Message, textMessage } from "../../core/message.js";
import type { ChatPlatform, Inbound, Logger } from "../../core/ports.js";
import { parseComposer, typedTextToMarkup } from "./composer.js";
import { issueTrigger } from "./platform.js";
import {
  type PlaygroundChannel,
  type PlaygroundMessage,
  type PlaygroundState,
  SYSTEM_AUTHOR,
} from "./state.js";
import { channelView, formView, messageView, type ViewContext } from "./views.js";

/** What the core may answer to an inbound: nothing, or reasons a submitted form was refused, by field. */
// biome-ignore lint/suspicious/noConfusingVoidType: the core's handlers mostly return nothing at all.
export type InboundResult = void | { formErrors?: Record<string, string> };

/**
 * Routes of the playground, mounted at `/` by the app's one HTTP server:
 *
 *   GET  /                                   the page
 *   GET  /playground/{app.js,style.css}      its assets (no build step, no CDN)
 *   GET  /playground/api/people              demo people and the bot's id
 *   GET  /playground/api/state?as=<id>       everything <id> sees, as JSON
 *   GET  /playground/api/events?as=<id>      the same as a snapshot, then live changes (Server-Sent Events)
 *   POST /playground/api/messages            { as, channelId, text }: the composer
 *   POST /playground/api/actions             { as, messageId, actionId }: a button click
 *   POST /playground/api/reactions           { as, messageId, reaction }: an emoji reaction added to a message
 *   POST /playground/api/forms/:id           { as, values }: a form submission
 *   POST /playground/api/forms/:id/cancel    { as }: the form was closed
 *
 * There is no login: whoever reaches the page may act as any demo person, which is the point of a playground
 * and why it only runs when no platform credentials are configured. The API accepts only JSON bodies, so a
 * cross-site page cannot post to it without a CORS preflight, which this router never grants.
 */

export interface RouterDeps {
  state: PlaygroundState;
  platform: ChatPlatform;
  botUserId: string;
  people: Map<string, { id: string; name: string }>;
  /** A demo person or the bot. */
  isKnownUser(id: string): boolean;
  ctx: ViewContext;
  onInbound: (inbound: Inbound) => Promise<InboundResult>;
  logger: Logger;
}

/** Slack's emoji names: lowercase letters, digits, `_`, `-`, `+` and `'` (e.g. "pushpin", "+1"). */
const EMOJI_NAME = /^[a-z0-9_+'-]{1,100}$/;

/** Slack's limit for slash-command text is far lower; this only keeps one request from being absurd. */
const MAX_TEXT_LENGTH = 4000;
const HEARTBEAT_MS = 15_000;

const PUBLIC_DIR = findUp(import.meta.url, "src/adapters/playground/public");

// The page never needs anything from elsewhere; `data:` is only for the empty favicon.
const PAGE_CSP = [
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self'",
  "script-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function stringField(body: unknown, key: string): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const value = (body as Record<string, unknown>)[key];
  return typeof value === "string" ? value : undefined;
}

export function createPlaygroundRouter(deps: RouterDeps): { router: express.Router; closeStreams(): void } {
  const { state, platform, botUserId, people, isKnownUser, ctx, logger } = deps;
  const router = express.Router();
  /** Live event streams and how to detach each from the state. */
  const streams = new Map<Response, () => void>();
  // Only the API parses bodies: this router sits at `/`, in front of routes (Slack's) that need the raw bytes.
  const json = express.json({ limit: "64kb" });

  const actorFrom = (value: unknown): string => {
    if (typeof value !== "string" || !people.has(value)) {
      throw new HttpError(400, "unknown_person", "`as` must be the id of a demo person.");
    }
    return value;
  };

  const visibleChannel = (actor: string, channelId: string | undefined): PlaygroundChannel => {
    const channel = channelId === undefined ? undefined : state.channels.get(channelId);
    if (!channel || !state.canSeeChannel(actor, channel)) {
      throw new HttpError(404, "channel_not_found", "No such channel.");
    }
    return channel;
  };

  const addLocalMessage = (
    channel: PlaygroundChannel,
    author: string,
    message: Message,
    extra: Partial<PlaygroundMessage> = {},
  ) => {
    state.postMessage(channel.id, author, message, new Date(), extra);
  };

  /** Hands an Inbound to the core. Its failure is logged and shown as an error id, never thrown at the page. */
  const deliver = async (inbound: Inbound): Promise<InboundResult | false> => {
    try {
      return (await deps.onInbound(inbound)) ?? {};
    } catch (err) {
      const errorId = randomBytes(4).toString("hex");
      logger.error(
        { err, errorId, deliveryId: inbound.deliveryId, actor: inbound.actor, kind: inbound.body.kind },
        "playground: handling an inbound failed",
      );
      try {
        await platform.replyEphemeral(
          { userId: inbound.actor, conversationId: inbound.conversationId },
          textMessage(
            `Something went wrong on our side (error id \`${errorId}\`). The details are in the bot's log.`,
          ),
        );
      } catch (replyErr) {
        logger.error({ err: replyErr, errorId }, "playground: could not show the error to the person");
      }
      return false;
    }
  };

  const inbound = (
    actor: string,
    conversationId: string,
    body: Inbound["body"],
    withTrigger: boolean,
  ): Inbound => {
    const result: Inbound = { platform: "playground", actor, conversationId, deliveryId: randomUUID(), body };
    if (withTrigger) result.triggerId = issueTrigger(state, actor, conversationId, Date.now());
    return result;
  };

  const snapshot = (actor: string) => {
    const channels = [...state.channels.values()].filter((c) => state.canSeeChannel(actor, c));
    return {
      me: actor,
      botUserId,
      people: [...people.values()],
      channels: channels.map((c) => channelView(c, actor, ctx)),
      messages: channels.flatMap((c) => state.messagesIn(c.id, actor).map((m) => messageView(m, ctx))),
    };
  };

  /** Wraps a handler so HttpErrors become JSON answers and nothing else escapes as an unhandled rejection. */
  const handle =
    (fn: (req: Request, res: Response) => Promise<void> | void) =>
    async (req: Request, res: Response): Promise<void> => {
      try {
        await fn(req, res);
      } catch (err) {
        if (err instanceof HttpError) {
          res.status(err.status).json({ ok: false, error: err.code, message: err.message });
          return;
        }
        logger.error({ err }, "playground: request failed");
        if (!res.headersSent) res.status(500).json({ ok: false, error: "internal" });
      }
    };

  router.get("/", (_req, res) => {
    res.set("Content-Security-Policy", PAGE_CSP);
    res.set("Cache-Control", "no-cache");
    res.sendFile("index.html", { root: PUBLIC_DIR });
  });

  router.get(
    "/playground/api/people",
    handle((_req, res) => {
      res.json({ botUserId, people: [...people.values()] });
    }),
  );

  router.get(
    "/playground/api/state",
    handle((req, res) => {
      res.json(snapshot(actorFrom(req.query.as)));
    }),
  );

  router.get(
    "/playground/api/events",
    handle((req, res) => {
      const actor = actorFrom(req.query.as);
      res.writeHead(200, {
        "Content-Type": "text/event-stream; charset=utf-8",
        "Cache-Control": "no-cache, no-transform",
        Connection: "keep-alive",
        // Tells nginx-style proxies not to buffer the stream.
        "X-Accel-Buffering": "no",
      });
      const write = (chunk: string) => {
        if (!res.writableEnded && !res.destroyed) res.write(chunk);
      };
      const send = (event: string, data: unknown) =>
        write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      // A reconnecting page gets a fresh snapshot, so it never needs Last-Event-ID bookkeeping.
      write("retry: 2000\n\n");
      const unsubscribe = state.subscribe((event) => {
        switch (event.type) {
          case "channel":
            if (state.canSeeChannel(actor, event.channel)) {
              send("channel", channelView(event.channel, actor, ctx));
            }
            break;
          case "message":
            if (state.canSeeMessage(actor, event.message)) send("message", messageView(event.message, ctx));
            break;
          case "form":
            if (event.form.userId === actor) send("form", formView(event.form));
            break;
        }
      });
      send("snapshot", snapshot(actor));
      // Comments keep idle proxies and browsers from timing the stream out.
      const heartbeat = setInterval(() => write(": ping\n\n"), HEARTBEAT_MS);
      heartbeat.unref();
      const detach = () => {
        clearInterval(heartbeat);
        unsubscribe();
        streams.delete(res);
      };
      streams.set(res, detach);
      res.on("close", detach);
      // A browser that vanished mid-write must cost one stream, never the process (an unhandled 'error').
      res.on("error", detach);
    }),
  );

  router.post(
    "/playground/api/messages",
    json,
    handle(async (req, res) => {
      const actor = actorFrom(stringField(req.body, "as"));
      const channel = visibleChannel(actor, stringField(req.body, "channelId"));
      const raw = (stringField(req.body, "text") ?? "").trim();
      if (raw === "") throw new HttpError(400, "empty", "Type something first.");
      if (raw.length > MAX_TEXT_LENGTH) {
        throw new HttpError(400, "too_long", `Keep it under ${MAX_TEXT_LENGTH} characters.`);
      }
      const parsed = parseComposer(raw, { botUserId, isKnownUser });
      switch (parsed.kind) {
        case "unknown_command": {
          addLocalMessage(
            channel,
            SYSTEM_AUTHOR,
            textMessage(`${escapeMarkup(parsed.command)} is not a command here. Try \`/incident help\`.`),
            { visibleTo: actor },
          );
          res.json({ ok: false, error: "unknown_command" });
          return;
        }
        case "command": {
          // Slack shows nobody the command itself; echoing it to its author keeps the reply in context.
          addLocalMessage(channel, actor, textMessage(escapeMarkup(raw)), { visibleTo: actor, echo: true });
          const event = inbound(actor, channel.id, { kind: "command", text: parsed.text }, true);
          const ok = (await deliver(event)) !== false;
          res.json({ ok, deliveryId: event.deliveryId });
          return;
        }
        default: {
          if (channel.kind === "channel" && !channel.members.has(actor)) {
            // Posting in a public channel joins it, as in Slack.
            channel.members.add(actor);
            state.touchChannel(channel);
          }
          addLocalMessage(channel, actor, textMessage(typedTextToMarkup(raw, isKnownUser)));
          if (parsed.kind === "message") {
            res.json({ ok: true });
            return;
          }
          // Slack gives app mentions no trigger id, so neither does the playground.
          const event = inbound(actor, channel.id, { kind: "mention", text: parsed.text }, false);
          const ok = (await deliver(event)) !== false;
          res.json({ ok, deliveryId: event.deliveryId });
        }
      }
    }),
  );

  router.post(
    "/playground/api/actions",
    json,
    handle(async (req, res) => {
      const actor = actorFrom(stringField(req.body, "as"));
      const messageId = stringField(req.body, "messageId");
      const actionId = stringField(req.body, "actionId");
      const value = stringField(req.body, "value");
      const stored = messageId === undefined ? undefined : state.messages.get(messageId);
      if (!stored || !state.canSeeMessage(actor, stored)) {
        throw new HttpError(404, "message_not_found", "That message is gone.");
      }
      // Only buttons the message really has can be clicked, and the value comes from the message, not the page.
      const button = stored.message.blocks
        .flatMap((b) => (b.type === "actions" ? b.buttons : []))
        .find((b) => b.actionId === actionId && (value === undefined || b.value === value));
      if (!button) throw new HttpError(404, "button_not_found", "That button is no longer there.");
      const body: Inbound["body"] = { kind: "action", actionId: button.actionId, messageId: stored.id };
      if (button.value !== undefined) body.value = button.value;
      const event = inbound(actor, stored.channelId, body, true);
      const ok = (await deliver(event)) !== false;
      res.json({ ok, deliveryId: event.deliveryId });
    }),
  );

  router.post(
    "/playground/api/reactions",
    json,
    handle(async (req, res) => {
      const actor = actorFrom(stringField(req.body, "as"));
      const messageId = stringField(req.body, "messageId");
      const reaction = stringField(req.body, "reaction") ?? "";
      if (!EMOJI_NAME.test(reaction)) {
        throw new HttpError(
          400,
          "invalid_name",
          "`reaction` must be an emoji name without colons, e.g. pushpin.",
        );
      }
      const stored = messageId === undefined ? undefined : state.messages.get(messageId);
      // Slack has no reactions on ephemeral messages (the playground's own notes are ephemeral too).
      if (!stored || !state.canSeeMessage(actor, stored) || stored.visibleTo !== undefined) {
        throw new HttpError(404, "message_not_found", "That message is gone.");
      }
      // Reacting twice with the same emoji adds nothing, and Slack sends no second event for it.
      if (!state.addReaction(stored, reaction, actor)) {
        res.json({ ok: true, already: true });
        return;
      }
      // Slack's reaction_added carries no trigger id, so neither does this.
      const event = inbound(
        actor,
        stored.channelId,
        { kind: "reaction", reaction, messageId: stored.id },
        false,
      );
      const ok = (await deliver(event)) !== false;
      res.json({ ok, deliveryId: event.deliveryId });
    }),
  );

  const pendingForm = (req: Request, actor: string) => {
    const form = state.forms.get(String(req.params.id));
    if (!form || form.userId !== actor)
      throw new HttpError(404, "form_not_found", "That form is no longer open.");
    return form;
  };

  router.post(
    "/playground/api/forms/:id",
    json,
    handle(async (req, res) => {
      const actor = actorFrom(stringField(req.body, "as"));
      const pending = pendingForm(req, actor);
      const given =
        typeof req.body.values === "object" && req.body.values !== null
          ? (req.body.values as Record<string, unknown>)
          : {};
      const values: Record<string, string> = {};
      const errors: Record<string, string> = {};
      for (const field of pending.form.fields) {
        const raw = given[field.id];
        const value = typeof raw === "string" ? raw.trim() : "";
        if (value === "") {
          if (!field.optional) errors[field.id] = "Please fill this in.";
          // Empty optional fields are left out, as Slack reports them as null.
          continue;
        }
        if (field.maxLength !== undefined && value.length > field.maxLength) {
          errors[field.id] = `At most ${field.maxLength} characters.`;
        } else if (field.kind === "select" && !(field.options ?? []).some((o) => o.value === value)) {
          errors[field.id] = "Pick one of the options.";
        } else {
          values[field.id] = value;
        }
      }
      if (Object.keys(errors).length > 0) {
        // A 200 with the errors, like Slack's `response_action: "errors"`: a person's typo is not a failed request.
        res.json({ ok: false, error: "invalid", errors });
        return;
      }
      const body: Inbound["body"] = { kind: "form", callbackId: pending.form.callbackId, values };
      if (pending.form.state !== undefined) body.state = pending.form.state;
      // Slack's view_submission carries a trigger id too, so a handler can open a follow-up form.
      const event = inbound(actor, pending.conversationId, body, true);
      const result = await deliver(event);
      const refused = result ? result.formErrors : undefined;
      if (refused && Object.keys(refused).length > 0) {
        // The core rejected a value: the form stays open with the reasons, as Slack's response_action does.
        res.json({ ok: false, error: "invalid", errors: refused });
        return;
      }
      state.forms.delete(pending.id);
      res.json({ ok: result !== false, deliveryId: event.deliveryId });
    }),
  );

  router.post(
    "/playground/api/forms/:id/cancel",
    json,
    handle((req, res) => {
      const actor = actorFrom(stringField(req.body, "as"));
      state.forms.delete(pendingForm(req, actor).id);
      res.status(204).end();
    }),
  );

  router.use(
    "/playground",
    express.static(PUBLIC_DIR, {
      index: false,
      setHeaders: (res) => res.setHeader("Content-Security-Policy", PAGE_CSP),
    }),
  );

  // Open streams never end by themselves, so server.close() would wait for every browser tab to go away.
  const closeStreams = () => {
    for (const [res, detach] of streams) {
      detach();
      res.end();
    }
  };
  return { router, closeStreams };
}
