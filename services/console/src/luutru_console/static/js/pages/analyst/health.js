// @ts-check
// SYT (model 11): stays at medical facilities — health data, so counts only (admissions,
// patient-nights, discharges, average length) per facility and period.
import { api, query } from "../../api.js";
import { messages, t } from "../../i18n.js";
import { html, Loading, ProblemBanner, Table, useAsync } from "../../ui.js";
import { cell, Kpi, Kpis, Legend, num, periodLabel, Section, buckets, Series, showSum, visibleSum } from "./common.js";

messages({
  vi: {
    "analyst.health.arrivals": "Lượt vào",
    "analyst.health.nights": "Ngày lưu trú",
    "analyst.health.departures": "Lượt ra",
    "analyst.health.alos": "Số ngày bình quân",
    "analyst.health.facility": "Cơ sở khám chữa bệnh",
    "analyst.health.trend": "Lượt vào theo thời gian, theo cơ sở",
    "analyst.health.table": "Số liệu theo cơ sở và kỳ",
    "analyst.health.note": "Dữ liệu y tế: chỉ có số đếm, không phân tổ theo tuổi, giới tính, quốc tịch.",
  },
  en: {
    "analyst.health.arrivals": "Admissions",
    "analyst.health.nights": "Nights",
    "analyst.health.departures": "Discharges",
    "analyst.health.alos": "Average length (nights)",
    "analyst.health.facility": "Medical facility",
    "analyst.health.trend": "Admissions over time, by facility",
    "analyst.health.table": "Figures by facility and period",
    "analyst.health.note": "Health data: counts only, no breakdown by age, gender or nationality.",
  },
});

/** @typedef {import("./common.js").FeedRow & {facility_id: string, facility_name?: string | null, facility_code?: string | null}} HealthRow */
/** @typedef {{granularity: string, date_from: string, date_to: string, rows: HealthRow[]}} HealthFeed */

const FEED = "/v1/feeds/health";

/** @param {import("../analyst.js").ViewProps} props */
export function HealthView({ params }) {
  const main = useAsync(
    async () => /** @type {HealthFeed} */ (await api(`${FEED}${query(params)}`)),
    [JSON.stringify(params)],
  );
  if (main.error) return html`<${ProblemBanner} error=${main.error} />`;
  if (main.loading || !main.data) return html`<${Loading} />`;
  const feed = main.data;
  const g = feed.granularity;
  const rows = feed.rows.map((r) => ({ ...r, key: r.facility_name || r.facility_code || r.facility_id }));
  const arrivals = visibleSum(rows, "arrivals");
  const nights = visibleSum(rows, "nights");
  const departures = visibleSum(rows, "departures");
  const partial = arrivals.hidden ? t("analyst.partial") : null;
  const alos = !arrivals.hidden && arrivals.sum ? nights.sum / arrivals.sum : null;
  /** @type {import("../../ui.js").Column[]} */
  const columns = [
    { key: "period", label: t("analyst.period"), render: (/** @type {HealthRow} */ r) => periodLabel(r.period_start, r.period_end, g) },
    { key: "key", label: t("analyst.health.facility") },
    { key: "arrivals", label: t("analyst.health.arrivals"), numeric: true, render: (/** @type {HealthRow} */ r) => cell(r, "arrivals") },
    { key: "nights", label: t("analyst.health.nights"), numeric: true, render: (/** @type {HealthRow} */ r) => cell(r, "nights") },
    { key: "departures", label: t("analyst.health.departures"), numeric: true, render: (/** @type {HealthRow} */ r) => cell(r, "departures") },
    { key: "alos", label: t("analyst.health.alos"), numeric: true, render: (/** @type {HealthRow} */ r) => cell(r, "average_length_of_stay", (/** @type {number} */ v) => num(v, 2)) },
  ];
  return html`
    <p class="hint">${t("analyst.health.note")}</p>
    <${Kpis}>
      <${Kpi} label=${t("analyst.health.arrivals")} value=${showSum(arrivals)} testid="kpi-arrivals" note=${partial} />
      <${Kpi} label=${t("analyst.health.nights")} value=${showSum(nights)} testid="kpi-nights" note=${partial} />
      <${Kpi} label=${t("analyst.health.departures")} value=${showSum(departures)} testid="kpi-departures" note=${partial} />
      <${Kpi} label=${t("analyst.health.alos")} value=${alos == null ? "—" : num(alos, 2)} testid="kpi-alos" />
    <//>
    <${Legend} />
    <${Section} title=${t("analyst.health.trend")} id="analyst-trend" exportTo=${{ path: FEED, params, name: "health" }}>
      <${Series} rows=${rows} periods=${buckets(feed.date_from, feed.date_to, g)} metric="arrivals" metricLabel=${t("analyst.health.arrivals")} keyLabel=${(/** @type {string} */ k) => k}
        granularity=${g} testid="chart-trend" title=${t("analyst.health.trend")} />
      <${Table} class="stack" columns=${columns} rows=${rows} rowKey=${(/** @type {HealthRow} */ r) => `${r.period_start}|${r.facility_id}`}
        caption=${t("analyst.health.table")} data-testid="table-trend" />
    <//>`;
}
