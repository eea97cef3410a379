// POST /api/v4/actions/dialogs/open (api4/integration_action.go, app/integration_action.go, PLATFORMS.md §2.5).
//
// As the server: the body is decoded into `model.OpenDialogRequest` (a field of the wrong JSON type is a 400); a
// missing `url` is a 400; the trigger must be one the server minted, younger than OutgoingIntegrationRequestsTimeout
// (30 s by default); a dialog that breaks the element rules is opened anyway with a logged warning (recorded here as
// a `dialog` violation, since clients may render it wrongly or not at all).
// Stricter than the server: a trigger opens one dialog only (the server checks just its age and signature), so a
// bot that reuses one is caught before a person sees two dialogs.

import type { DialogElementJson, DialogJson } from "./json.js";
import { AppError, Errors } from "./records.js";
import { bodyObject, isObject, optionalString, type RestContext, type Route } from "./rest.js";
import { dialogIssues } from "./rules.js";

/** Go's `time.Duration.String()` for whole milliseconds: `30s`, `1.5s`, `50ms`, `1m0s`. */
export function goDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = (ms % 60_000) / 1000;
  return minutes > 0 ? `${minutes}m${seconds}s` : `${seconds}s`;
}

/** Reads fields the way encoding/json fills a Go struct: absent or null is the zero value, a wrong type fails. */
class GoDecoder {
  constructor(
    private readonly source: Record<string, unknown>,
    private readonly where: string,
  ) {}

  private field<T>(key: string, zero: T, ok: (v: unknown) => v is T, type: string): T {
    const v = this.source[key];
    if (v === undefined || v === null) return zero;
    if (!ok(v))
      throw Errors.invalidBodyParam("dialog", "dialog_field_type", `${this.where}.${key} must be a ${type}`);
    return v;
  }

  string(key: string): string {
    return this.field(key, "", (v): v is string => typeof v === "string", "string");
  }

  bool(key: string): boolean {
    return this.field(key, false, (v): v is boolean => typeof v === "boolean", "boolean");
  }

  int(key: string): number {
    return this.field(key, 0, (v): v is number => typeof v === "number" && Number.isInteger(v), "integer");
  }

  objects(key: string): Record<string, unknown>[] | null {
    const v = this.source[key];
    if (v === undefined || v === null) return null;
    if (!Array.isArray(v) || !v.every(isObject)) {
      throw Errors.invalidBodyParam(
        "dialog",
        "dialog_field_type",
        `${this.where}.${key} must be an array of objects`,
      );
    }
    return v;
  }
}

export function decodeDialog(raw: unknown): DialogJson {
  if (raw !== undefined && raw !== null && !isObject(raw)) {
    throw Errors.invalidBodyParam("dialog", "dialog_field_type", "dialog must be an object");
  }
  const d = new GoDecoder(raw ?? {}, "dialog");
  return {
    callback_id: d.string("callback_id"),
    title: d.string("title"),
    introduction_text: d.string("introduction_text"),
    icon_url: d.string("icon_url"),
    elements: (d.objects("elements") ?? []).map((e, i) => decodeElement(e, `dialog.elements[${i}]`)),
    submit_label: d.string("submit_label"),
    notify_on_cancel: d.bool("notify_on_cancel"),
    state: d.string("state"),
  };
}

function decodeElement(raw: Record<string, unknown>, where: string): DialogElementJson {
  const e = new GoDecoder(raw, where);
  const options = e.objects("options");
  return {
    display_name: e.string("display_name"),
    name: e.string("name"),
    type: e.string("type"),
    subtype: e.string("subtype"),
    default: e.string("default"),
    placeholder: e.string("placeholder"),
    help_text: e.string("help_text"),
    optional: e.bool("optional"),
    min_length: e.int("min_length"),
    max_length: e.int("max_length"),
    data_source: e.string("data_source"),
    options:
      options?.map((o, i) => {
        const opt = new GoDecoder(o, `${where}.options[${i}]`);
        return { text: opt.string("text"), value: opt.string("value") };
      }) ?? null,
    multiselect: e.bool("multiselect"),
  };
}

function openDialog(ctx: RestContext): unknown {
  const body = bodyObject(ctx, "dialog");
  const dialog = decodeDialog(body.dialog);
  const url = optionalString(body, "url") ?? "";
  if (!url) throw Errors.invalidBodyParam("url", "dialog_url");
  const triggerId = optionalString(body, "trigger_id") ?? "";
  const trigger = ctx.world.triggers.get(triggerId);
  if (!trigger) {
    throw new AppError(
      400,
      "interactive_message.decode_trigger_id.base64_decode_failed",
      "Failed to decode base64 for trigger ID for interactive dialog.",
      { kind: "state", rule: "trigger_unknown", detailed: "the fake never minted this trigger id" },
    );
  }
  const ttl = ctx.settings.triggerTtlMs;
  if (ctx.world.now() - trigger.mintedAt > ttl) {
    throw new AppError(
      400,
      "interactive_message.decode_trigger_id.expired",
      `Trigger ID for interactive dialog is expired. Trigger IDs live for a maximum of ${goDuration(ttl)}.`,
      { kind: "state", rule: "trigger_expired" },
    );
  }
  if (trigger.used) {
    throw new AppError(
      400,
      "fake_mattermost.trigger_id.used",
      "Trigger ID was already used to open a dialog.",
      {
        kind: "state",
        rule: "trigger_used",
        detailed: "real Mattermost would open a second dialog; a trigger should answer one interaction",
      },
    );
  }
  trigger.used = true;
  const issues = dialogIssues(dialog);
  ctx.world.dialogs.push({
    triggerId,
    url,
    dialog,
    userId: trigger.userId,
    channelId: trigger.channelId,
    openedAt: ctx.world.now(),
    issues,
  });
  // The server answers OK and only logs "Interactive dialog is invalid".
  if (issues.length > 0)
    ctx.violate("dialog", "dialog_invalid", `Interactive dialog is invalid: ${issues.join("; ")}`);
  return { status: "OK" };
}

export const DIALOG_ROUTES: Route[] = [
  { method: "POST", template: "/api/v4/actions/dialogs/open", status: 200, handle: openDialog },
];
