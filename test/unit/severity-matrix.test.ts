import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_SEVERITY } from "../../handlers/open.js";
import { FROM_MATRIX, openForm, openRequestFromForm } from "../../handlers/open-form.js";
import { SEVERITIES } from "../../src/core/incident/incident.js";
import {
  choiceData,
  chooseSeverity,
  DEFAULT_IMPACT,
  DEFAULT_URGENCY,
  LEVELS,
  type Level,
  severityFrom,
} from "../../src/core/incident/severity-matrix.js";
import { settings } from "./handler-fakes.js";

describe("the severity matrix", () => {
  it.each<[Level, Level, string]>([
    ["high", "high", "sev1"],
    ["high", "medium", "sev2"],
    ["high", "low", "sev3"],
    ["medium", "high", "sev2"],
    ["medium", "medium", "sev3"],
    ["medium", "low", "sev4"],
    ["low", "high", "sev3"],
    ["low", "medium", "sev4"],
    ["low", "low", "sev4"],
  ])("impact %s × urgency %s is %s", (impact, urgency, severity) => {
    expect(severityFrom(impact, urgency)).toBe(severity);
  });

  it("gives the default severity for the default impact and urgency", () => {
    expect(severityFrom(DEFAULT_IMPACT, DEFAULT_URGENCY)).toBe(DEFAULT_SEVERITY);
  });

  const level = fc.constantFrom(...LEVELS);
  const rank = (s: string) => SEVERITIES.indexOf(s as (typeof SEVERITIES)[number]);
  const louder = (a: Level, b: Level) => LEVELS.indexOf(a) <= LEVELS.indexOf(b);

  it("never gets quieter when impact or urgency goes up", () => {
    fc.assert(
      fc.property(level, level, level, level, (i1, u1, i2, u2) => {
        if (louder(i1, i2) && louder(u1, u2)) {
          expect(rank(severityFrom(i1, u1))).toBeLessThanOrEqual(rank(severityFrom(i2, u2)));
        }
      }),
    );
  });

  it("weighs impact and urgency the same", () => {
    fc.assert(
      fc.property(level, level, (i, u) => {
        expect(severityFrom(i, u)).toBe(severityFrom(u, i));
      }),
    );
  });
});

describe("choosing a new incident's severity", () => {
  it.each([
    [{}, { from: "default", severity: "sev3" }, { severityFrom: "default" }],
    [{ severity: "sev2" as const }, { from: "explicit", severity: "sev2" }, { severityFrom: "explicit" }],
    [
      { impact: "high" as const, urgency: "high" as const },
      { from: "matrix", severity: "sev1", impact: "high", urgency: "high" },
      { severityFrom: "matrix", impact: "high", urgency: "high" },
    ],
    [
      { impact: "low" as const },
      { from: "matrix", severity: "sev4", impact: "low", urgency: "medium" },
      { severityFrom: "matrix", impact: "low", urgency: "medium" },
    ],
    [
      { impact: "high" as const, urgency: "high" as const, severity: "sev4" as const },
      { from: "explicit", severity: "sev4", impact: "high", urgency: "high" },
      { severityFrom: "explicit", impact: "high", urgency: "high" },
    ],
  ])("%j is chosen as %j and recorded as %j", (given, choice, data) => {
    const chosen = chooseSeverity(given, DEFAULT_SEVERITY);
    expect(chosen).toEqual(choice);
    expect(choiceData(chosen)).toEqual(data);
  });
});

describe("the open form", () => {
  const form = openForm(settings, "C0GEN");
  const field = (id: string) => form.fields.find((f) => f.id === id);

  it("asks for the kind, impact and urgency, with defaults that give the default severity", () => {
    expect(field("kind")).toMatchObject({ kind: "select", initial: "incident" });
    expect(field("kind")?.options?.map((o) => o.value)).toEqual([
      "incident",
      "change_request",
      "guidance_request",
    ]);
    expect(field("impact")).toMatchObject({ initial: "medium" });
    expect(field("urgency")).toMatchObject({ initial: "medium" });
    expect(field("impact")?.options?.map((o) => o.label)).toEqual([
      "High: most users, or a whole service down",
      "Medium: some users, or a feature degraded",
      "Low: few users, a workaround exists",
    ]);
    expect(field("severity")).toMatchObject({ initial: FROM_MATRIX, optional: true });
    expect(field("severity")?.options?.[0]).toEqual({ value: FROM_MATRIX, label: "From impact and urgency" });
  });

  it.each([
    [{ title: "Search is down" }, { impact: "medium", urgency: "medium" }],
    [
      { title: "Search is down", impact: "high", urgency: "low", severity: FROM_MATRIX },
      { impact: "high", urgency: "low" },
    ],
    [
      { title: "Search is down", impact: "low", urgency: "low", severity: "sev1" },
      { impact: "low", urgency: "low", severity: "sev1" },
    ],
    [
      { title: "Search is down", kind: "guidance_request", impact: "bogus" },
      { kind: "guidance_request", impact: "medium" },
    ],
  ])("reads %j as %j", (values, request) => {
    const parsed = openRequestFromForm(values);
    expect(parsed.ok && parsed.request).toMatchObject({ title: "Search is down", ...request });
    if (!("severity" in request)) expect(parsed.ok && parsed.request.severity).toBeUndefined();
    if (!("kind" in request)) expect(parsed.ok && parsed.request.kind).toBeUndefined();
  });

  it("refuses a blank title in the form", () => {
    expect(openRequestFromForm({ title: "   ", impact: "high" })).toMatchObject({
      ok: false,
      errors: { title: expect.any(String) },
    });
  });
});
