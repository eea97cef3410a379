import { describe, expect, it } from "vitest";
import { csvField, neutraliseFormula, toCsv } from "../../src/core/metrics/csv.js";

describe("CSV cells a spreadsheet would run as formulas", () => {
  it.each([
    ["=1+2", "'=1+2"],
    ['=HYPERLINK("http://evil","x")', `"'=HYPERLINK(""http://evil"",""x"")"`],
    ["+1-1", "'+1-1"],
    ["-2+3", "'-2+3"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\t=1", "'\t=1"],
    ["\r=1", `"'\r=1"`],
    ["=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"],
  ])("%j is neutralised as %j", (cell, expected) => {
    expect(csvField(cell)).toBe(expected);
  });

  it.each(["Search is down", "a=b", "1+1", "café @ noon", "", "'quoted already"])(
    "%j is left alone",
    (cell) => {
      expect(neutraliseFormula(cell)).toBe(cell);
    },
  );
});

describe("RFC 4180 quoting", () => {
  it.each([
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ["two\nlines", '"two\nlines"'],
    ["two\r\nlines", '"two\r\nlines"'],
    ["plain", "plain"],
  ])("%j is written %j", (cell, expected) => {
    expect(csvField(cell)).toBe(expected);
  });

  it("writes our numbers and booleans as they are, and nothing as empty", () => {
    expect([-5, 1.5, true, false, null, undefined, Number.NaN].map(csvField)).toEqual([
      "-5",
      "1.5",
      "true",
      "false",
      "",
      "",
      "",
    ]);
  });

  it("a document: header, rows, every line ended by CRLF, quoted line breaks kept inside their field", () => {
    const csv = toCsv(
      ["id", "title"],
      [
        ["INC-1", "a,b\nc"],
        ["INC-2", "-1"],
      ],
    );
    expect(csv).toBe('id,title\r\nINC-1,"a,b\nc"\r\nINC-2,\'-1\r\n');
  });
});
