import { describe, expect, it } from "vitest";
import { ActionIds } from "../../src/core/action-ids.js";
import { OncallChangesActionIds } from "../../src/core/oncall/changes-action-ids.js";
import { OncallPlanActionIds } from "../../src/core/oncall/plan-action-ids.js";

describe("the planner's action ids", () => {
  it("are alphanumeric (Mattermost rejects - and _) and collide with no other id", () => {
    const mine = Object.values(OncallPlanActionIds);
    for (const id of mine) expect(id).toMatch(/^fbOncallPlan[A-Za-z0-9]+$/);
    const others = [...Object.values(ActionIds), ...Object.values(OncallChangesActionIds)];
    for (const id of mine) expect(others).not.toContain(id);
    expect(new Set(mine).size).toBe(mine.length);
  });
});
