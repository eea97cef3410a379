import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import express from "express";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createPlayground, type PlaygroundState } from "../../src/adapters/playground/index.js";
import { escapeMarkup, userRef } from "../../src/core/markup.js";
import type { ChatPlatform, Inbound } from "../../src/core/ports.js";
import { CHROMIUM, launchChromium } from "../helpers/browser.js";

/**
 * The playground page in headless Chromium against a fake core, so the browser side (composer, live stream,
 * buttons, forms, acting-as) is tested without Redis. The full bot is driven the same way by other e2e tests.
 */

let browser: Browser;
let server: ReturnType<express.Express["listen"]>;
let platform: ChatPlatform;
let state: PlaygroundState;
let closeStreams: () => void;
let base = "";
let incidents = 0;
const inbounds: Inbound[] = [];

async function fakeCore(inbound: Inbound): Promise<void> {
  inbounds.push(inbound);
  const to = { userId: inbound.actor, conversationId: inbound.conversationId };
  const body = inbound.body;
  if (body.kind === "command" && body.text === "open") {
    await platform.openForm(
      inbound.triggerId ?? "",
      {
        callbackId: "fbOpenIncident",
        title: "Open an incident",
        submitLabel: "Open",
        fields: [
          { id: "title", label: "Title", kind: "text", placeholder: "What is broken?" },
          {
            id: "severity",
            label: "Severity",
            kind: "select",
            options: [
              { value: "sev1", label: "SEV1 — critical" },
              { value: "sev2", label: "SEV2 — major" },
            ],
          },
          { id: "notes", label: "Notes", kind: "textarea", optional: true },
        ],
      },
      to,
    );
    return;
  }
  const title =
    (body.kind === "command" || body.kind === "mention") && body.text.startsWith("open ")
      ? body.text.slice(5)
      : body.kind === "form"
        ? `${body.values.title} (${body.values.severity})`
        : undefined;
  if (title !== undefined) {
    const n = ++incidents;
    const channel = await platform.createChannel(`inc-${n}`, { topic: title });
    await platform.invite(channel.id, [inbound.actor]);
    await platform.post(inbound.conversationId, {
      text: `INC-${n} opened`,
      blocks: [
        { type: "header", text: `INC-${n}: ${title}` },
        { type: "section", text: `Reported by ${userRef(inbound.actor)} — join <#${channel.id}>` },
        {
          type: "actions",
          buttons: [{ actionId: "fbAcknowledge", label: "Acknowledge", value: `INC-${n}`, style: "primary" }],
        },
      ],
    });
    await platform.replyEphemeral(to, { text: `You opened INC-${n}.`, blocks: [] });
    return;
  }
  if (body.kind === "action" && body.messageId) {
    const target = { channelId: inbound.conversationId, messageId: body.messageId };
    await platform.update(target, {
      text: `${body.value} acknowledged`,
      blocks: [
        {
          type: "section",
          text: `*${escapeMarkup(body.value ?? "")}* acknowledged by ${userRef(inbound.actor)}`,
        },
      ],
    });
    await platform.pin(target);
  }
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  const playground = createPlayground({
    people: [
      { id: "alice", name: "Alice", timezone: "Europe/Berlin" },
      { id: "bob", name: "Bob", timezone: "America/New_York" },
    ],
    channels: ["general", "incidents"],
    onInbound: fakeCore,
  });
  platform = playground.platform;
  state = playground.state;
  closeStreams = playground.close;
  const app = express();
  app.use(playground.router);
  server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

let context: BrowserContext;
let page: Page;
let consoleErrors: string[];
/** Browser errors a test causes on purpose (a dropped connection logs one per stream). */
let expectedErrors: RegExp | undefined;

async function newPage(viewport = { width: 1100, height: 800 }): Promise<Page> {
  const p = await context.newPage();
  await p.setViewportSize(viewport);
  // Well inside the test's own timeout, so a missing element fails with a message naming it.
  p.setDefaultTimeout(5000);
  p.on("console", (msg) => {
    if (msg.type() === "error") consoleErrors.push(msg.text());
  });
  p.on("pageerror", (err) => consoleErrors.push(String(err)));
  return p;
}

beforeEach(async () => {
  consoleErrors = [];
  expectedErrors = undefined;
  inbounds.length = 0;
  context = await browser.newContext();
  page = await newPage();
  await page.goto(base);
  await page.getByTestId("connection-status").and(page.locator("[data-state=live]")).waitFor();
});

afterEach(async () => {
  await context.close();
  expect(consoleErrors.filter((e) => !expectedErrors?.test(e))).toEqual([]);
});

async function type(p: Page, text: string): Promise<void> {
  await p.getByTestId("composer-input").fill(text);
  await p.getByTestId("composer-send").click();
}

const messages = (p: Page) => p.getByTestId("message");

describe("playground in a browser", () => {
  it("runs a command, shows the bot's message with a button, and the click's result", async () => {
    await page.getByTestId("person-selector").selectOption("alice");
    await type(page, "/incident open Search is down");

    const announcement = messages(page)
      .filter({ hasText: "Search is down" })
      .filter({ has: page.getByTestId("message-button") });
    await announcement.waitFor();
    expect(inbounds[0]?.body).toEqual({ kind: "command", text: "open Search is down" });
    // The ephemeral reply and the echoed command are shown to alice only.
    await messages(page).filter({ hasText: "You opened INC-" }).waitFor();
    expect(await messages(page).filter({ hasText: "/incident open Search is down" }).count()).toBe(1);
    // The new incident channel shows up in the sidebar without a reload.
    await page
      .getByTestId("channel-item")
      .and(page.locator(`[data-channel-name="inc-${incidents}"]`))
      .waitFor();

    await announcement.getByRole("button", { name: "Acknowledge" }).click();
    const acked = messages(page).filter({ hasText: "acknowledged by @Alice" });
    await acked.waitFor();
    await acked.getByTestId("pinned-marker").waitFor();
    expect(await acked.getByTestId("message-button").count()).toBe(0);
    expect(await acked.locator(".mention.me").textContent()).toBe("@Alice");
    expect(inbounds.at(-1)?.body).toMatchObject({ kind: "action", actionId: "fbAcknowledge" });

    await page.getByTestId("pins-toggle").click();
    await page.getByTestId("pinned-item").filter({ hasText: "acknowledged" }).waitFor();
  });

  it("opens a form as a modal, shows validation errors, and submits it", async () => {
    await type(page, "/incident open");
    const modal = page.getByTestId("form-modal");
    await modal.waitFor();
    expect(await page.getByTestId("form-title").textContent()).toBe("Open an incident");

    await page.getByTestId("form-submit").click();
    await page.getByTestId("form-error-title").filter({ hasText: "Please fill this in." }).waitFor();

    await page.getByTestId("form-field-title").fill("Checkout <broken>");
    await page.getByTestId("form-field-severity").selectOption("sev2");
    await page.getByTestId("form-submit").click();
    await modal.waitFor({ state: "hidden" });
    await messages(page).filter({ hasText: "Checkout <broken> (sev2)" }).waitFor();
    expect(inbounds.at(-1)?.body).toMatchObject({
      kind: "form",
      callbackId: "fbOpenIncident",
      values: { title: "Checkout <broken>", severity: "sev2" },
    });
  });

  it("sends mentions and plain messages, and follows channel links", async () => {
    await page.getByTestId("person-selector").selectOption("bob");
    await type(page, "hello @alice <b>not html</b>");
    const hello = messages(page).filter({ hasText: "hello" });
    await hello.waitFor();
    expect(await hello.locator(".mention").textContent()).toBe("@Alice");
    expect(await hello.locator("b").count()).toBe(0);

    await type(page, "@firebreak open Disk full");
    await messages(page)
      .filter({ hasText: "Disk full" })
      .filter({ has: page.getByTestId("message-button") })
      .waitFor();
    expect(inbounds.map((i) => i.body)).toEqual([{ kind: "mention", text: "open Disk full" }]);

    await page.locator(".channel-ref").last().click();
    await expect.poll(() => page.getByTestId("channel-title").textContent()).toBe(`# inc-${incidents}`);
  });

  it("remembers who you act as, and shows ephemerals to that person only", async () => {
    await page.getByTestId("person-selector").selectOption("bob");
    await type(page, "/incident open Only for bob");
    const ephemeral = `You opened INC-${incidents}.`;
    await messages(page).filter({ hasText: ephemeral }).waitFor();

    await page.reload();
    await page.getByTestId("connection-status").and(page.locator("[data-state=live]")).waitFor();
    expect(await page.getByTestId("person-selector").inputValue()).toBe("bob");

    await page.getByTestId("person-selector").selectOption("alice");
    await messages(page).filter({ hasText: "Only for bob" }).first().waitFor();
    expect(await messages(page).filter({ hasText: ephemeral }).count()).toBe(0);
  });

  it("updates live across browsers and reconnects after the stream drops", async () => {
    const other = await newPage();
    await other.goto(base);
    await other.getByTestId("connection-status").and(other.locator("[data-state=live]")).waitFor();

    await platform.post(state.channelByName("general")?.id ?? "", { text: "from the core", blocks: [] });
    await messages(other).filter({ hasText: "from the core" }).waitFor();

    // End the streams the way a shutdown does; what is posted meanwhile arrives with the next snapshot.
    closeStreams();
    await platform.post(state.channelByName("general")?.id ?? "", { text: "after the end", blocks: [] });
    await messages(page).filter({ hasText: "after the end" }).waitFor({ timeout: 10_000 });

    // Cut every connection, as a crash or a flaky proxy would; the page must come back by itself. Chromium logs
    // the cut stream as a failed resource, which is the one error this test expects.
    expectedErrors = /net::ERR_INCOMPLETE_CHUNKED_ENCODING/;
    server.closeAllConnections();
    await platform.post(state.channelByName("general")?.id ?? "", { text: "after the drop", blocks: [] });
    await messages(page).filter({ hasText: "after the drop" }).waitFor({ timeout: 10_000 });
    await messages(other).filter({ hasText: "after the drop" }).waitFor({ timeout: 10_000 });
    await page.getByTestId("connection-status").and(page.locator("[data-state=live]")).waitFor();
  });

  it("fits a phone screen, with the channel list behind a menu button", async () => {
    const phone = await newPage({ width: 390, height: 844 });
    await phone.goto(base);
    await phone
      .getByTestId("connection-status")
      .and(phone.locator("[data-state=live]"))
      .waitFor({ state: "attached" });
    await expect
      .poll(() =>
        phone
          .getByTestId("sidebar")
          .boundingBox()
          .then((b) => (b?.x ?? 0) + (b?.width ?? 0)),
      )
      .toBeLessThanOrEqual(0);
    await phone.getByTestId("sidebar-toggle").click();
    await phone.getByTestId("channel-item").filter({ hasText: "incidents" }).click();
    await expect.poll(() => phone.getByTestId("channel-title").textContent()).toBe("# incidents");
    const width = await phone.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
  });
});
