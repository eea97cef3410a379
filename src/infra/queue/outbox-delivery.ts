import { PlatformError } from "../../core/errors.js";
import type { Platform } from "../../core/platform.js";
import type { ChatPlatform, Logger, PostedMessage } from "../../core/ports.js";
import type { OutboxStore, StoredItem } from "./outbox-store.js";

/** Slack's "about one message per second per channel" (RELIABILITY.md), applied to every platform. */
const POST_SPACING_MS = 1000;
/** How far back a retry looks for a post whose first attempt had no known outcome (clock skew included). */
const FIND_SLACK_MS = 60_000;
/**
 * A job that is not at its lane's head sleeps this long at most: the item before it wakes it when it leaves
 * the head, so this is only a safety net, and long, because a busy lane may hold thousands of waiting jobs.
 */
const NOT_MY_TURN_MS = 60_000;
/** A ref'd message still on its way (normally in the same lane, so this is rare). */
const REF_WAIT_MS = 1000;
/** Pacing waits up to this long are slept inside the job, which is far more precise than a delayed job. */
const IN_PROCESS_WAIT_MS = 1500;

export type DeliveryOutcome =
  /** `next`: the item now at the head of the lane, to be woken. */
  | { kind: "done"; next?: string }
  /** Try again at this time without counting an attempt: not this item's turn, pacing, or Retry-After. */
  | {
      kind: "later";
      at: number;
      lane: string;
      reason: "not-head" | "paced" | "rate-limited" | "waiting-for-ref";
    }
  | { kind: "failed"; reason: string; next?: string };

export interface DeliveryDeps {
  store: OutboxStore;
  platform(name: Platform): ChatPlatform;
  now(): number;
  sleep(ms: number): Promise<void>;
  logger: Logger;
}

/**
 * One delivery attempt of one outbox item. Throws (a retryable PlatformError or any unexpected error) when
 * the attempt should be retried with backoff; returns what to do otherwise.
 */
export async function deliverOne(deps: DeliveryDeps, key: string): Promise<DeliveryOutcome> {
  const { store } = deps;
  const stored = await store.load(key);
  if (stored?.state !== "pending") return { kind: "done" };

  const lane = stored.lane;
  const head = await store.head(lane);
  if (head !== key) return { kind: "later", at: deps.now() + NOT_MY_TURN_MS, lane, reason: "not-head" };

  const op = stored.item.op;
  const paced = op.kind === "post" || op.kind === "direct";
  if (paced) {
    const wait = (await store.nextAt(lane)) - deps.now();
    if (wait > IN_PROCESS_WAIT_MS) return { kind: "later", at: deps.now() + wait, lane, reason: "paced" };
    if (wait > 0) await deps.sleep(wait);
  }

  try {
    const posted = await perform(deps, stored);
    if (posted === "waiting") {
      return { kind: "later", at: deps.now() + REF_WAIT_MS, lane, reason: "waiting-for-ref" };
    }
    await store.finish(stored, "delivered", posted, paced ? deps.now() + POST_SPACING_MS : 0);
    return { kind: "done", next: (await store.head(lane)) ?? undefined };
  } catch (err) {
    if (!(err instanceof PlatformError)) throw err;
    if (err.retryAfterMs !== undefined) {
      // Told to wait: nothing was posted, and the whole lane waits, not just this item.
      await store.clearAttempt(key);
      const at = deps.now() + err.retryAfterMs;
      await store.holdLane(lane, at);
      return { kind: "later", at, lane, reason: "rate-limited" };
    }
    if (err.retryable) throw err;
    // A refusal (channel archived, bot removed): retrying cannot help, and the lane must not stay blocked.
    await store.finish(stored, "failed", undefined, 0);
    return { kind: "failed", reason: err.platformCode, next: (await store.head(lane)) ?? undefined };
  }
}

async function perform(
  deps: DeliveryDeps,
  stored: StoredItem,
): Promise<PostedMessage | undefined | "waiting"> {
  const { store } = deps;
  const { item } = stored;
  const chat = deps.platform(item.platform);
  const op = item.op;
  switch (op.kind) {
    case "post":
      return postOnce(deps, chat, stored, op.channelId, op.message);
    case "direct": {
      let channelId = stored.directChannel;
      if (!channelId) {
        channelId = await chat.openDirect(op.userId);
        await store.rememberDirectChannel(item.key, channelId);
      }
      return postOnce(deps, chat, stored, channelId, op.message);
    }
    case "update":
    case "pin": {
      const target = await resolveRef(deps, op.ref);
      if (target === "waiting") return "waiting";
      if (target === "gone") {
        throw new PlatformError("ref_failed", `${item.key}: the message ${op.ref} was never delivered`);
      }
      // Edits and pins repeat harmlessly, so they need no attempt marker.
      // The ref is the original post's key: the edit keeps it, so findPosted still knows the message.
      if (op.kind === "update") await chat.update(target, op.message, { key: op.ref });
      else await chat.pin(target);
      return target;
    }
    case "ephemeral":
      // Only the recipient sees it and no platform can look it up again: a crash mid-call may repeat it.
      await chat.replyEphemeral(op.to, op.message);
      return undefined;
  }
}

/** Posts, unless an earlier attempt that ended without an answer already did: then that post is the result. */
async function postOnce(
  deps: DeliveryDeps,
  chat: ChatPlatform,
  stored: StoredItem,
  channelId: string,
  message: Parameters<ChatPlatform["post"]>[1],
): Promise<PostedMessage> {
  const key = stored.item.key;
  if (stored.attemptAt !== undefined) {
    const earlier = await chat
      .findPosted(channelId, key, new Date(stored.attemptAt - FIND_SLACK_MS))
      .catch((err: unknown) => {
        // Looking back is a safeguard: when it is refused (a missing history scope), a possible repeat is
        // better than a message that never arrives.
        if (err instanceof PlatformError && !err.retryable) {
          deps.logger.warn({ key, code: err.platformCode }, "outbox: cannot check for an earlier post");
          return null;
        }
        throw err;
      });
    if (earlier) {
      deps.logger.info({ key, channel: channelId }, "outbox: found the post of an interrupted attempt");
      return earlier;
    }
  }
  await deps.store.markAttempt(key, deps.now());
  return chat.post(channelId, message, { key });
}

async function resolveRef(deps: DeliveryDeps, ref: string): Promise<PostedMessage | "waiting" | "gone"> {
  const posted = await deps.store.delivered(ref);
  if (posted) return posted;
  const target = await deps.store.load(ref);
  return target?.state === "pending" ? "waiting" : "gone";
}
