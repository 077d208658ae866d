// @ts-check
// Building blocks of the department dashboards: a Chart.js chart that is destroyed with its
// view, KPI cards, suppressed cells shown as "<5" (never as 0), period labels, and a
// breakdown (key × period) shown as a chart and a table with its own export.
import { useEffect, useRef, useState } from "preact/hooks";
import { download, query } from "../../api.js";
import { fmtDate, fmtNumber, getLang, messages, t } from "../../i18n.js";
import { html, ProblemBanner, Table } from "../../ui.js";

messages({
  vi: {
    "analyst.suppressed": "<5",
    "analyst.suppressedTitle": "Ô dưới 5 người, được ẩn",
    "analyst.legend":
      "«<5»: ô có dưới 5 người được ẩn để bảo vệ dữ liệu cá nhân (không phải số 0); «—»: không tính được (chưa có dữ liệu hoặc chưa khai báo số phòng, giường).",
    "analyst.export.csv": "Tải CSV",
    "analyst.export.xlsx": "Tải Excel",
    "analyst.export.of": "{what}: tải về",
    "analyst.change": "so với kỳ trước",
    "analyst.change.none": "không so sánh được",
    "analyst.chartOf": "Biểu đồ: {what}",
    "analyst.period": "Kỳ",
    "analyst.key": "Nhóm",
    "analyst.axis.count": "Số lượng",
    "analyst.axis.percent": "Tỷ lệ (%)",
    "analyst.partial.month": "không trọn tháng",
    "analyst.partial.week": "không trọn tuần",
  },
  en: {
    "analyst.suppressed": "<5",
    "analyst.suppressedTitle": "Fewer than 5 people, hidden",
    "analyst.legend":
      "“<5”: a cell of fewer than 5 people is hidden to protect personal data (it is not zero); “—”: cannot be computed (no data, or no rooms or beds declared).",
    "analyst.export.csv": "Download CSV",
    "analyst.export.xlsx": "Download Excel",
    "analyst.export.of": "{what}: download",
    "analyst.change": "vs previous period",
    "analyst.change.none": "no comparison",
    "analyst.chartOf": "Chart: {what}",
    "analyst.period": "Period",
    "analyst.key": "Group",
    "analyst.axis.count": "Count",
    "analyst.axis.percent": "Share (%)",
    "analyst.partial.month": "part of the month",
    "analyst.partial.week": "part of the week",
  },
});

/**
 * A row of an analytics feed: a period (and a key of a breakdown) with its metrics; a cell of
 * fewer than 5 people comes `suppressed`, its numbers left out.
 * @typedef {{period_start: string, period_end: string, key: string, suppressed?: boolean, [metric: string]: unknown}} FeedRow
 */
/** A period as [first day, last day], ISO dates. @typedef {[start: string, end: string]} Period */
/** @typedef {import("preact").ComponentChildren} Children */

export const PALETTE = [
  "#a31515", "#1a5fb4", "#1e7b34", "#9a6700", "#6d3fa0", "#0f7c85",
  "#c2410c", "#4b5563", "#be185d", "#2f6f3e", "#7c5e10", "#334155",
];

/** @type {(value: number | null | undefined) => string} */
export const pct = (value) => (value == null ? "—" : `${fmtNumber(value * 100, 1)} %`);
/** @type {(value: number | string | null | undefined, digits?: number) => string} */
export const num = (value, digits = 0) => fmtNumber(value, digits);

// A cell of a feed row: "<5" when the API suppressed it, "—" when there is no number.
/**
 * @param {Partial<FeedRow> | null | undefined} row
 * @param {string} field
 * @param {(value: any) => unknown} [format] takes the field's value as the feed has it (a
 *   number mostly; a page's own formatter may take a text): `any`, one formatter per field
 */
export function cell(row, field, format = num) {
  if (row?.suppressed) {
    return html`<span class="suppressed" title=${t("analyst.suppressedTitle")}>${t("analyst.suppressed")}</span>`;
  }
  const value = row?.[field];
  return value == null ? "—" : format(value);
}

// A chart value: null when suppressed (a gap in the chart, never a zero).
/** @type {(row: Partial<FeedRow> | null | undefined, field: string) => number | null} */
export const value = (row, field) => (row && !row.suppressed ? /** @type {number | null | undefined} */ (row[field]) ?? null : null);

// A period as people name it; a month or week the filter cuts (the feeds clip the first and
// last bucket to the period) is marked as such, never shown as if whole.
/**
 * @param {string | null | undefined} start
 * @param {string | null} [end] none: the day `start`
 * @param {string} [granularity] "day", "week" or "month"
 */
export function periodLabel(start, end, granularity) {
  if (!start) return "—";
  const range = () => `${fmtDate(start).slice(0, 5)}–${fmtDate(end)}`;
  if (granularity === "month") {
    const [y, m] = start.split("-").map(Number);
    const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
    const whole = start.endsWith("-01") && (!end || end === `${start.slice(0, 8)}${String(last).padStart(2, "0")}`);
    return whole ? fmtDate(start).slice(3) : `${range()} (${t("analyst.partial.month")})`;
  }
  if (granularity === "week") {
    const days = end ? (Date.parse(end) - Date.parse(start)) / 86400000 + 1 : 7;
    return days < 7 ? `${range()} (${t("analyst.partial.week")})` : range();
  }
  if (end && end !== start) return range();
  return fmtDate(start);
}

// Age bands (DOMAIN.md: 0–14, 15–24, …, 65+) in age order, unknown last.
export const AGE_BANDS = ["0-14", "15-24", "25-34", "35-44", "45-54", "55-64", "65+"];
/** @type {(keys: string[]) => boolean} */
const isAgeKeys = (keys) => keys.length > 0 && keys.every((k) => AGE_BANDS.includes(k) || k === "unknown" || k === "OTHER");
/** @type {(k: string) => number} */
const ageRank = (k) => (AGE_BANDS.includes(k) ? AGE_BANDS.indexOf(k) : AGE_BANDS.length + (k === "OTHER" ? 1 : 0));
/** @type {(k: string) => string | null} */
export const ageLabel = (k) => (AGE_BANDS.includes(k) ? k.replace("-", "–") : null);

export function Legend() {
  return html`<p class="analyst-legend hint">${t("analyst.legend")}</p>`;
}

/** @param {{children?: Children}} props */
export function Kpis({ children }) {
  return html`<div class="analyst-kpis">${children}</div>`;
}

// change: a fraction (0.125 = +12.5 %) or null; testid names the value for tests.
/** @param {{label: Children, value: Children, change?: number | null, testid?: string, note?: Children}} props */
export function Kpi({ label, value: shown, change, testid, note }) {
  let delta = null;
  if (change !== undefined) {
    const dir = change == null ? "" : change > 0 ? "up" : change < 0 ? "down" : "flat";
    delta = html`<p class=${`kpi-change ${dir}`} data-testid=${testid ? `${testid}-change` : undefined}>
      ${change == null ? t("analyst.change.none") : `${change > 0 ? "+" : ""}${pct(change)} ${t("analyst.change")}`}
    </p>`;
  }
  return html`<div class="analyst-kpi">
    <p class="kpi-label">${label}</p>
    <p class="kpi-value" data-testid=${testid}>${shown}</p>
    ${delta}
    ${note ? html`<p class="kpi-note hint">${note}</p>` : null}
  </div>`;
}

// One Chart.js chart; re-created when its data or the language change, destroyed on unmount.
// Both axes are titled: `indexTitle` (the periods or groups; default "Kỳ") and `valueTitle`
// (default "Số lượng", or "Tỷ lệ (%)" for a percentage chart).
/**
 * @param {object} props
 * @param {"bar" | "line"} [props.type]
 * @param {string[]} props.labels the periods or groups
 * @param {Array<{label: string, data: Array<number | null>} & Record<string, unknown>>} props.datasets
 *   one per series; null where the number is hidden (fewer than 5 people)
 * @param {string} props.title
 * @param {string} [props.testid]
 * @param {boolean} [props.stacked]
 * @param {boolean} [props.percent]
 * @param {boolean} [props.horizontal]
 * @param {string} [props.indexTitle]
 * @param {string} [props.valueTitle]
 */
export function ChartView({ type = "bar", labels, datasets, title, testid, stacked = false, percent = false, horizontal = false, indexTitle, valueTitle }) {
  const canvas = useRef(/** @type {HTMLCanvasElement | null} */ (null));
  const signature = JSON.stringify({ type, labels, datasets, stacked, percent, horizontal, indexTitle, valueTitle, lang: getLang() });
  useEffect(() => {
    const Chart = window.Chart;
    if (!Chart || !canvas.current) return undefined;
    /** @param {number} v */
    const format = (v) => (percent ? pct(v) : num(v, 2));
    /** @param {string} text */
    const axisTitle = (text) => ({ display: true, text, font: { weight: /** @type {const} */ ("bold") } });
    const valueAxis = {
      stacked,
      beginAtZero: true,
      title: axisTitle(valueTitle || t(percent ? "analyst.axis.percent" : "analyst.axis.count")),
      ticks: { callback: (/** @type {number | string} */ v) => (percent ? `${fmtNumber(Number(v) * 100)} %` : fmtNumber(v, 2)) },
    };
    const indexAxis = { stacked, title: axisTitle(indexTitle || t("analyst.period")) };
    const chart = new Chart(canvas.current, {
      type,
      data: {
        labels,
        datasets: datasets.map((d, i) => ({
          borderColor: PALETTE[i % PALETTE.length],
          backgroundColor: type === "line" ? PALETTE[i % PALETTE.length] : `${PALETTE[i % PALETTE.length]}cc`,
          spanGaps: false,
          cubicInterpolationMode: "monotone",
          ...d,
        })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        indexAxis: horizontal ? "y" : "x",
        interaction: { mode: "index", intersect: false },
        plugins: {
          legend: { position: "bottom" },
          tooltip: {
            callbacks: {
              label: (ctx) => `${ctx.dataset.label}: ${ctx.raw == null ? t("analyst.suppressed") : format(/** @type {number} a value of the datasets */ (ctx.raw))}`,
            },
          },
        },
        scales: horizontal ? { x: valueAxis, y: indexAxis } : { x: indexAxis, y: valueAxis },
      },
    });
    return () => chart.destroy();
  }, [signature]);
  return html`<div class="chart-box">
    <canvas ref=${canvas} role="img" aria-label=${t("analyst.chartOf", { what: title })} data-testid=${testid}></canvas>
  </div>`;
}

/**
 * Where a section's export comes from: its path, the filter, the file's name.
 * @typedef {{path: string, params: Record<string, unknown>, name: string}} ExportTo
 */
/** @param {ExportTo & {what: string}} props */
export function ExportButtons({ path, params, name, what }) {
  const [error, setError] = useState(/** @type {unknown} */ (null));
  /** @param {"csv" | "xlsx"} format */
  const get = async (format) => {
    setError(null);
    try {
      // In the page's language: headers, percentages and yes/no as people write them.
      await download(`${path}${query({ ...params, format, lang: getLang() })}`, `${name}.${format}`);
    } catch (e) {
      setError(e);
    }
  };
  return html`<div class="analyst-export" role="group" aria-label=${t("analyst.export.of", { what })}>
    <button type="button" onClick=${() => get("csv")}>${t("analyst.export.csv")}</button>
    <button type="button" onClick=${() => get("xlsx")}>${t("analyst.export.xlsx")}</button>
    ${error ? html`<${ProblemBanner} error=${error} onClose=${() => setError(null)} />` : null}
  </div>`;
}

// A section: heading, export buttons, then its content.
/** @param {{title: string, id: string, exportTo?: ExportTo | null, children?: Children}} props */
export function Section({ title, id, exportTo, children }) {
  return html`<section class="card analyst-section" aria-labelledby=${id}>
    <div class="analyst-section-head">
      <h2 id=${id}>${title}</h2>
      ${exportTo ? html`<${ExportButtons} ...${exportTo} what=${title} />` : null}
    </div>
    ${children}
  </section>`;
}

// Rows {period_start, period_end, key, <metric>, suppressed} → a bar chart of keys with one
// dataset per period (stacked), and the same numbers as a table (key × period).
/**
 * @param {object} props
 * @param {FeedRow[]} props.rows
 * @param {string} props.metric the field charted and tabled
 * @param {string} props.metricLabel
 * @param {(key: string) => string} props.keyLabel
 * @param {string} props.granularity
 * @param {string} props.testid
 * @param {string} props.title
 * @param {string} [props.keyTitle]
 */
export function Breakdown({ rows, metric, metricLabel, keyLabel, granularity, testid, title, keyTitle }) {
  /** @type {Period[]} */
  const periods = [];
  const seen = new Set();
  for (const r of rows) {
    if (!seen.has(r.period_start)) {
      seen.add(r.period_start);
      periods.push([r.period_start, r.period_end]);
    }
  }
  periods.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  /** @type {Map<string, Record<string, FeedRow>>} key → its row by period */
  const byKey = new Map();
  for (const r of rows) {
    const cells = byKey.get(r.key) ?? {};
    byKey.set(r.key, cells);
    cells[r.period_start] = r;
  }
  /** @param {string} k */
  const cellsOf = (k) => byKey.get(k) ?? {};
  /** @param {string} k */
  const weight = (k) => Object.values(cellsOf(k)).reduce((s, r) => s + (value(r, metric) ?? 0), 0);
  const byAge = isAgeKeys([...byKey.keys()]);
  const keys = [...byKey.keys()].sort((a, b) => {
    if (byAge) return ageRank(a) - ageRank(b);
    if (a === "OTHER" || b === "OTHER") return a === "OTHER" ? 1 : -1;
    return weight(b) - weight(a) || String(a).localeCompare(String(b));
  });
  /** @param {string} k */
  const labelOf = (k) => (byAge && ageLabel(k)) || keyLabel(k);
  const datasets = periods.map(([start, end]) => ({
    label: `${metricLabel} · ${periodLabel(start, end, granularity)}`,
    data: keys.map((k) => {
      const r = cellsOf(k)[start];
      return r ? value(r, metric) : 0;
    }),
  }));
  /** @typedef {{id: string, key: string, cells: Record<string, FeedRow>}} KeyRow */
  /** @type {import("../../ui.js").Column[]} */
  const columns = [
    { key: "key", label: t("analyst.key"), render: (/** @type {KeyRow} */ row) => labelOf(row.key) },
    ...periods.map(([start, end]) => ({
      key: start,
      label: periods.length > 1 ? periodLabel(start, end, granularity) : metricLabel,
      numeric: true,
      render: (/** @type {KeyRow} */ row) => (row.cells[start] ? cell(row.cells[start], metric) : "0"),
    })),
  ];
  const tableRows = keys.map((k) => ({ id: k, key: k, cells: cellsOf(k) }));
  if (!rows.length) return html`<p class="empty">${t("ui.empty")}</p>`;
  return html`
    <${ChartView} type="bar" labels=${keys.map(labelOf)} datasets=${datasets} stacked=${periods.length > 1}
      horizontal=${keys.length > 6 && !byAge} title=${title} testid=${testid}
      indexTitle=${keyTitle || t("analyst.key")} valueTitle=${metricLabel} />
    <${Table} class="stack" columns=${columns} rows=${tableRows} data-testid=${`${testid}-table`} caption=${title} />`;
}

// The period cut into days, ISO weeks (Monday first) or calendar months, the first and last
// clipped to the period — as the feeds cut it: [[start, end], ...] of ISO dates.
/**
 * @param {string} from
 * @param {string} to
 * @param {string} granularity "day", "week" or "month"
 * @returns {Period[]}
 */
export function buckets(from, to, granularity) {
  const DAY_MS = 86400000;
  /** @param {string} day */
  const parse = (day) => new Date(`${day}T00:00:00Z`);
  /** @param {Date} d */
  const iso = (d) => d.toISOString().slice(0, 10);
  /** @type {Period[]} */
  const out = [];
  const last = parse(to);
  let start = parse(from);
  while (start <= last && out.length < 1200) {
    let stop = start;
    if (granularity === "week") stop = new Date(start.getTime() + (6 - ((start.getUTCDay() + 6) % 7)) * DAY_MS);
    else if (granularity === "month") stop = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 0));
    if (stop > last) stop = last;
    out.push([iso(start), iso(stop)]);
    start = new Date(stop.getTime() + DAY_MS);
  }
  return out;
}

// Rows {period_start, period_end, key, <metric>, suppressed} over time: every period of the
// filter on the x axis (none: 0), one stacked dataset per key (hidden cells are gaps, not 0).
/**
 * @param {object} props
 * @param {FeedRow[]} props.rows
 * @param {Period[]} props.periods every period of the filter
 * @param {string} props.metric
 * @param {string} props.metricLabel
 * @param {(key: string) => string} props.keyLabel
 * @param {string} props.granularity
 * @param {string} props.testid
 * @param {string} props.title
 */
export function Series({ rows, periods, metric, metricLabel, keyLabel, granularity, testid, title }) {
  /** @type {string[]} */
  const keys = [];
  /** @type {Map<string, FeedRow>} */
  const cells = new Map();
  for (const r of rows) {
    if (!keys.includes(r.key)) keys.push(r.key);
    cells.set(`${r.period_start}|${r.key}`, r);
  }
  if (!rows.length) return null; // the table beneath says there is nothing
  return html`<${ChartView} type="bar" stacked testid=${testid} title=${title} valueTitle=${metricLabel}
    labels=${periods.map(([s, e]) => periodLabel(s, e, granularity))}
    datasets=${keys.map((k) => ({
      label: `${metricLabel} · ${keyLabel(k)}`,
      data: periods.map(([s]) => {
        const r = cells.get(`${s}|${k}`);
        return r ? value(r, metric) : 0;
      }),
    }))} />`;
}

// Sum of the visible cells, and whether any cell was hidden (then the sum is a lower bound).
/**
 * @param {Partial<FeedRow>[]} rows
 * @param {string} field
 */
export function visibleSum(rows, field) {
  let sum = 0;
  let hidden = false;
  for (const r of rows) {
    if (r.suppressed) hidden = true;
    else sum += /** @type {number | null | undefined} */ (r[field]) ?? 0;
  }
  return { sum, hidden };
}

messages({
  vi: { "analyst.atLeast": "≥ {n}", "analyst.partial": "Chưa tính các ô bị ẩn (<5)." },
  en: { "analyst.atLeast": "≥ {n}", "analyst.partial": "Hidden cells (<5) not included." },
});

/** @type {(total: {sum: number, hidden: boolean}, digits?: number) => string} */
export const showSum = ({ sum, hidden }, digits = 0) =>
  hidden ? t("analyst.atLeast", { n: num(sum, digits) }) : num(sum, digits);
