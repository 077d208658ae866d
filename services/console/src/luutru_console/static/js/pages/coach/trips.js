// @ts-check
// The operator's trips of a departure day (GET /v1/trips?date=), and what the trip pages
// share; the receipts' warnings live in memory for the session (the trip view has none).
import { useEffect, useRef, useState } from "preact/hooks";
import { api, query } from "../../api.js";
import { fmtDateTime, fmtNumber, t, todayVN } from "../../i18n.js";
import { fieldLabel } from "../../labels.js";
import { Badge, html, Input, Page, ProblemBanner, Table, useApp } from "../../ui.js";
import { nameOf, PROVINCES, useNames } from "../../names.js";

/** @typedef {import("../../types.js").TripSummary} TripSummary */

// passenger_id → warnings of its receipt (the trip view itself carries no warnings).
/** @type {Map<string, import("../../api.js").FieldProblem[]>} */
export const receiptWarnings = new Map();
/** @type {Map<string, import("../../types.js").TripReceipt>} */
export const justSubmitted = new Map(); // trip_id → receipt

/** @param {import("../../types.js").PassengerResult[] | null | undefined} results */
export function rememberResults(results) {
  for (const r of results || []) if (r.passenger_id) receiptWarnings.set(r.passenger_id, r.warnings || []);
}

/** @param {string} status */
export function tripStatusBadge(status) {
  const kind = status === "submitted" ? "ok" : "bad";
  return html`<${Badge} kind=${kind}>${t(`coach.trip.status.${status}`)}<//>`;
}

// "Đồng Nai → Lâm Đồng": a trip's route by province names.
/** @type {(provinces: import("../../types.js").Named[], trip: import("../../types.js").TripHead) => string} */
export const routeName = (provinces, trip) =>
  `${nameOf(provinces, trip.origin_province)} → ${nameOf(provinces, trip.destination_province)}`;

export const newKey = () =>
  globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(16).slice(2)}`;

/** @param {{query?: Record<string, string>}} props */
export function TripList({ query: where = {} }) {
  const { navigate } = useApp();
  const day = where.date || todayVN();
  const [openId, setOpenId] = useState("");
  /** @typedef {{day: string | null, items: TripSummary[], next: string | null, error: unknown, loading: boolean}} Pages */
  const [pages, setPages] = useState(/** @type {Pages} */ ({ day: null, items: [], next: null, error: null, loading: false }));
  const latest = useRef(0); // an answer for a day no longer shown is dropped
  /** @param {string | null} [cursor] */
  const load = async (cursor = null) => {
    const mine = ++latest.current;
    setPages((p) => ({ ...p, loading: true, error: null }));
    try {
      /** @type {import("../../types.js").Page<TripSummary>} */
      const page = await api(`/v1/trips${query({ date: day, cursor })}`);
      if (mine !== latest.current) return;
      setPages((p) => ({
        day,
        items: cursor ? [...p.items, ...page.items] : page.items,
        next: page.next_cursor,
        error: null,
        loading: false,
      }));
    } catch (error) {
      if (mine === latest.current) setPages((p) => ({ ...p, day, error, loading: false }));
    }
  };
  useEffect(() => {
    load();
  }, [day]);
  const provinces = useNames(PROVINCES);
  /** @type {import("../../ui.js").Column[]} */
  const columns = [
    {
      key: "plate",
      label: fieldLabel("plate"),
      render: (/** @type {TripSummary} */ r) => html`<a href=${`#/trips/${r.trip_id}`}>${r.plate}</a>`,
    },
    { key: "departure_at", label: fieldLabel("departure_at"), render: (/** @type {TripSummary} */ r) => fmtDateTime(r.departure_at) },
    { key: "route", label: t("coach.trip.route"), render: (/** @type {TripSummary} */ r) => routeName(provinces, r) },
    {
      key: "on_board",
      label: t("coach.trip.onBoard"),
      numeric: true,
      render: (/** @type {TripSummary} */ r) => `${fmtNumber(r.on_board)} / ${fmtNumber(r.seats)}`,
    },
    { key: "status", label: t("coach.trip.status"), render: (/** @type {TripSummary} */ r) => tripStatusBadge(r.status) },
  ];
  /** @param {SubmitEvent} e */
  const open = (e) => {
    e.preventDefault();
    if (openId.trim()) navigate(`/trips/${openId.trim()}`);
  };
  const items = [...pages.items].sort((a, b) => a.departure_at.localeCompare(b.departure_at));
  return html`<${Page} title=${t("coach.trips.title")} actions=${html`
      <a class="button primary" href="#/new-trip">${t("coach.trips.new")}</a>
      <a class="button" href="#/trip-upload">${t("coach.trips.upload")}</a>`}>
    <div class="card coach-day">
      <${Input} label=${t("coach.trips.day")} name="date" type="date" value=${day}
        onInput=${(/** @type {string} */ value) => value && navigate("/trips", { date: value })} />
    </div>
    <${ProblemBanner} error=${pages.error} />
    ${pages.day === day
      ? html`<${Table} class="stack" data-testid="trips" columns=${columns} rows=${items}
          rowKey=${(/** @type {TripSummary} */ r) => r.trip_id} empty=${t("coach.trips.empty")} />`
      : null}
    ${pages.next ? html`<button type="button" disabled=${pages.loading} onClick=${() => load(pages.next)}>${t("ui.more")}</button>` : null}
    <form class="card coach-open" onSubmit=${open}>
      <${Input} label=${t("coach.trips.openId")} name="trip_id" value=${openId} onInput=${setOpenId}
        hint=${t("coach.trips.openHint")} />
      <button type="submit">${t("coach.trips.open")}</button>
    </form>
  <//>`;
}
