import { inflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { crc32 } from "node:zlib";
import { columnName, writeXlsx } from "../../platform/xlsx";
import { csvField, exportResponse, fileText, parseExportFormat } from "../../app/lib/report-export.server";
import { parseDateRange } from "../../app/lib/report-params.server";
import { compareCells, formatCell, type ReportColumn } from "../../app/lib/report-table";
import { formatDuration, formatJalaliMonth } from "../../app/lib/format";

/** Reads a zip's entries by walking its local headers (what a spreadsheet program does first). */
function unzip(bytes: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let at = 0;
  while (bytes.readUInt32LE(at) === 0x04034b50) {
    const method = bytes.readUInt16LE(at + 8);
    const crc = bytes.readUInt32LE(at + 14);
    const size = bytes.readUInt32LE(at + 18);
    const nameLength = bytes.readUInt16LE(at + 26);
    const extra = bytes.readUInt16LE(at + 28);
    const name = bytes.subarray(at + 30, at + 30 + nameLength).toString("utf8");
    const packed = bytes.subarray(at + 30 + nameLength + extra, at + 30 + nameLength + extra + size);
    expect(method).toBe(8);
    const data = inflateRawSync(packed);
    expect(crc32(data)).toBe(crc);
    out.set(name, data.toString("utf8"));
    at += 30 + nameLength + extra + size;
  }
  // then the central directory and its end record, which name every entry once more
  const end = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(end).toBeGreaterThan(at - 1);
  expect(bytes.readUInt16LE(end + 10)).toBe(out.size);
  expect(bytes.readUInt32LE(end + 16)).toBe(at);
  return out;
}

describe("the XLSX writer", () => {
  it("writes a workbook whose parts a spreadsheet reads: sheet, styles, relationships, content types", () => {
    const bytes = writeXlsx([
      {
        name: "تأخیر/نمایندگی",
        rightToLeft: true,
        rows: [
          ["نمایندگی", "کارمزد", "درصد", "مدت", "یادداشت"],
          ["تهران ۱", { value: 1_250_000, format: "integer" }, { value: 12.5, format: "decimal" }, { value: 5400, format: "duration" }, 'a < b & "c"\u0000'],
          ["=1+1", 3, null, undefined, ""],
        ],
      },
    ]);
    const parts = unzip(bytes);
    expect([...parts.keys()].sort()).toEqual(
      ["[Content_Types].xml", "_rels/.rels", "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"].sort(),
    );
    // the sheet name cannot hold '/': cleaned, still Persian
    expect(parts.get("xl/workbook.xml")).toContain('<sheet name="تأخیر نمایندگی" sheetId="1" r:id="rId1"/>');
    const sheet = parts.get("xl/worksheets/sheet1.xml")!;
    expect(sheet).toContain('rightToLeft="1"');
    expect(sheet).toContain('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>');
    expect(sheet).toContain('<c r="A1" t="inlineStr" s="1"><is><t xml:space="preserve">نمایندگی</t></is></c>');
    expect(sheet).toContain('<c r="B2" s="2"><v>1250000</v></c>');
    expect(sheet).toContain('<c r="C2" s="3"><v>12.5</v></c>');
    expect(sheet).toContain(`<c r="D2" s="4"><v>${5400 / 86400}</v></c>`);
    // markup escaped, NUL dropped (XML cannot carry it)
    expect(sheet).toContain("a &lt; b &amp; &quot;c&quot;</t>");
    // a text that looks like a formula stays text
    expect(sheet).toContain('<c r="A3" t="inlineStr"><is><t xml:space="preserve">=1+1</t></is></c>');
    expect(sheet).toContain('<c r="B3"><v>3</v></c>');
    expect(sheet).not.toContain('r="C3"');
  });

  it("names columns as spreadsheets do", () => {
    expect([0, 25, 26, 27, 51, 52, 701, 702].map(columnName)).toEqual(["A", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]);
  });
});

interface Row {
  agency: string;
  fee: number;
  share: number;
  wait: number;
  at: string;
  ticket: number;
}
const columns: ReportColumn<Row>[] = [
  { key: "agency", header: "agencies.name", kind: "text" },
  { key: "fee", header: "fees.fee", kind: "money" },
  { key: "share", header: "fees.rate", kind: "percent" },
  { key: "wait", header: "common.total", kind: "duration" },
  { key: "at", header: "fees.period", kind: "datetime" },
  { key: "ticket", header: "ticket.number", kind: "code" },
];
const rows: Row[] = [
  { agency: "=HYPERLINK(\"x\")", fee: -1200, share: 7.5, wait: 3 * 3600 + 125, at: "2026-11-30T20:15:00Z", ticket: 10000298 },
  { agency: "صادقی, \"نو\"", fee: 45000, share: 10, wait: 59, at: "2026-11-30T20:30:00Z", ticket: 10000299 },
];

describe("report exports", () => {
  it("CSV: BOM, translated headers, raw numbers, Jalali dates on Tehran's clock, quoted and formula-safe text", async () => {
    const response = exportResponse({ format: "csv", filename: "agency fees", columns, rows, locale: "fa", now: new Date("2026-11-30T21:00:00Z") });
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("Content-Disposition")).toBe('attachment; filename="agency-fees-1405-09-10.csv"');
    const body = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await response.arrayBuffer());
    expect(body.startsWith("\ufeff")).toBe(true);
    const lines = body.slice(1).trimEnd().split("\r\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]!.split(",")[0]).toBe("نام نمایندگی");
    expect(lines[1]).toBe(`"'=HYPERLINK(""x"")",-1200,7.5,3:02,1405/09/09 23:45,10000298`);
    expect(lines[2]).toBe(`"صادقی, ""نو""",45000,10,0:00,1405/09/10 00:00,10000299`);
  });

  it("XLSX: the same table, numbers typed, a right-to-left sheet in Persian and not in English", async () => {
    const fa = exportResponse({ format: "xlsx", filename: "fees", columns, rows, locale: "fa" });
    expect(fa.headers.get("Content-Type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    const sheet = unzip(Buffer.from(await fa.arrayBuffer())).get("xl/worksheets/sheet1.xml")!;
    expect(sheet).toContain('rightToLeft="1"');
    expect(sheet).toContain('<c r="B2" s="2"><v>-1200</v></c>');
    expect(sheet).toContain('<c r="E3" t="inlineStr"><is><t xml:space="preserve">1405/09/10 00:00</t></is></c>');
    const en = exportResponse({ format: "xlsx", filename: "fees", columns, rows, locale: "en" });
    const enSheet = unzip(Buffer.from(await en.arrayBuffer())).get("xl/worksheets/sheet1.xml")!;
    expect(enSheet).not.toContain("rightToLeft");
    expect(enSheet).toContain(">Agency</t>");
  });

  it("reads the format from the query and nothing else", () => {
    expect(parseExportFormat(new URL("http://x/r?format=csv"))).toBe("csv");
    expect(parseExportFormat(new URL("http://x/r?format=xlsx&from=1"))).toBe("xlsx");
    expect(parseExportFormat(new URL("http://x/r?format=pdf"))).toBeNull();
    expect(parseExportFormat(new URL("http://x/r"))).toBeNull();
    expect(csvField("-12.5")).toBe("-12.5");
    expect(csvField("-x")).toBe("'-x");
    expect(csvField("@sum")).toBe("'@sum");
    expect(fileText("duration", 26 * 3600 + 300)).toBe("26:05");
    expect(fileText("date", "2026-11-30T20:30:00Z")).toBe("1405/09/10");
  });
});

describe("report cells", () => {
  it("show Persian digits, rials, percents, Jalali dates and durations in words", () => {
    expect(formatCell("money", 1250000, "fa")).toBe("۱٬۲۵۰٬۰۰۰ ریال");
    expect(formatCell("percent", 12.5, "en")).toBe("12.5%");
    expect(formatCell("code", 10000298, "fa")).toBe("۱۰۰۰۰۲۹۸");
    expect(formatCell("date", "2026-11-30T20:30:00Z", "fa")).toBe("۱۴۰۵/۰۹/۱۰");
    expect(formatCell("text", null, "fa")).toBe("—");
    expect(formatDuration(45, "fa")).toBe("۴۵ ثانیه");
    expect(formatDuration(3 * 3600 + 600, "fa")).toBe("۳ ساعت و ۱۰ دقیقه");
    expect(formatDuration(2 * 86400 + 5 * 3600 + 59, "fa")).toBe("۲ روز و ۵ ساعت");
    expect(formatDuration(3600, "en")).toBe("1 hour");
    expect(formatDuration(90, "en")).toBe("1 minute");
    expect(formatJalaliMonth("1405-09", "fa")).toBe("آذر ۱۴۰۵");
    expect(formatJalaliMonth("1405-12", "en")).toBe("Esfand 1405");
    expect(formatJalaliMonth("not-a-month", "en")).toBe("not-a-month");
  });

  it("sort numbers as numbers, instants in time order and blanks last", () => {
    expect([10, 9, 100].sort((a, b) => compareCells("number", a, b, "fa"))).toEqual([9, 10, 100]);
    expect(compareCells("date", "2026-01-02T00:00:00Z", "2025-12-31T00:00:00Z", "fa")).toBeGreaterThan(0);
    expect([null, 3, 1].sort((a, b) => compareCells("money", a, b, "fa"))).toEqual([1, 3, null]);
  });
});

describe("a report's date range", () => {
  const now = new Date("2026-11-30T21:00:00Z"); // 10 Azar 1405, 00:30 in Tehran
  const range = (q: string) => parseDateRange(new URL(`http://x/r${q}`), now);

  it("defaults to the last 30 Tehran days, both ends included", () => {
    const r = range("");
    expect(r.error).toBeNull();
    expect([r.fromText, r.toText]).toEqual(["1405/08/11", "1405/09/10"]);
    expect(r.from.toISOString()).toBe("2026-11-01T20:30:00.000Z");
    expect(r.toExclusive.toISOString()).toBe("2026-12-01T20:30:00.000Z");
  });

  it("reads Jalali days in any digits, and Gregorian ones", () => {
    const r = range("?from=۱۴۰۵/۰۸/۰۱&to=1405-8-30");
    expect([r.fromText, r.toText, r.error]).toEqual(["1405/08/01", "1405/08/30", null]);
    expect(r.toExclusive.toISOString()).toBe("2026-11-21T20:30:00.000Z");
    expect(range("?from=2026-11-22").fromText).toBe("1405/09/01");
  });

  it("answers bad input with the default range and a reason, never an exception", () => {
    expect(range("?from=1404/12/30").error).toBe("report.range.invalid");
    expect(range("?from=1405/09/10&to=1405/09/01").error).toBe("report.range.order");
    expect(range("?from=1400/01/01&to=1405/01/01").error).toBe("report.range.tooLong");
    expect(range("?from=tomorrow").error).toBe("report.range.invalid");
    // control characters are removed at the edge: nothing left is no filter
    expect(range("?from=%00%00").error).toBeNull();
    expect(range("?from=1404/12/30").fromText).toBe("1405/08/11");
  });

  it("offers this month, last month, the last 30 days and this year", () => {
    expect(range("").presets.map((p) => [p.label, p.from, p.to])).toEqual([
      ["report.range.thisMonth", "1405/09/01", "1405/09/10"],
      ["report.range.lastMonth", "1405/08/01", "1405/08/30"],
      ["report.range.last30", "1405/08/11", "1405/09/10"],
      ["report.range.thisYear", "1405/01/01", "1405/09/10"],
    ]);
  });
});
