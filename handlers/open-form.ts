import { ActionIds } from "../src/core/action-ids.js";
import { SEVERITY_NAMES } from "../src/core/commands/severity-names.js";
import { parseTitle, TITLE_MAX } from "../src/core/commands/text.js";
import {
  type IncidentKind,
  SEVERITIES,
  type Severity,
  severityLabel,
} from "../src/core/incident/incident.js";
import {
  DEFAULT_IMPACT,
  DEFAULT_URGENCY,
  IMPACT_MEANINGS,
  isLevel,
  LEVELS,
  type Level,
  URGENCY_MEANINGS,
} from "../src/core/incident/severity-matrix.js";
import type { Form } from "../src/core/message.js";
import type { Settings } from "../src/core/settings.js";
import type { OpenRequest } from "./open.js";

export const NO_SERVICE = "none";
/** The Visibility select's values: public (on the status page, the default) or private (kept off it). */
export const PUBLIC = "public";
export const PRIVATE = "private";
/** The Severity select's default: no override, the matrix decides. */
export const FROM_MATRIX = "matrix";

const KINDS: { value: IncidentKind; label: string }[] = [
  { value: "incident", label: "Incident: something is broken" },
  { value: "change_request", label: "Change request: please change something" },
  { value: "guidance_request", label: "Guidance request: a question" },
];

const levelOptions = (meanings: Record<Level, string>) =>
  LEVELS.map((l) => ({ value: l, label: `${l[0]?.toUpperCase()}${l.slice(1)}: ${meanings[l]}` }));

/**
 * The form bare `/incident open` shows: the same fields the one-line command takes, plus a description, and
 * impact and urgency, from which the severity follows (core/incident/severity-matrix.ts) unless the reporter
 * overrides it. Every select has a default, so the form opens an incident with nothing but a title; the
 * selects are optional for the same reason (a platform that leaves an untouched one out gets the default).
 */
export function openForm(settings: Settings, conversationId: string): Form {
  return {
    callbackId: ActionIds.openForm,
    title: "Open an incident",
    submitLabel: "Open",
    state: conversationId,
    fields: [
      {
        id: "title",
        label: "What is broken?",
        kind: "text",
        maxLength: TITLE_MAX,
        placeholder: "Search is down",
      },
      {
        id: "kind",
        label: "Kind",
        kind: "select",
        optional: true,
        initial: "incident",
        options: KINDS,
        hint: "Change and guidance requests are tracked here, without a channel or a page; promote one if it turns out to be an incident.",
      },
      {
        id: "impact",
        label: "Impact: who is affected?",
        kind: "select",
        optional: true,
        initial: DEFAULT_IMPACT,
        options: levelOptions(IMPACT_MEANINGS),
      },
      {
        id: "urgency",
        label: "Urgency: how fast does it get worse?",
        kind: "select",
        optional: true,
        initial: DEFAULT_URGENCY,
        options: levelOptions(URGENCY_MEANINGS),
      },
      {
        id: "severity",
        label: "Severity",
        kind: "select",
        optional: true,
        initial: FROM_MATRIX,
        options: [
          { value: FROM_MATRIX, label: "From impact and urgency" },
          ...SEVERITIES.map((s) => ({ value: s, label: `${severityLabel(s)} (${SEVERITY_NAMES[s]})` })),
        ],
        hint: "Leave it to impact and urgency, or pick one to override them.",
      },
      {
        id: "service",
        label: "Service",
        kind: "select",
        optional: true,
        initial: NO_SERVICE,
        options: [
          { value: NO_SERVICE, label: "Not sure / none" },
          ...settings.services.map((s) => ({ value: s.id, label: s.name ?? s.id })),
        ],
      },
      {
        id: "visibility",
        label: "Status page",
        kind: "select",
        optional: true,
        initial: PUBLIC,
        options: [
          { value: PUBLIC, label: "Public: show it on the status page" },
          { value: PRIVATE, label: "Private: keep it off the status page" },
        ],
        hint: "Private suits security or customer-confidential incidents; change it later with `/incident visibility`.",
      },
      {
        id: "description",
        label: "What do you see?",
        kind: "textarea",
        optional: true,
        maxLength: 3000,
        hint: "Symptoms, links, who is affected. You can add more in the incident channel.",
      },
    ],
  };
}

const oneOf = <T extends string>(all: readonly T[], value: string | undefined): T | undefined =>
  (all as readonly string[]).includes(value ?? "") ? (value as T) : undefined;

/**
 * The submitted form as an open request, or the field errors to show in the form. A value the form never
 * offered (an old form, a tampered submission) counts as the field's default: only the title can be wrong.
 */
export function openRequestFromForm(
  values: Record<string, string>,
): { ok: true; request: OpenRequest } | { ok: false; errors: Record<string, string> } {
  const title = parseTitle(values.title ?? "");
  if (!title.ok) return { ok: false, errors: { title: title.message } };
  const kind = oneOf(
    KINDS.map((k) => k.value),
    values.kind,
  );
  const severity: Severity | undefined = oneOf(SEVERITIES, values.severity);
  const service = values.service && values.service !== NO_SERVICE ? values.service : undefined;
  const description = values.description?.trim() || undefined;
  return {
    ok: true,
    request: {
      title: title.text,
      // The matrix decides unless a severity is picked; an untouched impact or urgency is its default.
      impact: isLevel(values.impact) ? values.impact : DEFAULT_IMPACT,
      urgency: isLevel(values.urgency) ? values.urgency : DEFAULT_URGENCY,
      ...(severity && { severity }),
      ...(service && { service }),
      ...(description && { description }),
      ...(kind && kind !== "incident" && { kind }),
      // Only an explicit choice of private hides it: anything else (untouched, old form) stays public.
      ...(values.visibility === PRIVATE && { private: true }),
    },
  };
}
