/** The templates of change and guidance requests, promotion, the severity matrix: their variables (see registry.ts for the rules). */
import type { VarPath } from "./registry-shared.js";

export type RequestsVarsMap = Record<never, never>;

export const REQUESTS_VARIABLES = {} as const satisfies {
  [N in keyof RequestsVarsMap]: readonly VarPath<RequestsVarsMap[N]>[];
};
