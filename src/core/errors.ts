/**
 * One base error with a stable snake_case code. Known errors carry a message written for the person who
 * typed the command (what went wrong and what to do next); anything else is an internal error that is logged
 * with an id and never shown in full.
 */
export class FirebreakError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The person's input cannot be acted on; the message tells them how to fix it. */
export class UsageError extends FirebreakError {
  constructor(message: string, code = "usage") {
    super(code, message);
  }
}

/**
 * A refusal told through a template of its own (`templates/<template>.yml`, rendered with `vars`), so that its
 * sentence is the operators' to edit and the people it names are real mentions, which a plain message (always
 * escaped) cannot hold. `message` is the same sentence in plain text, for logs and tests.
 */
export class TemplatedRefusal extends UsageError {
  constructor(
    readonly template: string,
    readonly vars: Record<string, unknown>,
    message: string,
    code = "refused",
  ) {
    super(message, code);
  }
}

/** A referenced thing (incident, service, rotation, person) does not exist. */
export class NotFoundError extends FirebreakError {
  constructor(message: string, code = "not_found") {
    super(code, message);
  }
}

/** The configuration file or environment is wrong; names the place and the fix. */
export class ConfigError extends FirebreakError {
  constructor(message: string) {
    super("config_invalid", message);
  }
}

/** A chat platform refused a call in a way that retrying will not fix. */
export class PlatformError extends FirebreakError {
  constructor(
    readonly platformCode: string,
    message: string,
    readonly retryable = false,
    /** When the platform said how long to wait (HTTP 429 Retry-After), in ms. */
    readonly retryAfterMs?: number,
  ) {
    super(`platform_${platformCode}`, message);
  }
}

/**
 * Whether an HTTP status other than 429 (which has its own handling, with Retry-After) says a later attempt can
 * succeed: the platform, its edge or a proxy in between was unwell, not the request.
 */
export function retryableHttpStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 425;
}

/** A channel name is already in use on the platform. */
export class NameTakenError extends PlatformError {
  constructor(name: string) {
    super("name_taken", `The channel name "${name}" is already taken.`);
  }
}

/** A dependency (Redis, the platform) cannot be reached right now; the action was not done. */
export class UnavailableError extends FirebreakError {
  constructor(message: string) {
    super("unavailable", message);
  }
}

/**
 * A job came too early for what it needs (an escalation due before the incident's channel exists): run it
 * again in `retryInMs` without counting a failed attempt.
 */
export class NotReadyError extends FirebreakError {
  constructor(
    message: string,
    readonly retryInMs: number,
  ) {
    super("not_ready", message);
  }
}
