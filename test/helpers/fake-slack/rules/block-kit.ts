import { randomBytes } from "node:crypto";

// Block Kit checks for messages and modals (PLATFORMS.md §1.8). Real Slack does not have a `too_many_blocks`
// error: an over-long message comes back as `invalid_blocks` with
//   errors: ["no more than 50 items allowed [json-pointer:/blocks]"]
//   response_metadata.messages: ["[ERROR] no more than 50 items allowed [json-pointer:/blocks]"]
// and views.* answer `invalid_arguments` with the pointer under `/view/...` (seen in public bug reports of
// slackapi/node-slack-sdk users and grafana/oncall). We reproduce that shape and keep our own `rule` name on each
// issue so tests can say *which* limit was hit.
//
// Scope: the limits a bot realistically trips (counts, lengths, required fields, unknown types/keys at block
// level, duplicate ids). Element-level unknown keys are not checked: Slack adds element fields often and a false
// rejection here would be worse than a miss.

export const LIMITS = {
  messageBlocks: 50,
  modalBlocks: 100,
  blockId: 255,
  actionId: 255,
  sectionText: 3000,
  sectionFields: 10,
  sectionField: 2000,
  headerText: 150,
  actionsElements: 25,
  contextElements: 10,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  placeholder: 150,
  options: 100,
  overflowOptions: 5,
  checkboxOptions: 10,
  optionText: 75,
  optionValue: 150,
  inputLabel: 2000,
  inputHint: 2000,
  textInput: 3000,
  altText: 2000,
  imageTitle: 2000,
  markdownBlock: 12000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  viewTitle: 24,
  viewButton: 24,
  callbackId: 255,
  privateMetadata: 3000,
  externalId: 255,
  /** views.open answers `view_too_large` beyond this many bytes of JSON. */
  viewBytes: 250_000,
} as const;

export type Surface = "message" | "modal";

export interface BlockIssue {
  /** Our name for the broken rule, e.g. `too_many_blocks`, `section_text_too_long`. */
  rule: string;
  /** Slack's wording with the JSON pointer, without the `[ERROR] ` prefix. */
  message: string;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

const BLOCK_KEYS: Record<string, readonly string[]> = {
  section: ["type", "block_id", "text", "fields", "accessory", "expand"],
  divider: ["type", "block_id"],
  header: ["type", "block_id", "text", "level"],
  context: ["type", "block_id", "elements"],
  actions: ["type", "block_id", "elements"],
  input: ["type", "block_id", "label", "element", "dispatch_action", "hint", "optional"],
  image: ["type", "block_id", "image_url", "slack_file", "alt_text", "title"],
  markdown: ["type", "block_id", "text"],
};
// Real block types we accept without looking inside: their schemas are rich and change often.
const OPAQUE_BLOCKS = new Set(["rich_text", "video", "file", "table", "context_actions", "call"]);

const SELECTS = [
  "static_select",
  "external_select",
  "users_select",
  "conversations_select",
  "channels_select",
] as const;
const MULTI_SELECTS = SELECTS.map((s) => `multi_${s}`);
const INTERACTIVE = [
  "button",
  "checkboxes",
  "datepicker",
  "datetimepicker",
  "overflow",
  "radio_buttons",
  "timepicker",
  "workflow_button",
  ...SELECTS,
  ...MULTI_SELECTS,
];
const ELEMENTS_BY_PLACE: Record<"actions" | "accessory" | "input", ReadonlySet<string>> = {
  actions: new Set([...INTERACTIVE, "rich_text_input"]),
  accessory: new Set([...INTERACTIVE, "image"]),
  input: new Set([
    "checkboxes",
    "datepicker",
    "datetimepicker",
    "email_text_input",
    "file_input",
    "number_input",
    "plain_text_input",
    "radio_buttons",
    "rich_text_input",
    "timepicker",
    "url_text_input",
    ...SELECTS,
    ...MULTI_SELECTS,
  ]),
};

class Checker {
  readonly issues: BlockIssue[] = [];

  add(rule: string, message: string, pointer: string): void {
    this.issues.push({ rule, message: `${message} [json-pointer:${pointer}]` });
  }

  object(v: unknown, ptr: string): v is Json {
    if (isObject(v)) return true;
    this.add("not_an_object", "must provide an object", ptr);
    return false;
  }

  keys(o: Json, allowed: readonly string[], ptr: string): void {
    for (const k of Object.keys(o)) {
      if (!allowed.includes(k)) this.add("unknown_property", `invalid additional property: ${k}`, ptr);
    }
  }

  string(
    o: Json,
    key: string,
    ptr: string,
    max: number,
    opts: { required?: boolean; rule?: string } = {},
  ): void {
    const v = o[key];
    if (v === undefined) {
      if (opts.required) this.add("missing_field", `missing required field: ${key}`, ptr);
      return;
    }
    if (typeof v !== "string") {
      this.add("not_a_string", "must be a string", `${ptr}/${key}`);
      return;
    }
    if ([...v].length > max) {
      this.add(opts.rule ?? "too_long", `must be less than ${max + 1} characters`, `${ptr}/${key}`);
    }
  }

  /** A composition text object: `{type: plain_text|mrkdwn, text}`. */
  text(
    o: Json,
    key: string,
    ptr: string,
    max: number,
    opts: { required?: boolean; plainOnly?: boolean; rule?: string } = {},
  ): void {
    const v = o[key];
    const at = `${ptr}/${key}`;
    if (v === undefined) {
      if (opts.required) this.add("missing_field", `missing required field: ${key}`, ptr);
      return;
    }
    this.textObject(v, at, max, opts);
  }

  textObject(v: unknown, at: string, max: number, opts: { plainOnly?: boolean; rule?: string } = {}): void {
    if (!this.object(v, at)) return;
    this.keys(v, ["type", "text", "emoji", "verbatim"], at);
    if (v.type !== "plain_text" && v.type !== "mrkdwn") {
      this.add("invalid_text_type", "must be one of: plain_text, mrkdwn", `${at}/type`);
    } else if (opts.plainOnly && v.type !== "plain_text") {
      this.add("invalid_text_type", "must be plain_text", `${at}/type`);
    }
    if (v.emoji !== undefined && v.type !== "plain_text") {
      this.add("unknown_property", "invalid additional property: emoji", at);
    }
    if (v.verbatim !== undefined && v.type !== "mrkdwn") {
      this.add("unknown_property", "invalid additional property: verbatim", at);
    }
    if (typeof v.text !== "string") {
      this.add("missing_field", "missing required field: text", at);
    } else if (v.text.length === 0) {
      this.add("empty_text", "must be more than 0 characters", `${at}/text`);
    } else if ([...v.text].length > max) {
      this.add(opts.rule ?? "text_too_long", `must be less than ${max + 1} characters`, `${at}/text`);
    }
  }

  array(o: Json, key: string, ptr: string, max: number, opts: { required?: boolean; rule?: string } = {}) {
    const v = o[key];
    if (v === undefined) {
      if (opts.required) this.add("missing_field", `missing required field: ${key}`, ptr);
      return [] as unknown[];
    }
    if (!Array.isArray(v)) {
      this.add("not_an_array", "must provide an array", `${ptr}/${key}`);
      return [] as unknown[];
    }
    if (v.length === 0 && opts.required) {
      this.add("empty_array", "must provide at least 1 items", `${ptr}/${key}`);
    }
    if (v.length > max) {
      this.add(opts.rule ?? "too_many_items", `no more than ${max} items allowed`, `${ptr}/${key}`);
    }
    return v as unknown[];
  }

  blocks(blocks: unknown[], surface: Surface, ptr: string): void {
    const max = surface === "message" ? LIMITS.messageBlocks : LIMITS.modalBlocks;
    if (blocks.length > max) this.add("too_many_blocks", `no more than ${max} items allowed`, ptr);
    const blockIds = new Set<string>();
    blocks.forEach((b, i) => {
      const at = `${ptr}/${i}`;
      if (!this.object(b, at)) return;
      if (typeof b.block_id === "string") {
        if (blockIds.has(b.block_id)) this.add("duplicate_block_id", `duplicate block_id: ${b.block_id}`, at);
        blockIds.add(b.block_id);
      }
      this.block(b, surface, at);
    });
  }

  block(b: Json, surface: Surface, at: string): void {
    if (typeof b.type !== "string") {
      this.add("missing_field", "missing required field: type", at);
      return;
    }
    this.string(b, "block_id", at, LIMITS.blockId);
    if (OPAQUE_BLOCKS.has(b.type)) return;
    const keys = BLOCK_KEYS[b.type];
    if (!keys) {
      this.add("unsupported_block_type", `unsupported type: ${b.type}`, `${at}/type`);
      return;
    }
    this.keys(b, keys, at);
    const actionIds = new Set<string>();
    switch (b.type) {
      case "section": {
        if (b.text === undefined && b.fields === undefined) {
          this.add("missing_field", "must provide either text or fields", at);
        }
        this.text(b, "text", at, LIMITS.sectionText, { rule: "section_text_too_long" });
        const fields = this.array(b, "fields", at, LIMITS.sectionFields, { rule: "too_many_fields" });
        fields.forEach((f, i) => {
          this.textObject(f, `${at}/fields/${i}`, LIMITS.sectionField, { rule: "section_field_too_long" });
        });
        if (b.accessory !== undefined) this.element(b.accessory, "accessory", `${at}/accessory`, actionIds);
        break;
      }
      case "header":
        this.text(b, "text", at, LIMITS.headerText, { required: true, plainOnly: true });
        break;
      case "context": {
        const els = this.array(b, "elements", at, LIMITS.contextElements, {
          required: true,
          rule: "too_many_context_elements",
        });
        els.forEach((e, i) => {
          const eat = `${at}/elements/${i}`;
          if (!this.object(e, eat)) return;
          if (e.type === "image") this.element(e, "accessory", eat, actionIds);
          else this.textObject(e, eat, LIMITS.sectionText);
        });
        break;
      }
      case "actions": {
        const els = this.array(b, "elements", at, LIMITS.actionsElements, {
          required: true,
          rule: "too_many_actions",
        });
        els.forEach((e, i) => {
          this.element(e, "actions", `${at}/elements/${i}`, actionIds);
        });
        break;
      }
      case "input":
        // Accepted in messages too: Slack allows them there (they only act with dispatch_action).
        this.text(b, "label", at, LIMITS.inputLabel, { required: true, plainOnly: true });
        this.text(b, "hint", at, LIMITS.inputHint, { plainOnly: true });
        if (b.element === undefined) this.add("missing_field", "missing required field: element", at);
        else this.element(b.element, "input", `${at}/element`, actionIds);
        break;
      case "image":
        this.imageFields(b, at);
        this.text(b, "title", at, LIMITS.imageTitle, { plainOnly: true });
        break;
      case "markdown":
        // Slack documents the markdown block for messages only.
        if (surface !== "message")
          this.add("unsupported_block_type", "unsupported type: markdown", `${at}/type`);
        this.string(b, "text", at, LIMITS.markdownBlock, { required: true });
        break;
      default:
        break;
    }
  }

  imageFields(o: Json, at: string): void {
    if (o.image_url === undefined && o.slack_file === undefined) {
      this.add("missing_field", "must provide either image_url or slack_file", at);
    }
    this.string(o, "image_url", at, LIMITS.url);
    this.string(o, "alt_text", at, LIMITS.altText, { required: true });
  }

  element(e: unknown, place: "actions" | "accessory" | "input", at: string, actionIds: Set<string>): void {
    if (!this.object(e, at)) return;
    if (typeof e.type !== "string") {
      this.add("missing_field", "missing required field: type", at);
      return;
    }
    if (!ELEMENTS_BY_PLACE[place].has(e.type)) {
      this.add("unsupported_element_type", `unsupported type: ${e.type}`, `${at}/type`);
      return;
    }
    if (e.type === "image") {
      this.imageFields(e, at);
      return;
    }
    this.string(e, "action_id", at, LIMITS.actionId);
    if (typeof e.action_id === "string") {
      if (actionIds.has(e.action_id)) {
        this.add("duplicate_action_id", `duplicate action_id: ${e.action_id}`, `${at}/action_id`);
      }
      actionIds.add(e.action_id);
    }
    this.text(e, "placeholder", at, LIMITS.placeholder, { plainOnly: true });
    if (e.confirm !== undefined) this.confirm(e.confirm, `${at}/confirm`);
    switch (e.type) {
      case "button":
      case "workflow_button":
        this.text(e, "text", at, LIMITS.buttonText, { required: true, plainOnly: true });
        this.string(e, "value", at, LIMITS.buttonValue);
        this.string(e, "url", at, LIMITS.url);
        if (e.style !== undefined && e.style !== "primary" && e.style !== "danger") {
          this.add("invalid_value", "must be one of: primary, danger", `${at}/style`);
        }
        break;
      case "static_select":
      case "multi_static_select":
        if (e.options === undefined && e.option_groups === undefined) {
          this.add("missing_field", "must provide either options or option_groups", at);
        }
        this.options(e, at, LIMITS.options, true);
        this.array(e, "option_groups", at, LIMITS.options);
        break;
      case "overflow":
        this.options(e, at, LIMITS.overflowOptions, true, true);
        break;
      case "checkboxes":
      case "radio_buttons":
        this.options(e, at, LIMITS.checkboxOptions, false, true);
        break;
      case "plain_text_input":
        this.string(e, "initial_value", at, LIMITS.textInput);
        for (const k of ["min_length", "max_length"] as const) {
          const n = e[k];
          if (n !== undefined && (typeof n !== "number" || n < 0 || n > LIMITS.textInput)) {
            this.add("invalid_value", `must be between 0 and ${LIMITS.textInput}`, `${at}/${k}`);
          }
        }
        break;
      case "datepicker":
        if (e.initial_date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(String(e.initial_date))) {
          this.add("invalid_value", "must be a date in the format YYYY-MM-DD", `${at}/initial_date`);
        }
        break;
      case "timepicker":
        if (e.initial_time !== undefined && !/^([01]\d|2[0-3]):[0-5]\d$/.test(String(e.initial_time))) {
          this.add("invalid_value", "must be a time in the format HH:mm", `${at}/initial_time`);
        }
        break;
      default:
        break;
    }
  }

  options(e: Json, at: string, max: number, plainOnly: boolean, required = false): void {
    const opts = this.array(e, "options", at, max, { required, rule: "too_many_options" });
    opts.forEach((o, i) => {
      const oat = `${at}/options/${i}`;
      if (!this.object(o, oat)) return;
      this.text(o, "text", oat, LIMITS.optionText, { required: true, plainOnly });
      this.string(o, "value", oat, LIMITS.optionValue, { required: true });
      this.text(o, "description", oat, LIMITS.optionText);
    });
  }

  confirm(c: unknown, at: string): void {
    if (!this.object(c, at)) return;
    this.text(c, "title", at, LIMITS.confirmTitle, { required: true, plainOnly: true });
    this.text(c, "text", at, LIMITS.confirmText, { required: true });
    this.text(c, "confirm", at, LIMITS.confirmButton, { required: true, plainOnly: true });
    this.text(c, "deny", at, LIMITS.confirmButton, { required: true, plainOnly: true });
  }
}

/** Checks a decoded `blocks` array for a message (limit 50) or a modal (limit 100). */
export function checkBlocks(blocks: unknown[], surface: Surface, pointer = "/blocks"): BlockIssue[] {
  const c = new Checker();
  c.blocks(blocks, surface, pointer);
  return c.issues;
}

const VIEW_KEYS = [
  "type",
  "title",
  "blocks",
  "close",
  "submit",
  "private_metadata",
  "callback_id",
  "clear_on_close",
  "notify_on_close",
  "external_id",
  "submit_disabled",
];

/** Checks a decoded modal view as views.open / views.update / views.push would. */
export function checkModalView(view: unknown): BlockIssue[] {
  const c = new Checker();
  const at = "/view";
  if (!c.object(view, at)) return c.issues;
  c.keys(view, VIEW_KEYS, at);
  if (view.type !== "modal") c.add("invalid_view_type", "must be one of: modal", `${at}/type`);
  c.text(view, "title", at, LIMITS.viewTitle, {
    required: true,
    plainOnly: true,
    rule: "view_title_too_long",
  });
  c.text(view, "submit", at, LIMITS.viewButton, { plainOnly: true });
  c.text(view, "close", at, LIMITS.viewButton, { plainOnly: true });
  c.string(view, "callback_id", at, LIMITS.callbackId);
  c.string(view, "private_metadata", at, LIMITS.privateMetadata, { rule: "private_metadata_too_long" });
  c.string(view, "external_id", at, LIMITS.externalId);
  if (view.blocks === undefined) {
    c.add("missing_field", "missing required field: blocks", at);
  } else if (!Array.isArray(view.blocks)) {
    c.add("not_an_array", "must provide an array", `${at}/blocks`);
  } else {
    c.blocks(view.blocks, "modal", `${at}/blocks`);
    const hasInput = view.blocks.some((b) => isObject(b) && b.type === "input");
    if (hasInput && view.submit === undefined) {
      c.add("missing_submit", "must provide submit when the view contains input blocks", at);
    }
  }
  return c.issues;
}

/** Slack gives blocks and interactive elements ids when the app leaves them out; bots must not rely on ours. */
export function withGeneratedIds(blocks: unknown[]): unknown[] {
  const rnd = () => randomBytes(3).toString("base64url");
  return blocks.map((b) => {
    if (!isObject(b)) return b;
    const copy: Json = { ...b };
    if (copy.block_id === undefined) copy.block_id = rnd();
    const fix = (e: unknown) =>
      isObject(e) && e.type !== "image" && e.action_id === undefined ? { ...e, action_id: rnd() } : e;
    if (copy.accessory !== undefined) copy.accessory = fix(copy.accessory);
    if (copy.element !== undefined) copy.element = fix(copy.element);
    if (copy.type === "actions" && Array.isArray(copy.elements)) copy.elements = copy.elements.map(fix);
    return copy;
  });
}
