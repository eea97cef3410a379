import { beforeAll, describe, expect, it } from "vitest";
import { markupToPlain } from "../../src/core/markup.js";
import type { Message } from "../../src/core/message.js";
import { loadTemplates, type Templates } from "../../src/core/templates/index.js";
import { HOSTILE, incident } from "./template-samples/shared.js";

/** Everything a message says, as plain text. */
const said = (m: Message): string =>
  [m.text, ...m.blocks.flatMap((b) => ("text" in b && typeof b.text === "string" ? [b.text] : []))]
    .map((t) => markupToPlain(t))
    .join("\n");

let templates: Templates;
beforeAll(async () => {
  templates = await loadTemplates();
});

const wiki = incident({ service: "wiki", serviceName: "Community wiki" });

describe("pages say when the fallback policy pages", () => {
  it.each([
    [
      { policy: "default", unowned: true },
      "Nobody owns Community wiki, so the fallback policy default pages you.",
    ],
    [
      { policy: "default", owner: "docs-team" },
      "Community wiki (owned by docs-team) has no escalation policy of its own, so the fallback policy default pages you.",
    ],
    [
      { policy: "default", noService: true },
      "No service was named, so the fallback policy default pages you.",
    ],
  ])("page and page-dm: %j", (fallback, sentence) => {
    const page = templates.render("page", {
      incident: wiki,
      severity: "SEV1",
      commander: "U0BOB",
      ackWithin: 300_000,
      fallback,
    });
    expect(said(page)).toContain(sentence);
    const dm = templates.render("page-dm", {
      incident: wiki,
      severity: "SEV1",
      channel: "C1",
      ackWithin: 1,
      fallback,
    });
    expect(said(dm)).toContain(sentence);
  });

  it("says nothing of it when the service's own policy pages, nor once acknowledged", () => {
    const own = templates.render("page", {
      incident: wiki,
      severity: "SEV1",
      commander: "U0BOB",
      ackWithin: 1,
    });
    expect(said(own)).not.toContain("fallback");
    const acked = templates.render("page", {
      incident: wiki,
      severity: "SEV1",
      commander: "U0BOB",
      ackWithin: 1,
      acknowledgedBy: "U0BOB",
    });
    expect(said(acked)).not.toContain("fallback");
  });

  it("escalation pages say it too, and a backup policy's page names both policies", () => {
    const vars = {
      incident: wiki,
      severity: "SEV1",
      targets: [{ id: "U0ALICE" }],
      step: 1,
      steps: 2,
      backup: { policy: "default", primary: "volunteers" },
    };
    const page = said(templates.render("escalation-page", vars));
    expect(page).toContain("Escalating to step 1 of 2");
    expect(page).toContain(
      "Nobody acknowledged on volunteers, so the backup policy default is paged (its step 1 of 2).",
    );
    expect(said(templates.render("escalation-page-dm", vars))).toContain(
      "Nobody acknowledged on volunteers, so the backup policy default is paged",
    );
    const fallback = said(
      templates.render("escalation-page", {
        ...vars,
        backup: undefined,
        fallback: { policy: "default", unowned: true },
      }),
    );
    expect(fallback).toContain("Nobody owns Community wiki, so the fallback policy default pages for it.");
    expect(fallback).not.toContain("backup");
  });

  it("escapes what operators wrote in the config", () => {
    const page = templates.render("page", {
      incident: incident({ serviceName: HOSTILE }),
      severity: "SEV1",
      commander: "U0BOB",
      ackWithin: 1,
      fallback: { policy: HOSTILE, owner: HOSTILE },
    });
    expect(page.blocks.some((b) => b.type === "context" && b.text.includes("<!channel>"))).toBe(false);
    expect(said(page)).toContain(`${HOSTILE} (owned by ${HOSTILE})`);
  });
});

describe("services", () => {
  it("lists each service with its owner, policy, backup and who is on duty, loud about nobody", () => {
    const m = templates.render("services", {
      timezone: "America/New_York",
      empty: false,
      omitted: 0,
      services: [
        {
          id: "search",
          name: "Search",
          owner: "search-team",
          policy: "default",
          fallback: false,
          nobody: false,
          onDuty: [
            {
              label: "Search on-call",
              rotation: true,
              user: "U0ALICE",
              nobody: false,
              until: "2026-11-18T16:00:00Z",
              override: true,
            },
          ],
        },
        {
          id: "wiki",
          name: "Community wiki",
          policy: "volunteers",
          fallback: false,
          backup: "default",
          nobody: true,
          onDuty: [
            { label: "Wiki volunteers", rotation: true, name: "Erin", nobody: false, override: false },
          ],
        },
        {
          id: "blog",
          name: "Blog",
          policy: "default",
          fallback: true,
          nobody: true,
          onDuty: [{ label: "primary", rotation: true, nobody: true, override: false }],
        },
      ],
      fallback: {
        policy: "default",
        nobody: false,
        onDuty: [{ label: "primary", rotation: true, user: "U0BOB", nobody: false, override: false }],
      },
    });
    const text = said(m);
    expect(text).toContain("• Search (search) · owned by search-team · policy default");
    expect(text).toContain("↳ @U0ALICE · Search on-call (override) until Wed 18 Nov 11:00 EST");
    expect(text).toContain("• Community wiki (wiki) · no owner · policy volunteers · backup default");
    expect(text).toContain("⚠️ Nobody can be paged for it right now.");
    expect(text).toContain("↳ Erin (no account here) · Wiki volunteers");
    expect(text).toContain("• Blog (blog) · no owner · fallback policy default");
    expect(text).toContain("↳ nobody on duty · primary");
    expect(text).toContain("page the fallback policy default: @U0BOB");
  });

  it("says when no services are configured and when no fallback_policy is set", () => {
    const text = said(
      templates.render("services", { timezone: "UTC", empty: true, omitted: 0, services: [] }),
    );
    expect(text).toContain("No services are configured.");
    expect(text).toContain("No fallback_policy is set");
  });
});
