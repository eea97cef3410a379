import { describe, expect, it } from "vitest";
import { createOpsStats } from "../../src/infra/queue/ops-stats.js";
import { createOutboxStore } from "../../src/infra/queue/outbox-store.js";
import { createQueues } from "../../src/infra/queue/queues.js";
import { createKeys } from "../../src/infra/redis/keys.js";
import { eventually } from "../helpers/firebreak.js";
import { deletePrefix, testRedis, uniquePrefix } from "../helpers/redis.js";
import { slackWorld } from "../helpers/slack-world.js";

/**
 * /metrics through a running Firebreak, and the queue figures it reports read from real BullMQ queues.
 */
const world = slackWorld();

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A strict-enough parser of the text format: every line is a comment or `name{labels} value`. */
function parse(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const type = /^# TYPE ([a-zA-Z_:][\w:]*) (gauge|counter|histogram|summary|untyped)$/.exec(line);
    if (type) {
      types.set(type[1] as string, type[2] as string);
      continue;
    }
    if (/^# HELP [a-zA-Z_:][\w:]* .+$/.test(line)) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a Prometheus line: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1] as string] = l[2] as string;
    }
    const value = m[3] === "+Inf" ? Number.POSITIVE_INFINITY : Number(m[3]);
    if (Number.isNaN(value) && m[3] !== "NaN") throw new Error(`bad value in ${line}`);
    samples.push({ name: m[1] as string, labels, value });
  }
  return { samples, types };
}

const find = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

describe("GET /metrics", () => {
  it("exposes incident counts, response-time histograms and queue figures in the text format", async () => {
    const { fake, app } = await world.start({ label: "metrics" });
    await fake.sendSlashCommand({ text: "open Search is down sev2 service:search", user: "U0BOB" });
    const channel = await eventually(() => {
      const c = fake.channel("inc-1-search-is-down");
      if (!c || c.pins.size === 0) throw new Error("no channel yet");
      return c.id;
    }, 10_000);
    await fake.sendSlashCommand({ text: "ack", user: "U0DANA", channel });
    await eventually(
      async () => expect((await world.store().get("INC-1"))?.state).toBe("acknowledged"),
      10_000,
    );
    // A private incident is never revealed, not even as a count: the status page promises so.
    await fake.sendSlashCommand({
      text: "open Payroll export leaked sev1 visibility:private",
      user: "U0BOB",
    });
    await eventually(async () => expect((await world.store().get("INC-2"))?.private).toBe(true), 10_000);

    const res = await fetch(`${app.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain; version=0.0.4");
    const { samples, types } = parse(await res.text());

    expect(types.get("firebreak_incidents_open")).toBe("gauge");
    expect(find(samples, "firebreak_incidents_open", { severity: "sev2" })[0]?.value).toBe(1);
    expect(find(samples, "firebreak_incidents_open", { severity: "sev1" })[0]?.value).toBe(0);
    expect(find(samples, "firebreak_incidents_total", { severity: "sev1" })).toEqual([]);
    expect(find(samples, "firebreak_time_to_acknowledge_seconds_count", { severity: "sev1" })).toEqual([]);
    expect(
      find(samples, "firebreak_incidents_total", { severity: "sev2", service: "search" })[0]?.value,
    ).toBe(1);

    for (const measure of ["acknowledge", "mitigate", "resolve", "confirm"]) {
      expect(types.get(`firebreak_time_to_${measure}_seconds`)).toBe("histogram");
    }
    const series = { severity: "sev2", service: "search" };
    expect(find(samples, "firebreak_time_to_acknowledge_seconds_count", series)[0]?.value).toBe(1);
    expect(
      find(samples, "firebreak_time_to_acknowledge_seconds_bucket", { ...series, le: "+Inf" })[0]?.value,
    ).toBe(1);
    // Acknowledged within seconds: inside the first bucket.
    expect(
      find(samples, "firebreak_time_to_acknowledge_seconds_bucket", { ...series, le: "60" })[0]?.value,
    ).toBe(1);
    expect(find(samples, "firebreak_time_to_resolve_seconds_count", series)[0]?.value).toBe(0);

    for (const queue of ["effects", "timers", "outbox"]) {
      for (const state of ["waiting", "delayed", "active", "failed"]) {
        const depth = find(samples, "firebreak_queue_jobs", { queue, state });
        expect(depth).toHaveLength(1);
        expect(depth[0]?.value).toBeGreaterThanOrEqual(0);
      }
    }
    // The escalation and update timers of INC-1 wait as delayed jobs.
    expect(
      find(samples, "firebreak_queue_jobs", { queue: "timers", state: "delayed" })[0]?.value,
    ).toBeGreaterThan(0);
    expect(find(samples, "firebreak_timer_lag_seconds")).toHaveLength(1);
    expect(find(samples, "firebreak_outbox_lag_seconds")).toHaveLength(1);
  }, 60_000);
});

describe("queue figures (OpsStats) on real queues", () => {
  it("counts jobs per queue and state, and measures how late the most overdue timer and message are", async () => {
    const redis = testRedis();
    const prefix = uniquePrefix("ops-stats");
    const keys = createKeys(prefix);
    const queues = createQueues(redis, keys);
    let now = Date.parse("2026-11-20T12:00:00Z");
    const stats = createOpsStats(queues, keys, () => now);
    try {
      expect(await stats.timerLagMs()).toBe(0);
      expect(await stats.outboxLagMs()).toBe(0);

      // Timers: one due long ago (no worker runs here, so it stays waiting), one due in an hour.
      await queues.timers.add(
        "timer",
        { incidentId: "INC-1", kind: "update", gen: 1, dueAt: new Date(now - 90_000).toISOString() },
        { jobId: "t-INC-1-update-g1" },
      );
      await queues.timers.add(
        "timer",
        { incidentId: "INC-1", kind: "escalation", gen: 1, dueAt: new Date(now + 3_600_000).toISOString() },
        { jobId: "t-INC-1-escalation-g1", delay: 3_600_000 },
      );
      expect(await stats.timerLagMs()).toBe(90_000);
      const depth = await stats.queueDepth();
      expect(depth).toContainEqual({ queue: "timers", state: "waiting", count: 1 });
      expect(depth).toContainEqual({ queue: "timers", state: "delayed", count: 1 });
      expect(depth).toContainEqual({ queue: "outbox", state: "failed", count: 0 });

      // The later timer becomes overdue too; the lag follows the most overdue one.
      now += 2 * 3_600_000;
      expect(await stats.timerLagMs()).toBe(2 * 3_600_000 + 90_000);

      // Outbox: two messages in one lane, one in another; the oldest head decides.
      const outbox = createOutboxStore(redis, keys);
      const item = (key: string, channelId: string) => ({
        key,
        platform: "slack" as const,
        op: { kind: "post" as const, channelId, message: { text: "hi", blocks: [] } },
      });
      await outbox.enqueue(item("a", "C1"), now - 50_000);
      await outbox.enqueue(item("b", "C1"), now - 10_000);
      await outbox.enqueue(item("c", "C2"), now - 20_000);
      expect(await stats.outboxLagMs()).toBe(50_000);
      const stored = await outbox.load("a");
      if (!stored) throw new Error("item a not stored");
      await outbox.finish(stored, "delivered", { channelId: "C1", messageId: "1" }, now);
      // The lane's next head was stored 10 s ago, the other lane's 20 s ago.
      expect(await stats.outboxLagMs()).toBe(20_000);
    } finally {
      await queues.close();
      await deletePrefix(redis, prefix);
      redis.disconnect();
    }
  });
});
