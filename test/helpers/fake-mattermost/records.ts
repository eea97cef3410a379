// What the fake remembers about each exchange, and the error handlers throw to answer like Mattermost's AppError.

/**
 * Why a call was rejected (or accepted although real Mattermost would misbehave):
 * - `invalid_request`: wrong whatever the server holds (bad JSON, channel-name rule, post limits, action ids).
 * - `spec`: the request does not match the OpenAPI spec (its body schema, a required body, a path or query
 *   parameter's schema).
 * - `auth`: missing or refused token.
 * - `permission`: the bot may not do this (not a channel member, ephemeral posts without the permission...).
 * - `state`: wrong for what the server holds now (unknown channel or post, duplicate name, expired trigger...).
 * - `not_modelled`: an endpoint the fake does not answer (unknown to Mattermost, or known but not modelled).
 * - `dialog`: a dialog Mattermost opens anyway but logs as invalid (clients may render it wrongly or not at all).
 * - `response_url`: a command response URL used too often, too late, or with a body it cannot apply.
 * - `delivery`: the bot's answer to a slash command, button or dialog that Mattermost treats as an error.
 */
export type ViolationKind =
  | "invalid_request"
  | "spec"
  | "auth"
  | "permission"
  | "state"
  | "not_modelled"
  | "dialog"
  | "response_url"
  | "delivery";

export interface Violation {
  seq: number;
  at: number;
  /** HTTP method of the request (or `DELIVER` for answers the bot gave to the fake). */
  method: string;
  path: string;
  kind: ViolationKind;
  /** Our rule name, e.g. `channel_name`, `message_length`, `trigger_expired`, `request_body_schema`. */
  rule: string;
  /** The AppError id answered (Mattermost's `server_error_id`), or "" when nothing was answered. */
  id: string;
  status: number;
  message: string;
  body: unknown;
}

export interface RecordedCall {
  seq: number;
  at: number;
  method: string;
  /** Path without the query string, e.g. `/api/v4/posts`. */
  path: string;
  query: Record<string, string>;
  /** The parsed JSON body (or the raw text when it was not JSON; undefined when empty). */
  body: unknown;
  status: number;
  response: unknown;
  /** Set when the answer was injected by `failNext` rather than computed. */
  fault?: string;
}

/** Something real Mattermost accepts but only logs; the bot should still not do it. */
export interface Warning {
  seq: number;
  path: string;
  message: string;
}

export interface AppErrorOptions {
  /** The violation to record; `null` for answers that are a normal outcome (a lookup that finds nothing). */
  kind: ViolationKind | null;
  rule?: string;
  detailed?: string;
}

/** Thrown by handlers; becomes an AppError JSON answer (and a violation unless `kind` is null). */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly id: string,
    message: string,
    readonly options: AppErrorOptions,
  ) {
    super(message);
  }
}

/** Mattermost's AppError wire shape; Client4 copies `id`, `message`, `status_code`... into its ClientError. */
export function appErrorBody(err: AppError, requestId: string): Record<string, unknown> {
  return {
    id: err.id,
    message: err.message,
    detailed_error: err.options.detailed ?? "",
    request_id: requestId,
    status_code: err.status,
  };
}

/** The answers several endpoints share. */
export const Errors = {
  permission: (rule: string, detailed = "") =>
    new AppError(403, "api.context.permissions.app_error", "You do not have the appropriate permissions.", {
      kind: "permission",
      rule,
      detailed,
    }),
  invalidBodyParam: (name: string, rule: string, detailed = "") =>
    new AppError(
      400,
      "api.context.invalid_body_param.app_error",
      `Invalid or missing ${name} in request body.`,
      { kind: "invalid_request", rule, detailed },
    ),
  invalidUrlParam: (name: string, rule: string, detailed = "", kind: ViolationKind = "invalid_request") =>
    new AppError(
      400,
      "api.context.invalid_url_param.app_error",
      `Invalid or missing ${name} parameter in request URL.`,
      { kind, rule, detailed },
    ),
  missingUser: (expected: boolean) =>
    new AppError(404, "app.user.missing_account.const", "Unable to find the user.", {
      kind: expected ? null : "state",
      rule: "unknown_user",
    }),
  missingChannel: (expected: boolean) =>
    new AppError(404, "app.channel.get.existing.app_error", "Unable to find the existing channel.", {
      kind: expected ? null : "state",
      rule: "unknown_channel",
    }),
  missingPost: () =>
    new AppError(404, "app.post.get.app_error", "Unable to get the post.", {
      kind: "state",
      rule: "unknown_post",
    }),
};

/** The running record of one fake server: every call, every violation, every warning, in one sequence. */
export class Ledger {
  readonly calls: RecordedCall[] = [];
  readonly violations: Violation[] = [];
  readonly warnings: Warning[] = [];
  private seq = 0;

  constructor(private readonly now: () => number) {}

  next(): number {
    return ++this.seq;
  }

  violation(v: Omit<Violation, "seq" | "at"> & { seq?: number }): void {
    this.violations.push({ ...v, seq: v.seq ?? this.next(), at: this.now() });
  }

  warn(seq: number, path: string, message: string): void {
    this.warnings.push({ seq, path, message });
  }

  /** Throws a readable list unless every violation's rule or id is in `allow`. */
  assertNoViolations(options: { allow?: string[] } = {}): void {
    const allow = new Set(options.allow ?? []);
    const bad = this.violations.filter((v) => !allow.has(v.rule) && !allow.has(v.id));
    if (bad.length === 0) return;
    const lines = bad.map(
      (v) => `  #${v.seq} ${v.method} ${v.path} -> ${v.status} ${v.id} [${v.kind}/${v.rule}] ${v.message}`,
    );
    throw new Error(
      `fake Mattermost saw ${bad.length} request(s) real Mattermost would reject:\n${lines.join("\n")}`,
    );
  }
}
