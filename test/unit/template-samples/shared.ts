import type { IncidentVars } from "../../../src/core/templates/index.js";

/** Text that would ping, broadcast or link if a template let it through unescaped. */
export const HOSTILE = "<!channel> @here *x* <http://evil|click>";

export function incident(over: Partial<IncidentVars> = {}): IncidentVars {
  return {
    id: "INC-12",
    title: "Search is down",
    severity: "sev1",
    state: "triggered",
    service: "search",
    serviceName: "Search API",
    createdAt: "2026-11-20T22:05:00Z",
    ...over,
  };
}
