// @ts-check
// SGTVT (model 12): trips, seats, passengers and load factor by day, route, operator and
// province of origin and destination.
import { api, query } from "../../api.js";
import { messages, t } from "../../i18n.js";
import { html, Loading, ProblemBanner, Table, useAsync } from "../../ui.js";
import { buckets, cell, ChartView, Kpi, Kpis, Legend, num, pct, periodLabel, Section, showSum, value, visibleSum } from "./common.js";

messages({
  vi: {
    "analyst.transport.trips": "Chuyến xe",
    "analyst.transport.seats": "Số ghế",
    "analyst.transport.passengers": "Hành khách",
    "analyst.transport.load": "Hệ số sử dụng ghế",
    "analyst.transport.trend": "Hành khách và chuyến xe theo ngày",
    "analyst.transport.loadTrend": "Hệ số sử dụng ghế theo ngày",
    "analyst.transport.by.route": "Theo tuyến",
    "analyst.transport.by.operator": "Theo nhà xe",
    "analyst.transport.unnamed": "Nhà xe chưa rõ tên",
    "analyst.transport.by.origin_province": "Theo tỉnh đi",
    "analyst.transport.by.destination_province": "Theo tỉnh đến",
    "analyst.transport.note": "Không tính chuyến bị hủy, khách bị rút khỏi danh sách và khách không lên xe.",
  },
  en: {
    "analyst.transport.trips": "Trips",
    "analyst.transport.seats": "Seats",
    "analyst.transport.passengers": "Passengers",
    "analyst.transport.load": "Load factor",
    "analyst.transport.trend": "Passengers and trips per day",
    "analyst.transport.loadTrend": "Load factor per day",
    "analyst.transport.by.route": "By route",
    "analyst.transport.by.operator": "By operator",
    "analyst.transport.unnamed": "Operator (name unknown)",
    "analyst.transport.by.origin_province": "By origin province",
    "analyst.transport.by.destination_province": "By destination province",
    "analyst.transport.note": "Cancelled trips, passengers removed from the manifest and no-shows are not counted.",
  },
});

/**
 * A row of the transport feed: a day, route, operator or province (`key`, with its `name`
 * where it has one) and its trips, seats, passengers and load factor.
 * @typedef {import("./common.js").FeedRow & {name?: string | null, trips: number, seats: number}} TransportRow
 */

const FEED = "/v1/feeds/transport";
// A row by its name (operator, route "Đồng Nai → Lâm Đồng", province); an operator the
// feed cannot name is "unnamed", never its id.
/** @param {TransportRow} r */
const keyName = (r) => r.name || (/^[0-9a-f]{8}-/i.test(r.key) ? t("analyst.transport.unnamed") : r.key);
const BREAKDOWNS = ["route", "operator", "origin_province", "destination_province"];

/**
 * @param {string} keyTitle
 * @param {(row: TransportRow) => unknown} [keyRender]
 * @returns {import("../../ui.js").Column[]}
 */
function columnsFor(keyTitle, keyRender = (r) => r.key) {
  return [
    { key: "key", label: keyTitle, render: keyRender },
    { key: "trips", label: t("analyst.transport.trips"), numeric: true, render: (/** @type {TransportRow} */ r) => num(r.trips) },
    { key: "seats", label: t("analyst.transport.seats"), numeric: true, render: (/** @type {TransportRow} */ r) => num(r.seats) },
    { key: "passengers", label: t("analyst.transport.passengers"), numeric: true, render: (/** @type {TransportRow} */ r) => cell(r, "passengers") },
    { key: "load", label: t("analyst.transport.load"), numeric: true, render: (/** @type {TransportRow} */ r) => cell(r, "load_factor", pct) },
  ];
}

/** @param {import("../analyst.js").ViewProps} props */
export function TransportView({ params }) {
  const signature = JSON.stringify(params);
  const { granularity, ...rest } = params;
  const all = useAsync(
    () =>
      Promise.all(
        ["day", ...BREAKDOWNS].map(
          async (by) => /** @type {{rows: TransportRow[]}} */ (await api(`${FEED}${query({ ...rest, by })}`)),
        ),
      ),
    [signature],
  );
  if (all.error) return html`<${ProblemBanner} error=${all.error} />`;
  if (all.loading || !all.data) return html`<${Loading} />`;
  const [days, ...parts] = all.data;
  const routes = parts[0].rows;
  const trips = routes.reduce((s, r) => s + r.trips, 0);
  const seats = routes.reduce((s, r) => s + r.seats, 0);
  const passengers = visibleSum(routes, "passengers");
  // Every day of the period on the chart (a day without trips: 0 trips, no load factor).
  const byDay = new Map(days.rows.map((r) => [r.key, r]));
  const allDays = buckets(String(params.date_from), String(params.date_to), "day").map(([d]) => d);
  const labels = allDays.map((d) => periodLabel(d));
  /** @type {(field: string, none: number | null) => (number | null)[]} */
  const daily = (field, none) => allDays.map((d) => (byDay.has(d) ? value(byDay.get(d), field) : none));
  return html`
    <p class="hint">${t("analyst.transport.note")}</p>
    <${Kpis}>
      <${Kpi} label=${t("analyst.transport.trips")} value=${num(trips)} testid="kpi-trips" />
      <${Kpi} label=${t("analyst.transport.seats")} value=${num(seats)} testid="kpi-seats" />
      <${Kpi} label=${t("analyst.transport.passengers")} value=${showSum(passengers)} testid="kpi-passengers"
        note=${passengers.hidden ? t("analyst.partial") : null} />
      <${Kpi} label=${t("analyst.transport.load")} value=${passengers.hidden || !seats ? "—" : pct(passengers.sum / seats)}
        testid="kpi-load" />
    <//>
    <${Legend} />
    <${Section} title=${t("analyst.transport.trend")} id="analyst-trend" exportTo=${{ path: FEED, params: { ...rest, by: "day" }, name: "transport-day" }}>
      ${days.rows.length
        ? html`
          <${ChartView} type="line" labels=${labels} testid="chart-trend" title=${t("analyst.transport.trend")}
            datasets=${[
              { label: t("analyst.transport.passengers"), data: daily("passengers", 0) },
              { label: t("analyst.transport.trips"), data: allDays.map((d) => byDay.get(d)?.trips ?? 0) },
            ]} />
          <${ChartView} type="line" labels=${labels} testid="chart-load" percent title=${t("analyst.transport.loadTrend")}
            datasets=${[{ label: t("analyst.transport.load"), data: daily("load_factor", null) }]} />`
        : null}
      <${Table} class="stack" columns=${columnsFor(t("analyst.period"), (r) => periodLabel(r.key))} rows=${days.rows}
        rowKey=${(/** @type {TransportRow} */ r) => r.key} caption=${t("analyst.transport.trend")} data-testid="table-trend" />
    <//>
    ${BREAKDOWNS.map((by, i) => {
      const title = t(`analyst.transport.by.${by}`);
      const rows = parts[i].rows;
      return html`<${Section} key=${by} title=${title} id=${`analyst-by-${by}`}
        exportTo=${{ path: FEED, params: { ...rest, by }, name: `transport-${by}` }}>
        ${rows.length
          ? html`<${ChartView} type="bar" testid=${`chart-by-${by}`} title=${title} horizontal=${rows.length > 6}
              indexTitle=${t("analyst.key")} valueTitle=${t("analyst.transport.passengers")}
              labels=${rows.map(keyName)}
              datasets=${[{ label: t("analyst.transport.passengers"), data: rows.map((r) => value(r, "passengers")) }]} />`
          : null}
        <${Table} class="stack" columns=${columnsFor(t("analyst.key"), keyName)} rows=${rows} rowKey=${(/** @type {TransportRow} */ r) => r.key} caption=${title} />
      <//>`;
    })}`;
}
