import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import type { TimelineEvent } from "../../src/core/incident/timeline.js";
import type { TimerRef } from "../../src/core/ports.js";
import { createQueues } from "../../src/infra/queue/queues.js";
import { createRedis } from "../../src/infra/redis/connection.js";
import { createRedisIncidentStore } from "../../src/infra/redis/incident-store.js";
import { createKeys } from "../../src/infra/redis/keys.js";
import { eventually } from "../helpers/firebreak.js";
import { Stack } from "./stack.js";

/**
 * Reminders and escalations across a Redis restart and across competing workers: each fires, and fires once.
 * Cadences are compressed (SEV1: acknowledge within 2 s, update every 4 s; see stack.ts).
 */
let stack: Stack | undefined;
let redis: Redis | undefined;

afterEach(async () => {
  redis?.disconnect();
  redis = undefined;
  await stack?.stop();
  stack = undefined;
});

const blockKey = (m: { blocks?: unknown[] }) =>
  (m.blocks?.[0] as { block_id?: string } | undefined)?.block_id;

function store(s: Stack) {
  redis = new Redis(s.redis.url, { maxRetriesPerRequest: 1 });
  redis.on("error", () => {});
  return createRedisIncidentStore(redis, createKeys(s.prefix));
}

/** Timer firings recorded on the timeline, as `kind-gen` (e.g. `escalation-1`). */
const firings = (timeline: TimelineEvent[]) =>
  timeline
    .filter((e) => ["escalated", "page_repeated", "escalation_exhausted", "update_overdue"].includes(e.type))
    .map((e) => `${e.type}:${e.data.timer}-${e.data.gen}`);

describe("Redis restarted (append-only file on) while reminders are pending", () => {
  it("fires each reminder exactly once, those due during the outage within 3 s of Redis returning", async () => {
    stack = await Stack.start({ workers: 2 });
    const s = stack;
    const d = await s.fake.sendSlashCommand({ text: "open Login fails sev1 service:search", user: "U0BOB" });
    expect(d.status).toBe(200);
    const channel = await eventually(() => {
      const c = s.fake.channel("inc-1-login-fails");
      if (!c?.messages.some((m) => blockKey(m) === "fbk.INC-1/page")) throw new Error("not paged yet");
      return c;
    }, 10_000);

    // The first escalation is due 2 s after the page: take Redis away across that moment.
    await s.redis.kill();
    await new Promise((r) => setTimeout(r, 3500));
    await s.redis.restart();
    const returnedAt = Date.now();

    const fired = await eventually(
      () => {
        const line = s.workers
          .flatMap((w) => w.logs)
          .find((l) => l.msg === "timer fired" && l.timer === "escalation" && l.gen === 1);
        if (!line) throw new Error("the escalation has not fired yet");
        return line;
      },
      10_000,
      25,
    );
    expect((fired.time as number) - returnedAt).toBeLessThan(3000);
    expect(fired.lateMs as number).toBeGreaterThan(0);

    // Let the compressed cadence run: a second escalation, update nudges.
    await eventually(
      () => {
        const keys = channel.messages.map(blockKey);
        expect(keys).toContain("fbk.INC-1/escalation-g1-page");
        expect(keys).toContain("fbk.INC-1/update-g1-nudge");
        expect(keys).toContain("fbk.INC-1/escalation-g2-page");
      },
      20_000,
      100,
    );
    await new Promise((r) => setTimeout(r, 1500));
    const keys = channel.messages.map(blockKey);
    expect(new Set(keys).size, keys.join(", ")).toBe(keys.length);
    const recorded = firings(await store(s).timeline("INC-1"));
    expect(new Set(recorded).size, recorded.join(", ")).toBe(recorded.length);
    s.fake.assertNoViolations();
  }, 90_000);
});

describe("two workers racing on the same reminder", () => {
  it("posts one nudge", async () => {
    stack = await Stack.start({ workers: 2 });
    const s = stack;
    // SEV3 reminders are an hour away: the race below is the only thing that fires.
    await s.fake.sendSlashCommand({ text: "open Search is flaky sev3 service:search", user: "U0BOB" });
    const incidents = store(s);
    const incident = await eventually(async () => {
      const i = await incidents.get("INC-1");
      if (!i?.channel || !i.timers?.update) throw new Error("not open yet");
      return i;
    }, 10_000);
    const update = incident.timers?.update as { gen: number };
    const timer: TimerRef = {
      incidentId: "INC-1",
      kind: "update",
      gen: update.gen,
      dueAt: new Date().toISOString(),
    };
    // The same reminder twice, as a redelivery or a replaced job could produce; both workers take one.
    const queues = createQueues(createRedis(s.redis.url, "worker"), createKeys(s.prefix));
    await Promise.all(
      ["race-a", "race-b", "race-c", "race-d"].map((jobId) => queues.timers.add("timer", timer, { jobId })),
    );
    await eventually(
      () => {
        const fired = s.workers.flatMap((w) => w.logs).filter((l) => l.msg === "timer fired");
        // Four copies, run concurrently (within one worker or across both): the fence must let one through.
        expect(fired.length).toBe(4);
      },
      10_000,
      50,
    );
    await queues.close();
    queues.redis.disconnect();
    const channel = s.fake.channel("inc-1-search-is-flaky");
    await eventually(
      () => expect(channel?.messages.map(blockKey)).toContain(`fbk.INC-1/update-g${update.gen}-nudge`),
      8000,
    );
    await new Promise((r) => setTimeout(r, 1500));
    const nudges = (channel?.messages ?? []).filter((m) => blockKey(m)?.includes("-nudge"));
    expect(nudges).toHaveLength(1);
    const overdue = (await incidents.timeline("INC-1")).filter((e) => e.type === "update_overdue");
    expect(overdue).toHaveLength(1);
  }, 60_000);
});
