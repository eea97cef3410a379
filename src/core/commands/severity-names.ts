import type { Severity } from "../incident/incident.js";

/** What each severity means, in one word: shown next to the severity in usage messages and forms. */
export const SEVERITY_NAMES: Readonly<Record<Severity, string>> = {
  sev1: "critical",
  sev2: "major",
  sev3: "moderate",
  sev4: "minor",
};
