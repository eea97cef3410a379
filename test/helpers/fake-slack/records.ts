// What the fake remembers about each exchange, and the error type handlers throw to answer `{ok:false}`.

/**
 * Why a call was rejected:
 * - `invalid_request`: the call is wrong whatever the workspace holds (unknown method, bad token, missing or
 *   mistyped argument, channel-name rule, Block Kit limit, wrong content type). Always a bot bug.
 * - `scope`: the app lacks a scope (compare manifest.yml).
 * - `state`: wrong for the current workspace (name_taken, channel_not_found, not_in_channel, already_pinned,
 *   expired/exchanged trigger, ...). Sometimes a test provokes these on purpose.
 * - `response_url`: a response URL was used too often, too late, or with an invalid body.
 * - `deadline`: the bot acknowledged a delivery later than Slack waits (3 s).
 */
export type ViolationKind = "invalid_request" | "scope" | "state" | "response_url" | "deadline";

export interface Violation {
  seq: number;
  at: number;
  /** Web API method, `response_url`, or `deliver:<type>` for a late ack. */
  method: string;
  kind: ViolationKind;
  /** Our rule name, e.g. `too_many_blocks`, `missing_required_argument`, `channel_name`. */
  rule: string;
  /** The error code answered (Slack's), e.g. `invalid_blocks`. */
  error: string;
  message: string;
  args: Record<string, unknown>;
}

export interface RecordedCall {
  seq: number;
  method: string;
  httpMethod: string;
  contentType: string;
  /** Arguments as received: form fields are strings, JSON-encoded ones (`blocks`, `view`) are decoded. */
  args: Record<string, unknown>;
  token: string | undefined;
  at: number;
  durationMs: number;
  status: number;
  response: Record<string, unknown>;
  /** Set when the answer was an injected fault (429, 5xx, reset) rather than the method's own. */
  fault?: string;
}

export interface Warning {
  seq: number;
  method: string;
  message: string;
}

/** Thrown by handlers; becomes HTTP 200 `{ok:false,error,...extra}` plus a violation. */
export class SlackApiError extends Error {
  constructor(
    readonly error: string,
    readonly kind: ViolationKind,
    readonly rule: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}
