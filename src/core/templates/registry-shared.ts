/**
 * What every template registry shares: the incident as templates see it, and the type that checks a registry's
 * variable paths against its vars types. The base registry (registry.ts) and each feature's registry import
 * it, so a feature adds its templates in a file of its own.
 */

/** The incident as templates see it: display-ready strings, not the stored model. */
export interface IncidentVars {
  id: string;
  title: string;
  /** The stored severity, e.g. "sev1"; templates usually show the `severity` label instead. */
  severity: string;
  state: string;
  /** The service id from the catalog. */
  service?: string;
  /** The service's display name, when the catalog has one. */
  serviceName?: string;
  description?: string;
  /** ISO 8601 instant; show it with `{{time incident.createdAt timezone}}`. */
  createdAt: string;
}

/** The last status update, as the status card shows it. */
export interface LastUpdateVars {
  text: string;
  /** ISO 8601 instant. */
  at: string;
  /** Platform user id. */
  author: string;
}

/** Where an escalation stands, as an escalation page shows it. */
export interface EscalationStepVars {
  /** The step paged, counted from 1. */
  step: number;
  /** How many steps the policy has. */
  steps: number;
  /** Set when the last step is paged again: repeat `repeat` of `of`. */
  repeat?: number;
  of?: number;
}

export interface HelpCommandVars {
  usage: string;
  summary: string;
}

/**
 * Every dotted path a vars type offers: `incident.title`, `commands[].usage`, and `incident.*` for "anything
 * under incident". Used only to type-check the registry below against `TemplateVarsMap`, so a typo in a
 * declared variable fails the build instead of surfacing as a confusing start-up error.
 */
export type VarPath<T> = {
  [K in keyof T & string]-?: NonNullable<T[K]> extends readonly (infer I)[]
    ? I extends object
      ? `${K}[]` | `${K}[].${VarPath<I>}`
      : `${K}[]`
    : NonNullable<T[K]> extends object
      ? `${K}.*` | `${K}.${VarPath<NonNullable<T[K]>>}`
      : K;
}[keyof T & string];

export const INCIDENT = [
  "incident.id",
  "incident.title",
  "incident.severity",
  "incident.state",
  "incident.service",
  "incident.serviceName",
  "incident.description",
  "incident.createdAt",
] as const;

export const STEP = ["step", "steps", "repeat", "of"] as const;
