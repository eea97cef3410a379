import mm from "@mattermost/client";
import type { Options } from "@mattermost/types/client4";
import { NameTakenError, PlatformError, retryableHttpStatus } from "../../core/errors.js";
import type { MattermostDialog } from "./dialog.js";

// The package is CommonJS: Node's ESM loader cannot see its named exports, only the default one.
const { Client4, ClientError } = mm;

/** One REST call gives up after this long: a server that never answers must not hold an outbox job forever. */
const REQUEST_TIMEOUT_MS = 15_000;

/** What Mattermost answers when a channel name is already used in the team. */
const CHANNEL_EXISTS = "store.sql_channel.save_channel.exists.app_error";

/**
 * A refusal as Client4 reports it, plus what Client4's own error leaves out: the HTTP status even when the
 * body was not JSON (a rate limiter's "limit exceeded", a proxy's error page), and Retry-After.
 */
class MattermostResponseError extends ClientError {
  /** The HTTP status, always known here (Client4's own `status_code` is optional). */
  readonly status: number;

  constructor(
    baseUrl: string,
    data: ConstructorParameters<typeof ClientError>[1] & { status_code: number },
    readonly retryAfterMs: number | undefined,
  ) {
    super(baseUrl, data);
    this.name = "MattermostResponseError";
    this.status = data.status_code;
  }
}

/** Retry-After as milliseconds: seconds or an HTTP date (RFC 9110); undefined when absent or unreadable. */
function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** A response body the way Client4 reads it: JSON only under exactly `application/json`, else text. */
async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (response.headers.get("content-type") !== "application/json") return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Client4 with the one call it lacks (opening a dialog) and a stricter transport: every request times out,
 * and a refusal keeps its HTTP status and Retry-After, which the outbox needs to schedule a retry.
 */
export class MattermostClient extends Client4 {
  // Every Client4 method reaches the server through doFetch, so replacing it changes them all at once.
  protected override doFetch = async <T>(url: string, options: Options): Promise<T> => {
    const init = this.getOptions(options);
    const response = await fetch(url, {
      ...init,
      signal: init.signal ?? AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const data = await readBody(response);
    if (response.ok || options.ignoreStatus) return data as T;
    const error = (typeof data === "object" && data !== null ? data : {}) as {
      id?: string;
      message?: string;
      detailed_error?: string;
    };
    throw new MattermostResponseError(
      this.getUrl(),
      {
        message: error.message || (typeof data === "string" ? data.slice(0, 200) : "") || response.statusText,
        server_error_id: error.id,
        status_code: response.status,
        detailed_error: error.detailed_error,
        url,
      },
      retryAfterMs(response.headers.get("retry-after")),
    );
  };

  /** POST /actions/dialogs/open: shows `dialog` to whoever `triggerId` came from (a command or a click). */
  async openDialog(triggerId: string, url: string, dialog: MattermostDialog): Promise<void> {
    await this.doFetch(`${this.getBaseRoute()}/actions/dialogs/open`, {
      method: "post",
      body: JSON.stringify({ trigger_id: triggerId, url, dialog }),
    });
  }
}

/** A client of the Mattermost server at `siteUrl` (no trailing slash needed) acting as the bot. */
export function createMattermostClient(siteUrl: string, token: string): MattermostClient {
  const client = new MattermostClient();
  client.setUrl(siteUrl.replace(/\/+$/, ""));
  client.setToken(token);
  client.setUserAgent("Firebreak");
  return client;
}

/**
 * Turns a failed Client4 call into our error types at the boundary, so handlers never see SDK errors:
 * 429 and 5xx (and a server out of reach) are retryable, a taken channel name is a NameTakenError, and any
 * other refusal a PlatformError named by Mattermost's error id.
 */
export function translateMattermostError(err: unknown, operation: string, channelName = ""): never {
  if (err instanceof PlatformError) throw err;
  // Every refusal reaches us through MattermostClient.doFetch, which always records the HTTP status.
  if (err instanceof MattermostResponseError) {
    const status = err.status;
    const detail = err.message ? `: ${err.message}` : "";
    if (status === 429) {
      const waitMs = err.retryAfterMs ?? 1000;
      throw new PlatformError(
        "ratelimited",
        `Mattermost rate-limited ${operation}; retry after ${waitMs} ms`,
        true,
        waitMs,
      );
    }
    if (err.server_error_id === CHANNEL_EXISTS) throw new NameTakenError(channelName);
    if (retryableHttpStatus(status)) {
      throw new PlatformError(
        `http_${status}`,
        `Mattermost answered ${operation} with HTTP ${status}${detail}`,
        true,
      );
    }
    const code = err.server_error_id || `http_${status}`;
    throw new PlatformError(
      code,
      `Mattermost refused ${operation} (HTTP ${status}, ${code})${detail}`,
      false,
    );
  }
  // Timeouts, resets and refused connections: Mattermost may be down; a retry later can succeed.
  const cause = (err as { cause?: { code?: string; message?: string } } | null)?.cause;
  const reason = cause?.code ?? cause?.message;
  const message = `${err instanceof Error ? err.message : String(err)}${reason ? ` (${reason})` : ""}`;
  throw new PlatformError(
    "unreachable",
    `Mattermost could not be reached for ${operation}: ${message}`,
    true,
  );
}

/** The HTTP status of a failed Client4 call, when it got that far. */
export function mattermostStatus(err: unknown): number | undefined {
  return err instanceof MattermostResponseError ? err.status : undefined;
}

/** Mattermost's error id (`server_error_id`) of a failed Client4 call, when it named one. */
export function mattermostErrorId(err: unknown): string | undefined {
  return err instanceof MattermostResponseError ? err.server_error_id : undefined;
}
