/**
 * CSV as RFC 4180 writes it (comma separated, CRLF line ends, a field quoted when it holds a quote, a comma or
 * a line break, a quote doubled inside), made safe to open in a spreadsheet: incident titles are typed by
 * anyone, and a cell such as `=HYPERLINK("http://evil", "click")` would otherwise run as a formula. Following
 * the OWASP CSV-injection guidance, a text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return
 * gets a leading `'`, which spreadsheets read as "this is text" and do not show.
 */

export type CsvCell = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** A text cell that no spreadsheet will take for a formula. */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/**
 * One field. Numbers and booleans are our own values and written as they are (a negative number is a number,
 * not a formula); null and undefined are empty; text is neutralised, then quoted when it must be.
 */
export function csvField(value: CsvCell): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "boolean") return value ? "true" : "false";
  const text = neutraliseFormula(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A whole CSV document: the header row, then one row per record, every line ended by CRLF. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return [header, ...rows].map((row) => `${row.map(csvField).join(",")}\r\n`).join("");
}
