// POST /hooks/commands/{id}: a slash command's response URL (web/webhook.go, app/webhook.go). Valid 30 minutes
// (CommandWebhookLifetime) and 5 uses (TryUse); the body is a CommandResponse, JSON when the Content-Type says so.
// Success answers `ok` as text/plain; failures wrap the app's error under `web.command_webhook.general.app_error`
// with its status.

import { applyCommandResponse, parseCommandResponse } from "./command-response.js";
import { newId } from "./ids.js";
import { AppError, appErrorBody } from "./records.js";
import type { Publisher } from "./rest.js";

export const RESPONSE_URL_TTL_MS = 30 * 60_000;
export const RESPONSE_URL_MAX_USES = 5;

export interface HookAnswer {
  status: number;
  /** A string is sent as text/plain, anything else as JSON. */
  answer: unknown;
  /** The body as understood (the parsed CommandResponse, or the raw text when it could not be). */
  body: unknown;
  /** The app error behind a failure, to be recorded as a violation. */
  failure?: { id: string; rule: string; message: string };
}

export function serveCommandHook(p: Publisher, id: string, contentType: string, raw: string): HookAnswer {
  const { world } = p;
  const hook = world.hooks.get(id);
  let body: unknown = raw;
  const fail = (status: number, innerId: string, rule: string, message: string): HookAnswer => {
    const err = new AppError(
      status,
      "web.command_webhook.general.app_error",
      "Unable to handle the command webhook.",
      {
        kind: "response_url",
        detailed: `${innerId}: ${message}`,
      },
    );
    const answer = appErrorBody(err, newId());
    hook?.posts.push({ body, status, at: world.now() });
    return { status, answer, body, failure: { id: innerId, rule, message } };
  };

  let response: Record<string, unknown>;
  try {
    response = parseCommandResponse(contentType, raw);
    body = response;
  } catch {
    return fail(
      400,
      "web.command_webhook.parse.app_error",
      "response_url_body",
      "the body is not a CommandResponse",
    );
  }
  if (!hook || world.now() - hook.createdAt > RESPONSE_URL_TTL_MS) {
    return fail(
      404,
      "app.command_webhook.get.missing",
      "response_url_expired",
      "unknown or expired (30 minutes)",
    );
  }
  if (hook.uses >= RESPONSE_URL_MAX_USES) {
    return fail(400, "app.command_webhook.try_use.invalid", "response_url_used_up", "used more than 5 times");
  }
  hook.uses++;
  const user = world.users.get(hook.userId);
  const channel = world.channels.get(hook.channelId);
  if (!user || !channel)
    return fail(404, "app.command_webhook.get.missing", "response_url_target", "target gone");
  try {
    applyCommandResponse(p, { user, channel, rootId: hook.rootId }, response, "response_url");
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return fail(err.status, err.id, err.options.rule ?? err.id, err.message);
  }
  hook.posts.push({ body, status: 200, at: world.now() });
  return { status: 200, answer: "ok", body };
}
