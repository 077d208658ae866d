// @ts-check
// Reporting compliance: per facility and day (guests reported, reported late = "not reported
// by the deadline" as the API counts it), the fine bands of NĐ 282/2025 Art. 10, and the
// active facilities silent for N days; each table downloadable as CSV or XLSX.
import { useState } from "preact/hooks";
import { api, download, query } from "../../api.js";
import { fmtDate, fmtDateTime, fmtNumber, getLang, messages, t, todayVN } from "../../i18n.js";
import { html, Input, Loading, Page, ProblemBanner, SearchSelect, Select, Table, useAsync } from "../../ui.js";
import { communesPath, HOME_PROVINCE, pickOptions, useNames } from "../../names.js";
import { formErrors } from "./common.js";

messages({
  vi: {
    "police.compliance.communePick": "Xã/phường",
    "police.compliance.communeHint": "Để trống: tất cả. Gõ vài chữ của tên rồi chọn.",
    "police.compliance.lateTotal": "Tổng thời gian trễ",
    "police.compliance.lateMax": "Trễ lâu nhất",
    "police.compliance.lateness.days": "{n} ngày",
    "police.compliance.lateness.hours": "{n} giờ",
    "police.compliance.lateness.minutes": "{n} phút",
  },
  en: {
    "police.compliance.communePick": "Commune",
    "police.compliance.communeHint": "Empty: all. Type part of the name, then pick.",
    "police.compliance.lateTotal": "Total lateness",
    "police.compliance.lateMax": "Longest lateness",
    "police.compliance.lateness.days": "{n} days",
    "police.compliance.lateness.hours": "{n} hours",
    "police.compliance.lateness.minutes": "{n} minutes",
  },
});

// Lateness as people say it, as the API's exports write it (core/labels.py): "2 ngày 1 giờ",
// "3 giờ 20 phút", "45 phút" — days with whole hours, never a count of minutes.
/**
 * A facility's reporting on one day (GET /v1/compliance/daily).
 * @typedef {object} DailyRow
 * @property {string} day
 * @property {string} facility_id
 * @property {string | null} [facility_name]
 * @property {string | null} [facility_code]
 * @property {number} guests_reported
 * @property {number} late_reports
 * @property {number} minutes_late_total
 * @property {number} minutes_late_max
 * @property {string | null} [fine_band]
 */
/** Facility-days and persons by fine band. @typedef {{fine_band: string, facility_days: number, persons: number}} BandRow */
/**
 * An active facility silent for the days asked.
 * @typedef {{facility_id: string, facility_name: string, facility_code: string, facility_type: string, commune_code: number | string, commune_name?: string | null, last_report_at: string | null, silent_days: number | null}} SilentRow
 */
/**
 * What a section of the page shows: its rows as useAsync loads them.
 * @template T, [Extra={}]
 * @typedef {{data: ({rows: T[]} & Extra) | null, error: unknown, loading: boolean}} Loaded
 */
/** @typedef {import("../../types.js").FacilityType} FacilityType */

/** @param {number | null | undefined} minutes */
export function lateness(minutes) {
  if (!minutes || minutes <= 0) return "—";
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  /** @type {(n: number, key: string) => string} */
  const unit = (n, key) => {
    const text = t(`police.compliance.lateness.${key}`, { n: fmtNumber(n) });
    return getLang() === "en" && n === 1 ? text.replace(/s$/, "") : text;
  };
  const parts = [];
  if (days) {
    parts.push(unit(days, "days"));
    if (hours) parts.push(unit(hours, "hours"));
  } else if (hours) {
    parts.push(unit(hours, "hours"));
    if (mins) parts.push(unit(mins, "minutes"));
  } else parts.push(unit(mins, "minutes"));
  return parts.join(" ");
}

const BANDS = ["1-3", "4-8", "9+"];
/** @param {string | null | undefined} b */
const band = (b) => (b && BANDS.includes(b) ? t(`police.compliance.band.${b}`) : b || t("police.compliance.noBand"));

/** @param {{path: string, params: Record<string, unknown>, name: string}} props */
function Exports({ path, params, name }) {
  const [error, setError] = useState(/** @type {unknown} */ (null));
  /** @param {"csv" | "xlsx"} format */
  const get = (format) => {
    setError(null);
    download(`${path}${query({ ...params, format, lang: getLang() })}`, `${name}.${format}`).catch(setError);
  };
  return html`<div class="actions exports">
    <button type="button" onClick=${() => get("csv")}>${t("police.export.csv")}</button>
    <button type="button" onClick=${() => get("xlsx")}>${t("police.export.xlsx")}</button>
    <${ProblemBanner} error=${error} onClose=${() => setError(null)} />
  </div>`;
}

/** @param {{query?: Record<string, string>}} props */
export function CompliancePage({ query: params }) {
  const [form, setForm] = useState({
    date_from: params?.date_from || todayVN(-6),
    date_to: params?.date_to || todayVN(),
    days: params?.days || "",
    commune: params?.commune || "",
    facility_type: params?.facility_type || "",
  });
  const [applied, setApplied] = useState(form);
  const types = useAsync(async () => /** @type {FacilityType[]} */ (await api("/v1/facility-types")), []);
  const communes = pickOptions(useNames(communesPath(HOME_PROVINCE)));
  const range = {
    date_from: applied.date_from,
    date_to: applied.date_to,
    commune: applied.commune.trim(),
    facility_type: applied.facility_type,
  };
  const daily = useAsync(
    async () => /** @type {{rows: DailyRow[]}} */ (await api(`/v1/compliance/daily${query(range)}`)),
    [applied],
  );
  const bands = useAsync(
    async () => /** @type {{rows: BandRow[]}} */ (await api(`/v1/compliance/fine-bands${query(range)}`)),
    [applied],
  );
  const silent = useAsync(
    async () =>
      /** @type {{rows: SilentRow[], days: number, as_of: string}} */ (
        await api(`/v1/compliance/silent-facilities${query({ days: applied.days })}`)
      ),
    [applied],
  );
  const errors = { ...formErrors(daily.error), ...formErrors(silent.error) };
  /** @type {(key: keyof typeof form) => (value: string) => void} */
  const set = (key) => (value) => setForm({ ...form, [key]: value });
  /** @param {SubmitEvent} event */
  const submit = (event) => {
    event.preventDefault();
    setApplied({ ...form });
  };

  return html`<${Page} title=${t("police.compliance.title")}>
    <form class="card police-filters" onSubmit=${submit} noValidate>
      <${Input} label=${t("police.compliance.from")} name="date_from" type="date" required value=${form.date_from}
        onInput=${set("date_from")} error=${errors["query:date_from"]} />
      <${Input} label=${t("police.compliance.to")} name="date_to" type="date" required value=${form.date_to}
        onInput=${set("date_to")} error=${errors["query:date_to"]} />
      <${SearchSelect} label=${t("police.compliance.communePick")} name="commune" value=${form.commune}
        options=${communes} onChange=${set("commune")} hint=${t("police.compliance.communeHint")}
        error=${errors["query:commune/0"] || errors["query:commune"]} />
      <${Select} label=${t("police.compliance.typeFilter")} name="facility_type" value=${form.facility_type}
        options=${[["", t("police.compliance.anyType")], ...(types.data || []).filter((x) => x.takes_guests).map((x) => /** @type {[string, string]} */ ([x.code, getLang() === "en" ? x.name_en : x.name_vi]))]}
        onChange=${set("facility_type")} error=${errors["query:facility_type/0"]} />
      <${Input} label=${t("police.compliance.days")} name="days" type="number" min="1" max="365" value=${form.days}
        onInput=${set("days")} error=${errors["query:days"]} />
      <button type="submit" class="primary">${t("police.compliance.apply")}</button>
    </form>
    <p class="muted definition">${t("police.compliance.definition")}</p>
    <${Daily} state=${daily} range=${range} />
    <${Bands} state=${bands} range=${range} />
    <${Silent} state=${silent} days=${applied.days} types=${types.data || []} />
  <//>`;
}

/** @param {{state: Loaded<DailyRow>, range: Record<string, unknown>}} props */
function Daily({ state, range }) {
  const rows = state.data?.rows || [];
  /** @param {"guests_reported" | "late_reports"} key */
  const total = (key) => rows.reduce((/** @type {number} */ sum, /** @type {DailyRow} */ r) => sum + (r[key] || 0), 0);
  /** @type {import("../../ui.js").Column[]} */
  const columns = [
    { key: "day", label: t("police.compliance.day"), render: (/** @type {DailyRow} */ r) => fmtDate(r.day) },
    {
      key: "facility",
      label: t("police.facility"),
      render: (/** @type {DailyRow} */ r) => html`${r.facility_name || r.facility_id} <span class="muted">${r.facility_code ? `(${r.facility_code})` : ""}</span>`,
    },
    { key: "guests_reported", label: t("police.compliance.guests"), numeric: true, render: (/** @type {DailyRow} */ r) => fmtNumber(r.guests_reported) },
    { key: "late_reports", label: t("police.compliance.late"), numeric: true, render: (/** @type {DailyRow} */ r) => fmtNumber(r.late_reports) },
    { key: "minutes_late_total", label: t("police.compliance.lateTotal"), numeric: true, render: (/** @type {DailyRow} */ r) => lateness(r.minutes_late_total) },
    { key: "minutes_late_max", label: t("police.compliance.lateMax"), numeric: true, render: (/** @type {DailyRow} */ r) => lateness(r.minutes_late_max) },
    { key: "fine_band", label: t("police.compliance.band"), render: (/** @type {DailyRow} */ r) => (r.fine_band ? html`<span class="band">${band(r.fine_band)}</span>` : "—") },
  ];
  return html`<section aria-labelledby="cmp-daily">
    <header class="page-head"><h2 id="cmp-daily">${t("police.compliance.daily")}</h2>
      <${Exports} path="/v1/compliance/daily" params=${range} name="compliance-daily" /></header>
    <${ProblemBanner} error=${state.error} />
    ${state.loading ? html`<${Loading} />` : null}
    ${state.data
      ? html`<div class="kpis" data-testid="compliance-totals">
            <div class="kpi" data-testid="kpi-guests"><div class="value">${fmtNumber(total("guests_reported"))}</div>
              <div class="label">${t("police.compliance.guests")}</div></div>
            <div class="kpi" data-testid="kpi-late"><div class="value">${fmtNumber(total("late_reports"))}</div>
              <div class="label">${t("police.compliance.late")}</div></div>
            <div class="kpi" data-testid="kpi-breach"><div class="value">${fmtNumber(rows.filter((/** @type {DailyRow} */ r) => r.fine_band).length)}</div>
              <div class="label">${t("police.compliance.facilityDays")}</div></div>
          </div>
          <${Table} class="stack" data-testid="compliance-daily" columns=${columns} rows=${rows}
            rowKey=${(/** @type {DailyRow} */ r) => `${r.day}-${r.facility_id}`} />`
      : null}
  </section>`;
}

/** @param {{state: Loaded<BandRow>, range: Record<string, unknown>}} props */
function Bands({ state, range }) {
  /** @type {import("../../ui.js").Column[]} */
  const columns = [
    { key: "fine_band", label: t("police.compliance.band"), render: (/** @type {BandRow} */ r) => band(r.fine_band) },
    { key: "facility_days", label: t("police.compliance.facilityDays"), numeric: true, render: (/** @type {BandRow} */ r) => fmtNumber(r.facility_days) },
    { key: "persons", label: t("police.compliance.persons"), numeric: true, render: (/** @type {BandRow} */ r) => fmtNumber(r.persons) },
  ];
  return html`<section aria-labelledby="cmp-bands">
    <header class="page-head"><h2 id="cmp-bands">${t("police.compliance.bands")}</h2>
      <${Exports} path="/v1/compliance/fine-bands" params=${range} name="compliance-fine-bands" /></header>
    <p class="muted">${t("police.compliance.bandsNote")}</p>
    <${ProblemBanner} error=${state.error} />
    ${state.loading ? html`<${Loading} />` : null}
    ${state.data
      ? html`<${Table} class="stack" data-testid="compliance-bands" columns=${columns} rows=${state.data.rows}
          rowKey=${(/** @type {BandRow} */ r) => r.fine_band} />`
      : null}
  </section>`;
}

/** @param {{state: Loaded<SilentRow, {days: number, as_of: string}>, days: string, types: FacilityType[]}} props */
function Silent({ state, days, types }) {
  /** @param {string} code */
  const typeName = (code) => {
    const known = types.find((x) => x.code === code);
    return known ? (getLang() === "en" ? known.name_en : known.name_vi) : code;
  };
  const n = state.data?.days ?? days;
  /** @type {import("../../ui.js").Column[]} */
  const columns = [
    { key: "facility_code", label: t("police.facility"), render: (/** @type {SilentRow} */ r) => html`${r.facility_name} <span class="muted">(${r.facility_code})</span>` },
    { key: "facility_type", label: t("police.compliance.type"), render: (/** @type {SilentRow} */ r) => typeName(r.facility_type) },
    { key: "commune_code", label: t("police.commune"), render: (/** @type {SilentRow} */ r) => r.commune_name || r.commune_code },
    { key: "last_report_at", label: t("police.compliance.lastReport"), render: (/** @type {SilentRow} */ r) => (r.last_report_at ? fmtDateTime(r.last_report_at) : t("police.compliance.never")) },
    { key: "silent_days", label: t("police.compliance.silentDays"), numeric: true, render: (/** @type {SilentRow} */ r) => (r.silent_days == null ? t("police.compliance.never") : fmtNumber(r.silent_days)) },
  ];
  return html`<section aria-labelledby="cmp-silent">
    <header class="page-head"><h2 id="cmp-silent">${t("police.compliance.silent", { days: n ?? "N" })}</h2>
      <${Exports} path="/v1/compliance/silent-facilities" params=${{ days }} name="compliance-silent" /></header>
    ${state.data ? html`<p class="muted">${t("police.compliance.silentNote", { days: n, asOf: fmtDate(state.data.as_of) })}</p>` : null}
    <${ProblemBanner} error=${state.error} />
    ${state.loading ? html`<${Loading} />` : null}
    ${state.data
      ? html`<${Table} class="stack" data-testid="compliance-silent" columns=${columns} rows=${state.data.rows}
          rowKey=${(/** @type {SilentRow} */ r) => r.facility_id} />`
      : null}
  </section>`;
}
