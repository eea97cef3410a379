/** The templates of merging, subscriptions, notes, the timeline, the incident list and card: their variables (see registry.ts for the rules). */
import type { VarPath } from "./registry-shared.js";

export type RecordsVarsMap = Record<never, never>;

export const RECORDS_VARIABLES = {} as const satisfies {
  [N in keyof RecordsVarsMap]: readonly VarPath<RecordsVarsMap[N]>[];
};
