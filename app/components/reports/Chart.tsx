import { Link, useNavigate } from "@remix-run/react";
import { useEffect, useState } from "react";
import {
  Bar,
  BarChart as RBarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart as RLineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
  type MouseHandlerDataParam,
} from "recharts";
import type { Locale } from "~/i18n";
import { useLocale, useT } from "~/lib/i18n";
import { formatCell, type ColumnKind } from "~/lib/report-table";

/*
 * Charts of a report (recharts). Drawn in the browser only: SVG ids and measured widths differ between
 * server and browser, and a mismatch is a hydration error. The server sends the same figures as a list
 * (also kept under the chart for screen readers), so the page reads without JavaScript.
 */

export type ChartKind = Extract<ColumnKind, "number" | "money" | "percent" | "duration">;

export interface BarDatum {
  label: string;
  value: number;
  /** where clicking the bar leads (the tickets behind the figure) */
  href?: string | null;
}

const COLORS = ["#1f6feb", "#d97706", "#15803d", "#b91c1c", "#7c3aed", "#0e7490"];

function useInBrowser(): boolean {
  const [inBrowser, setInBrowser] = useState(false);
  useEffect(() => setInBrowser(true), []);
  return inBrowser;
}

/**
 * The chart's SVG is laid out left-to-right (text anchors flip under direction: rtl; the axes are mirrored
 * instead), so a Persian text in it is embedded right-to-left (U+202B … U+202C): «۱۸ میلیون», not «میلیون ۱۸».
 */
function inChart(text: string, locale: Locale): string {
  return locale === "fa" ? `\u202b${text}\u202c` : text;
}

/** Short axis numbers: ۱٫۲ میلیون rather than ۱٬۲۰۰٬۰۰۰ ریال. */
function axisText(kind: ChartKind, value: number, locale: Locale): string {
  if (kind === "duration") return inChart(formatCell("duration", value, locale), locale);
  const compact = new Intl.NumberFormat(locale === "fa" ? "fa-IR" : "en-US", { notation: "compact", maximumFractionDigits: 1 }).format(value);
  return inChart(kind === "percent" ? `${compact}${locale === "fa" ? "٪" : "%"}` : compact, locale);
}

/** Beyond this many bars the labels no longer fit under them: the bars lie down, one labelled row each. */
const MAX_UPRIGHT_BARS = 8;

function clickTarget<T>(data: readonly T[], hrefOf: (d: T) => string | null | undefined) {
  return (state: MouseHandlerDataParam) => {
    const index = typeof state.activeIndex === "number" ? state.activeIndex : Number(state.activeIndex);
    return Number.isInteger(index) ? (hrefOf(data[index] as T) ?? null) : null;
  };
}

export function BarChart({ data, kind, height = 280, title }: { data: readonly BarDatum[]; kind: ChartKind; height?: number; title?: string }) {
  const locale = useLocale();
  const inBrowser = useInBrowser();
  const navigate = useNavigate();
  const target = clickTarget(data, (d) => d.href);
  const rtl = locale === "fa";
  const lying = data.length > MAX_UPRIGHT_BARS;
  const chartHeight = lying ? Math.max(height, data.length * 26 + 40) : height;
  return (
    <figure className="report-chart">
      {title && <figcaption>{title}</figcaption>}
      <div className="report-chart-canvas" style={{ height: chartHeight }} role="img" aria-label={title}>
        {inBrowser && data.length > 0 && (
          <ResponsiveContainer width="100%" height={chartHeight}>
            <RBarChart
              data={data as BarDatum[]}
              layout={lying ? "vertical" : "horizontal"}
              margin={{ top: 8, right: 16, bottom: 8, left: 16 }}
              onClick={(state) => {
                const href = target(state);
                if (href) navigate(href);
              }}
              style={{ cursor: data.some((d) => d.href) ? "pointer" : undefined }}
            >
              <CartesianGrid strokeDasharray="3 3" vertical={lying} horizontal={!lying} />
              {lying ? (
                <>
                  <XAxis type="number" reversed={rtl} tickFormatter={(v: number) => axisText(kind, v, locale)} />
                  <YAxis
                    type="category"
                    dataKey="label"
                    orientation={rtl ? "right" : "left"}
                    width={170}
                    interval={0}
                    tick={{ fontSize: 12 }}
                    tickFormatter={(v: string) => inChart(v.length > 24 ? `${v.slice(0, 23)}…` : v, locale)}
                  />
                </>
              ) : (
                <>
                  <XAxis dataKey="label" reversed={rtl} interval={0} tick={{ fontSize: 12 }} tickFormatter={(v: string) => inChart(v, locale)} />
                  <YAxis orientation={rtl ? "right" : "left"} tickFormatter={(v: number) => axisText(kind, v, locale)} width={80} />
                </>
              )}
              <Tooltip formatter={(v) => inChart(formatCell(kind, Number(v), locale), locale)} labelFormatter={(l) => inChart(String(l), locale)} />
              <Bar dataKey="value" fill={COLORS[0]} isAnimationActive={false} />
            </RBarChart>
          </ResponsiveContainer>
        )}
      </div>
      <Figures rows={data.map((d) => ({ label: d.label, text: formatCell(kind, d.value, locale), href: d.href }))} />
    </figure>
  );
}

export interface LineSeries {
  key: string;
  label: string;
}

export function LineChart<Row extends Record<string, string | number | null | undefined>>({
  data,
  xKey,
  series,
  kind,
  height = 280,
  title,
  hrefOf,
}: {
  data: readonly Row[];
  xKey: keyof Row & string;
  series: readonly LineSeries[];
  kind: ChartKind;
  height?: number;
  title?: string;
  /** where clicking a point (an x value) leads */
  hrefOf?: (row: Row) => string | null;
}) {
  const locale = useLocale();
  const t = useT();
  const inBrowser = useInBrowser();
  const navigate = useNavigate();
  const target = clickTarget(data, (row) => hrefOf?.(row));
  const rtl = locale === "fa";
  return (
    <figure className="report-chart">
      {title && <figcaption>{title}</figcaption>}
      <div className="report-chart-canvas" style={{ height }} role="img" aria-label={title}>
        {inBrowser && data.length > 0 && (
          <ResponsiveContainer width="100%" height={height}>
            <RLineChart
              data={data as Row[]}
              margin={{ top: 8, right: 16, bottom: 8, left: 16 }}
              onClick={(state) => {
                const href = target(state);
                if (href) navigate(href);
              }}
            >
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey={xKey as string} reversed={rtl} tick={{ fontSize: 12 }} tickFormatter={(v: string | number) => inChart(String(v), locale)} />
              <YAxis orientation={rtl ? "right" : "left"} tickFormatter={(v: number) => axisText(kind, v, locale)} width={80} />
              <Tooltip formatter={(v) => inChart(formatCell(kind, Number(v), locale), locale)} labelFormatter={(l) => inChart(String(l), locale)} />
              {series.length > 1 && <Legend />}
              {series.map((s, i) => (
                <Line key={s.key} dataKey={s.key} name={s.label} stroke={COLORS[i % COLORS.length]} strokeWidth={2} dot isAnimationActive={false} />
              ))}
            </RLineChart>
          </ResponsiveContainer>
        )}
      </div>
      <details className="chart-figures">
        <summary>{t("report.chart.figures")}</summary>
        <table className="data compact">
          <thead>
            <tr>
              <th />
              {series.map((s) => (
                <th key={s.key}>{s.label}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data.map((row, i) => {
              const href = hrefOf?.(row);
              const label = String(row[xKey] ?? "");
              return (
                <tr key={i}>
                  <th scope="row">{href ? <Link to={href}>{label}</Link> : label}</th>
                  {series.map((s) => (
                    <td key={s.key} className="num">
                      {formatCell(kind, row[s.key] as number | null | undefined, locale)}
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

function Figures({ rows }: { rows: { label: string; text: string; href?: string | null }[] }) {
  const t = useT();
  return (
    <details className="chart-figures">
      <summary>{t("report.chart.figures")}</summary>
      <ul>
        {rows.map((r, i) => (
          <li key={i}>
            {r.href ? <Link to={r.href}>{r.label}</Link> : r.label}: <span className="num">{r.text}</span>
          </li>
        ))}
      </ul>
    </details>
  );
}
