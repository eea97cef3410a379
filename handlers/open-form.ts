import { ActionIds } from "../src/core/action-ids.js";
import { TITLE_MAX } from "../src/core/commands/text.js";
import { SEVERITIES, severityLabel } from "../src/core/incident/incident.js";
import type { Form } from "../src/core/message.js";
import type { Settings } from "../src/core/settings.js";
import { DEFAULT_SEVERITY } from "./open.js";

const SEVERITY_HINTS = { sev1: "critical", sev2: "major", sev3: "moderate", sev4: "minor" } as const;
export const NO_SERVICE = "none";

/** The form bare `/incident open` shows: the same fields the one-line command takes, plus a description. */
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
        id: "severity",
        label: "Severity",
        kind: "select",
        initial: DEFAULT_SEVERITY,
        options: SEVERITIES.map((s) => ({ value: s, label: `${severityLabel(s)} (${SEVERITY_HINTS[s]})` })),
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
