import { describe, expect, it } from "vitest";
import { STANDARD_SEVERITIES } from "../helpers/config-fixtures.js";
import { eventually } from "../helpers/firebreak.js";
import { slackWorld } from "../helpers/slack-world.js";

/**
 * The answer to a schedule change names who was told by direct message and who could not be: Gus is in the
 * people list without a Slack account. Tue 3 Nov 2026 13:00 in Berlin: in `primary` (weekly from Mon 2 Nov
 * 09:00 Berlin) Alice has this week, Gus the next, then Bob.
 */
const CONFIG = `
timezone: Europe/Berlin
announce_channel: incidents
people:
  - { id: alice, name: Alice, slack: U0ALICE, timezone: Europe/Berlin }
  - { id: bob, name: Bob, slack: U0BOB, timezone: America/New_York }
  - { id: gus, name: Gus, timezone: Europe/Berlin }
rotations:
  - id: primary
    members: [alice, gus, bob]
    shift: 1w
    handoff: "Mon 09:00"
    timezone: Europe/Berlin
    start: 2026-11-02
escalation_policies:
  - id: default
    steps:
      - { notify: [rotation:primary] }
fallback_policy: default
${STANDARD_SEVERITIES}`;

const world = slackWorld();

describe("the answer to a schedule change", () => {
  it("names who was told and who could not be reached", async () => {
    const now = Date.parse("2026-11-03T12:00:00Z");
    const { fake } = await world.start({
      label: "oncall-told",
      config: CONFIG,
      clock: { now: () => new Date(now) },
    });
    // Alice puts Bob on for a day of Gus's week: Bob is told, Gus cannot be.
    const d = await fake.sendSlashCommand({
      text: "oncall override @bob 2026-11-10 09:00 2026-11-10 17:00 primary",
      user: "U0ALICE",
    });
    const answer = await eventually(() => {
      const text = d.responseUrl.posts.map((p) => JSON.stringify(p.body)).join("\n");
      expect(text).toContain("Override made in primary");
      return text;
    }, 10_000);
    expect(answer).toContain("Told by direct message that their shifts moved: <@U0BOB>.");
    expect(answer).toContain(
      "Could not tell Gus by direct message: the config's `people` list gives them no user id on a chat platform this Firebreak serves. Please tell them yourself.",
    );
    await eventually(() => expect(world.dmsTo("U0BOB")).toContain("Your on-call shifts in"), 10_000);
    fake.assertNoViolations();
  });
});
