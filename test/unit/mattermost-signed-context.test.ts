import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  DIALOG_STATE_MAX,
  signActionContext,
  signDialogState,
  verifyActionContext,
  verifyDialogState,
} from "../../src/adapters/mattermost/signed-context.js";
import { PlatformError } from "../../src/core/errors.js";

const SECRET = "actions-secret-0123456789abcdef";

/** `text` with the character at `index` replaced by `by` (which differs from it). */
function replaceAt(text: string, index: number, by: string): string {
  return `${text.slice(0, index)}${by}${text.slice(index + 1)}`;
}

/** A character different from `c`, from the same kind of alphabet so tampering stays well-formed. */
function otherChar(c: string, pick: number): string {
  const pool = /[0-9a-f]/.test(c) ? "0123456789abcdef" : "abcdefghijklmnopqrstuvwxyz0123456789 -_.";
  const choices = pool.split("").filter((x) => x !== c);
  return choices[pick % choices.length] as string;
}

describe("button contexts", () => {
  it("carry the action id, the value and a hex HMAC, and verify back to them", () => {
    const context = signActionContext(SECRET, { actionId: "fbAcknowledge", value: "INC-12" });
    expect(Object.keys(context).sort()).toEqual(["a", "s", "v"]);
    expect(context.a).toBe("fbAcknowledge");
    expect(context.v).toBe("INC-12");
    expect(context.s).toMatch(/^[0-9a-f]{64}$/);
    expect(verifyActionContext(SECRET, context)).toEqual({ actionId: "fbAcknowledge", value: "INC-12" });
  });

  it("leave the value out when there is none, and verify to an action without one", () => {
    const context = signActionContext(SECRET, { actionId: "fbOpenIncident" });
    expect(Object.keys(context).sort()).toEqual(["a", "s"]);
    expect(verifyActionContext(SECRET, context)).toEqual({ actionId: "fbOpenIncident" });
  });

  it("survive a JSON round trip (Mattermost echoes the context back as JSON)", () => {
    const context = signActionContext(SECRET, { actionId: "fbSnooze", value: "INC-4 30m ünïcødé 🔥" });
    expect(verifyActionContext(SECRET, JSON.parse(JSON.stringify(context)))).toEqual({
      actionId: "fbSnooze",
      value: "INC-4 30m ünïcødé 🔥",
    });
  });

  it("ignore the keys Mattermost adds, such as a menu's selected_option", () => {
    const context = {
      ...signActionContext(SECRET, { actionId: "fbSnooze", value: "x" }),
      selected_option: "y",
    };
    expect(verifyActionContext(SECRET, context)).toEqual({ actionId: "fbSnooze", value: "x" });
  });

  it("refuse a context signed with another secret", () => {
    const context = signActionContext("another-secret-0123456789abcdef", { actionId: "fbAcknowledge" });
    expect(verifyActionContext(SECRET, context)).toBeNull();
  });

  it("refuse a value added to, removed from or moved between fields", () => {
    const withValue = signActionContext(SECRET, { actionId: "fbSnooze", value: "INC-1" });
    const without = signActionContext(SECRET, { actionId: "fbSnooze" });
    expect(verifyActionContext(SECRET, { a: withValue.a, s: withValue.s })).toBeNull();
    expect(verifyActionContext(SECRET, { ...without, v: "INC-1" })).toBeNull();
    expect(verifyActionContext(SECRET, { ...without, v: "" })).toBeNull();
    // The same characters split differently between id and value is a different action.
    const joined = signActionContext(SECRET, { actionId: "fbSnoozeINC-1" });
    expect(verifyActionContext(SECRET, { a: "fbSnooze", v: "INC-1", s: joined.s })).toBeNull();
    expect(verifyActionContext(SECRET, { a: "fbSnoozeINC-1", s: withValue.s })).toBeNull();
    // An empty value is a value, not the absence of one.
    const empty = signActionContext(SECRET, { actionId: "fbSnooze", value: "" });
    expect(empty.s).not.toBe(without.s);
    expect(verifyActionContext(SECRET, empty)).toEqual({ actionId: "fbSnooze", value: "" });
  });

  it("refuse anything malformed without throwing", () => {
    const good = signActionContext(SECRET, { actionId: "fbAcknowledge", value: "INC-1" });
    const bad: unknown[] = [
      undefined,
      null,
      "fbAcknowledge",
      42,
      [good.a, good.v, good.s],
      {},
      { ...good, s: undefined },
      { ...good, s: good.s?.toUpperCase() },
      { ...good, s: good.s?.slice(0, 63) },
      { ...good, s: `${good.s}0` },
      { ...good, s: "z".repeat(64) },
      { ...good, s: 1 },
      { ...good, a: 1 },
      { ...good, v: 1 },
      { ...good, v: null },
      { ...good, a: ["fbAcknowledge"] },
    ];
    for (const context of bad)
      expect(verifyActionContext(SECRET, context), JSON.stringify(context)).toBeNull();
    fc.assert(
      fc.property(fc.anything(), (context) => {
        expect(verifyActionContext(SECRET, context)).toBeNull();
      }),
    );
  });

  it("verify what they sign, for any action id and value (property)", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.option(fc.string(), { nil: undefined }),
        (actionId, value) => {
          const action = value === undefined ? { actionId } : { actionId, value };
          expect(verifyActionContext(SECRET, signActionContext(SECRET, action))).toEqual(action);
        },
      ),
    );
  });

  it("refuse any one character changed in any field (property)", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.constantFrom("a", "v", "s"),
        fc.nat(),
        fc.nat(),
        (actionId, value, field, at, pick) => {
          const context = signActionContext(SECRET, { actionId, value });
          const original = context[field] as string;
          const index = at % original.length;
          const tampered = {
            ...context,
            [field]: replaceAt(original, index, otherChar(original[index] as string, pick)),
          };
          expect(verifyActionContext(SECRET, tampered)).toBeNull();
        },
      ),
    );
  });
});

describe("dialog state", () => {
  const dialog = {
    callbackId: "fbUpdateForm",
    conversationId: "ch4nnel1d0000000000000000a",
    state: "INC-12",
    user: "alice",
  };
  /** What verifying adds to what was signed. */
  const signing = { nonce: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/), issuedAt: expect.any(Number) };

  afterEach(() => {
    vi.useRealTimers();
  });

  it("is JSON of the form, the conversation, the person, a nonce, the time and a MAC, and verifies back", () => {
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-03-01T10:00:00Z") });
    const raw = signDialogState(SECRET, dialog);
    const parsed = JSON.parse(raw) as Record<string, unknown>;
    expect(parsed).toMatchObject({ c: "fbUpdateForm", v: dialog.conversationId, s: "INC-12", u: "alice" });
    expect(parsed.t).toBe(Date.parse("2026-03-01T10:00:00Z"));
    expect(parsed.h).toMatch(/^[0-9a-f]{64}$/);
    const verified = verifyDialogState(SECRET, raw, "fbUpdateForm");
    expect(verified).toEqual({ ...dialog, nonce: parsed.n, issuedAt: Date.parse("2026-03-01T10:00:00Z") });
  });

  it("gets a nonce of its own at every signing, so no two openings look alike", () => {
    const nonces = new Set(
      Array.from(
        { length: 50 },
        () => verifyDialogState(SECRET, signDialogState(SECRET, dialog), "fbUpdateForm")?.nonce,
      ),
    );
    expect(nonces.size).toBe(50);
  });

  it("carries no state key when the form has no state", () => {
    const raw = signDialogState(SECRET, { callbackId: "fbOpenIncident", conversationId: "c1", user: "bob" });
    expect(Object.keys(JSON.parse(raw) as object).sort()).toEqual(["c", "h", "n", "t", "u", "v"]);
    expect(verifyDialogState(SECRET, raw, "fbOpenIncident")).toEqual({
      callbackId: "fbOpenIncident",
      conversationId: "c1",
      user: "bob",
      ...signing,
    });
  });

  it("is refused for another form's callback id, another secret, or a button's signature", () => {
    const raw = signDialogState(SECRET, dialog);
    expect(verifyDialogState(SECRET, raw, "fbStillBrokenForm")).toBeNull();
    expect(verifyDialogState("another-secret-0123456789abcdef", raw, "fbUpdateForm")).toBeNull();
    // A button context over the same strings must not pass as a dialog's state.
    const button = signActionContext(SECRET, { actionId: dialog.callbackId, value: dialog.conversationId });
    const { h: _mac, ...unsigned } = JSON.parse(raw) as Record<string, unknown>;
    const forged = JSON.stringify({ ...unsigned, h: button.s });
    expect(verifyDialogState(SECRET, forged, dialog.callbackId)).toBeNull();
  });

  it("is refused when it is handed to someone else, or its time or nonce is changed", () => {
    const parsed = JSON.parse(signDialogState(SECRET, dialog)) as Record<string, unknown>;
    const changed = [
      { ...parsed, u: "dana" },
      { ...parsed, u: "Alice" },
      { ...parsed, t: (parsed.t as number) + 1 },
      { ...parsed, t: String(parsed.t) },
      { ...parsed, n: `${parsed.n}x` },
      { ...parsed, n: undefined },
      { ...parsed, u: undefined },
      { ...parsed, t: undefined },
    ];
    for (const state of changed)
      expect(
        verifyDialogState(SECRET, JSON.stringify(state), "fbUpdateForm"),
        JSON.stringify(state),
      ).toBeNull();
  });

  it("is refused when the form's state is moved, dropped or added", () => {
    const parsed = JSON.parse(signDialogState(SECRET, dialog)) as Record<string, string>;
    const { s: _dropped, ...withoutState } = parsed;
    expect(verifyDialogState(SECRET, JSON.stringify(withoutState), "fbUpdateForm")).toBeNull();
    const moved = { ...parsed, v: `${parsed.v}INC-12`, s: "" };
    expect(verifyDialogState(SECRET, JSON.stringify(moved), "fbUpdateForm")).toBeNull();
    const intoUser = { ...parsed, u: `${parsed.u}INC-12`, s: "" };
    expect(verifyDialogState(SECRET, JSON.stringify(intoUser), "fbUpdateForm")).toBeNull();
    const bare = JSON.parse(
      signDialogState(SECRET, { callbackId: "x", conversationId: "c", user: "alice" }),
    ) as object;
    expect(verifyDialogState(SECRET, JSON.stringify({ ...bare, s: "INC-1" }), "x")).toBeNull();
  });

  it("is refused when malformed, without throwing", () => {
    const good = JSON.parse(signDialogState(SECRET, dialog)) as Record<string, unknown>;
    const bad: unknown[] = [
      undefined,
      null,
      42,
      "",
      "not json",
      "[]",
      "null",
      '"fbUpdateForm"',
      JSON.stringify({ ...good, c: 1 }),
      JSON.stringify({ ...good, v: null }),
      JSON.stringify({ ...good, s: 7 }),
      JSON.stringify({ ...good, u: 7 }),
      JSON.stringify({ ...good, n: 7 }),
      JSON.stringify({ ...good, t: 1.5 }),
      JSON.stringify({ ...good, t: "soon" }),
      JSON.stringify({ ...good, h: "00" }),
      JSON.stringify({ ...good, h: undefined }),
      good,
    ];
    for (const raw of bad) expect(verifyDialogState(SECRET, raw, "fbUpdateForm"), String(raw)).toBeNull();
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.anything()), (raw) => {
        expect(verifyDialogState(SECRET, raw, "fbUpdateForm")).toBeNull();
      }),
    );
  });

  it("verifies what it signs and refuses any one character changed (property)", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 30 }),
        fc.string({ minLength: 1, maxLength: 30 }),
        fc.string({ minLength: 1, maxLength: 60 }),
        fc.string({ minLength: 1, maxLength: 30 }),
        fc.constantFrom("c", "v", "s", "u", "n", "t", "h"),
        fc.nat(),
        fc.nat(),
        (callbackId, conversationId, state, user, field, at, pick) => {
          const raw = signDialogState(SECRET, { callbackId, conversationId, state, user });
          expect(verifyDialogState(SECRET, raw, callbackId)).toEqual({
            callbackId,
            conversationId,
            state,
            user,
            ...signing,
          });
          const parsed = JSON.parse(raw) as Record<string, string | number>;
          const original = String(parsed[field]);
          const index = at % original.length;
          const replaced = replaceAt(original, index, otherChar(original[index] as string, pick));
          // The time is a number: tampering keeps it one where it still can be.
          const value = field === "t" && /^\d+$/.test(replaced) ? Number(replaced) : replaced;
          const tampered = { ...parsed, [field]: value };
          // Checked against the original callback id, and against the tampered one (for the `c` field).
          expect(verifyDialogState(SECRET, JSON.stringify(tampered), callbackId)).toBeNull();
          expect(verifyDialogState(SECRET, JSON.stringify(tampered), String(tampered.c))).toBeNull();
        },
      ),
    );
  });

  it("refuses to sign a state too long to carry, and to read one", () => {
    const long = {
      callbackId: "fbUpdateForm",
      conversationId: "c1",
      state: "x".repeat(DIALOG_STATE_MAX),
      user: "alice",
    };
    expect(() => signDialogState(SECRET, long)).toThrow(PlatformError);
    const fits = { ...long, state: "x".repeat(DIALOG_STATE_MAX - 200) };
    const raw = signDialogState(SECRET, fits);
    expect(raw.length).toBeLessThanOrEqual(DIALOG_STATE_MAX);
    expect(verifyDialogState(SECRET, raw, "fbUpdateForm")).toEqual({ ...fits, ...signing });
    expect(verifyDialogState(SECRET, `${raw}${" ".repeat(DIALOG_STATE_MAX)}`, "fbUpdateForm")).toBeNull();
  });
});
