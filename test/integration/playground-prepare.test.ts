import express from "express";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Plan } from "../../handlers/context.js";
import { createPlayground, type PlaygroundState } from "../../src/adapters/playground/index.js";
import { type Form, textMessage } from "../../src/core/message.js";
import type { ChatPlatform, Inbound, Logger } from "../../src/core/ports.js";
import { postJson, type Served, serve } from "../helpers/platform-harness/support.js";

/**
 * The playground given the core's `prepare`, as src/main/runtime.ts gives it: the adapter itself turns each plan
 * into what the page sees (the ack as a reply only the person sees, then the run; a refused form kept open with
 * its reasons; a failure shown as an error id), over real HTTP.
 */

const noteForm: Form = {
  callbackId: "fbNote",
  title: "Add a note",
  submitLabel: "Add",
  state: "INC-4",
  fields: [{ id: "note", label: "Note", kind: "text" }],
};

let platform: ChatPlatform;
let state: PlaygroundState;
let closeStreams: () => void;
let base = "";
let served: Served;
const logger: Logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };

/** What the core answers: set by each test. */
let answer: (inbound: Inbound) => Plan;
/** Inbounds whose plan ran, in order. */
let ran: Inbound[] = [];

beforeAll(async () => {
  const playground = createPlayground({
    people: [
      { id: "alice", name: "Alice", timezone: "Europe/Berlin" },
      { id: "bob", name: "Bob", timezone: "Europe/Berlin" },
    ],
    channels: ["general"],
    prepare: (inbound) => answer(inbound),
    logger,
  });
  ({ platform, state, close: closeStreams } = playground);
  served = await serve(express().use(playground.router));
  base = served.url;
});

afterAll(async () => {
  closeStreams();
  await served.close();
});

beforeEach(() => {
  ran = [];
  answer = (inbound) => ({ run: async () => void ran.push(inbound) });
  vi.mocked(logger.error).mockClear();
});

const general = () => state.channelByName("general")?.id as string;

async function post(path: string, body: unknown): Promise<{ status: number; data: Record<string, unknown> }> {
  const { status, data } = await postJson(`${base}/playground/api${path}`, body);
  return { status, data: (data ?? {}) as Record<string, unknown> };
}

const say = (as: string, text: string) => post("/messages", { as, channelId: general(), text });

/** The texts of the messages a person sees, ephemeral ones marked. */
async function seenBy(as: string): Promise<Array<{ text: string; ephemeral: boolean }>> {
  const res = await fetch(`${base}/playground/api/state?as=${as}`);
  expect(res.status).toBe(200);
  const snapshot = (await res.json()) as { messages: Array<{ text: string; ephemeral: boolean }> };
  return snapshot.messages.map(({ text, ephemeral }) => ({ text, ephemeral }));
}

describe("a plan from prepare", () => {
  it("shows its ack to the person alone, then runs, before the page gets its answer", async () => {
    let ackSeenByRun = false;
    answer = (inbound) => ({
      ack: textMessage("zqack1: noted"),
      run: async () => {
        // The ack is already there when the plan runs.
        ackSeenByRun = [...state.messages.values()].some((m) => m.message.text.includes("zqack1"));
        ran.push(inbound);
      },
    });
    const res = await say("alice", "/incident status");
    expect(res).toMatchObject({ status: 200, data: { ok: true } });
    expect(ran.map((i) => i.body)).toEqual([{ kind: "command", text: "status" }]);
    expect(ackSeenByRun).toBe(true);
    expect((await seenBy("alice")).filter((m) => m.text.includes("zqack1"))).toEqual([
      { text: "zqack1: noted", ephemeral: true },
    ]);
    expect((await seenBy("bob")).some((m) => m.text.includes("zqack1"))).toBe(false);
  });

  it("without an ack, only runs: nobody sees a reply", async () => {
    const before = (await seenBy("alice")).length;
    await say("alice", "/incident quiet");
    expect(ran).toHaveLength(1);
    // Only the echo of the command itself appears.
    expect((await seenBy("alice")).length).toBe(before + 1);
  });

  it("refuses a form with its formErrors, keeps it open and runs nothing; fixed, it goes through", async () => {
    answer = (inbound) => ({
      run: async () => {
        ran.push(inbound);
        await platform.openForm(inbound.triggerId ?? "", noteForm, {
          userId: inbound.actor,
          conversationId: inbound.conversationId,
        });
      },
    });
    await say("alice", "/incident note");
    const form = [...state.forms.values()].find(
      (f) => f.userId === "alice" && f.form.callbackId === "fbNote",
    );
    expect(form).toBeDefined();
    ran = [];

    const errors = { note: "Say what happened." };
    answer = (inbound) => ({
      formErrors: inbound.body.kind === "form" && inbound.body.values.note === "x" ? errors : undefined,
      run: async () => void ran.push(inbound),
    });
    const refused = await post(`/forms/${form?.id}`, { as: "alice", values: { note: "x" } });
    expect(refused.data).toEqual({ ok: false, error: "invalid", errors });
    expect(state.forms.has(form?.id ?? "")).toBe(true);
    expect(ran).toEqual([]);

    const accepted = await post(`/forms/${form?.id}`, { as: "alice", values: { note: "Rolled back." } });
    expect(accepted.data.ok).toBe(true);
    expect(state.forms.has(form?.id ?? "")).toBe(false);
    expect(ran.map((i) => i.body)).toEqual([
      { kind: "form", callbackId: "fbNote", values: { note: "Rolled back." }, state: "INC-4" },
    ]);
  });

  it("logs a run that fails and shows the person only an error id", async () => {
    answer = () => ({
      ack: textMessage("zqack2: on it"),
      run: async () => {
        throw new Error("kaboom");
      },
    });
    const res = await say("alice", "/incident boom");
    expect(res.data.ok).toBe(false);
    expect(logger.error).toHaveBeenCalledTimes(1);
    const seen = await seenBy("alice");
    // The ack went out first; the failure follows as a note that names nothing of the error itself.
    expect(seen.some((m) => m.text.includes("zqack2"))).toBe(true);
    const note = seen.find((m) => m.text.includes("error id"));
    expect(note).toMatchObject({ ephemeral: true });
    expect(note?.text).not.toContain("kaboom");
  });
});
