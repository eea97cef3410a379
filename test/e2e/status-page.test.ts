import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Incident } from "../../src/core/incident/incident.js";
import { launchChromium } from "../helpers/browser.js";
import type { FakeSlack } from "../helpers/fake-slack/index.js";
import { eventually } from "../helpers/firebreak.js";
import { slackWorld } from "../helpers/slack-world.js";

/**
 * The status page as a phone shows it, in headless Chromium, against the real bot: incidents opened, updated,
 * resolved and hidden through the fake Slack, then /status read with a 390×844 viewport.
 */
const world = slackWorld();
let browser: Browser;
let fake: FakeSlack;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

async function incident(id: string): Promise<Incident> {
  const found = await world.store().get(id);
  if (!found) throw new Error(`${id} is not stored`);
  return found;
}

async function open(id: string, text: string): Promise<string> {
  await fake.sendSlashCommand({ text: `open ${text}`, user: "U0BOB" });
  return eventually(async () => {
    const channel = (await incident(id)).channel?.id;
    if (!channel) throw new Error(`${id} has no channel yet`);
    return channel;
  }, 10_000);
}

/** Dana (the commander) types a command in a channel and it takes effect. */
async function step(id: string, channel: string, text: string, done: (i: Incident) => boolean) {
  await fake.sendSlashCommand({ text, user: "U0DANA", channel });
  await eventually(async () => expect(done(await incident(id))).toBe(true), 10_000);
}

describe("the status page in a browser", () => {
  it("shows the incidents and a chart on a phone, without the private one, console errors or sideways scroll", async () => {
    const w = await world.start({ label: "status-e2e" });
    fake = w.fake;
    // A resolved incident, so the charts have a time to acknowledge, mitigate and resolve.
    const old = await open("INC-1", "Login fails for some users sev2 service:search");
    await step("INC-1", old, "ack", (i) => i.state === "acknowledged");
    await step("INC-1", old, "status mitigated", (i) => i.state === "mitigated");
    await step("INC-1", old, "resolve Rolled back the session store", (i) => i.state === "resolved");
    await open("INC-2", "Checkout is slow sev3");
    const search = await open(
      "INC-3",
      "Search is down everywhere and nothing returns any results at all sev1",
    );
    await step("INC-3", search, "ack", (i) => i.state === "acknowledged");
    await step("INC-3", search, "update Rolling back the index; next update within the hour", (i) =>
      Boolean(i.lastUpdate),
    );
    const secret = await open("INC-4", "Payroll export leaked sev1");
    await step("INC-4", secret, "visibility private", (i) => i.private === true);

    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 3,
    });
    const page = await context.newPage();
    page.setDefaultTimeout(8000);
    const errors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(String(e)));

    const response = await page.goto(`${w.app.url}/status`);
    expect(response?.status()).toBe(200);
    await expect(page.locator("h1").textContent()).resolves.toBe("Status");

    // The ongoing incidents, SEV1 first; the resolved one in its own section; the private one nowhere.
    const cards = page.locator("article.card");
    await expect(cards.count()).resolves.toBe(3);
    await expect(cards.nth(0).textContent()).resolves.toContain("INC-3: Search is down");
    await expect(cards.nth(0).textContent()).resolves.toContain("Rolling back the index");
    await expect(cards.nth(1).textContent()).resolves.toContain("INC-2: Checkout is slow");
    await expect(cards.nth(2).textContent()).resolves.toContain("INC-1: Login fails");
    const text = (await page.locator("body").textContent()) ?? "";
    expect(text).toContain("2 ongoing incidents.");
    expect(text).not.toContain("Payroll");
    expect(text).not.toContain("INC-4");

    // A chart, drawn by the server, fitting the screen.
    const chart = page.locator(".charts svg").first();
    await chart.waitFor();
    const box = await chart.boundingBox();
    expect(box?.width).toBeGreaterThan(200);
    expect(box?.width).toBeLessThanOrEqual(390);

    // Nothing wider than the phone: no sideways scrolling, even with a long title.
    const widths = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);

    // Dark mode follows the system.
    await page.emulateMedia({ colorScheme: "dark" });
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe("rgb(18, 18, 18)");

    // The incident's own page, through its link: its updates in order.
    await page.locator('a[href="incidents/INC-3"]').click();
    await page.waitForURL(/\/incidents\/INC-3$/);
    const history = (await page.locator("ol.timeline").textContent()) ?? "";
    expect(history.indexOf("Incident reported.")).toBeGreaterThan(-1);
    expect(history.indexOf("Incident reported.")).toBeLessThan(history.indexOf("Rolling back the index"));
    const detailWidths = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    expect(detailWidths.scroll).toBeLessThanOrEqual(detailWidths.client);

    expect(errors).toEqual([]);

    // The private one is not found, like any unknown number (Chromium logs that 404 itself, so after the check).
    const hidden = await page.goto(`${w.app.url}/incidents/INC-4`);
    expect(hidden?.status()).toBe(404);
    await expect(page.locator("h1").textContent()).resolves.toBe("Not found");
    await context.close();
  });
});
