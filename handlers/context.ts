import type { Message } from "../src/core/message.js";
import type { Platform } from "../src/core/platform.js";
import type {
  ChatPlatform,
  Clock,
  IdempotencyStore,
  Inbound,
  IncidentStore,
  JobScheduler,
  Logger,
  OncallStore,
  Outbox,
  ReplyTarget,
} from "../src/core/ports.js";
import type { Settings } from "../src/core/settings.js";

/** Renders a template from templates/ into the neutral message model. */
export type Render = (name: string, vars: Record<string, unknown>) => Message;

/** Everything a handler may use. Built once by src/main; handlers never reach past it. */
export interface HandlerContext {
  settings: Settings;
  store: IncidentStore;
  idempotency: IdempotencyStore;
  jobs: JobScheduler;
  /** Overrides, unavailability, drafts and the asked-recently record (the on-call state people change). */
  oncall: OncallStore;
  /** Where people reach this deployment's web server (calendar feeds), without a trailing slash. */
  publicUrl: string;
  /** Tokens of the web pages, for links handed out in chat (absent: the page needs none, or is off). */
  webTokens: { status?: string; api?: string };
  /** Every chat message a handler sends goes through here, never straight to the platform. */
  outbox: Outbox;
  platform(name: Platform): ChatPlatform;
  render: Render;
  clock: Clock;
  logger: Logger;
}

/**
 * What an adapter does with one inbound delivery. `ack` is computed without any I/O so the adapter can answer
 * within Slack's 3 seconds; `run` does the rest afterwards. `formErrors` rejects a form submission in place.
 */
export interface Plan {
  ack?: Message;
  formErrors?: Record<string, string>;
  run(): Promise<void>;
}

export function replyTarget(inbound: Inbound): ReplyTarget {
  return { userId: inbound.actor, conversationId: inbound.conversationId, responseUrl: inbound.responseUrl };
}

/**
 * Carries out a plan where the platform's own acknowledgement cannot carry its answer: the ack follows as an
 * ephemeral reply to the person, then the plan runs. A reply that fails goes to `onAnswerError` when one is
 * given, and the plan still runs; without it, the failure rejects like a failed run does.
 */
export async function answerThenRun(
  platform: ChatPlatform,
  inbound: Inbound,
  plan: Plan,
  onAnswerError?: (err: unknown) => void,
): Promise<void> {
  if (plan.ack) {
    const answered = platform.replyEphemeral(replyTarget(inbound), plan.ack);
    await (onAnswerError ? answered.catch(onAnswerError) : answered);
  }
  await plan.run();
}

/**
 * Runs the work an adapter does after it has answered the platform's request, when nobody is left to hear of a
 * failure: the dispatcher tells the person about failures itself, so anything reaching here is a bug worth a
 * loud log line, and never an unhandled rejection.
 */
export async function runSafely(logger: Logger, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (err) {
    logger.error({ err: String(err) }, "unhandled error after ack");
  }
}

/**
 * `answerThenRun` for an adapter that has already answered the platform's request: an answer that cannot be
 * delivered is logged and the plan still runs; nothing is thrown.
 */
export function answerThenRunSafely(
  platform: ChatPlatform,
  inbound: Inbound,
  plan: Plan,
  logger: Logger,
): Promise<void> {
  return runSafely(logger, () =>
    answerThenRun(platform, inbound, plan, (err) =>
      logger.warn({ err: String(err), kind: inbound.body.kind }, "could not answer"),
    ),
  );
}

export const nothingToDo = async (): Promise<void> => {};
