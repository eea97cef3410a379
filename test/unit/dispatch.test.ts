import { describe, expect, it } from "vitest";
import type { Plan } from "../../handlers/context.js";
import { createDispatcher } from "../../handlers/dispatch.js";
import type { Message } from "../../src/core/message.js";
import type { ChatPlatform } from "../../src/core/ports.js";
import { unescapeMarkup } from "../../src/core/templates/index.js";
import { anIncident, fakeContext, inbound } from "./handler-fakes.js";

/** The answer as the person reads it: the grammar's text is escaped markup, the template's own is not. */
const ackText = (plan: Plan) => unescapeMarkup(plan.ack?.text ?? "");
const countOf = (text: string, part: string) => text.split(part).length - 1;

/**
 * What a mention is answered: a mention has no synchronous answer, so its plan's run sends the answer (once per
 * delivery) through the platform; this reads what it sent.
 */
async function mentionAnswer(fake: Awaited<ReturnType<typeof fakeContext>>, text: string): Promise<string> {
  const said: string[] = [];
  const platform = {
    ...fake.ctx.platform("slack"),
    replyEphemeral: async (_to: unknown, m: Message) => void said.push(m.text),
  } as ChatPlatform;
  const plan = createDispatcher({ ...fake.ctx, platform: () => platform }).prepare(
    inbound({ kind: "mention", text }),
  );
  expect(plan.ack).toBeUndefined();
  await plan.run();
  return unescapeMarkup(said.join("\n"));
}

describe("usage answers", () => {
  it("after a mention, point to help once, the way the person invoked the bot", async () => {
    const fake = await fakeContext(anIncident());
    const typo = await mentionAnswer(fake, "xyzzy");
    expect(typo).toContain("Try `@firebreak help`");
    expect(countOf(typo, " help`")).toBe(1);
    expect(typo).not.toContain("/incident");
    const bad = await mentionAnswer(fake, "sev high");
    expect(bad).toContain("Type `@firebreak help` to see every command.");
    expect(countOf(bad, " help`")).toBe(1);
  });

  it("after a slash command, the same with /incident", async () => {
    const fake = await fakeContext(anIncident());
    const { prepare } = createDispatcher(fake.ctx);
    const typo = ackText(prepare(inbound({ kind: "command", text: "xyzzy" })));
    expect(typo).toBe("Unknown command `xyzzy`. Try `/incident help`.");
    const bad = ackText(prepare(inbound({ kind: "command", text: "sev high" })));
    expect(bad).toMatch(/\nType `\/incident help` to see every command\.$/);
  });
});

describe("snooze lengths", () => {
  it("are refused in the ack, before the delivery is claimed, naming the limits", async () => {
    const fake = await fakeContext(anIncident());
    const { prepare } = createDispatcher(fake.ctx);
    for (const plan of [
      prepare(inbound({ kind: "command", text: "snooze 2d" })),
      prepare(inbound({ kind: "action", actionId: "fbSnooze", value: "INC-1 30s" })),
    ]) {
      expect(ackText(plan)).toBe(
        "⚠️ Snooze for a while between 1m and 1d, for example `/incident snooze 30m`.",
      );
      await plan.run();
    }
    expect(fake.claims).toEqual([]);
    expect(fake.writes).toEqual([]);
  });

  it("in range run after the ack", async () => {
    const fake = await fakeContext(anIncident());
    const plan = createDispatcher(fake.ctx).prepare(inbound({ kind: "command", text: "snooze 1d" }));
    expect(plan.ack).toBeUndefined();
    await plan.run();
    expect(fake.claims).toHaveLength(1);
    expect(fake.writes).toHaveLength(1);
  });
});

describe("help", () => {
  const blocksText = (plan: Plan) => JSON.stringify(plan.ack?.blocks ?? []);

  it("with a topic lists only that command's lines", async () => {
    const fake = await fakeContext(anIncident());
    const { prepare } = createDispatcher(fake.ctx);
    const oncall = blocksText(prepare(inbound({ kind: "command", text: "help oncall" })));
    expect(oncall).toContain("oncall override");
    expect(oncall).toContain("oncall swap");
    expect(oncall).not.toContain("handoff @user");
    const all = blocksText(prepare(inbound({ kind: "command", text: "help" })));
    expect(all).toContain("handoff @user");
    expect(all).toContain("oncall swap");
  });

  it("with a topic that names nothing lists every command", async () => {
    const fake = await fakeContext(anIncident());
    const { prepare } = createDispatcher(fake.ctx);
    const odd = blocksText(prepare(inbound({ kind: "command", text: "help frobnicate" })));
    expect(odd).toBe(blocksText(prepare(inbound({ kind: "command", text: "help" }))));
  });
});
