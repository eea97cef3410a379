import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cutBytes, DIALOG_LIMITS, dialogValues, toDialog } from "../../src/adapters/mattermost/dialog.js";
import { ActionIds } from "../../src/core/action-ids.js";
import type { Form } from "../../src/core/message.js";

const bytes = (s: string) => Buffer.byteLength(s, "utf8");

const updateForm: Form = {
  callbackId: ActionIds.updateForm,
  title: "Post an update",
  submitLabel: "Post",
  state: "INC-12",
  fields: [
    { id: "text", label: "What changed?", kind: "textarea", maxLength: 2000, placeholder: "We rolled back…" },
    {
      id: "summary",
      label: "Summary",
      kind: "text",
      optional: true,
      initial: "Search is slow",
      hint: "One line",
    },
    {
      id: "severity",
      label: "Severity",
      kind: "select",
      initial: "sev2",
      options: [
        { value: "sev1", label: "SEV1 · critical" },
        { value: "sev2", label: "SEV2 · major" },
      ],
    },
  ],
};

describe("a form as a Mattermost dialog", () => {
  it("carries the callback id, title, submit label, state and one element per field", () => {
    const dialog = toDialog(updateForm, "signed-state");
    expect(dialog).toEqual({
      callback_id: ActionIds.updateForm,
      title: "Post an update",
      submit_label: "Post",
      notify_on_cancel: false,
      state: "signed-state",
      elements: [
        {
          display_name: "What changed?",
          name: "text",
          type: "textarea",
          max_length: 2000,
          optional: false,
          placeholder: "We rolled back…",
        },
        {
          display_name: "Summary",
          name: "summary",
          type: "text",
          max_length: 150,
          optional: true,
          help_text: "One line",
          default: "Search is slow",
        },
        {
          display_name: "Severity",
          name: "severity",
          type: "select",
          optional: false,
          default: "sev2",
          options: [
            { text: "SEV1 · critical", value: "sev1" },
            { text: "SEV2 · major", value: "sev2" },
          ],
        },
      ],
    });
  });

  it("makes a one-line field that must hold more than 150 characters a textarea, and caps textareas at 3000", () => {
    const dialog = toDialog(
      {
        callbackId: "cb",
        title: "t",
        submitLabel: "s",
        fields: [
          { id: "short", label: "Short", kind: "text", maxLength: 80 },
          { id: "long", label: "Long", kind: "text", maxLength: 500 },
          { id: "huge", label: "Huge", kind: "textarea", maxLength: 10_000 },
          { id: "prefilled", label: "Prefilled", kind: "text", initial: "é".repeat(100) },
        ],
      },
      "s",
    );
    expect(dialog.elements.map((e) => [e.name, e.type, e.max_length])).toEqual([
      ["short", "text", 80],
      ["long", "textarea", 500],
      ["huge", "textarea", 3000],
      ["prefilled", "textarea", 150],
    ]);
    expect(dialog.elements[3]?.default).toBe("é".repeat(100));
  });

  it("stays inside the server's limits, which count UTF-8 bytes", () => {
    const dialog = toDialog(
      {
        callbackId: "cb",
        title: "Déclarer un incident très grave",
        submitLabel: "Envoyer maintenant s'il vous plaît",
        fields: [
          {
            id: "a",
            label: "Qu'est-ce qui a changé depuis la dernière fois ?",
            kind: "text",
            hint: "é".repeat(200),
            placeholder: "ü".repeat(200),
            initial: "x".repeat(140),
            maxLength: 140,
          },
          {
            id: "b",
            label: "🔥".repeat(10),
            kind: "textarea",
            placeholder: "p".repeat(5000),
            initial: "é".repeat(3000),
          },
        ],
      },
      "s",
    );
    expect(bytes(dialog.title)).toBeLessThanOrEqual(DIALOG_LIMITS.title);
    expect(dialog.title.endsWith("…")).toBe(true);
    expect(bytes(dialog.submit_label)).toBeLessThanOrEqual(DIALOG_LIMITS.title);
    const [a, b] = dialog.elements;
    expect(bytes(String(a?.display_name))).toBeLessThanOrEqual(DIALOG_LIMITS.displayName);
    expect(bytes(String(a?.help_text))).toBeLessThanOrEqual(DIALOG_LIMITS.helpText);
    expect(bytes(String(a?.placeholder))).toBeLessThanOrEqual(DIALOG_LIMITS.text);
    expect(a?.default).toBe("x".repeat(140));
    expect(b?.display_name).toBe(`${"🔥".repeat(5)}…`);
    expect(bytes(String(b?.placeholder))).toBeLessThanOrEqual(DIALOG_LIMITS.textarea);
    expect(bytes(String(b?.default))).toBeLessThanOrEqual(DIALOG_LIMITS.textarea);
    expect(String(b?.default)).toBe("é".repeat(1500));
  });

  it("never gives a select a default that is not one of its options, nor an element an empty name", () => {
    const dialog = toDialog(
      {
        callbackId: "cb",
        title: "   ",
        submitLabel: "",
        fields: [
          { id: "s", label: "", kind: "select", initial: "gone", options: [{ value: "a", label: "A" }] },
          { id: "t", label: "T", kind: "select" },
        ],
      },
      "s",
    );
    expect(dialog.title).toBe("Firebreak");
    expect(dialog.submit_label).toBe("Submit");
    expect(dialog.elements[0]).toEqual({
      display_name: "s",
      name: "s",
      type: "select",
      optional: false,
      options: [{ text: "A", value: "a" }],
    });
    expect(dialog.elements[1]?.options).toEqual([]);
  });

  it("cuts a value by bytes with nothing added, on a character boundary (property)", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", maxLength: 60 }),
        fc.integer({ min: 0, max: 60 }),
        (text, max) => {
          const out = cutBytes(text, max, false);
          expect(bytes(out)).toBeLessThanOrEqual(max);
          expect(text.startsWith(out)).toBe(true);
          if (bytes(text) <= max) expect(out).toBe(text);
          expect(out).toBe(Buffer.from(out, "utf8").toString("utf8"));
        },
      ),
    );
  });

  it("clips by bytes on a character boundary (property)", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", maxLength: 60 }),
        fc.integer({ min: 4, max: 60 }),
        (text, max) => {
          const out = cutBytes(text, max);
          expect(bytes(out)).toBeLessThanOrEqual(max);
          if (bytes(text) <= max) expect(out).toBe(text);
          else {
            expect(out.endsWith("…")).toBe(true);
            expect(text.startsWith(out.slice(0, -1))).toBe(true);
            // Cut on a code point boundary: no lone surrogate.
            expect(out).toBe(Buffer.from(out, "utf8").toString("utf8"));
          }
        },
      ),
    );
  });
});

describe("a dialog submission's values", () => {
  it("are strings as typed; null and absent fields are empty; numbers and booleans are their text", () => {
    expect(
      dialogValues(updateForm, {
        text: "  rolled back  ",
        summary: null,
        severity: "sev1",
        extra: 3,
        flag: true,
      }),
    ).toEqual({ text: "  rolled back  ", summary: "", severity: "sev1", extra: "3", flag: "true" });
    expect(dialogValues(updateForm, {})).toEqual({ text: "", summary: "", severity: "" });
  });

  it("are read without a form too, and a field named __proto__ is only a value", () => {
    const values = dialogValues(undefined, JSON.parse('{"a": "x", "__proto__": "y", "o": {"k": 1}}'));
    expect(values.a).toBe("x");
    expect(Object.getOwnPropertyDescriptor(values, "__proto__")?.value).toBe("y");
    expect(Object.getPrototypeOf(values)).toBe(Object.prototype);
    expect("o" in values).toBe(false);
  });
});
