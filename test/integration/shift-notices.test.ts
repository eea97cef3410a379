import { afterAll, describe, expect, it } from "vitest";
import { SNAPSHOT_LIVE_MS } from "../../handlers/shift-notices.js";
import { createKeys } from "../../src/infra/redis/keys.js";
import { createRedisOncallStore } from "../../src/infra/redis/oncall-store.js";
import { STANDARD_SEVERITIES, teamConfig } from "../helpers/config-fixtures.js";
import { eventually } from "../helpers/firebreak.js";
import { testRedis } from "../helpers/redis.js";
import { noticesWorld, override, settle } from "./oncall-notices-harness.js";

/**
 * Shift notices end to end: the real worker runs the scan (as its minutely job does) with a clock the test
 * moves by hand; the real outbox delivers to a fake Slack. Alice and Dana live in Berlin, Bob in New York.
 *
 * Primary: daily shifts handing off at 09:00 Berlin (08:00 UTC in November) from Mon 2 Nov 2026, Alice then
 * Bob in turn (Alice on 2, 4, 6 Nov; Bob on 3, 5, 7 Nov), DMs an hour ahead, handoffs posted in #oncall.
 * Daytime: Dana alone, Mon–Fri 09:00–17:00 Berlin only, handoffs in the announcement channel (#incidents).
 */
const CONFIG = teamConfig({
  rotations: `
  - id: primary
    name: Primary
    members: [alice, bob]
    shift: 1d
    handoff: "09:00"
    timezone: Europe/Berlin
    start: 2026-11-02
    notify_before: 1h
    channel: oncall
  - id: daytime
    name: Daytime
    members: [dana]
    shift: 1w
    handoff: "Mon 09:00"
    timezone: Europe/Berlin
    start: 2026-11-02
    notify_before: 30m
    restrict:
      - { days: [Mon, Tue, Wed, Thu, Fri], from: "09:00", to: "17:00" }
`,
  severities: STANDARD_SEVERITIES,
});

/** The same people; one rotation whose order is changed between configs A and B. */
const rotationOf = (members: string) =>
  teamConfig({
    rotations: `
  - id: primary
    name: Primary
    members: [${members}]
    shift: 1d
    handoff: "09:00"
    timezone: Europe/Berlin
    start: 2026-11-02
    channel: oncall
`,
    severities: STANDARD_SEVERITIES,
  });

const notices = noticesWorld();
const { scan, dmsTo, inChannel } = notices;
const redis = testRedis();
afterAll(() => redis.disconnect());
/** The running Firebreak's on-call store, as another worker on the same Redis would see it. */
const store = () => createRedisOncallStore(redis, createKeys(notices.world().prefix));

describe("a DM before each shift", () => {
  it("reaches the person once, in their own zone, an hour ahead", async () => {
    // Tue 3 Nov 07:30 UTC: Bob's shift starts at 08:00 UTC, 03:00 in New York.
    await notices.start({ label: "dm-once", config: CONFIG, at: "2026-11-03T07:30:00Z" });
    await scan();
    const dm = await eventually(() => {
      const got = dmsTo("U0BOB");
      expect(got).toHaveLength(1);
      return got[0] as string;
    });
    expect(dm).toContain("Your on-call shift in *Primary* starts in 30m, at *Tue 3 Nov 03:00 EST*");
    expect(dm).toContain("until *Wed 4 Nov 03:00 EST*");

    // The next scans find the key taken: still one DM. Alice, already on, is told nothing.
    await scan();
    notices.world().clock.advance(10 * 60_000);
    await scan();
    await settle();
    expect(dmsTo("U0BOB")).toHaveLength(1);
    expect(dmsTo("U0ALICE")).toEqual([]);
  });

  it("goes to whoever an override puts on duty, and to the scheduled person when their time comes", async () => {
    await notices.start({ label: "dm-override", config: CONFIG, at: "2026-11-03T07:30:00Z" });
    // Dana covers the first 12 hours of Bob's Tuesday.
    await notices.addOverrides("primary", [
      override({
        id: "o1",
        rotation: "primary",
        personId: "dana",
        from: "2026-11-03T08:00:00.000Z",
        to: "2026-11-03T20:00:00.000Z",
        by: "alice",
        replaces: "bob",
      }),
    ]);
    await scan();
    const dm = await eventually(() => {
      const got = dmsTo("U0DANA");
      expect(got).toHaveLength(1);
      return got[0] as string;
    });
    expect(dm).toContain("starts in 30m, at *Tue 3 Nov 09:00 CET*");
    expect(dm).toContain("until *Tue 3 Nov 21:00 CET*");
    expect(dm).toContain("Arranged by <@U0ALICE> (override)");
    await settle();
    expect(dmsTo("U0BOB")).toEqual([]);

    // 19:15 UTC: Bob's part of the shift starts at 20:00 UTC (15:00 in New York), within the hour.
    notices.world().clock.set("2026-11-03T19:15:00Z");
    await scan();
    const bob = await eventually(() => {
      const got = dmsTo("U0BOB");
      expect(got).toHaveLength(1);
      return got[0] as string;
    });
    expect(bob).toContain("at *Tue 3 Nov 15:00 EST*");
  });

  it("is not sent late for a shift that already began", async () => {
    // Wed 4 Nov 08:30 UTC: Alice's shift began half an hour ago; the worker was down at the time.
    await notices.start({ label: "dm-late", config: CONFIG, at: "2026-11-04T08:30:00Z" });
    await scan();
    await settle();
    expect(dmsTo("U0ALICE")).toEqual([]);
  });
});

describe("a post at each handoff", () => {
  it("appears once in the rotation's channel, naming both people", async () => {
    // Two minutes after Alice hands over to Bob.
    await notices.start({ label: "handoff", config: CONFIG, at: "2026-11-03T08:02:00Z" });
    await scan();
    await scan();
    const post = await eventually(() => {
      const got = inChannel("oncall");
      expect(got).toHaveLength(1);
      return got[0] as string;
    });
    expect(post).toContain("<@U0BOB> takes over *Primary* from <@U0ALICE> until Wed 4 Nov 09:00 CET");
    await settle();
    expect(inChannel("oncall")).toHaveLength(1);
  });

  it("is not posted for a handoff long past (a worker back after an hour)", async () => {
    await notices.start({ label: "handoff-stale", config: CONFIG, at: "2026-11-03T09:00:00Z" });
    await scan();
    await settle();
    expect(inChannel("oncall")).toEqual([]);
  });

  it("says loudly in the announcement channel when nobody is on call", async () => {
    // Mon 2 Nov 17:02 Berlin: the daytime rotation's window closed two minutes ago.
    await notices.start({ label: "nobody", config: CONFIG, at: "2026-11-02T16:02:00Z" });
    await scan();
    const post = await eventually(() => {
      const got = inChannel("incidents");
      expect(got).toHaveLength(1);
      return got[0] as string;
    });
    expect(post).toContain("Nobody is on call for Daytime");
    expect(post).toContain("until Tue 3 Nov 09:00 CET");
    expect(post).toContain("<@U0DANA>'s shift has ended");
  });
});

describe("a config change", () => {
  it("DMs exactly the people whose shifts moved, once, and nobody on the first scan", async () => {
    // Mon 2 Nov 10:00 UTC, Alice on. A: Alice, Bob, Dana daily. B: Alice, Dana, Bob: Alice keeps her days.
    await notices.start({
      label: "config",
      config: rotationOf("alice, bob, dana"),
      at: "2026-11-02T10:00:00Z",
    });
    await scan();
    await settle();
    for (const user of ["U0ALICE", "U0BOB", "U0DANA"]) expect(dmsTo(user)).toEqual([]);

    await notices.restart(rotationOf("alice, dana, bob"));
    await scan();
    const bob = await eventually(() => {
      const got = dmsTo("U0BOB");
      expect(got).toHaveLength(1);
      return got[0] as string;
    });
    expect(bob).toContain("the rotation's configuration changed");
    // Bob had Tue 3 Nov and now has Wed 4 Nov, both from 09:00 Berlin (03:00 in New York).
    expect(bob).toMatch(/now on call:.*Wed 4 Nov 03:00 EST → Thu 5 Nov 03:00 EST/s);
    expect(bob).toMatch(/no longer on call:.*Tue 3 Nov 03:00 EST → Wed 4 Nov 03:00 EST/s);
    await eventually(() => expect(dmsTo("U0DANA")).toHaveLength(1));
    expect(dmsTo("U0DANA")[0]).toContain("Tue 3 Nov 09:00 CET → Wed 4 Nov 09:00 CET");

    await scan();
    await settle();
    expect(dmsTo("U0BOB")).toHaveLength(1);
    expect(dmsTo("U0DANA")).toHaveLength(1);
    expect(dmsTo("U0ALICE")).toEqual([]);
  });

  it("tells nobody of a change that overrides hide, and cuts the overridden part out of what it tells", async () => {
    await notices.start({
      label: "config-overridden",
      config: rotationOf("alice, bob, dana"),
      at: "2026-11-02T10:00:00Z",
    });
    // Alice works Tuesday 3 Nov in Bob's place: A had Bob there and B has Dana; either way it is Alice's.
    await notices.addOverrides("primary", [
      override({
        id: "o-tue",
        rotation: "primary",
        personId: "alice",
        from: "2026-11-03T08:00:00.000Z",
        to: "2026-11-04T08:00:00.000Z",
        replaces: "bob",
      }),
    ]);
    await scan();
    await notices.restart(rotationOf("alice, dana, bob"));
    await scan();
    const bob = await eventually(() => {
      const got = dmsTo("U0BOB");
      expect(got).toHaveLength(1);
      return got[0] as string;
    });
    // Bob's Tuesday was Alice's anyway: the first day he is told he lost is Fri 6 Nov; he still gains Wed 4.
    expect(bob).not.toContain("Tue 3 Nov");
    expect(bob).toMatch(/now on call:.*Wed 4 Nov 03:00 EST → Thu 5 Nov 03:00 EST/s);
    expect(bob).toMatch(/no longer on call:[^•]*• Fri 6 Nov 03:00 EST → Sat 7 Nov 03:00 EST/);
    const dana = await eventually(() => {
      const got = dmsTo("U0DANA");
      expect(got).toHaveLength(1);
      return got[0] as string;
    });
    // Dana is not told she now has Tuesday (Alice has it): the first day she gains is Fri 6 Nov.
    expect(dana).not.toContain("Tue 3 Nov");
    expect(dana).toMatch(/now on call:[^•]*• Fri 6 Nov 09:00 CET → Sat 7 Nov 09:00 CET/);
    expect(dmsTo("U0ALICE")).toEqual([]);
  });

  it("tells nobody when an override covers every shift the change moved", async () => {
    await notices.start({
      label: "config-all-overridden",
      config: rotationOf("alice, bob, dana"),
      at: "2026-11-02T10:00:00Z",
    });
    // Alice on for the whole nine weeks the change could be seen in (beyond the 8-week snapshot).
    await notices.addOverrides("primary", [
      override({
        id: "o-long",
        rotation: "primary",
        personId: "alice",
        from: "2026-11-02T10:00:00.000Z",
        to: "2027-01-04T10:00:00.000Z",
      }),
    ]);
    await scan();
    await notices.restart(rotationOf("alice, dana, bob"));
    await scan();
    // The snapshot moved on to config B (so the next change compares with it), yet nobody was told anything.
    await eventually(async () => {
      const saved = JSON.parse((await store().baseSnapshot("primary")) ?? "{}");
      expect(saved.duty[1]).toEqual([
        "dana",
        Date.parse("2026-11-03T08:00:00Z"),
        Date.parse("2026-11-04T08:00:00Z"),
      ]);
    });
    await settle();
    for (const user of ["U0ALICE", "U0BOB", "U0DANA"]) expect(dmsTo(user)).toEqual([]);
  });
});

describe("two workers running two configs (a rolling deploy)", () => {
  it("do not overwrite each other's snapshot: people are told once, and the survivor takes over", async () => {
    const w = await notices.start({
      label: "rolling",
      config: rotationOf("alice, bob, dana"),
      at: "2026-11-02T10:00:00Z",
    });
    await scan();
    const oldSnapshot = JSON.parse((await store().baseSnapshot("primary")) as string);
    expect(oldSnapshot.savedAt).toBe(Date.parse("2026-11-02T10:00:00Z"));

    // 10:01: the new worker (config B) starts; the snapshot it finds predates it, so B's change is told.
    w.clock.set("2026-11-02T10:01:00Z");
    await notices.restart(rotationOf("alice, dana, bob"));
    await scan();
    await eventually(() => {
      expect(dmsTo("U0BOB")).toHaveLength(1);
      expect(dmsTo("U0DANA")).toHaveLength(1);
    });
    const newSnapshot = JSON.parse((await store().baseSnapshot("primary")) as string);
    expect(newSnapshot.config).not.toBe(oldSnapshot.config);

    // 10:02: the old worker, still running config A, saves its snapshot again (as its scan would).
    const oldAgain = JSON.stringify({ ...oldSnapshot, savedAt: Date.parse("2026-11-02T10:02:00Z") });
    await store().saveBaseSnapshot("primary", oldAgain);

    // 10:03: the new worker leaves it alone and tells nobody "moved back" or "moved" again.
    w.clock.set("2026-11-02T10:03:00Z");
    await scan();
    await settle();
    expect(await store().baseSnapshot("primary")).toBe(oldAgain);
    expect(dmsTo("U0BOB")).toHaveLength(1);
    expect(dmsTo("U0DANA")).toHaveLength(1);

    // The old worker stops: once its snapshot is stale, the new worker takes over. What it tells is what it
    // told at 10:01 (same change, same hour), so the outbox sends nothing twice.
    w.clock.set(new Date(Date.parse("2026-11-02T10:02:00Z") + SNAPSHOT_LIVE_MS).toISOString());
    await scan();
    await eventually(async () => {
      const saved = JSON.parse((await store().baseSnapshot("primary")) as string);
      expect(saved.config).toBe(newSnapshot.config);
    });
    await settle();
    expect(dmsTo("U0BOB")).toHaveLength(1);
    expect(dmsTo("U0DANA")).toHaveLength(1);
    expect(dmsTo("U0ALICE")).toEqual([]);
  });

  it("a worker saves its unchanged snapshot again every few minutes, so others can tell it still runs", async () => {
    const w = await notices.start({
      label: "refresh",
      config: rotationOf("alice, bob"),
      at: "2026-11-02T10:00:00Z",
    });
    const savedAt = async () => JSON.parse((await store().baseSnapshot("primary")) as string).savedAt;
    await scan();
    expect(await savedAt()).toBe(Date.parse("2026-11-02T10:00:00Z"));
    w.clock.set("2026-11-02T10:04:00Z");
    await scan();
    expect(await savedAt()).toBe(Date.parse("2026-11-02T10:00:00Z"));
    w.clock.set("2026-11-02T10:05:00Z");
    await scan();
    expect(await savedAt()).toBe(Date.parse("2026-11-02T10:05:00Z"));
  });
});
