// A sample of every template's variables, with hostile text (HOSTILE) wherever a person can type: rendered and
// posted through each platform by the contract suite, so a template one platform cannot carry (too long, a
// field or button it rejects, text that would ping people) fails there. The samples are those of
// test/unit/template-samples/, which the unit tests of the templates use too; their ids are Slack-shaped
// (U0ALICE, U0BOB, C1), and `sampleFor` swaps them for the platform's own.

import type { TemplateName, TemplateVarsMap } from "../../../src/core/templates/index.js";
import { TEMPLATE_SAMPLES } from "../../unit/template-samples/index.js";
import { HOSTILE } from "../../unit/template-samples/shared.js";

/** The ids the samples use, by what they stand for. */
export const SAMPLE_IDS = { alice: "U0ALICE", bob: "U0BOB", channel: "C1" } as const;

export { TEMPLATE_SAMPLES };

/**
 * The sample of `name` with the sample ids (exact string values only) replaced by the platform's: `ids` maps
 * each of SAMPLE_IDS' values to its replacement. Hostile text stays as it is.
 */
export function sampleFor<N extends TemplateName>(name: N, ids: Record<string, string>): TemplateVarsMap[N] {
  const swap = (v: unknown): unknown => {
    if (typeof v === "string") return Object.hasOwn(ids, v) ? ids[v] : v;
    if (Array.isArray(v)) return v.map(swap);
    if (typeof v === "object" && v !== null) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, swap(x)]));
    }
    return v;
  };
  return swap(TEMPLATE_SAMPLES[name]) as TemplateVarsMap[N];
}

export { HOSTILE };
