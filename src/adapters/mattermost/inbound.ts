/**
 * What Mattermost sends the bot over HTTP: the slash command, button clicks and dialog submissions, each turned
 * into a neutral Inbound, acknowledged in the HTTP response, and then carried out after the response has gone.
 *
 * Mattermost signs none of these requests. The slash command carries its token (checked against every
 * configured one in constant time); buttons and dialogs carry our own HMAC, put in their context and state when
 * they were rendered (signed-context.ts), so a forged or altered click reaches nothing.
 *
 * Answers:
 * - command: 401 `{error}` for a wrong or missing token; 400 `{error}` for an unreadable body or missing fields;
 *   200 with a CommandResponse (the ack, shown only to the person) or `{}`.
 * - actions: 200 `{ephemeral_text}` (the ack, or why the click was refused) or `{}`; 400 for an unreadable body.
 *   The text is our Markdown already, so `skip_slack_parsing` keeps Mattermost from rewriting it as Slack markup.
 *   A refusal is a 200 on purpose: Mattermost shows any other status to the clicker as a bare error, while
 *   `ephemeral_text` tells them what to do.
 * - dialogs: 200 `{}` (closes the dialog), `{errors}` (keeps it open, next to the fields) or `{error}` (a refusal
 *   shown in the dialog); 400 for an unreadable body. A dialog is accepted only from the person it was opened
 *   for, within DIALOG_STATE_TTL_MS of its opening.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import express, { type Request, type RequestHandler, type Response, Router } from "express";
import { answerThenRunSafely, type Plan, runSafely } from "../../../handlers/context.js";
import type { Message } from "../../core/message.js";
import type { ChatPlatform, Inbound, Logger } from "../../core/ports.js";
import { dialogValues } from "./dialog.js";
import type { Directory } from "./directory.js";
import { fromMattermostCommandText } from "./markdown.js";
import { channelIdsIn, type RenderContext, toCommandResponse, toMattermostPost } from "./post-render.js";
import {
  isRecord,
  type VerifiedDialogState,
  verifyActionContext,
  verifyDialogState,
} from "./signed-context.js";

export const MATTERMOST_PATHS = {
  command: "/mattermost/command",
  actions: "/mattermost/actions",
  dialogs: "/mattermost/dialogs",
} as const;

export interface MattermostRouterOptions {
  /** The slash commands' tokens; a command carrying any of them is accepted. */
  commandTokens: string[];
  /** Key of the HMAC in buttons' context and dialogs' state. */
  secret: string;
  prepare: (inbound: Inbound) => Plan;
  platform: ChatPlatform;
  directory: Directory;
  /** How acks are rendered (read per request: the public URL may be known only once the server listens). */
  renderContext: () => RenderContext;
  logger: Logger;
}

/** Commands, clicks and submissions are small; anything bigger is not from Mattermost. */
const BODY_LIMIT = "256kb";

export const REFUSED_BUTTON =
  "This button could not be verified; it may be from an old message. Run the command again.";
export const REFUSED_FORM = "This form could not be verified. Run the command again.";
/**
 * How long a dialog can be submitted after it was opened. Mattermost keeps a dialog open as long as the person
 * leaves it; a day covers any real use, and a state copied from somewhere is useless after it.
 */
export const DIALOG_STATE_TTL_MS = 24 * 3600 * 1000;
const FAILED = "Something went wrong on Firebreak's side; the details are in its log. Try again in a moment.";

type Fields = Record<string, unknown>;

export function createMattermostRouter(options: MattermostRouterOptions): Router {
  const { prepare, platform, directory, secret, logger } = options;
  const router = Router();
  const tokenDigests = options.commandTokens.map(digest);
  const form = express.urlencoded({ extended: false, limit: BODY_LIMIT });
  const json = express.json({ limit: BODY_LIMIT });

  /** `prepare` is pure and should never throw; if it does, the person hears of it and the log has why. */
  const planFor = (inbound: Inbound): Plan | null => {
    try {
      return prepare(inbound);
    } catch (err) {
      logger.error({ err: String(err), kind: inbound.body.kind }, "mattermost: preparing an inbound failed");
      return null;
    }
  };

  /** Looks up the names of the channels a message links to, so they render as `~name`; a failure only logs. */
  const learnChannels = async (message: Message) => {
    const ids = channelIdsIn(message);
    if (ids.length === 0) return;
    await directory.learnChannelNames(ids).catch((err: unknown) => {
      logger.warn({ err: String(err) }, "mattermost: could not look channel names up; showing ids");
    });
  };

  /**
   * Acks the dispatcher reuses (it renders the help text once per process) are rendered once here too, while
   * the address buttons post back to stays the same. An ack that links channels is rendered each time: the
   * channels' names may have been learnt since.
   */
  const rendered = new WeakMap<Message, { actionsUrl: string; body: Record<string, unknown> }>();
  const commandResponse = (ack: Message): Record<string, unknown> => {
    const context = options.renderContext();
    const hit = rendered.get(ack);
    if (hit && hit.actionsUrl === context.actionsUrl) return hit.body;
    const body = toCommandResponse(ack, context);
    if (channelIdsIn(ack).length === 0) rendered.set(ack, { actionsUrl: context.actionsUrl, body });
    return body;
  };

  router.post(
    MATTERMOST_PATHS.command,
    guarded(logger, async (req, res) => {
      const body = await readBody(req, res, [form, json]);
      if (!body) return;
      if (!tokenMatchesAny(tokenDigests, commandToken(req, body))) {
        logger.warn({ ip: req.ip }, "mattermost: slash command with a wrong or missing token refused");
        sendJson(res, 401, {
          error: "The slash command's token is missing or unknown (see MATTERMOST_COMMAND_TOKENS).",
        });
        return;
      }
      const actor = text(body, "user_name");
      const channelId = text(body, "channel_id");
      const triggerId = text(body, "trigger_id");
      if (!actor || !channelId || !triggerId) {
        sendJson(res, 400, { error: "A slash command needs user_name, channel_id and trigger_id." });
        return;
      }
      const userId = text(body, "user_id");
      if (userId) directory.remember({ id: userId, username: actor });
      const mentioned = commandMentions(body);
      for (const person of mentioned)
        if (person.id) directory.remember({ id: person.id, username: person.username });
      const people = new Set(mentioned.map((person) => person.username));
      const inbound: Inbound = {
        platform: "mattermost",
        actor,
        conversationId: channelId,
        deliveryId: `command-${triggerId}`,
        triggerId,
        responseUrl: text(body, "response_url"),
        // Mattermost sends the trigger word in `command`; `text` is only what follows it. Only the names it
        // found to be people become mentions: `@nobody` stays what was typed.
        body: {
          kind: "command",
          text: fromMattermostCommandText(text(body, "text") ?? "", (name) => people.has(name)),
        },
      };
      const plan = planFor(inbound);
      if (!plan) {
        sendJson(res, 200, { response_type: "ephemeral", text: FAILED });
        return;
      }
      if (plan.ack) {
        await learnChannels(plan.ack);
        sendJson(res, 200, commandResponse(plan.ack));
      } else {
        // An empty object is an empty ephemeral response, which Mattermost does not show at all.
        sendJson(res, 200, {});
      }
      void runSafely(logger, () => plan.run());
    }),
  );

  /**
   * Who clicked. Neither `user_id` nor `user_name` is signed (only the context is), so neither is proof; the
   * directory's name for `user_id` is preferred because it is what Mattermost itself says that id is called,
   * and it keeps the actor the same as a dialog submission's (named only by id). `user_name` stands in only
   * when the directory cannot answer now: it grants a forger nothing `user_id` would not, and a click is not
   * lost to a lookup that failed. A click without `user_id` is not Mattermost's and has no clicker. Nothing
   * from the request is remembered: an unsigned pair of id and name must never teach the directory who someone
   * is.
   */
  const clicker = async (userId: string | undefined, userName: string | undefined) => {
    if (!userId) return null;
    try {
      return await directory.usernameOf(userId);
    } catch (err) {
      logger.warn({ err: String(err), userId }, "mattermost: could not look the clicker up; using user_name");
      return userName ?? null;
    }
  };

  router.post(
    MATTERMOST_PATHS.actions,
    guarded(logger, async (req, res) => {
      const body = await readBody(req, res, [json]);
      if (!body) return;
      const verified = verifyActionContext(secret, body.context);
      if (!verified) {
        logger.warn(
          { userId: text(body, "user_id"), postId: text(body, "post_id") },
          "mattermost: a button click with an unverifiable context was refused",
        );
        sendJson(res, 200, ephemeralText(REFUSED_BUTTON));
        return;
      }
      const channelId = text(body, "channel_id");
      const triggerId = text(body, "trigger_id");
      const userId = text(body, "user_id");
      if (!channelId || !triggerId) {
        sendJson(res, 400, { error: "A button click needs channel_id and trigger_id." });
        return;
      }
      const actor = await clicker(userId, text(body, "user_name"));
      if (!actor) {
        sendJson(res, 200, ephemeralText(REFUSED_BUTTON));
        return;
      }
      const inbound: Inbound = {
        platform: "mattermost",
        actor,
        conversationId: channelId,
        // Every click gets a trigger id of its own; a redelivery of one click carries the same.
        deliveryId: `action-${triggerId}`,
        triggerId,
        body: {
          kind: "action",
          actionId: verified.actionId,
          value: verified.value,
          messageId: text(body, "post_id"),
        },
      };
      const plan = planFor(inbound);
      if (!plan) {
        sendJson(res, 200, ephemeralText(FAILED));
        return;
      }
      const ack = plan.ack;
      if (!ack) {
        sendJson(res, 200, {});
        void runSafely(logger, () => plan.run());
        return;
      }
      await learnChannels(ack);
      const rendered = toMattermostPost(ack, options.renderContext());
      if (rendered.props.attachments !== undefined) {
        // `ephemeral_text` is text only; an answer with buttons follows as an ephemeral post of its own.
        sendJson(res, 200, {});
        void answerThenRunSafely(platform, inbound, plan, logger);
        return;
      }
      sendJson(res, 200, ephemeralText(rendered.message));
      void runSafely(logger, () => plan.run());
    }),
  );

  router.post(
    MATTERMOST_PATHS.dialogs,
    guarded(logger, async (req, res) => {
      const body = await readBody(req, res, [json]);
      if (!body) return;
      // Dialogs are opened without notify_on_cancel; should one still report a cancel, there is nothing to do.
      if (body.cancelled === true) {
        sendJson(res, 200, {});
        return;
      }
      const callbackId = text(body, "callback_id") ?? "";
      const verified = verifyDialogState(secret, body.state, callbackId);
      const userId = text(body, "user_id");
      const actor = verified && userId ? await directory.usernameOf(userId) : null;
      const refusal = dialogRefusal(verified, actor, Date.now());
      if (refusal || !verified || !actor) {
        logger.warn(
          { userId, callbackId, reason: refusal },
          "mattermost: a dialog submission that could not be verified was refused",
        );
        sendJson(res, 200, { error: REFUSED_FORM });
        return;
      }
      const submission = isRecord(body.submission) ? body.submission : {};
      const inbound: Inbound = {
        platform: "mattermost",
        actor,
        // The conversation the dialog was opened from travels signed in its state.
        conversationId: verified.conversationId || (text(body, "channel_id") ?? ""),
        // Each opening of a dialog is one delivery: a second Submit of it (a double click, a replay) is dropped,
        // while the same values sent from another opening are new. Form errors are answered before anything
        // is claimed, so a corrected submission of the same opening still goes through.
        deliveryId: `form-${verified.nonce}`,
        body: {
          kind: "form",
          callbackId: verified.callbackId,
          values: dialogValues(undefined, submission),
          state: verified.state,
        },
      };
      const plan = planFor(inbound);
      if (!plan) {
        sendJson(res, 200, { error: FAILED });
        return;
      }
      if (plan.formErrors) {
        sendJson(res, 200, { errors: plan.formErrors });
        return;
      }
      sendJson(res, 200, {});
      // A submission's answer cannot ride on the response (it only closes the dialog): it follows as an
      // ephemeral reply.
      void answerThenRunSafely(platform, inbound, plan, logger);
    }),
  );

  return router;
}

/** Why a dialog submission is refused (for the log), or undefined when it is the person's own, and recent. */
function dialogRefusal(
  verified: VerifiedDialogState | null,
  actor: string | null,
  now: number,
): string | undefined {
  if (!verified) return "its state is not one this bot signed for this form";
  if (!actor) return "its user_id names nobody";
  if (actor.toLowerCase() !== verified.user.toLowerCase()) return "it was opened for someone else";
  if (now - verified.issuedAt > DIALOG_STATE_TTL_MS) return "it was opened too long ago";
  return undefined;
}

/**
 * A click's answer shown only to the clicker. Without `skip_slack_parsing`, Mattermost would first rewrite the
 * text as Slack markup (`<url|label>` into links, and so on), changing Markdown that is already final.
 */
function ephemeralText(markdown: string): Record<string, unknown> {
  return { ephemeral_text: markdown, skip_slack_parsing: true };
}

/**
 * The people Mattermost found named in a slash command's text: `user_mentions` with `user_mentions_ids` in the
 * same order (model/mention_map.go), only existing members of the team. A form sends each as a repeated key
 * (one value arrives as a string, several as a list); a comma-separated string is read as a list too.
 */
export function commandMentions(body: Record<string, unknown>): Array<{ username: string; id?: string }> {
  const names = listField(body.user_mentions).map((name) => name.replace(/^@/, "").toLowerCase());
  const ids = listField(body.user_mentions_ids);
  // Ids are only worth remembering when they pair up with the names one to one.
  const paired = ids.length === names.length;
  return names.map((username, i) => (paired ? { username, id: ids[i] } : { username }));
}

function listField(value: unknown): string[] {
  const values = Array.isArray(value) ? value : [value];
  return values
    .filter((v): v is string => typeof v === "string")
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter((v) => v !== "");
}

/**
 * Runs a handler so that nothing escapes to Express's default error page (which shows a stack trace): an
 * unexpected failure is logged and answered with a plain JSON error.
 */
function guarded(logger: Logger, handle: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return async (req, res) => {
    try {
      await handle(req, res);
    } catch (err) {
      logger.error({ err: String(err), path: req.path }, "mattermost: a request failed");
      if (!res.headersSent) sendJson(res, 500, { error: FAILED });
    }
  };
}

/**
 * The body as an object, parsed by the first parser whose content type matches; null once a 400 was sent.
 * Parsers run here rather than on the app, because other routes (Slack's) need the raw bytes.
 */
async function readBody(req: Request, res: Response, parsers: RequestHandler[]): Promise<Fields | null> {
  try {
    for (const parse of parsers) {
      await new Promise<void>((resolve, reject) =>
        parse(req, res, (err?: unknown) => (err ? reject(err) : resolve())),
      );
    }
  } catch (err) {
    const type = (err as { type?: string }).type;
    sendJson(res, 400, {
      error:
        type === "entity.too.large"
          ? `The body is larger than ${BODY_LIMIT}.`
          : "The body could not be read: it is not valid JSON or form data.",
    });
    return null;
  }
  if (!isRecord(req.body)) {
    const expected = parsers.length > 1 ? "form data or a JSON object" : "a JSON object";
    sendJson(res, 400, { error: `The body must be ${expected}.` });
    return null;
  }
  return req.body;
}

/** Mattermost sends the command's token both as `Authorization: Token <t>` and in the `token` field. */
function commandToken(req: Request, body: Fields): string | undefined {
  const header = /^token\s+(\S+)\s*$/i.exec(req.get("authorization") ?? "");
  return header?.[1] ?? text(body, "token");
}

function digest(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}

/**
 * Whether `given` is one of the configured tokens. Digests make every comparison the same length (the token's
 * length never leaks) and every configured token is compared, so the time taken tells nothing about which one
 * came close.
 */
function tokenMatchesAny(configured: Buffer[], given: string | undefined): boolean {
  const candidate = digest(given ?? "");
  let matched = false;
  for (const expected of configured) {
    // The comparison comes first, so it runs for every token even after a match.
    matched = timingSafeEqual(expected, candidate) || matched;
  }
  return matched && given !== undefined && given !== "";
}

function text(body: Fields, key: string): string | undefined {
  const value = body[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** JSON with exactly `Content-Type: application/json` (Express's `res.json` and `res.set` add a charset). */
function sendJson(res: Response, status: number, body: unknown): void {
  res.status(status).setHeader("Content-Type", "application/json");
  res.send(Buffer.from(JSON.stringify(body)));
}
