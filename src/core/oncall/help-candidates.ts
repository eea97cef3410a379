/**
 * Who a call for help is sent to by direct message, besides the channel and announcement posts: the people
 * likely to know the service, not yet in the incident, spread fairly by the shared record of who was asked.
 *
 * The rule: candidates are everyone on duty in any rotation now (overrides applied), then the members of every
 * rotation the incident's escalation policy pages (its backup policy's too), in config order; minus whoever is
 * in the incident already (commander, communications lead, responders, reporters, and the person asking),
 * whoever has no account on the incident's platform, and whoever declared themselves away now. Of those, the
 * ones asked least in the record (then longest ago, then in that order) are asked, at most `HELP_DMS`.
 * Pure: the handler loads the overrides, the absences and the record, and records who it asked.
 */
import type { Incident } from "../incident/incident.js";
import type { Settings } from "../settings.js";
import { leastAsked } from "./asked.js";
import { policyForService } from "./commander.js";
import { onCallAt } from "./duty.js";
import type { OverrideBook } from "./override-index.js";
import { personById, platformUserId } from "./people.js";
import type { Away } from "./types.js";

/** How many people one call for help asks directly. */
export const HELP_DMS = 2;

export interface HelpAsk {
  personId: string;
  /** Their user id on the incident's platform. */
  userId: string;
}

/** Everyone who may be asked, in the order of the rule (duplicates dropped), before fairness is applied. */
export function helpCandidates(
  settings: Settings,
  incident: Pick<Incident, "service" | "platform" | "commander" | "comms" | "responders" | "reporters">,
  asker: string,
  now: Date,
  book: OverrideBook,
  away: readonly Away[],
): HelpAsk[] {
  const onDuty = settings.rotations.flatMap((r) => {
    const id = onCallAt(r, book(r.id), now).personId;
    return id ? [id] : [];
  });
  const paged = new Set(
    (policyForService(settings, incident.service).policy?.steps ?? []).flatMap((s) =>
      s.notify.filter((t) => t.kind === "rotation").map((t) => t.id),
    ),
  );
  const members = settings.rotations
    .filter((r) => paged.has(r.id))
    .flatMap((r) => r.layers.flatMap((l) => l.members));
  const inIncident = new Set(
    [
      asker,
      incident.commander?.platformUserId,
      incident.comms?.platformUserId,
      ...(incident.responders ?? []).map((p) => p.platformUserId),
      ...incident.reporters.map((p) => p.platformUserId),
    ].filter((u): u is string => Boolean(u)),
  );
  const t = now.getTime();
  const awayNow = new Set(
    away.filter((a) => Date.parse(a.from) <= t && t < Date.parse(a.to)).map((a) => a.personId),
  );
  const out: HelpAsk[] = [];
  for (const personId of new Set([...onDuty, ...members])) {
    const person = personById(settings, personId);
    const userId = person ? platformUserId(person, incident.platform) : undefined;
    if (!userId || inIncident.has(userId) || awayNow.has(personId)) continue;
    out.push({ personId, userId });
  }
  return out;
}

/** The people to ask: the candidates asked least in the record `asked` (person id → epoch ms), at most `n`. */
export function whomToAsk(
  candidates: readonly HelpAsk[],
  asked: Readonly<Record<string, readonly number[]>>,
  n = HELP_DMS,
): HelpAsk[] {
  const chosen = leastAsked(
    candidates.map((c) => c.personId),
    asked,
    n,
  );
  return chosen.map((id) => candidates.find((c) => c.personId === id) as HelpAsk);
}
