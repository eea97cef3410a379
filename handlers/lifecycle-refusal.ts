import { UsageError } from "../src/core/errors.js";
import type { Incident, IncidentState } from "../src/core/incident/incident.js";
import { type LifecycleAction, type Refusal, transition } from "../src/core/incident/lifecycle.js";

/**
 * The lifecycle's refusals as messages a person can act on: what is in the way and the command that gets past
 * it. Every one ends with "Nothing was changed." because the refusal happens inside the write, before it.
 */

const NOTHING = "Nothing was changed.";

/** What the person tried, as they would type it (or as a click is described). */
const TRIED: Record<LifecycleAction, string> = {
  ack: "`/incident ack`",
  investigating: "`/incident status investigating`",
  identified: "`/incident status identified`",
  mitigated: "`/incident status mitigated`",
  fix: "`/incident fix <link or sha>`",
  deployed: "`/incident deployed`",
  resolve: "`/incident resolve [summary]`",
  reopen: "`/incident reopen`",
  confirm: "confirming the fix",
  still_broken: "saying it is still broken",
  confirm_timeout: "closing it",
  merge: "`/incident merge`",
};

/** The transition `action` makes on the incident as it is now; throws the refusal's message when it makes none. */
export function requireTransition(
  incident: Incident,
  action: LifecycleAction,
): { from: IncidentState; to: IncidentState } {
  const t = transition(incident, action);
  if (t.ok) return { from: t.from, to: t.to };
  throw refusalError(incident, action, t);
}

export function refusalError(
  incident: Pick<Incident, "id" | "state" | "fixes">,
  action: LifecycleAction,
  refusal: Refusal,
): UsageError {
  const id = incident.id;
  switch (refusal.reason) {
    case "already":
      if (action === "deployed") {
        return new UsageError(
          `Every fix recorded on ${id} is already live (fix_deployed). If another fix is going out, record it first with \`/incident fix <link or sha>\`. ${NOTHING}`,
          "already_fix_deployed",
        );
      }
      if (action === "ack") {
        return new UsageError(
          `${id} is already acknowledged: it is ${refusal.state}. ${NOTHING}`,
          "already_acknowledged",
        );
      }
      return new UsageError(`${id} is already ${refusal.state}. ${NOTHING}`, `already_${refusal.state}`);
    case "not_acknowledged":
      return new UsageError(
        `Nobody has acknowledged ${id} yet: \`/incident ack\` first (the people paged can), then ${TRIED[action]}. ${NOTHING}`,
        "not_acknowledged",
      );
    case "fix_not_live":
      return new UsageError(
        `The fix of ${id} is merged but not live yet: run \`/incident deployed\` once it is in production, then resolve. If the harm already stopped another way (a rollback), set \`/incident status mitigated\` and resolve then. ${NOTHING}`,
        "fix_not_live",
      );
    case "nothing_live":
      return new UsageError(
        `${id} is ${refusal.state}: resolving needs the harm stopped (\`/incident status mitigated\`) or a fix live (\`/incident fix <link or sha>\`, then \`/incident deployed\`). ${NOTHING}`,
        "nothing_live",
      );
    case "no_fix_recorded":
      if (incident.fixes?.some((f) => !f.deployedAt)) {
        return new UsageError(
          `${id} moved on to ${incident.state} after its fix was merged, so no fix is waiting for a deploy. Record the fix that is going out with \`/incident fix <link or sha>\`, then run \`/incident deployed\`. ${NOTHING}`,
          "no_fix_recorded",
        );
      }
      return new UsageError(
        `No fix is recorded on ${id}: record it with \`/incident fix <link or sha>\` first, then run \`/incident deployed\` once it is live. ${NOTHING}`,
        "no_fix_recorded",
      );
    case "not_resolved":
      if (action === "still_broken") {
        return new UsageError(
          `${id} is ${refusal.state}: it is being worked on again, not waiting for your confirmation. Tell the responders in its channel what you see. ${NOTHING}`,
          "not_resolved",
        );
      }
      return new UsageError(
        `${id} is ${refusal.state}, not resolved: there is no fix to confirm right now. ${NOTHING}`,
        "not_resolved",
      );
    case "finished":
      if (action === "confirm" && refusal.state === "closed") {
        return new UsageError(
          `${id} is already closed: there is nothing left to confirm. ${NOTHING}`,
          "incident_finished",
        );
      }
      return new UsageError(
        refusal.state === "resolved"
          ? `${id} is resolved and waits for its reporters to confirm the fix. If the problem is back, \`/incident reopen\` it first. ${NOTHING}`
          : `${id} is ${refusal.state}. If the problem is back, \`/incident reopen\` it first. ${NOTHING}`,
        "incident_finished",
      );
    case "merged":
      return new UsageError(
        `${id} was merged into ${refusal.into}; follow that one. ${NOTHING}`,
        "merged_duplicate",
      );
    case "not_finished":
      return new UsageError(
        `${id} is still open (${refusal.state}): only a resolved or closed incident can be reopened. ${NOTHING}`,
        "not_finished",
      );
  }
}

/**
 * `/incident status <state>` for a state `status` does not set: the command that does (or why nothing does).
 */
export function notAStatusError(incidentId: string, state: IncidentState): UsageError {
  const id = incidentId;
  const say = (text: string) => new UsageError(`${text} ${NOTHING}`, "not_a_status");
  switch (state) {
    case "triggered":
      return say(
        `An incident cannot go back to triggered: ${id} was answered. \`/incident status\` moves it along (investigating, identified, mitigated).`,
      );
    case "acknowledged":
      return say(`Acknowledge ${id} with \`/incident ack\` (the people paged can), not with \`status\`.`);
    case "fix_merged":
      return say(
        `Record the fix with \`/incident fix <link or sha>\`: that moves ${id} to fix_merged and shows the fix on its card.`,
      );
    case "fix_deployed":
      return say(`Once the fix is live, run \`/incident deployed\`: that moves ${id} to fix_deployed.`);
    case "resolved":
      return say(
        `Resolve ${id} with \`/incident resolve [summary]\`: it also asks the reporters to confirm the fix.`,
      );
    case "reopened":
      return say(`Reopen ${id} with \`/incident reopen\`.`);
    case "closed":
      return say(
        `${id} closes by itself when its reporters confirm the fix, or when their time to answer ends. \`/incident resolve [summary]\` asks them.`,
      );
    default:
      return say(`\`/incident status ${state}\` is not a state change ${id} can make.`);
  }
}
