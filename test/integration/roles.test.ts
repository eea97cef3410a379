import { afterAll, afterEach, describe, expect, it } from "vitest";
import { eventually } from "../helpers/firebreak.js";
import { testRedis } from "../helpers/redis.js";
import { offerReached, type RolesWorld, rolesConfig, sleep, startRoles } from "./roles-harness.js";

/**
 * Commander designation and handoff, the communications lead, responders and calls for help, end to end: the
 * real dispatcher, store, queue and outbox on a real Redis, Slack faked. Bob reports, Dana is on call (the
 * commander), Alice is a manager, Erin is outside the incident channel. Durations are compressed per test.
 */
const redis = testRedis();
let w: RolesWorld;

afterEach(async () => {
  await w?.stop();
});
afterAll(() => redis.disconnect());

const NOTHING = "Nothing was changed.";

describe("designating a commander", () => {
  it("asks the person named; on accept the roles swap and everyone hears it", async () => {
    w = await startRoles("roles-designate", redis);
    const channel = await w.open();
    // Alice is a manager: she may designate without commanding.
    await w.say(channel, "commander @erin", "U0ALICE");
    await offerReached(w, "U0ERIN");
    expect(w.dms("U0ERIN")).toContain("<@U0ALICE> asks you to be the *Incident Commander* of *INC-1*");
    expect(w.dms("U0ERIN")).toContain('"fbOfferDecline.1"');
    await eventually(() => expect(w.inChannel(channel)).toContain("<@U0ALICE> designated <@U0ERIN>"), 10_000);
    expect((await w.incident()).timers?.offer?.dueAt).toBeDefined();

    await w.clickDm("U0ERIN", "fbOfferAccept");
    await eventually(
      () => expect(w.inChannel(channel)).toContain("<@U0ERIN> is now the *Incident Commander* of *INC-1*"),
      10_000,
    );
    await eventually(() => expect(w.card(channel)).toContain("*Incident Commander*\\n<@U0ERIN>"), 10_000);
    expect(w.card(channel)).toContain("*Responders*\\n<@U0DANA>");
    await eventually(() => expect(w.dms("U0DANA")).toContain("you stay on as a responder"), 10_000);
    await eventually(() => expect(w.dms("U0ALICE")).toContain("<@U0ERIN> accepted the designation"), 10_000);
    // Bob reported, so he is subscribed and told.
    await eventually(
      () => expect(w.dms("U0BOB")).toContain("<@U0ERIN> is now the *Incident Commander*"),
      10_000,
    );
    await eventually(
      () => expect(w.toldOnly("U0ERIN")).toContain("You are now the *Incident Commander*"),
      10_000,
    );
    expect(w.fake.channel(channel)?.members.has("U0ERIN")).toBe(true);

    const incident = await w.incident();
    expect(incident.commander?.platformUserId).toBe("U0ERIN");
    expect(incident.responders?.map((r) => r.platformUserId)).toEqual(["U0DANA"]);
    expect(incident.offer).toBeUndefined();
    expect(incident.timers?.offer?.dueAt).toBeUndefined();
    const types = await w.types();
    expect(types.filter((t) => t === "commander_offered")).toHaveLength(1);
    expect(types.filter((t) => t === "commander_changed")).toHaveLength(1);
    w.fake.assertNoViolations();
  });

  it("a decline with a reason goes back to whoever offered; the commander stays", async () => {
    w = await startRoles("roles-decline", redis);
    const channel = await w.open();
    await w.say(channel, "commander @erin");
    await offerReached(w, "U0ERIN");
    await w.clickDm("U0ERIN", "fbOfferDecline");
    const view = await w.view("U0ERIN", "fbOfferDeclineForm");
    await w.fake.sendViewSubmission({ viewId: view, values: { reason: "On leave until Monday" } });
    await eventually(() => expect(w.dms("U0DANA")).toContain("Their reason: On leave until Monday"), 10_000);
    await eventually(
      () =>
        expect(w.inChannel(channel)).toContain(
          "<@U0ERIN> declined to command *INC-1*: On leave until Monday",
        ),
      10_000,
    );
    await eventually(() => expect(w.toldOnly("U0ERIN")).toContain("You declined command of *INC-1*"), 10_000);
    const incident = await w.incident();
    expect(incident.commander?.platformUserId).toBe("U0DANA");
    expect(incident.offer).toBeUndefined();
    expect(await w.types()).toContain("commander_offer_declined");
    expect(await w.types()).not.toContain("commander_changed");
    w.fake.assertNoViolations();
  });

  it("an offer nobody answers lapses, tells whoever offered, and its buttons stop working", async () => {
    w = await startRoles("roles-expire", redis, rolesConfig({ offer: "2s" }));
    const channel = await w.open();
    await w.say(channel, "commander @erin");
    await offerReached(w, "U0ERIN");
    const offeredAt = Date.now();
    await eventually(
      () => expect(w.dms("U0DANA")).toContain("<@U0ERIN> did not answer your designation"),
      10_000,
    );
    expect(Date.now() - offeredAt).toBeGreaterThanOrEqual(1500);
    expect(w.dms("U0DANA")).toContain("within 2s");
    await eventually(() => expect(w.inChannel(channel)).toContain("so the offer has lapsed"), 10_000);
    expect(await w.types()).toContain("commander_offer_expired");

    await w.clickDm("U0ERIN", "fbOfferAccept");
    await eventually(() => expect(w.toldOnly("U0ERIN")).toContain("is no longer open"), 10_000);
    expect((await w.incident()).commander?.platformUserId).toBe("U0DANA");
  });

  it("a new offer replaces a pending one, whose buttons then answer that it is no longer open", async () => {
    w = await startRoles("roles-replace", redis);
    const channel = await w.open();
    await w.say(channel, "commander @erin");
    await offerReached(w, "U0ERIN");
    await w.say(channel, "commander @alice");
    await offerReached(w, "U0ALICE");
    await eventually(
      () => expect(w.inChannel(channel)).toContain("This replaces the pending offer to <@U0ERIN>"),
      10_000,
    );
    await w.clickDm("U0ERIN", "fbOfferAccept");
    await eventually(
      () => expect(w.toldOnly("U0ERIN")).toContain("is no longer open: a newer offer replaced it"),
      10_000,
    );
    const incident = await w.incident();
    expect(incident.commander?.platformUserId).toBe("U0DANA");
    expect(incident.offer?.id).toBe(2);
  });
});

describe("handing off", () => {
  it("sends the brief, swaps the roles on accept, and the next nudge names the new commander", async () => {
    w = await startRoles("roles-handoff", redis, rolesConfig({ updateEvery: "4s" }));
    const channel = await w.open("sev2");
    await w.say(channel, "update Rolled back search-api 4.2");
    await w.say(channel, "help-wanted Someone who knows the DNS setup");
    await eventually(() => expect(w.inChannel(channel)).toContain("Someone who knows the DNS setup"), 10_000);
    await eventually(async () =>
      expect((await w.incident()).lastUpdate?.text).toBe("Rolled back search-api 4.2"),
    );

    await w.say(channel, "handoff @bob Cache cluster rebuilt; watching error rates");
    await offerReached(w, "U0BOB");
    const brief = w.dms("U0BOB");
    for (const part of [
      "<@U0DANA> asks you to take over as *Incident Commander* of *INC-1*",
      "Cache cluster rebuilt; watching error rates",
      "*Status*\\ntriggered",
      "*Severity*\\n*SEV2*",
      "Rolled back search-api 4.2",
      "Someone who knows the DNS setup",
      "Reported by <@U0BOB>",
      "*Next update due*",
    ]) {
      expect(brief).toContain(part);
    }
    // Times are in Bob's zone (New York).
    expect(brief).toMatch(/\*Last update\*\\n\w{3} \d+ \w{3} \d\d:\d\d E[SD]T by <@U0DANA>/);
    await eventually(
      () => expect(w.inChannel(channel)).toContain("offered to hand *INC-1* over to <@U0BOB>"),
      10_000,
    );

    await w.clickDm("U0BOB", "fbOfferAccept");
    await eventually(
      () => expect(w.inChannel(channel)).toContain("<@U0BOB> is now the *Incident Commander* of *INC-1*"),
      10_000,
    );
    const acceptedAt = w.inChannel(channel).length;
    await eventually(
      () =>
        expect(w.inChannel(channel).slice(acceptedAt)).toMatch(
          /<@U0BOB>, \*a status update for INC-1 is overdue/,
        ),
      15_000,
    );
    // Every nudge recorded after the handoff was owed by the new commander.
    const events = await w.timeline();
    const changed = events.findIndex((e) => e.type === "commander_changed");
    expect(events.findIndex((e) => e.type === "commander_offered")).toBeLessThan(changed);
    expect(events[changed]?.data).toMatchObject({ from: "U0DANA", to: "U0BOB", via: "handoff" });
    const after = events.slice(changed).filter((e) => e.type === "update_overdue");
    expect(after.length).toBeGreaterThan(0);
    for (const e of after) expect(e.data.commander).toBe("U0BOB");
    expect((await w.incident()).commander?.platformUserId).toBe("U0BOB");
  });

  it("without a summary opens the brief form, and what it says reaches the incoming commander", async () => {
    w = await startRoles("roles-handoff-form", redis);
    const channel = await w.open();
    await w.say(channel, "handoff @bob");
    const view = await w.view("U0DANA", "fbHandoffForm");
    await w.fake.sendViewSubmission({
      viewId: view,
      values: {
        summary: "Search recovers after the reindex",
        tried: "Restarting the pods",
        ruledOut: "The load balancer",
        openActions: "Tell support when the reindex ends",
      },
    });
    await offerReached(w, "U0BOB");
    const brief = w.dms("U0BOB");
    expect(brief).toContain("Search recovers after the reindex");
    expect(brief).toContain("*Tried*\\nRestarting the pods");
    expect(brief).toContain("*Ruled out*\\nThe load balancer");
    expect(brief).toContain("*Open actions*\\nTell support when the reindex ends");
    expect((await w.incident()).offer?.brief).toEqual({
      summary: "Search recovers after the reindex",
      tried: "Restarting the pods",
      ruledOut: "The load balancer",
      openActions: "Tell support when the reindex ends",
    });
    w.fake.assertNoViolations();
  });
});

describe("refusals", () => {
  it("designate, handoff and comms by someone without the role name who can, and change nothing", async () => {
    w = await startRoles("roles-permissions", redis);
    const channel = await w.open();
    const refused = (doing: string) => () => {
      const told = w.toldOnly("U0BOB");
      expect(told).toContain(`can ${doing} INC-1. ${NOTHING}`);
      const sentence = told.slice(told.lastIndexOf("Only", told.indexOf(`can ${doing} INC-1`)));
      // Who can, as real mentions: the commander and the managers.
      expect(sentence).toMatch(/^Only the Incident Commander \(<@U0DANA>\), a manager \(<@U0ALICE>/);
    };
    await w.say(channel, "commander @erin", "U0BOB");
    await eventually(refused("designate the Incident Commander of"), 10_000);
    await w.say(channel, "handoff @erin All yours", "U0BOB");
    await eventually(refused("hand off"), 10_000);
    await w.say(channel, "comms @erin", "U0BOB");
    await eventually(refused("name the communications lead of"), 10_000);
    const incident = await w.incident();
    expect(incident.offer).toBeUndefined();
    expect(incident.comms).toBeUndefined();
    expect(await w.types()).not.toContain("commander_offered");
    expect(w.dms("U0ERIN")).toBe("");
  });

  it("each bad person gets its own message, and nothing changes", async () => {
    w = await startRoles("roles-bad-input", redis);
    const channel = await w.open();
    const cases: [text: string, user: string, escaped: boolean, expected: string][] = [
      ["handoff @dana Going home", "U0DANA", true, "You already command INC-1. Hand off to someone else."],
      ["handoff @firebreak Going home", "U0DANA", true, "Bots cannot command an incident"],
      ["handoff <@U0NOBODY> Going home", "U0DANA", false, "I cannot find that person in this workspace"],
      ["handoff @gus Going home", "U0DANA", true, "<@U0GUS>'s account is deactivated"],
      ["handoff @erin Going home", "U0DANA", true, "<@U0ERIN> is not in this incident's channel yet"],
      ["handoff @dana Over to you", "U0ALICE", true, "<@U0DANA> already commands INC-1."],
      ["commander @firebreak", "U0DANA", true, "Bots cannot command an incident"],
      ["commander <@U0NOBODY>", "U0DANA", false, "I cannot find that person in this workspace"],
      ["comms @firebreak", "U0DANA", true, "Bots cannot lead communications"],
      ["comms @gus", "U0DANA", true, "<@U0GUS>'s account is deactivated"],
    ];
    for (const [text, user, escaped, expected] of cases) {
      const before = w.toldOnly(user).length;
      await w.say(channel, text, user, escaped);
      await eventually(() => {
        const told = w.toldOnly(user).slice(before);
        expect(told).toContain(expected);
        expect(told).toContain(NOTHING);
      }, 10_000);
    }
    // The one outside the channel is told how to bring them in.
    expect(w.toldOnly("U0DANA")).toContain("or designate them with `/incident commander @name`");
    const incident = await w.incident();
    expect(incident.offer).toBeUndefined();
    expect(incident.offerSeq).toBeUndefined();
    expect(incident.comms).toBeUndefined();
    expect(incident.commander?.platformUserId).toBe("U0DANA");
    expect(await w.types()).not.toContain("commander_offered");
    for (const user of ["U0ERIN", "U0GUS", "U0NOBODY"]) expect(w.dms(user)).toBe("");
    // Asking Slack about someone who does not exist is how the unknown person is found out.
    w.fake.assertNoViolations({ allow: ["user_not_found"] });
  });
});

describe("the communications lead and responders", () => {
  it("comms takes over the update nudges and shows on the card", async () => {
    w = await startRoles("roles-comms", redis, rolesConfig({ updateEvery: "3s" }));
    const channel = await w.open("sev2");
    await w.say(channel, "comms @alice");
    await eventually(
      () => expect(w.inChannel(channel)).toContain("<@U0DANA> named <@U0ALICE> the *communications lead*"),
      10_000,
    );
    await eventually(() => expect(w.card(channel)).toContain("*Communications lead*\\n<@U0ALICE>"), 10_000);
    expect(w.fake.channel(channel)?.members.has("U0ALICE")).toBe(true);
    const namedAt = w.inChannel(channel).length;
    await eventually(
      () =>
        expect(w.inChannel(channel).slice(namedAt)).toMatch(
          /<@U0ALICE>, \*a status update for INC-1 is overdue/,
        ),
      10_000,
    );
    await w.say(channel, "comms @alice");
    await eventually(
      () => expect(w.toldOnly("U0DANA")).toContain("<@U0ALICE> is already the communications lead of INC-1"),
      10_000,
    );
    expect((await w.types()).filter((t) => t === "comms_changed")).toHaveLength(1);
  });

  it("join adds a responder to the card once", async () => {
    w = await startRoles("roles-join", redis);
    const channel = await w.open();
    await w.say(channel, "join", "U0BOB");
    await eventually(() => expect(w.inChannel(channel)).toContain("<@U0BOB> joined *INC-1*"), 10_000);
    await eventually(() => expect(w.card(channel)).toContain("*Responders*\\n<@U0BOB>"), 10_000);
    await w.say(channel, "join", "U0BOB");
    await eventually(
      () => expect(w.toldOnly("U0BOB")).toContain("You already joined INC-1 as a responder"),
      10_000,
    );
    await w.say(channel, "join", "U0DANA");
    await eventually(() => expect(w.toldOnly("U0DANA")).toContain("You command INC-1"), 10_000);
    expect((await w.incident()).responders?.map((r) => r.platformUserId)).toEqual(["U0BOB"]);
    expect((await w.types()).filter((t) => t === "responder_joined")).toHaveLength(1);
  });
});

describe("calls for help", () => {
  it("is posted in the channel and the announcement channel; the first taker gets it and joins the channel", async () => {
    w = await startRoles("roles-help", redis);
    const channel = await w.open();
    await w.say(channel, "help-wanted Someone who knows the DNS setup");
    await eventually(() => expect(w.inChannel(channel)).toContain("Someone who knows the DNS setup"), 10_000);
    await eventually(
      () => expect(w.inChannel("incidents")).toContain("Someone who knows the DNS setup"),
      10_000,
    );
    const button = await w.channelButton("incidents", "fbHelpTake");
    await w.fake.sendBlockAction({ user: "U0ERIN", ...button });
    await eventually(
      () => expect(w.inChannel(channel)).toContain("<@U0ERIN> took <@U0DANA>'s call for help"),
      10_000,
    );
    await eventually(
      () => expect(w.toldOnly("U0ERIN")).toContain("You took <@U0DANA>'s call for help"),
      10_000,
    );
    expect(w.fake.channel(channel)?.members.has("U0ERIN")).toBe(true);
    await w.fake.sendBlockAction({ user: "U0ALICE", ...button });
    await eventually(
      () => expect(w.toldOnly("U0ALICE")).toContain("<@U0ERIN> already took this call for help on INC-1"),
      10_000,
    );
    const incident = await w.incident();
    expect(incident.helpCalls?.[0]).toMatchObject({ id: 1, takenBy: "U0ERIN" });
    expect(incident.timers?.help?.dueAt).toBeUndefined();
    w.fake.assertNoViolations();
  });

  it("nobody takes it in time: the managers are pinged in the channel and by DM", async () => {
    w = await startRoles("roles-help-unanswered", redis, rolesConfig({ help: "2s" }));
    const channel = await w.open();
    await w.say(channel, "help-wanted A second pair of eyes on the deploy");
    await eventually(
      () => expect(w.inChannel(channel)).toContain("<@U0ALICE> — nobody took <@U0DANA>'s call for help"),
      10_000,
    );
    await eventually(() => expect(w.dms("U0ALICE")).toContain("A second pair of eyes on the deploy"), 10_000);
    expect(w.dms("U0ALICE")).toContain("As a manager, please find someone");
    const incident = await w.incident();
    expect(incident.helpCalls?.[0]?.escalatedAt).toBeDefined();
    expect(incident.timers?.help?.dueAt).toBeUndefined();
    await sleep(2500);
    expect((await w.types()).filter((t) => t === "help_unanswered")).toHaveLength(1);
  });

  it("with no managers configured, the channel is told which setting to fill in", async () => {
    w = await startRoles("roles-help-nobody", redis, rolesConfig({ help: "1s", managers: [] }));
    const channel = await w.open();
    await w.say(channel, "help-wanted A second pair of eyes on the deploy");
    await eventually(
      () =>
        expect(w.inChannel(channel)).toContain(
          "No managers are configured to ping: list them under `roles.managers`",
        ),
      10_000,
    );
  });
});
