import { afterAll, describe, expect, it } from "vitest";
import { timelineEvent } from "../../src/core/incident/timeline.js";
import { createLogger } from "../../src/main/logger.js";
import { type Running, startRuntime } from "../../src/main/runtime.js";
import type { FakeSlack } from "../helpers/fake-slack/index.js";
import { eventually, writeConfig } from "../helpers/firebreak.js";
import { deletePrefix, TEST_REDIS_URL, testRedis, uniquePrefix } from "../helpers/redis.js";
import { slackWorld } from "../helpers/slack-world.js";

/**
 * The status pages end to end: incidents opened, updated, resolved and hidden through the fake Slack (the real
 * dispatcher, store and queue on a real Redis), then read over HTTP as a browser would. Dana commands every
 * incident (alone on the rotation); Bob reports.
 */
const world = slackWorld();
let fake: FakeSlack;
const { say, ask, incident } = world;
let base: string;

async function start(label: string) {
  const w = await world.start({ label: `status-${label}` });
  fake = w.fake;
  base = w.app.url;
}

/** Bob opens an incident from #general; resolves with its channel id once the channel exists. */
async function open(id: string, text: string): Promise<string> {
  await fake.sendSlashCommand({ text: `open ${text}`, user: "U0BOB" });
  return eventually(async () => {
    const channel = (await incident(id)).channel?.id;
    if (!channel) throw new Error(`${id} has no channel yet`);
    return channel;
  }, 10_000);
}

async function get(path: string, headers: Record<string, string> = {}, root = base) {
  const res = await fetch(`${root}${path}`, { headers, redirect: "manual" });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

/** The part of the status page under one heading, up to the next. */
function section(html: string, heading: string): string {
  const from = html.indexOf(`<h2>${heading}`);
  if (from < 0) throw new Error(`no section "${heading}"`);
  const next = html.indexOf("<h2>", from + 4);
  return html.slice(from, next < 0 ? undefined : next);
}

describe("GET /status", () => {
  it("lists the ongoing incidents most severe first, with their state, service, last update and next update", async () => {
    await start("order");
    await open("INC-1", "Checkout is slow sev3");
    const search = await open("INC-2", "Search is down sev1 service:search");
    await say(search, "ack");
    await eventually(async () => expect((await incident("INC-2")).state).toBe("acknowledged"), 10_000);
    await say(search, "update Rolling back the index; <@U0DANA> is on it");
    await eventually(
      async () => expect((await incident("INC-2")).lastUpdate?.text).toContain("Rolling"),
      10_000,
    );

    const page = await get("/status");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html; charset=utf-8/);
    expect(page.headers.get("cache-control")).toBe("no-store");
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain("script-src");
    expect(page.body).toContain('<meta http-equiv="refresh" content="60">');
    expect(page.body).toContain('name="viewport"');
    expect(page.body).not.toMatch(/<script/i);

    const ongoing = section(page.body, "Ongoing incidents");
    expect(page.body).toContain("2 ongoing incidents.");
    // SEV1 before SEV3, whatever the order they were opened in.
    expect(ongoing.indexOf("INC-2: Search is down")).toBeGreaterThan(-1);
    expect(ongoing.indexOf("INC-2: Search is down")).toBeLessThan(ongoing.indexOf("INC-1: Checkout is slow"));
    expect(ongoing).toContain("Acknowledged");
    expect(ongoing).toContain("Reported");
    expect(ongoing).toContain("<dd>Search</dd>"); // the service's configured name
    // The mention reads as the person's name, never as a platform id.
    expect(ongoing).toContain("Rolling back the index; @Dana is on it");
    expect(ongoing).not.toContain("U0DANA");
    expect(ongoing).toContain("Next update");
    // Times in the config's zone (Europe/Berlin in November: CET), with how long ago.
    expect(ongoing).toMatch(/\d\d:\d\d CET<\/time> <span class="rel">\((just now|\d+ min ago)\)/);
    expect(section(page.body, "Resolved in the last 30 days")).toContain("No incidents were resolved");
    // The response times per service, under the charts, by the service's configured name.
    const charts = section(page.body, "How fast we respond");
    expect(charts).toContain("<caption>Median times by service (all time)</caption>");
    expect(charts).toMatch(/<th scope="row">Search<\/th><td>1<\/td><td>\d+ s<\/td>/);
  });

  it("shows an incident resolved within 30 days in its own section, and its public history on its page", async () => {
    await start("resolved");
    const channel = await open("INC-1", "Login fails sev2 service:search");
    await say(channel, "ack");
    await eventually(async () => expect((await incident("INC-1")).state).toBe("acknowledged"), 10_000);
    await say(channel, "update Sessions are being restored");
    await eventually(async () => expect((await incident("INC-1")).lastUpdate).toBeDefined(), 10_000);
    await say(channel, "status mitigated");
    await eventually(async () => expect((await incident("INC-1")).state).toBe("mitigated"), 10_000);
    await say(channel, "resolve Rolled back the session store");
    await eventually(async () => expect((await incident("INC-1")).state).toBe("resolved"), 10_000);

    const page = await get("/status");
    expect(page.body).toContain("All systems operational");
    expect(section(page.body, "Ongoing incidents")).not.toContain("INC-1");
    const resolved = section(page.body, "Resolved in the last 30 days");
    expect(resolved).toContain('<a href="incidents/INC-1">INC-1: Login fails</a>');
    expect(resolved).toContain("<dt>Resolved</dt>");

    const detail = await get("/incidents/INC-1");
    expect(detail.status).toBe(200);
    expect(detail.headers.get("cache-control")).toBe("no-store");
    const history = detail.body.slice(detail.body.indexOf("<h2>Updates"));
    const order = [
      "Incident reported.",
      "Acknowledged: someone is on it.",
      "Sessions are being restored",
      "Status: Mitigated.",
      "Status: Resolved.",
    ].map((line) => history.indexOf(line));
    expect(order.every((i) => i > -1)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // A lowercase id finds it too; a request that is not an incident id does not.
    expect((await get("/incidents/inc-1")).status).toBe(200);
    expect((await get("/incidents/1")).status).toBe(404);
  });

  it("never shows a private incident: absent from /status and its counts, 404 exactly like an unknown one", async () => {
    await start("private");
    await open("INC-1", "Search is down sev2 service:search");
    const secret = await open("INC-2", "Payroll export leaked sev1");

    // Bob reported it but does not command it: refused, still public.
    expect(await ask(secret, "visibility private", "U0BOB")).toContain("can change the visibility of");
    expect((await incident("INC-2")).private).toBeUndefined();

    await say(secret, "visibility private");
    await eventually(async () => expect((await incident("INC-2")).private).toBe(true), 10_000);
    await eventually(() => expect(world.inChannel(secret)).toContain("made *INC-2* private"), 10_000);
    const timeline = await world.store().timeline("INC-2");
    expect(timeline.find((e) => e.type === "visibility_changed")).toMatchObject({
      actor: "U0DANA",
      data: { from: "public", to: "private" },
    });
    expect(await ask(secret, "visibility private")).toContain("INC-2 is already private");

    const page = await get("/status");
    expect(page.body).toContain("1 ongoing incident.");
    expect(page.body).not.toContain("INC-2");
    expect(page.body).not.toContain("Payroll");

    const hidden = await get("/incidents/INC-2");
    const unknown = await get("/incidents/INC-99");
    expect(hidden.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(hidden.body).toBe(unknown.body);
    expect(hidden.body).not.toContain("Payroll");

    // Made public again, it is back, and the channel gets the link to its page.
    await say(secret, "visibility public");
    await eventually(async () => expect((await incident("INC-2")).private).toBeUndefined(), 10_000);
    await eventually(
      () => expect(world.inChannel(secret)).toMatch(/made \*INC-2\* public.*\/incidents\/INC-2\|its page>/s),
      10_000,
    );
    expect((await get("/incidents/INC-2")).status).toBe(200);
    expect((await get("/status")).body).toContain("INC-2: Payroll export leaked");
  });

  it("keeps an incident opened private through the form off the page from the start", async () => {
    await start("form");
    const before = fake.views.length;
    await fake.sendSlashCommand({ text: "open", user: "U0BOB" });
    const view = await eventually(() => {
      const v = fake.views[before];
      if (!v) throw new Error("no form yet");
      return v;
    }, 10_000);
    await fake.sendViewSubmission({
      viewId: view.id,
      user: "U0BOB",
      values: { title: "Customer data visible to others", visibility: "private" },
    });
    await eventually(async () => expect((await incident("INC-1")).private).toBe(true), 10_000);
    const page = await get("/status");
    expect(page.body).not.toContain("Customer data");
    expect(page.body).toContain("no ongoing incidents");
    expect((await get("/incidents/INC-1")).status).toBe(404);
  });

  it("reads every incident at most every 15 s, shared with /metrics, yet shows a change to a shown one at once", async () => {
    await start("cache");
    await open("INC-1", "Search is down sev2 service:search");
    expect((await get("/status")).body).toContain("1 ongoing incident.");

    // Opened after the copy was taken: not on /status or /metrics until the copy is 15 s old.
    await open("INC-2", "Checkout is slow sev3");
    expect((await get("/status")).body).toContain("1 ongoing incident.");
    const metrics = (await get("/metrics")).body;
    expect(metrics).toContain('firebreak_incidents_open{severity="sev2"} 1');
    expect(metrics).toContain('firebreak_incidents_open{severity="sev3"} 0');

    // The incidents it shows are read afresh: a new title, or being made private, shows on the next load.
    const at = new Date();
    await world.store().update("INC-1", (current) => ({
      incident: { ...current, title: "Search is back to slow", updatedAt: at.toISOString() },
      events: [],
    }));
    expect((await get("/status")).body).toContain("INC-1: Search is back to slow");
    await world
      .store()
      .update("INC-1", (current) => ({ incident: { ...current, private: true }, events: [] }));
    const page = (await get("/status")).body;
    expect(page).toContain("no ongoing incidents");
    expect(page).not.toContain("Search is back");
  });

  it("escapes a hostile title and update everywhere", async () => {
    await start("hostile");
    const channel = await open("INC-1", `Search "fails" & 'loops' sev2`);
    await say(channel, "update </blockquote><script>alert(3)</script> & more");
    await eventually(
      async () => expect((await incident("INC-1")).lastUpdate?.text).toContain("alert(3)"),
      10_000,
    );
    expect(await get("/status").then((p) => p.body)).toContain(
      "Search &quot;fails&quot; &amp; &#39;loops&#39;",
    );
    // The grammar strips angle brackets from titles and updates; stored ones with them (an older record,
    // another way in) must still be shown as text.
    const title = `<script>alert(1)</script> "q" & <img src=x onerror=alert(2)>`;
    const text = "</blockquote><script>alert(3)</script> & more";
    const at = new Date();
    await world.store().update("INC-1", (current) => ({
      incident: { ...current, title, lastUpdate: { at: at.toISOString(), text, actor: "U0DANA" } },
      events: [timelineEvent("status_update_posted", at, { text }, "U0DANA")],
    }));

    for (const path of ["/status", "/incidents/INC-1"]) {
      const { body } = await get(path);
      expect(body).not.toMatch(/<script|<img/i);
      expect(body).toContain(
        "&lt;script&gt;alert(1)&lt;/script&gt; &quot;q&quot; &amp; &lt;img src=x onerror=alert(2)&gt;",
      );
      expect(body).toContain("&lt;/blockquote&gt;&lt;script&gt;alert(3)&lt;/script&gt; &amp; more");
    }
  });
});

describe("the status page token", () => {
  const redis = testRedis();
  let running: (Running & { url: string }) | undefined;
  let prefix = "";
  afterAll(async () => {
    await running?.stop();
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it("is required when set: 401 without it, then a cookie lets the page's own links work", async () => {
    prefix = uniquePrefix("status-token");
    const started = await startRuntime(
      {
        port: 0,
        redisUrl: TEST_REDIS_URL,
        redisPrefix: prefix,
        configPath: writeConfig(),
        logLevel: "silent",
        statusPageToken: "s3cret-token",
      },
      "all",
      createLogger("silent"),
    );
    running = { ...started, url: started.url as string };
    const root = running.url;

    const none = await get("/status", {}, root);
    expect(none.status).toBe(401);
    expect(none.body).toContain("needs its access token");
    expect(none.headers.get("cache-control")).toBe("no-store");
    expect(none.headers.get("set-cookie")).toBeNull();
    expect((await get("/status?token=wrong", {}, root)).status).toBe(401);
    // The token is checked before any lookup: an unknown incident says nothing without it.
    expect((await get("/incidents/INC-5", {}, root)).status).toBe(401);

    const withToken = await get("/status?token=s3cret-token", {}, root);
    expect(withToken.status).toBe(200);
    const cookie = withToken.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^firebreak_status=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);

    const pair = cookie.split(";")[0] as string;
    expect((await get("/status", { cookie: pair }, root)).status).toBe(200);
    expect((await get("/incidents/INC-5", { cookie: pair }, root)).status).toBe(404);
    expect((await get("/status", { cookie: "firebreak_status=nope" }, root)).status).toBe(401);
  });
});
