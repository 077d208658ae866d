// @ts-check
// BQL KKT (model 10): people living now in rental and zone housing, arrivals and departures,
// by zone, province of origin, age group and gender.
import { api, query } from "../../api.js";
import { messages, t } from "../../i18n.js";
import { html, Loading, ProblemBanner, Table, useAsync } from "../../ui.js";
import { Breakdown, cell, ChartView, Kpi, Kpis, Legend, periodLabel, Section, buckets, Series, showSum, value, visibleSum } from "./common.js";

messages({
  vi: {
    "analyst.zones.residents": "Người đang ở",
    "analyst.zones.residentsAsOf": "Tính đến {day}",
    "analyst.zones.arrivals": "Lượt đến",
    "analyst.zones.departures": "Lượt đi",
    "analyst.zones.trend": "Lượt đến theo thời gian, theo khu",
    "analyst.zones.table": "Lượt đến và đi theo khu và kỳ",
    "analyst.zones.residentsBy": "Người đang ở, theo khu",
    "analyst.zones.by.origin_province": "Theo tỉnh gốc (mã nơi đăng ký khai sinh)",
    "analyst.zones.by.age_group": "Theo nhóm tuổi",
    "analyst.zones.by.gender": "Theo giới tính",
    "analyst.zones.byMonth": "Lượt đến, theo tháng.",
    "analyst.zones.zone": "Khu",
    "analyst.zones.noZone": "Ngoài khu công nghiệp",
    "analyst.key.unknown": "Không rõ",
    "analyst.key.male": "Nam",
    "analyst.key.female": "Nữ",
    "analyst.key.other": "Khác",
  },
  en: {
    "analyst.zones.residents": "Living there now",
    "analyst.zones.residentsAsOf": "As of {day}",
    "analyst.zones.arrivals": "Arrivals",
    "analyst.zones.departures": "Departures",
    "analyst.zones.trend": "Arrivals over time, by zone",
    "analyst.zones.table": "Arrivals and departures by zone and period",
    "analyst.zones.residentsBy": "Living there now, by zone",
    "analyst.zones.by.origin_province": "By province of origin (birth registration code)",
    "analyst.zones.by.age_group": "By age group",
    "analyst.zones.by.gender": "By gender",
    "analyst.zones.byMonth": "Arrivals, by month.",
    "analyst.zones.zone": "Zone",
    "analyst.zones.noZone": "Outside a zone",
    "analyst.key.unknown": "Unknown",
    "analyst.key.male": "Male",
    "analyst.key.female": "Female",
    "analyst.key.other": "Other",
  },
});

/** @typedef {import("./common.js").FeedRow & {name?: string | null}} ZoneRow */
/**
 * The zones feed: arrivals and departures by zone and period, and who lives there now.
 * @typedef {{granularity: string, date_from: string, date_to: string, as_of: string, rows: ZoneRow[], residents_now: ZoneRow[]}} ZonesFeed
 */

const FEED = "/v1/feeds/zones";
const BREAKDOWNS = ["origin_province", "age_group", "gender"];

/** @param {string} k */
const zoneLabel = (k) => (k === "none" ? t("analyst.zones.noZone") : k);
/** @param {string} k */
const keyLabel = (k) => (["unknown", "male", "female", "other"].includes(k) ? t(`analyst.key.${k}`) : k);

/** @param {import("../analyst.js").ViewProps} props */
export function ZonesView({ params }) {
  const signature = JSON.stringify(params);
  const main = useAsync(
    async () => /** @type {ZonesFeed} */ (await api(`${FEED}${query({ ...params, by: "zone" })}`)),
    [signature],
  );
  const parts = useAsync(
    () =>
      Promise.all(
        BREAKDOWNS.map(
          async (by) =>
            /** @type {{rows: ZoneRow[]}} */ (await api(`${FEED}${query({ ...params, granularity: "month", by })}`)),
        ),
      ),
    [signature],
  );
  if (main.error) return html`<${ProblemBanner} error=${main.error} />`;
  if (main.loading || !main.data) return html`<${Loading} />`;
  const feed = main.data;
  const g = feed.granularity;
  const residents = visibleSum(feed.residents_now, "residents");
  const arrivals = visibleSum(feed.rows, "arrivals");
  const departures = visibleSum(feed.rows, "departures");
  /** @type {import("../../ui.js").Column[]} */
  const columns = [
    { key: "period", label: t("analyst.period"), render: (/** @type {ZoneRow} */ r) => periodLabel(r.period_start, r.period_end, g) },
    { key: "key", label: t("analyst.zones.zone"), render: (/** @type {ZoneRow} */ r) => zoneLabel(r.key) },
    { key: "arrivals", label: t("analyst.zones.arrivals"), numeric: true, render: (/** @type {ZoneRow} */ r) => cell(r, "arrivals") },
    { key: "departures", label: t("analyst.zones.departures"), numeric: true, render: (/** @type {ZoneRow} */ r) => cell(r, "departures") },
  ];
  /** @type {import("../../ui.js").Column[]} */
  const residentColumns = [
    { key: "key", label: t("analyst.zones.zone"), render: (/** @type {ZoneRow} */ r) => zoneLabel(r.key) },
    { key: "residents", label: t("analyst.zones.residents"), numeric: true, render: (/** @type {ZoneRow} */ r) => cell(r, "residents") },
  ];
  return html`
    <${Kpis}>
      <${Kpi} label=${t("analyst.zones.residents")} value=${showSum(residents)} testid="kpi-residents"
        note=${t("analyst.zones.residentsAsOf", { day: periodLabel(feed.as_of) })} />
      <${Kpi} label=${t("analyst.zones.arrivals")} value=${showSum(arrivals)} testid="kpi-arrivals"
        note=${arrivals.hidden ? t("analyst.partial") : null} />
      <${Kpi} label=${t("analyst.zones.departures")} value=${showSum(departures)} testid="kpi-departures"
        note=${departures.hidden ? t("analyst.partial") : null} />
    <//>
    <${Legend} />
    <${Section} title=${t("analyst.zones.trend")} id="analyst-trend" exportTo=${{ path: FEED, params: { ...params, by: "zone" }, name: "zones-zone" }}>
      <${Series} rows=${feed.rows} periods=${buckets(feed.date_from, feed.date_to, g)} metric="arrivals" metricLabel=${t("analyst.zones.arrivals")} keyLabel=${zoneLabel}
        granularity=${g} testid="chart-trend" title=${t("analyst.zones.trend")} />
      <${Table} class="stack" columns=${columns} rows=${feed.rows} rowKey=${(/** @type {ZoneRow} */ r) => `${r.period_start}|${r.key}`}
        caption=${t("analyst.zones.table")} data-testid="table-trend" />
    <//>
    <${Section} title=${t("analyst.zones.residentsBy")} id="analyst-residents">
      ${feed.residents_now.length
        ? html`<${ChartView} type="bar" testid="chart-residents" title=${t("analyst.zones.residentsBy")}
            indexTitle=${t("analyst.key")} valueTitle=${t("analyst.zones.residents")}
            labels=${feed.residents_now.map((r) => zoneLabel(r.key))}
            datasets=${[{ label: t("analyst.zones.residents"), data: feed.residents_now.map((r) => value(r, "residents")) }]} />`
        : null}
      <${Table} class="stack" columns=${residentColumns} rows=${feed.residents_now} rowKey=${(/** @type {ZoneRow} */ r) => r.key}
        caption=${t("analyst.zones.residentsBy")} />
    <//>
    ${parts.error ? html`<${ProblemBanner} error=${parts.error} />` : null}
    ${parts.loading || !parts.data
      ? html`<${Loading} />`
      : BREAKDOWNS.map((by, i) => {
          const rows = /** @type {{rows: ZoneRow[]}[]} */ (parts.data)[i].rows;
          const title = t(`analyst.zones.by.${by}`);
          return html`<${Section} key=${by} title=${title} id=${`analyst-by-${by}`}
            exportTo=${{ path: FEED, params: { ...params, granularity: "month", by }, name: `zones-${by}` }}>
            <p class="hint">${t("analyst.zones.byMonth")}</p>
            <${Breakdown} rows=${rows} metric="arrivals" metricLabel=${t("analyst.zones.arrivals")}
              keyLabel=${(/** @type {string} */ k) => rows.find((r) => r.key === k)?.name || keyLabel(k)} granularity="month"
              testid=${`chart-by-${by}`} title=${title} />
          <//>`;
        })}`;
}
