// Requests Slack sends *to* the app: signing (PLATFORMS.md §1.1), slash-command form bodies (§1.6),
// interaction payloads (§1.7) and Events API envelopes (§1.3). Field sets follow the java-slack-sdk fixtures in
// ../shared/specs/slack/java-sdk-json-samples; the contract tests compare against them.

import { createHmac, randomBytes } from "node:crypto";

/** `v0=` + hex HMAC-SHA256(secret, `v0:<ts>:<raw body>`), exactly as Slack signs. */
export function signSlackRequest(signingSecret: string, timestampSec: number, rawBody: string): string {
  return `v0=${createHmac("sha256", signingSecret).update(`v0:${timestampSec}:${rawBody}`).digest("hex")}`;
}

/** Bolt rejects timestamps older than 5 minutes; "stale" deliveries are sent this far in the past. */
export const STALE_AGE_SEC = 6 * 60;

export interface DeliveryOptions {
  /** Where to POST; defaults to the fake's `botUrl`. */
  url?: string;
  /** Sign with this secret instead of the fake's (a forged request that is still well-formed). */
  signingSecret?: string;
  /** Replace the signature with a wrong one of the right shape. */
  forgeSignature?: boolean;
  /** Sign with a timestamp older than Bolt's 5-minute window. */
  stale?: boolean;
  /** Explicit `X-Slack-Request-Timestamp` (unix seconds); overrides `stale`. */
  timestamp?: number;
  /** Events API retry headers (X-Slack-Retry-Num / -Reason). */
  retryNum?: number;
  retryReason?: string;
  headers?: Record<string, string>;
  /** Give up waiting for the app after this long (default 10 s). Slack itself stops caring at 3 s. */
  timeoutMs?: number;
}

export type DeliveryKind =
  | "slash_command"
  | "block_actions"
  | "view_submission"
  | "event_callback"
  | "url_verification";

export interface Delivery {
  kind: DeliveryKind;
  url: string;
  requestHeaders: Record<string, string>;
  rawBody: string;
  /** The form fields, interaction payload or event envelope that was sent. */
  payload: Record<string, unknown>;
  signature: "valid" | "forged" | "stale";
  status: number;
  responseHeaders: Record<string, string>;
  responseText: string;
  /** The app's answer parsed as JSON, when it was JSON (e.g. a view_submission `response_action`). */
  responseJson: unknown;
  elapsedMs: number;
}

export async function deliver(
  kind: DeliveryKind,
  payload: Record<string, unknown>,
  rawBody: string,
  contentType: string,
  ctx: { url: string; signingSecret: string; now: () => number },
  opts: DeliveryOptions,
): Promise<Delivery> {
  const url = opts.url ?? ctx.url;
  const nowSec = Math.floor(ctx.now() / 1000);
  const ts = opts.timestamp ?? (opts.stale ? nowSec - STALE_AGE_SEC : nowSec);
  let signature = signSlackRequest(opts.signingSecret ?? ctx.signingSecret, ts, rawBody);
  if (opts.forgeSignature) signature = `v0=${randomBytes(32).toString("hex")}`;
  const headers: Record<string, string> = {
    "content-type": contentType,
    "x-slack-request-timestamp": String(ts),
    "x-slack-signature": signature,
    "user-agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
    ...(opts.retryNum === undefined
      ? {}
      : {
          "x-slack-retry-num": String(opts.retryNum),
          "x-slack-retry-reason": opts.retryReason ?? "http_timeout",
        }),
    ...opts.headers,
  };
  const started = performance.now();
  const res = await fetch(url, {
    method: "POST",
    headers,
    body: rawBody,
    signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
  });
  const responseText = await res.text();
  const elapsedMs = performance.now() - started;
  let responseJson: unknown;
  try {
    responseJson = responseText ? JSON.parse(responseText) : undefined;
  } catch {
    responseJson = undefined;
  }
  const forged =
    opts.forgeSignature || (opts.signingSecret !== undefined && opts.signingSecret !== ctx.signingSecret);
  return {
    kind,
    url,
    requestHeaders: headers,
    rawBody,
    payload,
    signature: forged ? "forged" : nowSec - ts > 300 ? "stale" : "valid",
    status: res.status,
    responseHeaders: headersObject(res.headers),
    responseText,
    responseJson,
    elapsedMs,
  };
}

function headersObject(h: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  h.forEach((value, key) => {
    out[key] = value;
  });
  return out;
}

export const formBody = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();

/** Interactions are form-encoded with a single `payload` field holding JSON (§1.7). */
export const interactionBody = (payload: unknown): string =>
  new URLSearchParams({ payload: JSON.stringify(payload) }).toString();

// --- building interaction payload parts ------------------------------------------------------------------

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** Yields every element with its block_id, where users can act on it. */
export function* interactiveElements(blocks: unknown[]): Generator<{ blockId: string; element: Json }> {
  for (const b of blocks) {
    if (!isObject(b)) continue;
    const blockId = String(b.block_id ?? "");
    if (isObject(b.accessory)) yield { blockId, element: b.accessory };
    if (isObject(b.element)) yield { blockId, element: b.element };
    if (Array.isArray(b.elements) && b.type === "actions") {
      for (const e of b.elements) if (isObject(e)) yield { blockId, element: e };
    }
  }
}

function findOption(element: Json, value: string): Json {
  const groups = Array.isArray(element.option_groups) ? element.option_groups : [];
  const options = [
    ...(Array.isArray(element.options) ? element.options : []),
    ...groups.flatMap((g) => (isObject(g) && Array.isArray(g.options) ? g.options : [])),
  ].filter(isObject);
  const found = options.find((o) => o.value === value);
  if (!found) {
    const have = options.map((o) => JSON.stringify(o.value)).join(", ");
    throw new Error(
      `fake-slack: option ${JSON.stringify(value)} is not offered by ${element.action_id} (${have})`,
    );
  }
  return found;
}

const asList = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)];

/** The `actions[0]` entry of block_actions for a user choosing `value` on `element`. */
export function actionFor(element: Json, blockId: string, value: unknown, actionTs: string): Json {
  const base: Json = {
    type: element.type,
    action_id: element.action_id,
    block_id: blockId,
    action_ts: actionTs,
  };
  const v = value === undefined ? undefined : String(Array.isArray(value) ? value[0] : value);
  switch (element.type) {
    case "button":
    case "workflow_button":
      return {
        ...base,
        text: element.text,
        value: element.value,
        ...(element.style ? { style: element.style } : {}),
      };
    case "static_select":
    case "external_select":
    case "radio_buttons":
    case "overflow":
      return { ...base, selected_option: findOption(element, v ?? "") };
    case "multi_static_select":
    case "checkboxes":
      return { ...base, selected_options: asList(value).map((x) => findOption(element, x)) };
    case "users_select":
      return { ...base, selected_user: v };
    case "multi_users_select":
      return { ...base, selected_users: asList(value) };
    case "conversations_select":
      return { ...base, selected_conversation: v };
    case "channels_select":
      return { ...base, selected_channel: v };
    case "datepicker":
      return { ...base, selected_date: v };
    case "timepicker":
      return { ...base, selected_time: v };
    default:
      return { ...base, value: v };
  }
}

/** A `view.state.values[block_id][action_id]` entry for an input element, as Slack fills it on submit. */
export function stateValueFor(element: Json, value: unknown): Json {
  const type = element.type;
  const none = value === undefined || value === null;
  switch (type) {
    case "plain_text_input":
    case "email_text_input":
    case "url_text_input":
    case "number_input":
      return { type, value: none ? null : String(value) };
    case "static_select":
    case "external_select":
    case "radio_buttons":
      return { type, selected_option: none ? null : findOption(element, String(value)) };
    case "multi_static_select":
    case "checkboxes":
      return { type, selected_options: asList(value).map((x) => findOption(element, x)) };
    case "users_select":
      return { type, selected_user: none ? null : String(value) };
    case "multi_users_select":
      return { type, selected_users: asList(value) };
    case "conversations_select":
      return { type, selected_conversation: none ? null : String(value) };
    case "multi_conversations_select":
      return { type, selected_conversations: asList(value) };
    case "channels_select":
      return { type, selected_channel: none ? null : String(value) };
    case "datepicker":
      return { type, selected_date: none ? null : String(value) };
    case "timepicker":
      return { type, selected_time: none ? null : String(value) };
    case "datetimepicker":
      return { type, selected_date_time: none ? null : Number(value) };
    default:
      return { type, value: none ? null : value };
  }
}
