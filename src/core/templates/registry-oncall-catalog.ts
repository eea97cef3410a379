/** The on-call templates of this part (see registry.ts for the rules): their variables. */
import type { VarPath } from "./registry-shared.js";

// biome-ignore lint/complexity/noBannedTypes: filled in as templates are added
export type OncallCatalogVarsMap = {};

export const ONCALL_CATALOG_VARIABLES = {} as const satisfies {
  [N in keyof OncallCatalogVarsMap]: readonly VarPath<OncallCatalogVarsMap[N]>[];
};
