/**
 * The one HTML escape of everything Firebreak renders as a web page (the status pages' HTML, the charts' inline
 * SVG, the playground's messages): text made safe as element content and as an attribute value, double- or
 * single-quoted. HTML and the XML of SVG need the same five characters escaped, so one function serves all.
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
