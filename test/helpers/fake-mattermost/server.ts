// The HTTP side of the fake: REST under /api/v4 and command response URLs under /hooks/commands/{id}.
//
// Order of checks for a REST call: route (unknown → 404 `api.context.404.app_error`, or 501 when the spec knows
// the endpoint but the fake does not model it; both are violations), injected faults, token, the path parameters
// as the server's handlers check them first (url-params.ts), the spec's path and query parameters, JSON body, a
// body the spec requires, the spec's requestBody schema, then the route's own rules. Every JSON answer carries `Content-Type: application/json`
// exactly (Client4 parses nothing else), and errors are AppErrors `{id, message, detailed_error, request_id,
// status_code}`, because Client4 copies `status_code` from the body into its ClientError.

import type { IncomingMessage, ServerResponse } from "node:http";
import { serveCommandHook } from "./hooks.js";
import { newId } from "./ids.js";
import { SERVER_VERSION } from "./json.js";
import { AppError, appErrorBody, Errors, type Ledger, type ViolationKind } from "./records.js";
import type { Publisher, RestContext, Route, ServerSettings } from "./rest.js";
import { CHANNEL_ROUTES } from "./rest-channels.js";
import { DIALOG_ROUTES } from "./rest-dialogs.js";
import { POST_ROUTES } from "./rest-posts.js";
import { ROLE_ROUTES } from "./rest-roles.js";
import { USER_ROUTES } from "./rest-users.js";
import type { MattermostSpec } from "./spec.js";
import type { World } from "./state.js";
import { checkUrlParams } from "./url-params.js";

/** Every REST endpoint the fake answers. */
export const ROUTES: readonly Route[] = [
  ...USER_ROUTES,
  ...ROLE_ROUTES,
  ...CHANNEL_ROUTES,
  ...POST_ROUTES,
  ...DIALOG_ROUTES,
];

export interface Fault {
  path: RegExp;
  /** HTTP status; 429 answers like Mattermost's rate limiter: plain text `limit exceeded` and `Retry-After`. */
  status: number;
  retryAfterSec?: number;
  /** Drop the connection without an answer instead (the server is unreachable). */
  network?: boolean;
  remaining: number;
}

export interface RestServerDeps {
  world: World;
  settings: ServerSettings;
  spec: MattermostSpec | undefined;
  ledger: Ledger;
  /** The user a token authenticates, or undefined. */
  userForToken(token: string): string | undefined;
  emit: Publisher["emit"];
}

const JSON_HEADERS = { "Content-Type": "application/json", "X-Version-Id": `${SERVER_VERSION}.fake` };

const compiled = ROUTES.map((route) => {
  const names: string[] = [];
  const segments = route.template.split("/").filter(Boolean);
  const pattern = segments
    .map((s) => {
      const name = /^\{([^}]+)\}$/.exec(s)?.[1];
      if (!name) return s;
      names.push(name);
      return "([^/]+)";
    })
    .join("/");
  return {
    route,
    regex: new RegExp(`^/${pattern}/?$`),
    names,
    literals: segments.filter((s) => !s.startsWith("{")).length,
  };
});

/** A path segment as the server's router reads it; undefined when its percent-encoding is broken. */
function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function findRoute(
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | undefined {
  let best: { route: Route; params: Record<string, string>; literals: number } | undefined;
  for (const c of compiled) {
    if (c.route.method !== method) continue;
    const m = c.regex.exec(path);
    if (!m) continue;
    if (best && best.literals >= c.literals) continue;
    const values = c.names.map((_, i) => decodeSegment(m[i + 1] ?? ""));
    // A segment that cannot be decoded matches no route of the server's router either.
    if (values.some((v) => v === undefined)) continue;
    const params = Object.fromEntries(c.names.map((n, i) => [n, values[i] as string]));
    best = { route: c.route, params, literals: c.literals };
  }
  return best;
}

export class RestServer {
  private readonly faults: Fault[] = [];

  constructor(private readonly deps: RestServerDeps) {}

  failNext(fault: Omit<Fault, "remaining"> & { times?: number }): void {
    this.faults.push({ ...fault, remaining: fault.times ?? 1 });
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    if (url.pathname.startsWith("/api/")) return this.handleApi(req, res, url, raw);
    const hook = /^\/hooks\/commands\/([^/]+)\/?$/.exec(url.pathname);
    if (hook && req.method === "POST") return this.handleHook(req, res, url, raw, hook[1] ?? "");
    res.writeHead(404, { "Content-Type": "text/plain" }).end("404 page not found");
  }

  // --- /api/v4 ---------------------------------------------------------------------------------------------

  private async handleApi(req: IncomingMessage, res: ServerResponse, url: URL, raw: string): Promise<void> {
    const { world, ledger, spec } = this.deps;
    const seq = ledger.next();
    const method = (req.method ?? "GET").toUpperCase();
    const path = url.pathname;
    let body: unknown;
    let bodyIsJson = true;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
        bodyIsJson = false;
      }
    }
    const record = (status: number, response: unknown, fault?: string) => {
      ledger.calls.push({
        seq,
        at: world.now(),
        method,
        path,
        query: Object.fromEntries(url.searchParams),
        body,
        status,
        response,
        ...(fault ? { fault } : {}),
      });
    };
    const fail = (err: AppError) => {
      const answer = appErrorBody(err, newId());
      if (err.options.kind) {
        ledger.violation({
          seq,
          method,
          path,
          kind: err.options.kind,
          rule: err.options.rule ?? err.id,
          id: err.id,
          status: err.status,
          message: [err.message, err.options.detailed].filter(Boolean).join(" — "),
          body,
        });
      }
      record(err.status, answer);
      res.writeHead(err.status, JSON_HEADERS).end(JSON.stringify(answer));
    };

    const found = findRoute(method, path);
    if (!found) {
      const known = spec?.find(method, path);
      return fail(
        known
          ? new AppError(
              501,
              "fake_mattermost.not_modelled.app_error",
              "The fake Mattermost does not model this endpoint.",
              {
                kind: "not_modelled",
                rule: "endpoint_not_modelled",
                detailed: `${method} ${known.template} is in the API spec (${known.file}.yaml) but not in the fake`,
              },
            )
          : new AppError(404, "api.context.404.app_error", "Sorry, we could not find the page.", {
              kind: "not_modelled",
              rule: "unknown_endpoint",
              detailed: `the bot called an endpoint the fake does not model (and the spec does not know): ${method} ${path}`,
            }),
      );
    }
    if (this.injectFault(path, res, record)) return;

    const token = requestToken(req, url);
    const actorId = token ? this.deps.userForToken(token) : undefined;
    const actor = actorId ? world.users.get(actorId) : undefined;
    if (!actor) {
      return fail(
        new AppError(
          401,
          "api.context.session_expired.app_error",
          "Invalid or expired session, please login again.",
          {
            kind: "auth",
            rule: token ? "token_refused" : "token_missing",
            detailed: token ? "token not recognised" : "no Authorization header or access_token",
          },
        ),
      );
    }
    try {
      checkUrlParams(found.params);
    } catch (err) {
      if (err instanceof AppError) return fail(err);
      throw err;
    }
    const op = spec?.find(method, path);
    if (op) {
      const problems = spec?.validateParams(op, path, url.searchParams) ?? [];
      if (problems.length > 0) {
        return fail(
          Errors.invalidUrlParam(
            problems[0]?.name ?? "",
            "request_parameter_schema",
            `${method} ${op.template}: ${problems.map((p) => p.message).join("; ")}`,
            "spec",
          ),
        );
      }
    }
    if (!bodyIsJson) {
      return fail(invalidBody("invalid_request", "body_not_json"));
    }
    if (op?.requestBodyRequired && body === undefined) {
      return fail(
        invalidBody(
          "spec",
          "request_body_missing",
          `${method} ${op.template} requires a body and none was sent`,
        ),
      );
    }
    if (op && body !== undefined) {
      const problems = spec?.validateBody(op, body) ?? [];
      if (problems.length > 0) {
        return fail(
          invalidBody("spec", "request_body_schema", `${method} ${op.template}: ${problems.join("; ")}`),
        );
      }
    }

    const ctx: RestContext = {
      world,
      settings: this.deps.settings,
      actor,
      params: found.params,
      query: url.searchParams,
      body,
      emit: this.deps.emit,
      warn: (message) => ledger.warn(seq, path, message),
      violate: (kind, rule, message) =>
        ledger.violation({
          seq,
          method,
          path,
          kind,
          rule,
          id: "",
          status: found.route.status,
          message,
          body,
        }),
    };
    let result: unknown;
    try {
      result = found.route.handle(ctx);
    } catch (err) {
      if (err instanceof AppError) return fail(err);
      throw err;
    }
    record(found.route.status, result);
    res.writeHead(found.route.status, JSON_HEADERS).end(JSON.stringify(result));
  }

  /** Serves a queued fault for `path`, if any; true when it did. */
  private injectFault(
    path: string,
    res: ServerResponse,
    record: (status: number, response: unknown, fault?: string) => void,
  ): boolean {
    const fault = this.faults.find((f) => f.remaining > 0 && f.path.test(path));
    if (!fault) return false;
    fault.remaining--;
    if (fault.network) {
      record(0, undefined, "network");
      res.socket?.destroy();
      return true;
    }
    if (fault.status === 429) {
      const retryAfter = String(fault.retryAfterSec ?? 1);
      record(429, "limit exceeded", "rate_limited");
      res
        .writeHead(429, {
          "Content-Type": "text/plain; charset=utf-8",
          "Retry-After": retryAfter,
          "X-RateLimit-Limit": "10",
          "X-RateLimit-Remaining": "0",
          "X-RateLimit-Reset": retryAfter,
        })
        .end("limit exceeded\n");
      return true;
    }
    const answer = appErrorBody(
      new AppError(fault.status, "fake_mattermost.injected_fault", "Injected by failNext.", { kind: null }),
      newId(),
    );
    record(fault.status, answer, `http_${fault.status}`);
    res.writeHead(fault.status, JSON_HEADERS).end(JSON.stringify(answer));
    return true;
  }

  // --- command response URLs -------------------------------------------------------------------------------

  private handleHook(req: IncomingMessage, res: ServerResponse, url: URL, raw: string, id: string): void {
    const { world, ledger } = this.deps;
    const seq = ledger.next();
    const path = url.pathname;
    const record = (status: number, response: unknown, body: unknown, fault?: string) =>
      ledger.calls.push({
        seq,
        at: world.now(),
        method: "POST",
        path,
        query: {},
        body,
        status,
        response,
        ...(fault ? { fault } : {}),
      });
    if (this.injectFault(path, res, (status, response, fault) => record(status, response, raw, fault)))
      return;
    const publisher = { world, emit: this.deps.emit, warn: (m: string) => ledger.warn(seq, path, m) };
    const served = serveCommandHook(publisher, id, req.headers["content-type"] ?? "", raw);
    if (served.failure) {
      const { id: errorId, rule, message } = served.failure;
      ledger.violation({
        seq,
        method: "POST",
        path,
        kind: "response_url",
        rule,
        id: errorId,
        status: served.status,
        message,
        body: served.body,
      });
    }
    record(served.status, served.answer, served.body);
    if (typeof served.answer === "string") {
      res.writeHead(served.status, { "Content-Type": "text/plain" }).end(served.answer);
    } else {
      res.writeHead(served.status, JSON_HEADERS).end(JSON.stringify(served.answer));
    }
  }
}

/** `Authorization: Bearer|Token <t>` (scheme case-insensitive: Client4 sends `BEARER`), else `?access_token=`. */
/** How the server refuses a body it cannot read, or one that breaks the spec (`kind` tells which). */
function invalidBody(kind: ViolationKind, rule: string, detailed = ""): AppError {
  return new AppError(
    400,
    "api.context.invalid_body_param.app_error",
    "Invalid or missing body in request body.",
    {
      kind,
      rule,
      detailed,
    },
  );
}

function requestToken(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers.authorization?.match(/^(?:bearer|token)\s+(\S+)$/i)?.[1];
  return header ?? url.searchParams.get("access_token") ?? undefined;
}
