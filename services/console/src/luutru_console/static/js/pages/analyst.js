// @ts-check
// Department dashboards: the headline numbers, trends and breakdowns of the department's
// feed (aggregates only; small cells hidden by the API), with filters kept in the URL so a
// view can be bookmarked or shared, and CSV/XLSX exports of the same filter. Analysts see
// their own department; police pick one.
import { useEffect, useState } from "preact/hooks";
import { api } from "../api.js";
import { localized, messages, t, todayVN } from "../i18n.js";
import { Banner, html, Input, Loading, Page, ProblemBanner, SearchSelect, Select, useApp, useAsync } from "../ui.js";
import { communesPath, HOME_PROVINCE, pickOptions, useNames } from "../names.js";
import { HealthView } from "./analyst/health.js";
import { TourismView } from "./analyst/tourism.js";
import { TransportView } from "./analyst/transport.js";
import { ZonesView } from "./analyst/zones.js";

messages({
  vi: {
    "nav.analyst": "Số liệu sở, ngành",
    "analyst.title": "Số liệu tổng hợp: {department}",
    "analyst.titlePlain": "Số liệu tổng hợp",
    "analyst.intro": "Chỉ có số liệu tổng hợp, không có dữ liệu cá nhân.",
    "analyst.noDepartment": "Tài khoản chưa được gán sở, ngành. Liên hệ Công an tỉnh.",
    "analyst.filters": "Bộ lọc",
    "analyst.department": "Sở, ngành",
    "analyst.from": "Từ ngày",
    "analyst.to": "Đến ngày",
    "analyst.granularity": "Gộp theo",
    "analyst.gran.day": "Ngày",
    "analyst.gran.week": "Tuần",
    "analyst.gran.month": "Tháng",
    "analyst.commune": "Xã, phường",
    "analyst.communeHint": "Để trống: tất cả. Gõ vài chữ của tên rồi chọn.",
    "analyst.communeBad": "Chọn xã, phường trong danh sách",
    "analyst.type": "Loại cơ sở",
    "analyst.star": "Hạng sao",
    "analyst.all": "Tất cả",
    "analyst.starN": "{n} sao",
    "analyst.apply": "Xem số liệu",
    "analyst.reset": "30 ngày gần nhất",
    "analyst.dateOrder": "Đến ngày phải từ ngày bắt đầu trở đi",
    "analyst.dateRequired": "Chọn ngày",
  },
  en: {
    "nav.analyst": "Department dashboards",
    "analyst.title": "Aggregate figures: {department}",
    "analyst.titlePlain": "Aggregate figures",
    "analyst.intro": "Aggregates only, no personal data.",
    "analyst.noDepartment": "This account has no department. Ask the provincial police.",
    "analyst.filters": "Filters",
    "analyst.department": "Department",
    "analyst.from": "From",
    "analyst.to": "To",
    "analyst.granularity": "Group by",
    "analyst.gran.day": "Day",
    "analyst.gran.week": "Week",
    "analyst.gran.month": "Month",
    "analyst.commune": "Commune",
    "analyst.communeHint": "Empty: all. Type part of the name, then pick.",
    "analyst.communeBad": "Pick a commune from the list",
    "analyst.type": "Facility type",
    "analyst.star": "Star rating",
    "analyst.all": "All",
    "analyst.starN": "{n} stars",
    "analyst.apply": "Show figures",
    "analyst.reset": "Last 30 days",
    "analyst.dateOrder": "The end date must not be before the start date",
    "analyst.dateRequired": "Pick a date",
  },
});

// What each department's dashboard offers as filters.
/**
 * A department's dashboard and the filters it offers.
 * @typedef {{view: import("preact").ComponentType<ViewProps>, granularity: boolean, types: boolean, stars: boolean}} Department
 */
/**
 * What a dashboard view gets: the feed's query parameters and a facility type's name.
 * @typedef {{params: Record<string, unknown>, typeName: (code: string) => string}} ViewProps
 */
/** @typedef {import("../types.js").FacilityType} FacilityType */

/** @type {Record<string, Department>} */
const DEPARTMENTS = {
  VHTTDL: { view: TourismView, granularity: true, types: true, stars: true },
  SYT: { view: HealthView, granularity: true, types: false, stars: false },
  BQLKKT: { view: ZonesView, granularity: true, types: true, stars: false },
  SGTVT: { view: TransportView, granularity: false, types: false, stars: false },
};
const CODES = Object.keys(DEPARTMENTS);
const GRANULARITIES = ["day", "week", "month"];
const DAY = /^\d{4}-\d{2}-\d{2}$/;

// The filters as kept in the URL (names as the feeds' own query parameters).
/**
 * A dashboard's filters, from the address's query (what is missing or malformed: the default).
 * @typedef {{date_from: string, date_to: string, granularity: string, commune: string, facility_type: string, star_rating: string}} DashboardFilters
 * @param {Record<string, string>} q
 * @returns {DashboardFilters}
 */
function filtersFrom(q) {
  return {
    date_from: DAY.test(q.date_from || "") ? q.date_from : todayVN(-29),
    date_to: DAY.test(q.date_to || "") ? q.date_to : todayVN(),
    granularity: GRANULARITIES.includes(q.granularity) ? q.granularity : "day",
    commune: q.commune || "",
    facility_type: q.facility_type || "",
    star_rating: q.star_rating || "",
  };
}

/** @param {string} text */
const communeList = (text) =>
  text
    .split(/[,\s;]+/)
    .map((c) => c.trim())
    .filter(Boolean);

// The feed's query parameters for the filters, for what this department offers.
/**
 * @param {DashboardFilters} f
 * @param {Department} options
 */
function feedParams(f, options) {
  return {
    date_from: f.date_from,
    date_to: f.date_to,
    granularity: options.granularity ? f.granularity : undefined,
    commune: communeList(f.commune),
    facility_type: options.types && f.facility_type ? f.facility_type : undefined,
    star_rating: options.stars && f.star_rating ? f.star_rating : undefined,
  };
}

/**
 * @param {object} props
 * @param {DashboardFilters} props.filters
 * @param {Department} props.options
 * @param {FacilityType[]} props.types
 * @param {(filters: DashboardFilters) => void} props.onApply
 * @param {string} props.department
 * @param {((department: string) => void) | null} props.onDepartment none for an analyst (their own only)
 * @param {Record<string, string>} props.departmentNames
 */
function Filters({ filters, options, types, onApply, department, onDepartment, departmentNames }) {
  const [form, setForm] = useState(filters);
  const [errors, setErrors] = useState(/** @type {Record<string, string>} */ ({}));
  const signature = JSON.stringify(filters);
  useEffect(() => setForm(filters), [signature]);
  /** @type {(name: keyof DashboardFilters) => (v: string) => void} */
  const set = (name) => (v) => setForm((old) => ({ ...old, [name]: v }));
  const communes = pickOptions(useNames(communesPath(HOME_PROVINCE)));
  /** @param {SubmitEvent} event */
  const submit = (event) => {
    event.preventDefault();
    /** @type {Record<string, string>} */
    const found = {};
    if (!DAY.test(form.date_from)) found.date_from = t("analyst.dateRequired");
    if (!DAY.test(form.date_to)) found.date_to = t("analyst.dateRequired");
    else if (form.date_from > form.date_to) found.date_to = t("analyst.dateOrder");
    if (communeList(form.commune).some((c) => !/^\d{1,6}$/.test(c))) found.commune = t("analyst.communeBad");
    setErrors(found);
    if (!Object.keys(found).length) onApply({ ...form, commune: communeList(form.commune).join(",") });
  };
  const reset = () => {
    setErrors({});
    onApply({ ...filters, date_from: todayVN(-29), date_to: todayVN() });
  };
  return html`<form class="card analyst-filters" onSubmit=${submit} aria-labelledby="analyst-filters-title">
    <h2 id="analyst-filters-title" class="visually-hidden">${t("analyst.filters")}</h2>
    <div class="grid">
      ${onDepartment
        ? html`<${Select} label=${t("analyst.department")} name="department" value=${department}
            options=${CODES.map((c) => /** @type {[string, string]} */ ([c, departmentNames[c] || c]))} onChange=${onDepartment} />`
        : null}
      <${Input} label=${t("analyst.from")} name="date_from" type="date" required value=${form.date_from}
        onInput=${set("date_from")} error=${errors.date_from} />
      <${Input} label=${t("analyst.to")} name="date_to" type="date" required value=${form.date_to}
        onInput=${set("date_to")} error=${errors.date_to} />
      ${options.granularity
        ? html`<${Select} label=${t("analyst.granularity")} name="granularity" value=${form.granularity}
            options=${GRANULARITIES.map((g) => /** @type {[string, string]} */ ([g, t(`analyst.gran.${g}`)]))} onChange=${set("granularity")} />`
        : null}
      <${SearchSelect} label=${t("analyst.commune")} name="commune" value=${form.commune} options=${communes}
        onChange=${set("commune")} error=${errors.commune} hint=${t("analyst.communeHint")} />
      ${options.types && types.length > 1
        ? html`<${Select} label=${t("analyst.type")} name="facility_type" value=${form.facility_type}
            options=${[["", t("analyst.all")], ...types.map((ft) => [ft.code, localized({ vi: ft.name_vi, en: ft.name_en })])]}
            onChange=${set("facility_type")} />`
        : null}
      ${options.stars
        ? html`<${Select} label=${t("analyst.star")} name="star_rating" value=${form.star_rating}
            options=${[["", t("analyst.all")], ...[1, 2, 3, 4, 5].map((n) => [String(n), t("analyst.starN", { n })])]}
            onChange=${set("star_rating")} />`
        : null}
    </div>
    <div class="actions">
      <button type="submit" class="primary">${t("analyst.apply")}</button>
      <button type="button" onClick=${reset}>${t("analyst.reset")}</button>
    </div>
  </form>`;
}

/** @param {{query?: Record<string, string>}} props */
function Dashboard({ query: q = {} }) {
  const { session, navigate } = useApp();
  const isAnalyst = session.role === "department_analyst";
  const department = (isAnalyst ? session.department : CODES.includes(q.department) ? q.department : "VHTTDL") ?? "";
  const catalogue = useAsync(
    async () => /** @type {FacilityType[]} */ (await api("/v1/facility-types", { auth: false })),
    [],
  );
  const filters = filtersFrom(q);
  if (catalogue.error) return html`<${Page} title=${t("analyst.titlePlain")}><${ProblemBanner} error=${catalogue.error} /><//>`;
  if (!catalogue.data) return html`<${Page} title=${t("analyst.titlePlain")}><${Loading} /><//>`;
  /** @type {Record<string, string>} */
  const names = {};
  for (const ft of catalogue.data) names[ft.department] = localized({ vi: ft.department_name_vi, en: ft.department_name_en });
  if (!DEPARTMENTS[department]) {
    return html`<${Page} title=${t("analyst.titlePlain")}><${Banner} kind="warn">${t("analyst.noDepartment")}<//><//>`;
  }
  const options = DEPARTMENTS[department];
  const types = catalogue.data.filter((ft) => ft.department === department);
  const catalogueData = catalogue.data;
  /** @param {string} code */
  const typeName = (code) => {
    const ft = catalogueData.find((x) => x.code === code);
    return ft ? localized({ vi: ft.name_vi, en: ft.name_en }) : code;
  };
  /** @type {(f: Partial<DashboardFilters>, dept?: string) => void} */
  const go = (f, dept = department) => navigate("/analyst", { ...(isAnalyst ? {} : { department: dept }), ...f });
  const View = options.view;
  return html`<${Page} title=${t("analyst.title", { department: names[department] || department })}>
    <p class="hint">${t("analyst.intro")}</p>
    <${Filters} filters=${filters} options=${options} types=${types} onApply=${(/** @type {DashboardFilters} */ f) => go(f)}
      department=${department} departmentNames=${names}
      onDepartment=${isAnalyst ? null : (/** @type {string} */ d) => go({ date_from: filters.date_from, date_to: filters.date_to, granularity: filters.granularity }, d)} />
    <${View} key=${department} params=${feedParams(filters, options)} typeName=${typeName} />
  <//>`;
}

/** @type {import("../types.js").Route[]} */
export const routes = [{ path: "/analyst", nav: "nav.analyst", roles: ["analyst", "police"], view: Dashboard }];
