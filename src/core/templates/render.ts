/**
 * Rendering: compiled template + variables -> neutral Message. Pure; the compiled templates come from
 * compile.ts (fed by load.ts at start-up, or by tests).
 */
import { markupToPlain } from "../markup.js";
import type { Block, Button, Message } from "../message.js";
import {
  type CompiledBlock,
  type CompiledTemplate,
  type Condition,
  compileTemplates,
  type TemplateFile,
} from "./compile.js";
import { escapeVars, unescapeMarkup } from "./helpers.js";
import { fitMessage, LIMITS, trimMarkupEnd, truncateMarkup, truncatePlain } from "./limits.js";
import type { TemplateName, TemplateVars } from "./registry.js";

export interface Templates {
  /** Renders a template into a message that fits every platform's limits. Never throws on odd variables. */
  render<N extends TemplateName>(name: N, vars: TemplateVars<N>): Message;
}

/** Handlebars' notion of falsy, so `when:` agrees with {{#if}}: empty strings and empty lists count as absent. */
function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return Boolean(value);
}

function lookup(context: unknown, path: readonly string[]): unknown {
  let v = context;
  for (const key of path) {
    if (v === null || typeof v !== "object" || !Object.hasOwn(v, key)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function included(when: Condition | undefined, context: unknown): boolean {
  return !when || truthy(lookup(context, when.path)) !== when.negate;
}

/**
 * Rendered markup, tidied: templates written as YAML block scalars end in a newline and {{#if}} lines can
 * leave runs of blank lines behind.
 */
function tidy(markup: string): string {
  return trimMarkupEnd(markup.replace(/\n{3,}/g, "\n\n").replace(/^\s+/, ""));
}

/** Headers and labels are plain text on every platform: markup would show as stray asterisks. */
function plain(markup: string, max: number): string {
  return truncatePlain(markupToPlain(tidy(markup)).replace(/\s+/g, " ").trim(), max);
}

function renderBlock(b: CompiledBlock, ctx: unknown): Block | undefined {
  switch (b.type) {
    case "header": {
      const text = plain(b.text(ctx), LIMITS.header);
      return text ? { type: "header", text } : undefined;
    }
    case "section":
    case "context": {
      // Slack rejects empty text, and an empty block would only be a gap; an {{#if}} may empty one.
      const text = tidy(b.text(ctx));
      return text ? { type: b.type, text } : undefined;
    }
    case "fields": {
      const fields = b.fields
        .filter((f) => included(f.when, ctx))
        .map((f) => ({
          label: plain(f.label(ctx), LIMITS.header),
          value: truncateMarkup(tidy(f.value(ctx)), LIMITS.fieldValue),
        }))
        .filter((f) => f.label && f.value);
      return fields.length ? { type: "fields", fields } : undefined;
    }
    case "actions": {
      const buttons: Button[] = [];
      for (const x of b.buttons) {
        if (!included(x.when, ctx)) continue;
        const label = plain(x.label(ctx), LIMITS.buttonLabel);
        if (!label) continue;
        // The value is data for the handler, not text: undo the markup escaping the variables went through.
        const value = x.value ? unescapeMarkup(x.value(ctx).trim()).slice(0, LIMITS.buttonValue) : "";
        buttons.push({
          actionId: x.actionId,
          label,
          ...(value ? { value } : {}),
          ...(x.style ? { style: x.style } : {}),
        });
      }
      return buttons.length ? { type: "actions", buttons } : undefined;
    }
    case "divider":
      return { type: "divider" };
  }
}

export function renderTemplate(template: CompiledTemplate, vars: unknown): Message {
  // Escaping every string up front is what keeps user text literal: no template spelling can undo it.
  const ctx = escapeVars(vars);
  let text = tidy(template.text(ctx));
  let blocks: Block[];
  if (template.blocks) {
    blocks = [];
    for (const b of template.blocks) {
      if (!included(b.when, ctx)) continue;
      const r = renderBlock(b, ctx);
      if (r) blocks.push(r);
    }
  } else {
    blocks = text ? [{ type: "section", text }] : [];
  }
  if (!text) {
    // Message.text must always be set; fall back on the first thing with words in it.
    const first = blocks.find((b) => b.type === "header" || b.type === "section" || b.type === "context");
    text = first && "text" in first ? first.text : "";
  }
  return fitMessage({ text, blocks });
}

/** Compiles template files and returns the renderer; throws TemplateConfigError listing every problem. */
export function createTemplates(dir: string, files: readonly TemplateFile[]): Templates {
  const compiled = compileTemplates(dir, files);
  return {
    render(name, vars) {
      const t = compiled.get(name);
      // compileTemplates refuses a set with a registered template missing, so only an unregistered name
      // (a caller bypassing the TemplateName type) gets here.
      if (!t) {
        throw new Error(
          `unknown template "${name}" — register it in src/core/templates/registry.ts and ship templates/${name}.yml`,
        );
      }
      return renderTemplate(t, vars);
    },
  };
}
