import { Link } from "@remix-run/react";
import {
  flexRender,
  getCoreRowModel,
  getFilteredRowModel,
  getSortedRowModel,
  useReactTable,
  type ColumnDef,
  type FilterFn,
  type SortingState,
} from "@tanstack/react-table";
import { useMemo, useState } from "react";
import { searchKey } from "../../../core/text";
import { useLocale, useT } from "~/lib/i18n";
import { compareCells, formatCell, type CellValue, type ReportColumn } from "~/lib/report-table";

interface DataTableProps<Row> {
  columns: readonly ReportColumn<Row>[];
  rows: readonly Row[];
  /** the export resource route with the page's filters; "format=csv|xlsx" is added */
  exportHref?: string;
  initialSort?: { key: keyof Row & string; desc: boolean };
  /** a text filter over every cell (default on) */
  filter?: boolean;
  caption?: string;
  /** a stable key per row (default: its position) */
  rowKey?: (row: Row, index: number) => string | number;
}

/**
 * A report table: click a header to sort, type to filter (Persian-normalised: ي/ی, ك/ک, digits of any
 * script), cells formatted by their column's kind in the reader's locale, drill-down links, and the
 * same table as CSV or XLSX. Rendered complete on the server, so it reads without JavaScript too.
 */
export function DataTable<Row>({ columns, rows, exportHref, initialSort, filter = true, caption, rowKey }: DataTableProps<Row>) {
  const t = useT();
  const locale = useLocale();
  const [sorting, setSorting] = useState<SortingState>(initialSort ? [{ id: initialSort.key, desc: initialSort.desc }] : []);
  const [globalFilter, setGlobalFilter] = useState("");

  const defs = useMemo<ColumnDef<Row>[]>(
    () =>
      columns.map((c) => ({
        id: c.key,
        accessorFn: (row) => (row as Record<string, CellValue>)[c.key],
        header: t(c.header),
        sortingFn: (a, b) => compareCells(c.kind, a.getValue<CellValue>(c.key), b.getValue<CellValue>(c.key), locale),
        sortUndefined: "last",
        cell: (info) => {
          const text = formatCell(c.kind, info.getValue<CellValue>(), locale);
          const href = c.href?.(info.row.original);
          return href ? <Link to={href}>{text}</Link> : text;
        },
      })),
    [columns, t, locale],
  );

  // a row matches when any cell's text (as shown, or raw) contains the query, after Persian normalisation
  const matches = useMemo<FilterFn<Row>>(
    () => (row, columnId, query: string) => {
      const column = columns.find((c) => c.key === columnId);
      if (!column) return false;
      const raw = row.getValue<CellValue>(columnId);
      if (raw == null) return false;
      const needle = searchKey(query);
      return searchKey(String(raw)).includes(needle) || searchKey(formatCell(column.kind, raw, locale)).includes(needle);
    },
    [columns, locale],
  );

  const table = useReactTable({
    data: rows as Row[],
    columns: defs,
    state: { sorting, globalFilter },
    onSortingChange: setSorting,
    onGlobalFilterChange: setGlobalFilter,
    globalFilterFn: matches,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getFilteredRowModel: getFilteredRowModel(),
  });
  const shown = table.getRowModel().rows;

  return (
    <div className="report-table">
      {(filter || exportHref) && (
        <div className="report-table-tools">
          {filter && (
            <label>
              <span className="visually-hidden">{t("report.table.filter")}</span>
              <input
                type="search"
                value={globalFilter}
                onChange={(e) => setGlobalFilter(e.target.value)}
                placeholder={t("report.table.filterPlaceholder")}
                aria-label={t("report.table.filter")}
              />
            </label>
          )}
          <span className="muted" aria-live="polite">
            {t("report.table.rows", { count: shown.length })}
          </span>
          {exportHref && <ExportLinks href={exportHref} />}
        </div>
      )}
      <div className="table-scroll">
        <table className="data">
          {caption && <caption>{caption}</caption>}
          <thead>
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => {
                  const sorted = header.column.getIsSorted();
                  const kind = columns.find((c) => c.key === header.column.id)?.kind;
                  return (
                    <th
                      key={header.id}
                      aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined}
                      className={kind && kind !== "text" && kind !== "code" ? "num" : undefined}
                    >
                      <button
                        type="button"
                        className="sort"
                        onClick={header.column.getToggleSortingHandler()}
                        title={t("report.table.sortBy", { column: String(header.column.columnDef.header) })}
                      >
                        {flexRender(header.column.columnDef.header, header.getContext())}
                        <span aria-hidden="true">{sorted === "asc" ? " ▲" : sorted === "desc" ? " ▼" : ""}</span>
                      </button>
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody>
            {shown.length === 0 ? (
              <tr>
                <td colSpan={columns.length} className="muted">
                  {t("common.noResults")}
                </td>
              </tr>
            ) : (
              shown.map((row) => (
                <tr key={rowKey ? rowKey(row.original, row.index) : row.index}>
                  {row.getVisibleCells().map((cell) => {
                    const kind = columns.find((c) => c.key === cell.column.id)?.kind;
                    return (
                      <td key={cell.id} className={kind && kind !== "text" && kind !== "code" ? "num" : undefined}>
                        {flexRender(cell.column.columnDef.cell, cell.getContext())}
                      </td>
                    );
                  })}
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/** CSV and XLSX of a report: plain links (a file download, not a client-side navigation). */
export function ExportLinks({ href }: { href: string }) {
  const t = useT();
  const withFormat = (format: "csv" | "xlsx") => `${href}${href.includes("?") ? "&" : "?"}format=${format}`;
  return (
    <span className="report-export">
      {t("report.export")}:{" "}
      <a href={withFormat("csv")} download>
        {t("report.export.csv")}
      </a>{" "}
      <a href={withFormat("xlsx")} download>
        {t("report.export.xlsx")}
      </a>
    </span>
  );
}
