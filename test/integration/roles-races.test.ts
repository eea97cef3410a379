import { afterAll, afterEach, describe, expect, it } from "vitest";
import { eventually } from "../helpers/firebreak.js";
import { testRedis } from "../helpers/redis.js";
import { offerReached, type RolesWorld, rolesConfig, sleep, startRoles } from "./roles-harness.js";

/**
 * Answers racing, on the real Redis: two deliveries dispatched at once (or an answer against the deadline's
 * job) each run their write on the incident, and exactly one wins. The loser is told the offer (or the call)
 * is no longer open, and nothing is recorded twice.
 */
const redis = testRedis();
let w: RolesWorld;

afterEach(async () => {
  await w?.stop();
});
afterAll(() => redis.disconnect());

const count = async (type: string) => (await w.types()).filter((t) => t === type).length;

describe("offers of command", () => {
  it("two Accept clicks at once: one takes command, the other is told the offer is no longer open", async () => {
    w = await startRoles("races-accepts", redis);
    const channel = await w.open();
    await w.say(channel, "commander @erin");
    await offerReached(w, "U0ERIN");
    const button = await w.dmButton("U0ERIN", "fbOfferAccept");
    await Promise.all([
      w.fake.sendBlockAction({ user: "U0ERIN", ...button }),
      w.fake.sendBlockAction({ user: "U0ERIN", ...button }),
    ]);
    await eventually(() => expect(w.toldOnly("U0ERIN")).toContain("is no longer open"), 10_000);
    await eventually(
      () => expect(w.toldOnly("U0ERIN")).toContain("You are now the *Incident Commander*"),
      10_000,
    );
    const posts = () => w.inChannel(channel).split("<@U0ERIN> is now the *Incident Commander*").length - 1;
    await eventually(() => expect(posts()).toBeGreaterThan(0), 10_000);
    await sleep(500);
    expect(posts()).toBe(1);
    expect(await count("commander_changed")).toBe(1);
    expect((await w.incident()).commander?.platformUserId).toBe("U0ERIN");
    w.fake.assertNoViolations();
  });

  it("Accept and a submitted Decline at once: exactly one of them happens", async () => {
    w = await startRoles("races-accept-decline", redis);
    const channel = await w.open();
    await w.say(channel, "commander @erin");
    await offerReached(w, "U0ERIN");
    await w.clickDm("U0ERIN", "fbOfferDecline");
    const view = await w.view("U0ERIN", "fbOfferDeclineForm");
    const accept = await w.dmButton("U0ERIN", "fbOfferAccept");
    await Promise.all([
      w.fake.sendBlockAction({ user: "U0ERIN", ...accept }),
      w.fake.sendViewSubmission({ viewId: view, values: { reason: "Changed my mind" } }),
    ]);
    await eventually(() => expect(w.toldOnly("U0ERIN")).toContain("is no longer open"), 10_000);
    await sleep(300);
    const accepted = await count("commander_changed");
    const declined = await count("commander_offer_declined");
    expect(accepted + declined).toBe(1);
    const incident = await w.incident();
    expect(incident.commander?.platformUserId).toBe(accepted ? "U0ERIN" : "U0DANA");
    expect(incident.offer).toBeUndefined();
    // Whoever offered hears exactly one outcome.
    const told = w.dms("U0DANA");
    expect(told.includes("declined your designation")).toBe(declined === 1);
  });

  it("Accept against the deadline: either the acceptance or the lapse, never both", async () => {
    w = await startRoles("races-accept-expiry", redis, rolesConfig({ offer: "2s" }));
    const channel = await w.open();
    await w.say(channel, "commander @erin");
    await offerReached(w, "U0ERIN");
    const expiresAt = Date.parse((await w.incident()).offer?.expiresAt ?? "");
    const button = await w.dmButton("U0ERIN", "fbOfferAccept");
    // Clicked as the deadline falls: the deadline's job and the click race for the same write.
    await sleep(Math.max(0, expiresAt - Date.now() - 5));
    await w.fake.sendBlockAction({ user: "U0ERIN", ...button });
    await eventually(async () => {
      expect((await count("commander_changed")) + (await count("commander_offer_expired"))).toBe(1);
    }, 10_000);
    await sleep(1000);
    const accepted = await count("commander_changed");
    expect(accepted + (await count("commander_offer_expired"))).toBe(1);
    if (accepted) {
      expect(w.inChannel(channel)).not.toContain("has lapsed");
      expect((await w.incident()).commander?.platformUserId).toBe("U0ERIN");
    } else {
      await eventually(() => expect(w.toldOnly("U0ERIN")).toContain("is no longer open"), 10_000);
      expect((await w.incident()).commander?.platformUserId).toBe("U0DANA");
    }
    expect((await w.incident()).offer).toBeUndefined();
  });
});

describe("calls for help", () => {
  it("two people take the same call at once: the first gets it, the other is told who has it", async () => {
    w = await startRoles("races-help", redis);
    const channel = await w.open();
    await w.say(channel, "help-wanted Someone to watch the queue");
    const button = await w.channelButton("incidents", "fbHelpTake");
    await Promise.all([
      w.fake.sendBlockAction({ user: "U0ERIN", ...button }),
      w.fake.sendBlockAction({ user: "U0ALICE", ...button }),
    ]);
    await eventually(
      () =>
        expect(`${w.toldOnly("U0ERIN")}\n${w.toldOnly("U0ALICE")}`).toContain(
          "already took this call for help on INC-1",
        ),
      10_000,
    );
    const posts = () => w.inChannel(channel).split("took <@U0DANA>'s call for help").length - 1;
    await eventually(() => expect(posts()).toBeGreaterThan(0), 10_000);
    await sleep(500);
    expect(posts()).toBe(1);
    expect(await count("help_taken")).toBe(1);
    const taker = (await w.incident()).helpCalls?.[0]?.takenBy;
    expect(["U0ERIN", "U0ALICE"]).toContain(taker);
    // The loser is told who has it.
    const loser = taker === "U0ERIN" ? "U0ALICE" : "U0ERIN";
    expect(w.toldOnly(loser)).toContain(`<@${taker}> already took this call for help on INC-1`);
  });
});
