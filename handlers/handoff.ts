import { ActionIds } from "../src/core/action-ids.js";
import type { CommandOf } from "../src/core/commands/schema.js";
import { parseFreeText, TEXT_MAX } from "../src/core/commands/text.js";
import type { HandoffBrief, Incident } from "../src/core/incident/incident.js";
import { roleRefusal } from "../src/core/incident/role-refusal.js";
import { userRef } from "../src/core/markup.js";
import type { Form } from "../src/core/message.js";
import type { Inbound } from "../src/core/ports.js";
import { checkOffer, offerCommand } from "./commander-offer.js";
import { type HandlerContext, replyTarget } from "./context.js";
import { incidentIdInConversation } from "./incident-lookup.js";
import type { FormRoute } from "./routes.js";

/** The brief form's fields: what the incoming commander reads before saying yes. */
const FIELDS = [
  { id: "summary", what: "The summary", label: "Where things stand", optional: false },
  { id: "tried", what: "What was tried", label: "What was tried", optional: true },
  { id: "ruledOut", what: "What was ruled out", label: "What was ruled out", optional: true },
  { id: "openActions", what: "The open actions", label: "Open actions", optional: true },
] as const;

/** The handoff brief form; its state carries the incident and the incoming commander. */
export function handoffForm(incident: Incident, userId: string): Form {
  return {
    callbackId: ActionIds.handoffForm,
    title: `Hand off ${incident.id}`,
    submitLabel: "Send brief",
    state: `${incident.id} ${userId}`,
    fields: FIELDS.map((f) => ({
      id: f.id,
      label: f.label,
      kind: "textarea" as const,
      maxLength: TEXT_MAX,
      ...(f.optional && { optional: true }),
      ...(f.id === "summary" && {
        hint: "The incoming commander gets this with the status, the last update, recent notes and who is involved.",
      }),
    })),
  };
}

function parseState(state: string | undefined): { incidentId: string; userId: string } | null {
  const m = /^(INC-[1-9][0-9]{0,9}) ([A-Za-z0-9._-]{1,64})$/.exec(state ?? "");
  return m ? { incidentId: m[1] as string, userId: m[2] as string } : null;
}

/**
 * `/incident handoff @user [summary]`. With a summary the offer goes out at once; without one the brief form
 * opens (after the same checks the offer makes, so nobody fills in a form only to be refused) and the offer
 * goes out when it is submitted.
 */
export async function handoff(
  ctx: HandlerContext,
  inbound: Inbound,
  command: CommandOf<"handoff">,
): Promise<void> {
  if (command.summary) {
    await offerCommand(ctx, inbound, {
      kind: "handoff",
      userId: command.user,
      brief: { summary: command.summary },
    });
    return;
  }
  if (!inbound.triggerId) {
    const id = await incidentIdInConversation(ctx, inbound, "handoff");
    throw roleRefusal(
      "handoff_needs_summary",
      { incident: { id }, needsSummary: true, person: command.user },
      `Say where things stand for ${userRef(command.user)}: \`/incident handoff @name <summary>\`. Nothing was changed.`,
    );
  }
  const { incident } = await checkOffer(ctx, inbound, "handoff", command.user);
  await ctx
    .platform(inbound.platform)
    .openForm(inbound.triggerId, handoffForm(incident, command.user), replyTarget(inbound));
}

/** The brief form submitted: the offer goes out with what it says. */
export const handoffFormRoute: FormRoute = {
  check(values) {
    const errors: Record<string, string> = {};
    for (const f of FIELDS) {
      const text = parseFreeText(values[f.id] ?? "", f.what);
      if (!text.ok) errors[f.id] = text.message;
      else if (!f.optional && !text.text)
        errors[f.id] = "Write where things stand for the incoming commander.";
    }
    return Object.keys(errors).length > 0 ? errors : null;
  },
  async run(ctx, inbound, values, state) {
    const target = parseState(state);
    if (!target) return;
    const brief: HandoffBrief = {};
    for (const f of FIELDS) {
      const text = parseFreeText(values[f.id] ?? "", f.what);
      if (text.ok && text.text) brief[f.id] = text.text;
    }
    await offerCommand(ctx, inbound, {
      kind: "handoff",
      userId: target.userId,
      brief,
      incidentId: target.incidentId,
    });
  },
};
