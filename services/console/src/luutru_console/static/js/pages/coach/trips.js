// The trips this browser submitted (ingest has no "list my trips" endpoint): their ids are
// kept in localStorage per operator; the receipts' warnings live in memory for the session.
import { useState } from "preact/hooks";
import { api } from "../../api.js";
import { fmtDateTime, fmtNumber, t } from "../../i18n.js";
import { Badge, Banner, html, Input, Loading, Page, ProblemBanner, Table, useApp, useAsync } from "../../ui.js";

const MAX_KEPT = 200;
const storeKey = (facilityId) => `luutru.coach.trips.${facilityId || "none"}`;

export function rememberedTrips(facilityId) {
  try {
    const ids = JSON.parse(localStorage.getItem(storeKey(facilityId)) || "[]");
    return Array.isArray(ids) ? ids.filter((id) => typeof id === "string") : [];
  } catch {
    return [];
  }
}

export function rememberTrip(facilityId, tripId) {
  const ids = [tripId, ...rememberedTrips(facilityId).filter((id) => id !== tripId)].slice(0, MAX_KEPT);
  localStorage.setItem(storeKey(facilityId), JSON.stringify(ids));
}

export function forgetTrip(facilityId, tripId) {
  const ids = rememberedTrips(facilityId).filter((id) => id !== tripId);
  localStorage.setItem(storeKey(facilityId), JSON.stringify(ids));
}

// passenger_id → warnings of its receipt (the trip view itself carries no warnings).
export const receiptWarnings = new Map();
export const justSubmitted = new Map(); // trip_id → receipt

export function rememberResults(results) {
  for (const r of results || []) if (r.passenger_id) receiptWarnings.set(r.passenger_id, r.warnings || []);
}

export function tripStatusBadge(status) {
  const kind = status === "submitted" ? "ok" : "bad";
  return html`<${Badge} kind=${kind}>${t(`coach.trip.status.${status}`)}<//>`;
}

export const newKey = () =>
  globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(16).slice(2)}`;

export function TripList() {
  const { session, navigate } = useApp();
  const [openId, setOpenId] = useState("");
  const ids = rememberedTrips(session.facilityId);
  const { data, loading } = useAsync(
    () => Promise.allSettled(ids.map((id) => api(`/v1/trips/${id}`))),
    [ids.join(",")],
  );
  const rows = (data || []).map((r, i) =>
    r.status === "fulfilled" ? r.value : { trip_id: ids[i], failed: r.reason },
  );
  const columns = [
    {
      key: "plate",
      label: t("coach.trip.plate"),
      render: (r) => html`<a href=${`#/trips/${r.trip_id}`}>${r.plate ?? r.trip_id}</a>`,
    },
    { key: "departure_at", label: t("coach.trip.departure_at"), render: (r) => (r.failed ? "—" : fmtDateTime(r.departure_at)) },
    {
      key: "route",
      label: t("coach.trip.route"),
      render: (r) => (r.failed ? "—" : `${r.origin_province} → ${r.destination_province}`),
    },
    {
      key: "on_board",
      label: t("coach.trip.onBoard"),
      numeric: true,
      render: (r) =>
        r.failed ? "—" : `${fmtNumber(r.passengers.filter((p) => p.status === "on_board").length)} / ${fmtNumber(r.seats)}`,
    },
    {
      key: "status",
      label: t("coach.trip.status"),
      render: (r) => (r.failed ? html`<${ProblemBanner} error=${r.failed} />` : tripStatusBadge(r.status)),
    },
  ];
  const open = (e) => {
    e.preventDefault();
    if (openId.trim()) navigate(`/trips/${openId.trim()}`);
  };
  return html`<${Page} title=${t("coach.trips.title")} actions=${html`
      <a class="button primary" href="#/new-trip">${t("coach.trips.new")}</a>
      <a class="button" href="#/trip-upload">${t("coach.trips.upload")}</a>`}>
    <${Banner} kind="info">${t("coach.trips.localNote")}<//>
    ${loading ? html`<${Loading} />` : html`<${Table} class="stack" data-testid="trips" columns=${columns}
      rows=${rows} rowKey=${(r) => r.trip_id} empty=${t("coach.trips.empty")} />`}
    <form class="card coach-open" onSubmit=${open}>
      <${Input} label=${t("coach.trips.openId")} name="trip_id" value=${openId} onInput=${setOpenId}
        hint=${t("coach.trips.openHint")} />
      <button type="submit">${t("coach.trips.open")}</button>
    </form>
  <//>`;
}
