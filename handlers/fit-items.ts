import type { Message } from "../src/core/message.js";
import { LIMITS } from "../src/core/templates/limits.js";

/**
 * What a message may hold of the limits in core/templates/limits.ts: the renderer would shorten anything
 * longer from its end, cutting the very lines a list puts last. The headroom covers the few characters that
 * change between measuring and the final render (a count that gains a digit).
 */
const BUDGET = LIMITS.total - 500;

/** Characters a message carries, counted as the renderer counts them against `LIMITS.total`. */
function size(m: Message): number {
  let n = m.text.length;
  for (const b of m.blocks) {
    if (b.type === "header" || b.type === "section" || b.type === "context") n += b.text.length;
    else if (b.type === "fields") n += b.fields.reduce((s, f) => s + f.label.length + f.value.length, 0);
  }
  return n;
}

/**
 * How many of `items` (most important first) one message shows whole. Each item's cost is measured by
 * rendering it alone, so an operator's wording in the template is accounted for; items are taken in order
 * while the total fits. `render(shown, omitted)` renders the message with those items and that many left out.
 * (Slack's other limits follow: the renderer splits long sections at line breaks into blocks of up to 3000
 * characters, and this total needs only a handful of them.)
 */
export function itemsThatFit<T>(
  items: readonly T[],
  render: (shown: readonly T[], omitted: number) => Message,
): number {
  const base = size(render([], items.length));
  let total = base;
  for (let i = 0; i < items.length; i++) {
    // +1: the line break that joins it to the next one.
    const cost = size(render([items[i] as T], items.length - 1)) - base + 1;
    if (total + cost > BUDGET) return i;
    total += cost;
  }
  return items.length;
}
