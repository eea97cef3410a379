/** On-call routes of this part: the planner's command and its Apply and Discard buttons (see routes.ts). */
import { ActionIds } from "../src/core/action-ids.js";
import { applyPlanClick, discardPlanClick, planCommand } from "./oncall-plan.js";
import type { RouteTable } from "./routes.js";

export const oncallPlanRoutes: RouteTable = {
  commands: { oncall_plan: planCommand },
  actions: {
    [ActionIds.planApply]: applyPlanClick,
    [ActionIds.planDiscard]: discardPlanClick,
  },
};
