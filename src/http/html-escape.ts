/** The status pages and charts escape with the one `escapeHtml` of src/core (shared with the playground). */
export { escapeHtml } from "../core/html-escape.js";
