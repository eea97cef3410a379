/**
 * The one escape of every web page Firebreak renders (the status pages' HTML and the charts' inline SVG): text
 * made safe as element content and as an attribute value, double- or single-quoted. HTML and the XML of SVG
 * need the same five characters escaped, so one function serves both.
 */
const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}
