/**
 * Severity from impact × urgency (DESIGN.md §4): the reporter says how bad it is and how fast it gets worse, the
 * matrix says how loud the incident is. Anyone may override it (`sev1`..`sev4` on the command line, the form's
 * "Severity" select); the opened incident's `incident_opened` event records which way it was chosen.
 *
 * | impact \ urgency                                | high: getting worse, or data at risk | medium: steady | low: can wait for working hours |
 * | ----------------------------------------------- | ------------------------------------ | -------------- | ------------------------------- |
 * | **high**: most users, or a whole service down   | SEV1                                 | SEV2           | SEV3                            |
 * | **medium**: some users, or a feature degraded   | SEV2                                 | SEV3           | SEV4                            |
 * | **low**: few users, a workaround exists         | SEV3                                 | SEV4           | SEV4                            |
 *
 * Impact and urgency weigh the same: one step down on either is one severity quieter, and SEV4 is the floor.
 * Medium × medium is SEV3, the severity an incident gets when the reporter says nothing.
 */
import type { Severity } from "./incident.js";

export const LEVELS = ["high", "medium", "low"] as const;
export type Level = (typeof LEVELS)[number];

/** What each level means, in the words the open form shows. */
export const IMPACT_MEANINGS: Record<Level, string> = {
  high: "most users, or a whole service down",
  medium: "some users, or a feature degraded",
  low: "few users, a workaround exists",
};

export const URGENCY_MEANINGS: Record<Level, string> = {
  high: "getting worse, or data at risk",
  medium: "steady",
  low: "can wait for working hours",
};

export const DEFAULT_IMPACT: Level = "medium";
export const DEFAULT_URGENCY: Level = "medium";

/** impact → urgency → severity: the table above. */
export const SEVERITY_MATRIX: Readonly<Record<Level, Readonly<Record<Level, Severity>>>> = {
  high: { high: "sev1", medium: "sev2", low: "sev3" },
  medium: { high: "sev2", medium: "sev3", low: "sev4" },
  low: { high: "sev3", medium: "sev4", low: "sev4" },
};

export function severityFrom(impact: Level, urgency: Level): Severity {
  return SEVERITY_MATRIX[impact][urgency];
}

export function isLevel(value: string | undefined): value is Level {
  return (LEVELS as readonly string[]).includes(value ?? "");
}

/**
 * How an incident's severity was chosen, for its `incident_opened` event: from impact and urgency, named
 * explicitly (which overrides the matrix), or the default when the reporter gave neither.
 */
export type SeverityChoice =
  | { from: "matrix"; impact: Level; urgency: Level; severity: Severity }
  | { from: "explicit"; severity: Severity; impact?: Level; urgency?: Level }
  | { from: "default"; severity: Severity };

/** The severity of a new incident from what the reporter gave; `fallback` when they gave nothing. */
export function chooseSeverity(
  given: { severity?: Severity; impact?: Level; urgency?: Level },
  fallback: Severity,
): SeverityChoice {
  if (given.severity) {
    return {
      from: "explicit",
      severity: given.severity,
      ...(given.impact && { impact: given.impact }),
      ...(given.urgency && { urgency: given.urgency }),
    };
  }
  if (given.impact || given.urgency) {
    const impact = given.impact ?? DEFAULT_IMPACT;
    const urgency = given.urgency ?? DEFAULT_URGENCY;
    return { from: "matrix", impact, urgency, severity: severityFrom(impact, urgency) };
  }
  return { from: "default", severity: fallback };
}

/** The choice as the flat strings a timeline event keeps. */
export function choiceData(choice: SeverityChoice): Record<string, string> {
  return {
    severityFrom: choice.from,
    ...("impact" in choice && choice.impact && { impact: choice.impact }),
    ...("urgency" in choice && choice.urgency && { urgency: choice.urgency }),
  };
}
