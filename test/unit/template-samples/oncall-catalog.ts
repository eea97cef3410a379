import type { OncallCatalogVarsMap } from "../../../src/core/templates/registry-oncall-catalog.js";

/** Variables for every template of this part, with hostile user text wherever a person can type (see shared.ts). */
export const ONCALL_CATALOG_SAMPLES: { [N in keyof OncallCatalogVarsMap]: OncallCatalogVarsMap[N] } = {};
