import { WebClient, type WebClientOptions } from "@slack/web-api";

/**
 * How every Slack Web API client of Firebreak is configured. The outbox queue owns retries and backoff (and
 * honours Retry-After itself), so the client must fail fast instead of sleeping inside a job:
 * - `rejectRateLimitedCalls`: a 429 throws `WebAPIRateLimitedError` (with `retryAfter` seconds) at once, rather
 *   than pausing the client's whole request queue for Retry-After seconds and trying again;
 * - `retryConfig: { retries: 0 }`: no hidden retries of 5xx answers or network errors (the default policy
 *   retries ten times over about thirty minutes).
 * A fresh object on every call: Bolt writes its logger into the options it is given.
 */
export function slackClientOptions(apiUrl?: string): WebClientOptions {
  return {
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
  };
}

/** A WebClient that neither sleeps nor retries: failures surface at once for the outbox to schedule. */
export function createSlackWebClient(token: string, apiUrl?: string): WebClient {
  return new WebClient(token, slackClientOptions(apiUrl));
}
