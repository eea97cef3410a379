import { randomUUID } from "node:crypto";
import { ActionIds } from "../src/core/action-ids.js";
import { parseCommand } from "../src/core/commands/grammar.js";
import { DEFAULT_INVOCATION, helpEntries } from "../src/core/commands/help.js";
import { parseFreeText } from "../src/core/commands/text.js";
import { FirebreakError, TemplatedRefusal, UnavailableError, UsageError } from "../src/core/errors.js";
import type { Message } from "../src/core/message.js";
import type { Inbound } from "../src/core/ports.js";
import { acknowledge } from "./acknowledge.js";
import { type HandlerContext, nothingToDo, type Plan, replyTarget } from "./context.js";
import { helpMessage } from "./help.js";
import { type OpenRequest, openIncident, validateOpen } from "./open.js";
import { openForm, openRequestFromForm } from "./open-form.js";
import { replyItem } from "./outbox-items.js";
import { listReminders } from "./reminders.js";
import { type MergedRoutes, mergeRoutes } from "./routes.js";
import { afterDeployRoutes } from "./routes-after-deploy.js";
import { afterFollowupsRoutes } from "./routes-after-followups.js";
import { afterLogRoutes } from "./routes-after-log.js";
import { afterPostmortemRoutes } from "./routes-after-postmortem.js";
import { afterStatusRoutes } from "./routes-after-status.js";
import { lifecycleRoutes } from "./routes-lifecycle.js";
import { oncallCalendarRoutes } from "./routes-oncall-calendar.js";
import { oncallCatalogRoutes } from "./routes-oncall-catalog.js";
import { oncallChangesRoutes } from "./routes-oncall-changes.js";
import { oncallPlanRoutes } from "./routes-oncall-plan.js";
import { oncallWhoRoutes } from "./routes-oncall-who.js";
import { recordsRoutes } from "./routes-records.js";
import { requestsRoutes } from "./routes-requests.js";
import { rolesRoutes } from "./routes-roles.js";
import { changeSeverity } from "./severity.js";
import { parseSnoozeValue, snooze, validateSnooze } from "./snooze.js";
import { openUpdateForm, postStatusUpdate } from "./status-update.js";

/** Slack retries an event for up to ~6 minutes; a day covers every redelivery with room to spare. */
const DELIVERY_TTL_MS = 24 * 3600 * 1000;

const BOT_MENTION = "@firebreak";

/**
 * The one entry point for everything a person does. `prepare` decides the immediate answer without I/O (so
 * adapters can ack within Slack's 3 seconds); the returned `run` does the work, drops redeliveries, and turns
 * every failure into a short message for the person, never a stack trace.
 */
export function createDispatcher(
  ctx: HandlerContext,
  routes: MergedRoutes = mergeRoutes(
    lifecycleRoutes,
    rolesRoutes,
    recordsRoutes,
    requestsRoutes,
    oncallWhoRoutes,
    oncallChangesRoutes,
    oncallPlanRoutes,
    oncallCalendarRoutes,
    oncallCatalogRoutes,
    afterDeployRoutes,
    afterStatusRoutes,
    afterLogRoutes,
    afterPostmortemRoutes,
    afterFollowupsRoutes,
  ),
): { prepare(inbound: Inbound): Plan } {
  /**
   * An error answer goes through the outbox like every message, keyed by the delivery, so a redelivery that
   * fails the same way answers once. When Redis is unavailable the outbox (which lives there) cannot take it,
   * so that answer, and any the outbox refuses, goes straight to the platform.
   */
  const replyError = async (inbound: Inbound, err: unknown, message: Message): Promise<void> => {
    const direct = () => ctx.platform(inbound.platform).replyEphemeral(replyTarget(inbound), message);
    if (err instanceof UnavailableError) return direct();
    try {
      await ctx.outbox.send(replyItem(inbound, message, "error"));
    } catch (sendErr) {
      ctx.logger.warn(
        { err: String(sendErr), delivery: inbound.deliveryId },
        "outbox refused an error answer",
      );
      await direct();
    }
  };

  const errorMessage = (err: unknown, inbound: Inbound): Message => {
    if (err instanceof TemplatedRefusal) return ctx.render(err.template, err.vars);
    if (err instanceof FirebreakError) return ctx.render("error", { message: err.message });
    const errorId = randomUUID().slice(0, 8);
    ctx.logger.error(
      { errorId, err: err instanceof Error ? err.stack : String(err), delivery: inbound.deliveryId },
      "unexpected error while handling a request",
    );
    return ctx.render("internal-error", { errorId });
  };

  /** Runs `work` once per delivery; failures reach the person as a message. */
  const once =
    (inbound: Inbound, work: () => Promise<void>): (() => Promise<void>) =>
    async () => {
      try {
        const first = await ctx.idempotency.claim(
          `${inbound.platform}-${inbound.deliveryId}`,
          DELIVERY_TTL_MS,
        );
        if (!first) {
          ctx.logger.info({ delivery: inbound.deliveryId }, "duplicate delivery dropped");
          return;
        }
        await work();
      } catch (err) {
        await replyError(inbound, err, errorMessage(err, inbound)).catch((replyErr: unknown) =>
          ctx.logger.error({ err: String(replyErr) }, "could not tell the person about an error"),
        );
      }
    };

  const answer = (message: Message): Plan => ({ ack: message, run: nothingToDo });
  /** A pure check of the request (no I/O): its mistake is answered in the ack, before the delivery is claimed. */
  const refusal = (inbound: Inbound, check: () => void): Plan | null => {
    try {
      check();
      return null;
    } catch (err) {
      return answer(errorMessage(err, inbound));
    }
  };
  // Help never changes while the process runs; rendering it once keeps the ack path cheap under load.
  // Cached by the entries shown, not by the topic typed, so odd topics (which show everything) add nothing.
  const helpCache = new Map<string, Message>();
  const help = (invocation: string, topic?: string): Message => {
    const key = `${invocation} ${helpEntries(topic)
      .map((e) => e.verb)
      .join(",")}`;
    let message = helpCache.get(key);
    if (!message) {
      message = helpMessage(ctx, invocation, topic);
      helpCache.set(key, message);
    }
    return message;
  };

  const open = (inbound: Inbound, request: OpenRequest): Plan => {
    const refused = refusal(inbound, () => validateOpen(ctx.settings, request));
    if (refused) return refused;
    return {
      ack: ctx.render("opening-reply", {
        incident: { title: request.title },
        severity: request.severity?.toUpperCase(),
      }),
      run: once(inbound, async () => {
        await openIncident(ctx, inbound, request);
      }),
    };
  };

  const snoozeFor = (inbound: Inbound, durationMs: number, incidentId?: string): Plan =>
    refusal(inbound, () => validateSnooze(durationMs)) ?? {
      run: once(inbound, () => snooze(ctx, inbound, durationMs, incidentId)),
    };

  const command = (inbound: Inbound, text: string, invocation: string): Plan => {
    const parsed = parseCommand(text, { invocation });
    if (!parsed.ok) {
      return answer(
        ctx.render("usage", {
          message: parsed.message,
          prefix: invocation,
          pointsToHelp: parsed.pointsToHelp ?? false,
        }),
      );
    }
    const cmd = parsed.command;
    switch (cmd.name) {
      case "help":
        return answer(help(invocation, cmd.topic));
      case "open": {
        const request: OpenRequest = {
          title: cmd.title,
          severity: cmd.severity,
          service: cmd.service,
          ...(cmd.private && { private: true }),
        };
        if (!cmd.kind) return open(inbound, request);
        // A change or guidance request: no "creating its channel and paging" ack; its answer follows the card.
        const asked = { ...request, kind: cmd.kind };
        return (
          refusal(inbound, () => validateOpen(ctx.settings, asked)) ?? {
            run: once(inbound, async () => void (await openIncident(ctx, inbound, asked))),
          }
        );
      }
      case "open_form":
        return {
          run: once(inbound, async () => {
            if (!inbound.triggerId) throw new UsageError("Add a title: `/incident open <title>`.");
            await ctx
              .platform(inbound.platform)
              .openForm(
                inbound.triggerId,
                openForm(ctx.settings, inbound.conversationId),
                replyTarget(inbound),
              );
          }),
        };
      case "ack":
        return { run: once(inbound, () => acknowledge(ctx, inbound)) };
      case "update":
        return { run: once(inbound, () => postStatusUpdate(ctx, inbound, cmd.text)) };
      case "snooze":
        return snoozeFor(inbound, cmd.durationMs);
      case "reminders":
        return { run: once(inbound, () => listReminders(ctx, inbound)) };
      case "sev":
        return { run: once(inbound, () => changeSeverity(ctx, inbound, cmd.severity)) };
      default: {
        const route = routes.commands[cmd.name] as
          | ((c: HandlerContext, i: Inbound, command: typeof cmd) => Promise<void>)
          | undefined;
        if (route) return { run: once(inbound, () => route(ctx, inbound, cmd)) };
        return answer(ctx.render("not-yet", { verb: `${invocation} ${cmd.name.replace(/_/g, " ")}` }));
      }
    }
  };

  const updateFormSubmitted = (inbound: Inbound, values: Record<string, string>, state?: string): Plan => {
    const text = parseFreeText(values.text ?? "", "The update");
    if (!text.ok) return { formErrors: { text: text.message }, run: nothingToDo };
    if (!text.text) return { formErrors: { text: "Write what changed." }, run: nothingToDo };
    return { run: once(inbound, () => postStatusUpdate(ctx, inbound, text.text, state)) };
  };

  const form = (
    inbound: Inbound,
    callbackId: string,
    values: Record<string, string>,
    state?: string,
  ): Plan => {
    if (callbackId === ActionIds.updateForm) return updateFormSubmitted(inbound, values, state);
    if (callbackId !== ActionIds.openForm) {
      const route = Object.hasOwn(routes.forms, callbackId) ? routes.forms[callbackId] : undefined;
      if (!route) return { run: nothingToDo };
      const formErrors = route.check?.(values, state);
      if (formErrors) return { formErrors, run: nothingToDo };
      return { run: once(inbound, () => route.run(ctx, inbound, values, state)) };
    }
    const parsed = openRequestFromForm(values);
    if (!parsed.ok) return { formErrors: parsed.errors, run: nothingToDo };
    const request = parsed.request;
    try {
      validateOpen(ctx.settings, request);
    } catch (err) {
      return { formErrors: { service: (err as Error).message }, run: nothingToDo };
    }
    return { run: once(inbound, async () => void (await openIncident(ctx, inbound, request))) };
  };

  /**
   * Claims the answer to a delivery that has no request to carry it. True the first time; also true when Redis
   * cannot tell, because a duplicate answer beats none.
   */
  const firstAnswer = async (inbound: Inbound): Promise<boolean> => {
    try {
      const first = await ctx.idempotency.claim(
        `${inbound.platform}-${inbound.deliveryId}-answer`,
        DELIVERY_TTL_MS,
      );
      if (!first) ctx.logger.info({ delivery: inbound.deliveryId }, "already answered; answer dropped");
      return first;
    } catch (err) {
      ctx.logger.warn(
        { err: String(err), delivery: inbound.deliveryId },
        "could not tell whether this was answered already; answering",
      );
      return true;
    }
  };

  /**
   * A mention or a reaction comes with no request to answer, so its ack is a message of its own. Every web
   * process holding the bot's WebSocket sees each mention, and platforms deliver again (Slack retries events, a
   * WebSocket resume replays), so the ack moves into `run`, where it is sent once per delivery; the plan's own
   * run follows either way, and drops a repeat by its own claim.
   */
  const answeredOnce = (inbound: Inbound, plan: Plan): Plan => {
    const { ack } = plan;
    if (!ack) return plan;
    return {
      run: async () => {
        if (await firstAnswer(inbound)) {
          await ctx
            .platform(inbound.platform)
            .replyEphemeral(replyTarget(inbound), ack)
            .catch((err: unknown) =>
              ctx.logger.warn({ err: String(err), kind: inbound.body.kind }, "could not answer"),
            );
        }
        await plan.run();
      },
    };
  };

  const planFor = (inbound: Inbound): Plan => {
    const body = inbound.body;
    switch (body.kind) {
      case "command":
        return command(inbound, body.text, DEFAULT_INVOCATION);
      case "mention":
        return command(inbound, body.text, BOT_MENTION);
      case "action":
        switch (body.actionId) {
          case ActionIds.acknowledge:
            return { run: once(inbound, () => acknowledge(ctx, inbound, body.value)) };
          case ActionIds.postUpdate:
            return { run: once(inbound, () => openUpdateForm(ctx, inbound, body.value)) };
          case ActionIds.snooze: {
            const parsed = parseSnoozeValue(body.value);
            if (!parsed) return { run: nothingToDo };
            return snoozeFor(inbound, parsed.durationMs, parsed.incidentId);
          }
          default: {
            const route = Object.hasOwn(routes.actions, body.actionId)
              ? routes.actions[body.actionId]
              : undefined;
            if (!route) return { run: nothingToDo };
            return { run: once(inbound, () => route(ctx, inbound, body.value)) };
          }
        }
      case "form":
        return form(inbound, body.callbackId, body.values, body.state);
      case "reaction": {
        const route = Object.hasOwn(routes.reactions, body.reaction)
          ? routes.reactions[body.reaction]
          : undefined;
        if (!route) return { run: nothingToDo };
        return { run: once(inbound, () => route(ctx, inbound, body.messageId)) };
      }
    }
  };

  return {
    prepare(inbound) {
      const plan = planFor(inbound);
      const kind = inbound.body.kind;
      // Only these have no request whose response could carry the ack.
      return kind === "mention" || kind === "reaction" ? answeredOnce(inbound, plan) : plan;
    },
  };
}
