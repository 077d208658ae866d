// @ts-check
// VHTTDL (models 9 and 39): arrivals, guest-nights, average stay, occupancy, the change
// against the previous period, and the breakdowns of the tourism feed.
import { api, query } from "../../api.js";
import { messages, t } from "../../i18n.js";
import { html, Loading, ProblemBanner, Table, useAsync } from "../../ui.js";
import { COUNTRIES, lookup, nameIn, useNames } from "../../names.js";
import { Breakdown, cell, ChartView, Kpi, Kpis, Legend, num, pct, periodLabel, Section, value } from "./common.js";

messages({
  vi: {
    "analyst.tourism.arrivals": "Lượt khách đến",
    "analyst.tourism.nights": "Ngày khách",
    "analyst.tourism.alos": "Số đêm lưu trú bình quân",
    "analyst.tourism.roomOcc": "Công suất phòng",
    "analyst.tourism.bedOcc": "Công suất giường",
    "analyst.tourism.intlShare": "Tỷ lệ khách quốc tế",
    "analyst.tourism.intlNote": "Theo nước cư trú",
    "analyst.tourism.previous": "Kỳ trước ({from} – {to}): {n} lượt",
    "analyst.tourism.trend": "Diễn biến theo thời gian",
    "analyst.tourism.occupancy": "Công suất phòng và giường",
    "analyst.tourism.by.domestic": "Khách trong nước và quốc tế",
    "analyst.tourism.by.nationality": "Theo quốc tịch (10 nước nhiều nhất)",
    "analyst.tourism.by.residence": "Theo nước cư trú (10 nước nhiều nhất)",
    "analyst.tourism.by.age_group": "Theo nhóm tuổi",
    "analyst.tourism.by.gender": "Theo giới tính",
    "analyst.tourism.by.origin_province": "Theo tỉnh gốc (mã tỉnh trên số định danh)",
    "analyst.tourism.by.facility_type": "Theo loại cơ sở",
    "analyst.tourism.by.star_rating": "Theo hạng sao",
    "analyst.tourism.by.commune": "Theo xã, phường",
    "analyst.tourism.byMonth": "Lượt khách đến, theo tháng.",
    "analyst.tourism.trendAxis": "Lượt khách, ngày khách",
    "analyst.key.domestic": "Trong nước",
    "analyst.key.international": "Quốc tế",
    "analyst.key.OTHER": "Khác",
    "analyst.key.none": "Không xếp hạng",
    "analyst.key.stars": "{n} sao",
  },
  en: {
    "analyst.tourism.arrivals": "Arrivals",
    "analyst.tourism.nights": "Guest-nights",
    "analyst.tourism.alos": "Average length of stay (nights)",
    "analyst.tourism.roomOcc": "Room occupancy",
    "analyst.tourism.bedOcc": "Bed occupancy",
    "analyst.tourism.intlShare": "International share",
    "analyst.tourism.intlNote": "By country of residence",
    "analyst.tourism.previous": "Previous period ({from} – {to}): {n} arrivals",
    "analyst.tourism.trend": "Over time",
    "analyst.tourism.occupancy": "Room and bed occupancy",
    "analyst.tourism.by.domestic": "Domestic and international guests",
    "analyst.tourism.by.nationality": "By nationality (top 10)",
    "analyst.tourism.by.residence": "By country of residence (top 10)",
    "analyst.tourism.by.age_group": "By age group",
    "analyst.tourism.by.gender": "By gender",
    "analyst.tourism.by.origin_province": "By province of origin (code in the ID number)",
    "analyst.tourism.by.facility_type": "By facility type",
    "analyst.tourism.by.star_rating": "By star rating",
    "analyst.tourism.by.commune": "By commune",
    "analyst.tourism.byMonth": "Arrivals, by month.",
    "analyst.tourism.trendAxis": "Arrivals, guest-nights",
    "analyst.key.domestic": "Domestic",
    "analyst.key.international": "International",
    "analyst.key.OTHER": "Other",
    "analyst.key.none": "Not rated",
    "analyst.key.stars": "{n} stars",
  },
});

/** @typedef {import("./common.js").FeedRow} FeedRow */
/**
 * The tourism feed: its rows by period, the period's total, the previous period of the same
 * length and the change against it.
 * @typedef {object} TourismFeed
 * @property {string} granularity
 * @property {FeedRow[]} rows
 * @property {FeedRow} total
 * @property {{date_from: string, date_to: string, suppressed?: boolean, arrivals?: number | null}} previous_period
 * @property {{arrivals: number | null, guest_nights: number | null}} change
 */
/** A breakdown's rows, each key with its name where the feed gives one. @typedef {{rows: (FeedRow & {name?: string})[]}} BreakdownFeed */

const FEED = "/v1/feeds/tourism";
const BREAKDOWNS = [
  "domestic", "nationality", "residence", "age_group", "gender", "origin_province", "facility_type", "star_rating", "commune",
];

// Occupancy of the whole period from the buckets' (capacity is the same in every bucket):
// the mean weighted by the days of each bucket; unknown if any bucket is hidden or unknown.
/**
 * @param {FeedRow[]} rows
 * @param {string} field
 */
function periodOccupancy(rows, field) {
  let days = 0;
  let sum = 0;
  for (const r of rows) {
    const share = /** @type {number | null | undefined} */ (r[field]);
    if (r.suppressed || share == null) return null;
    const span = (Date.parse(r.period_end) - Date.parse(r.period_start)) / 86400000 + 1;
    days += span;
    sum += share * span;
  }
  return days ? sum / days : null;
}

/** @param {FeedRow[]} rows */
function internationalShare(rows) {
  let all = 0;
  let intl = 0;
  for (const r of rows) {
    if (r.suppressed) return null;
    const arrivals = /** @type {number} */ (r.arrivals);
    all += arrivals;
    if (r.key === "international") intl += arrivals;
  }
  return all ? intl / all : null;
}

/**
 * A breakdown's key in words.
 * @param {string} by what the breakdown is by
 * @param {string} key
 * @param {(code: string) => string} typeName
 * @param {Map<string, string | undefined>} [names] the feed's names of its keys
 * @param {import("../../types.js").Named[]} [countries]
 */
export function keyLabel(by, key, typeName, names = new Map(), countries = []) {
  if (["domestic", "international", "OTHER"].includes(key)) return t(`analyst.key.${key}`);
  if (by === "facility_type") return typeName(key);
  if (by === "star_rating") return key === "none" ? t("analyst.key.none") : t("analyst.key.stars", { n: key });
  if (by === "gender" || key === "unknown") return t(`analyst.key.${key}`); // male, female, other, unknown
  // Countries in the reader's language; communes and provinces of origin by the feed's `name`.
  const country = (by === "nationality" || by === "residence") && lookup(countries, key);
  if (country) return nameIn(country);
  return names.get(key) || key;
}

/** @param {import("../analyst.js").ViewProps} props */
export function TourismView({ params, typeName }) {
  const signature = JSON.stringify(params);
  const main = useAsync(async () => /** @type {TourismFeed} */ (await api(`${FEED}${query(params)}`)), [signature]);
  const parts = useAsync(
    () =>
      Promise.all(
        BREAKDOWNS.map(
          async (by) =>
            /** @type {BreakdownFeed} */ (
              await api(`${FEED}/breakdown${query({ ...params, granularity: "month", by, top: 10 })}`)
            ),
        ),
      ),
    [signature],
  );
  const countries = useNames(COUNTRIES);
  if (main.error) return html`<${ProblemBanner} error=${main.error} />`;
  if (main.loading || !main.data) return html`<${Loading} />`;
  const feed = main.data;
  const g = feed.granularity;
  const labels = feed.rows.map((r) => periodLabel(r.period_start, r.period_end, g));
  const total = feed.total;
  const prev = feed.previous_period;
  const domestic = parts.data?.[0];
  /** @type {import("../../ui.js").Column[]} */
  const columns = [
    { key: "period", label: t("analyst.period"), render: (/** @type {FeedRow} */ r) => periodLabel(r.period_start, r.period_end, g) },
    { key: "arrivals", label: t("analyst.tourism.arrivals"), numeric: true, render: (/** @type {FeedRow} */ r) => cell(r, "arrivals") },
    { key: "guest_nights", label: t("analyst.tourism.nights"), numeric: true, render: (/** @type {FeedRow} */ r) => cell(r, "guest_nights") },
    { key: "alos", label: t("analyst.tourism.alos"), numeric: true, render: (/** @type {FeedRow} */ r) => cell(r, "average_length_of_stay", (/** @type {number} */ v) => num(v, 2)) },
    { key: "room", label: t("analyst.tourism.roomOcc"), numeric: true, render: (/** @type {FeedRow} */ r) => cell(r, "room_occupancy", pct) },
    { key: "bed", label: t("analyst.tourism.bedOcc"), numeric: true, render: (/** @type {FeedRow} */ r) => cell(r, "bed_occupancy", pct) },
  ];
  return html`
    <${Kpis}>
      <${Kpi} label=${t("analyst.tourism.arrivals")} value=${cell(total, "arrivals")} change=${feed.change.arrivals}
        testid="kpi-arrivals"
        note=${t("analyst.tourism.previous", { from: periodLabel(prev.date_from), to: periodLabel(prev.date_to), n: prev.suppressed ? t("analyst.suppressed") : num(prev.arrivals) })} />
      <${Kpi} label=${t("analyst.tourism.nights")} value=${cell(total, "guest_nights")} change=${feed.change.guest_nights}
        testid="kpi-nights" />
      <${Kpi} label=${t("analyst.tourism.alos")} value=${cell(total, "average_length_of_stay", (/** @type {number} */ v) => num(v, 2))} testid="kpi-alos" />
      <${Kpi} label=${t("analyst.tourism.roomOcc")} value=${pct(periodOccupancy(feed.rows, "room_occupancy"))} testid="kpi-room" />
      <${Kpi} label=${t("analyst.tourism.bedOcc")} value=${pct(periodOccupancy(feed.rows, "bed_occupancy"))} testid="kpi-bed" />
      <${Kpi} label=${t("analyst.tourism.intlShare")} value=${domestic ? pct(internationalShare(domestic.rows)) : "…"}
        testid="kpi-intl" note=${t("analyst.tourism.intlNote")} />
    <//>
    <${Legend} />
    <${Section} title=${t("analyst.tourism.trend")} id="analyst-trend" exportTo=${{ path: FEED, params, name: "tourism" }}>
      <${ChartView} type="line" labels=${labels} testid="chart-trend" title=${t("analyst.tourism.trend")}
        valueTitle=${t("analyst.tourism.trendAxis")}
        datasets=${[
          { label: t("analyst.tourism.arrivals"), data: feed.rows.map((r) => value(r, "arrivals")) },
          { label: t("analyst.tourism.nights"), data: feed.rows.map((r) => value(r, "guest_nights")) },
        ]} />
      <${ChartView} type="line" labels=${labels} testid="chart-occupancy" percent title=${t("analyst.tourism.occupancy")}
        datasets=${[
          { label: t("analyst.tourism.roomOcc"), data: feed.rows.map((r) => value(r, "room_occupancy")) },
          { label: t("analyst.tourism.bedOcc"), data: feed.rows.map((r) => value(r, "bed_occupancy")) },
        ]} />
      <${Table} class="stack" columns=${columns} rows=${feed.rows} rowKey=${(/** @type {FeedRow} */ r) => r.period_start}
        caption=${t("analyst.tourism.trend")} data-testid="table-trend" />
    <//>
    ${parts.error ? html`<${ProblemBanner} error=${parts.error} />` : null}
    ${parts.loading || !parts.data
      ? html`<${Loading} />`
      : BREAKDOWNS.map((by, i) => {
          const rows = /** @type {BreakdownFeed[]} */ (parts.data)[i].rows;
          const title = t(`analyst.tourism.by.${by}`);
          return html`<${Section} key=${by} title=${title} id=${`analyst-by-${by}`}
            exportTo=${{ path: `${FEED}/breakdown`, params: { ...params, granularity: "month", by, top: 10 }, name: `tourism-${by}` }}>
            <p class="hint">${t("analyst.tourism.byMonth")}</p>
            <${Breakdown} rows=${rows} metric="arrivals" metricLabel=${t("analyst.tourism.arrivals")}
              keyLabel=${(/** @type {string} */ k) => keyLabel(by, k, typeName, new Map(rows.map((r) => [r.key, r.name])), countries)}
              granularity="month" testid=${`chart-by-${by}`} title=${title} />
          <//>`;
        })}`;
}
