/** On-call routes of this part: overrides, swaps, absences and cover, and listing and removing them (see routes.ts). */
import { ActionIds } from "../src/core/action-ids.js";
import { declareAway } from "./oncall-away.js";
import { cover, takeCoverClick } from "./oncall-cover.js";
import { listAway, listOverrides, removeAwayClick, removeOverrideClick } from "./oncall-list.js";
import { makeOverride } from "./oncall-override.js";
import { swapShifts } from "./oncall-swap.js";
import type { RouteTable } from "./routes.js";

export const oncallChangesRoutes: RouteTable = {
  commands: {
    oncall_override: makeOverride,
    oncall_swap: swapShifts,
    oncall_away: declareAway,
    oncall_cover: cover,
    oncall_overrides: listOverrides,
    oncall_away_list: listAway,
  },
  actions: {
    [ActionIds.coverTake]: takeCoverClick,
    [ActionIds.overrideRemove]: removeOverrideClick,
    [ActionIds.awayRemove]: removeAwayClick,
  },
};
