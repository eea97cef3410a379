import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../helpers/browser.js";
import { startFirebreak, type TestFirebreak } from "../helpers/firebreak.js";

/**
 * What a newcomer does first: `npm start`, open the playground, type `/incident open …`, and see the incident
 * channel with its kickoff message. The real core, store and queue, in headless Chromium.
 */
let browser: Browser;
let app: TestFirebreak;
let page: Page;
const consoleErrors: string[] = [];

beforeAll(async () => {
  app = await startFirebreak({ label: "playground-e2e" });
  browser = await launchChromium();
  page = await browser.newPage();
  page.setDefaultTimeout(8000);
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  await page.goto(app.url);
  await page.getByTestId("connection-status").and(page.locator("[data-state=live]")).waitFor();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function type(text: string): Promise<void> {
  await page.getByTestId("composer-input").fill(text);
  await page.getByTestId("composer-send").click();
}

describe("the playground on the real bot", () => {
  it("opens an incident and shows the pinned kickoff in its channel", async () => {
    await page.getByTestId("person-selector").selectOption("bob");
    await page.getByTestId("channel-item").filter({ hasText: "general" }).click();
    await type("/incident open Search is down sev1 service:search");

    // The reporter is invited, so the new channel appears in Bob's list; open it.
    const channelItem = page.locator('[data-testid=channel-item][data-channel-name="inc-1-search-is-down"]');
    await channelItem.waitFor();
    await channelItem.click();
    const kickoff = page.getByTestId("message").filter({ hasText: "INC-1 · Search is down" });
    await kickoff.waitFor();
    await kickoff.getByTestId("pinned-marker").waitFor();
    await expect(kickoff.textContent()).resolves.toContain("SEV1");
    // The commander (Dana, alone on the test rotation) is paged in the channel.
    await page.getByTestId("message").filter({ hasText: "you are the Incident Commander" }).first().waitFor();
    expect(consoleErrors).toEqual([]);
  });

  it("acknowledges from the kickoff's button as the commander", async () => {
    await page.getByTestId("person-selector").selectOption("dana");
    const channelItem = page.locator('[data-testid=channel-item][data-channel-name="inc-1-search-is-down"]');
    await channelItem.click();
    const kickoff = page.getByTestId("message").filter({ hasText: "INC-1 · Search is down" });
    await kickoff.getByTestId("message-button").filter({ hasText: "Acknowledge" }).click();
    await page.getByTestId("message").filter({ hasText: "acknowledged INC-1" }).waitFor();
    expect(consoleErrors).toEqual([]);
  });

  it("answers a typo with a usage message only the typist sees", async () => {
    await type("/incident opne Search");
    await page.getByTestId("message").filter({ hasText: "Did you mean" }).waitFor();
    expect(consoleErrors).toEqual([]);
  });
});
