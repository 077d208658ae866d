// @ts-check
// One trip: its passengers with their results, later additions, no-shows, removals, and the
// cancellation of the whole trip.
import { useState } from "preact/hooks";
import { api, ApiError } from "../../api.js";
import { fmtDateTime, fmtNumber, localized, t } from "../../i18n.js";
import { fieldLabel } from "../../labels.js";
import { Badge, Banner, html, Input, Loading, Page, ProblemBanner, Table, useApp, useAsync } from "../../ui.js";
import { emptyPassenger, PassengerEditor, passengerBody } from "./passengers.js";
import { justSubmitted, receiptWarnings, rememberResults, routeName, tripStatusBadge } from "./trips.js";
import { PROVINCES, useNames } from "../../names.js";

/** @typedef {import("../../types.js").Trip} Trip */
/** @typedef {import("../../types.js").Passenger} Passenger */

/** @type {Record<string, string>} */
const PASSENGER_KIND = { on_board: "ok", no_show: "warn", removed: "neutral" };

/** @param {{list: import("../../api.js").FieldProblem[] | undefined}} props */
function Warnings({ list }) {
  if (!list?.length) return "—";
  return html`<ul class="coach-warnings">${list.map(
    (w) => html`<li><${Badge} kind="warn">${t("coach.warning")}<//> ${localized(w.message) || w.code}</li>`,
  )}</ul>`;
}

/**
 * @param {object} props
 * @param {Trip} props.trip
 * @param {Passenger} props.passenger
 * @param {(error: unknown, message?: string) => void} props.onDone
 */
function PassengerActions({ trip, passenger, onDone }) {
  const [pending, setPending] = useState(/** @type {"no_shows" | "remove" | null} */ (null));
  const [busy, setBusy] = useState(false);
  if (trip.status !== "submitted" || passenger.status !== "on_board") return "—";
  const name = passenger.full_name;
  const run = async () => {
    if (!pending) return;
    setBusy(true);
    try {
      await api(`/v1/trips/${trip.trip_id}/passengers`, { method: "POST", json: { [pending]: [passenger.passenger_id] } });
      onDone(null, t(pending === "remove" ? "coach.trip.removed" : "coach.trip.noShowDone", { name }));
    } catch (e) {
      onDone(e);
    } finally {
      setBusy(false);
      setPending(null);
    }
  };
  if (pending) {
    return html`<span class="coach-confirm">
      <button type="button" class="danger" disabled=${busy} onClick=${run}
        aria-label=${t(pending === "remove" ? "coach.trip.confirmRemoveN" : "coach.trip.confirmNoShowN", { name })}>
        ${t(pending === "remove" ? "coach.trip.confirmRemove" : "coach.trip.confirmNoShow")}</button>
      <button type="button" onClick=${() => setPending(null)}>${t("coach.cancelAction")}</button>
    </span>`;
  }
  return html`<span class="coach-confirm">
    <button type="button" onClick=${() => setPending("no_shows")}
      aria-label=${t("coach.trip.noShowN", { name })}>${t("coach.trip.noShow")}</button>
    <button type="button" class="danger" onClick=${() => setPending("remove")}
      aria-label=${t("coach.trip.removeN", { name })}>${t("coach.p.remove")}</button>
  </span>`;
}

/** @param {{trip: Trip, onAdded: (message: string) => void}} props */
function AddPassengers({ trip, onAdded }) {
  const [rows, setRows] = useState(() => [emptyPassenger()]);
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [busy, setBusy] = useState(false);
  /** @param {SubmitEvent} event */
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      /** @type {import("../../types.js").PassengerResult[]} */
      const results = await api(`/v1/trips/${trip.trip_id}/passengers`, {
        method: "POST",
        json: { add: rows.map(passengerBody) },
      });
      rememberResults(results);
      setRows([emptyPassenger()]);
      onAdded(t("coach.trip.added", { n: results.length }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return html`<form class="card coach-add" onSubmit=${submit} noValidate aria-labelledby="coach-add-h">
    <h2 id="coach-add-h">${t("coach.trip.addTitle")}</h2>
    <${ProblemBanner} error=${error} />
    <${PassengerEditor} rows=${rows} setRows=${setRows} error=${error} pointer="/add" />
    <div class="actions"><button type="submit" class="primary" disabled=${busy}>${t("coach.trip.addSubmit")}</button></div>
  </form>`;
}

/** @param {{trip: Trip, onCancelled: (view: Trip) => void}} props */
function CancelTrip({ trip, onCancelled }) {
  const [reason, setReason] = useState("");
  const [confirm, setConfirm] = useState(false);
  const [error, setError] = useState(/** @type {unknown} */ (null));
  /** @param {SubmitEvent} event */
  const submit = async (event) => {
    event.preventDefault();
    if (!confirm) return setConfirm(true);
    setError(null);
    try {
      const view = await api(`/v1/trips/${trip.trip_id}/cancel`, {
        method: "POST",
        json: reason.trim() ? { reason: reason.trim() } : {},
      });
      onCancelled(view);
    } catch (e) {
      setError(e);
    } finally {
      setConfirm(false);
    }
  };
  return html`<form class="card coach-cancel" onSubmit=${submit} aria-labelledby="coach-cancel-h">
    <h2 id="coach-cancel-h">${t("coach.trip.cancelTitle")}</h2>
    <${ProblemBanner} error=${error} />
    <${Input} label=${t("coach.trip.cancelReason")} name="reason" value=${reason} onInput=${setReason}
      error=${error instanceof ApiError ? error.fieldErrors["/reason"] : undefined} />
    ${confirm ? html`<${Banner} kind="warn">${t("coach.trip.cancelWarn")}<//>` : null}
    <div class="actions">
      <button type="submit" class="danger">${t(confirm ? "coach.trip.cancelConfirm" : "coach.trip.cancel")}</button>
      ${confirm ? html`<button type="button" onClick=${() => setConfirm(false)}>${t("coach.cancelAction")}</button>` : null}
    </div>
  </form>`;
}

/** @param {{params: Record<string, string>}} props */
export function TripPage({ params }) {
  const { session, navigate } = useApp();
  const [tick, setTick] = useState(0);
  const [notice, setNotice] = useState(/** @type {string | null} */ (null));
  const [actionError, setActionError] = useState(/** @type {unknown} */ (null));
  const { data: trip, error, loading } = useAsync(
    async () => /** @type {Trip} */ (await api(`/v1/trips/${params.id}`)),
    [params.id, tick],
  );
  const provinces = useNames(PROVINCES);
  /** @param {string} message */
  const reload = (message) => {
    setNotice(message);
    setTick((n) => n + 1);
  };
  if (loading && !trip) return html`<${Loading} />`;
  if (error || !trip) {
    return html`<${Page} title=${t("coach.trip.title")}>
      <${ProblemBanner} error=${error} />
      <div class="actions">
        <a class="button" href="#/trips">${t("coach.back")}</a>
      </div>
    <//>`;
  }
  const receipt = justSubmitted.get(trip.trip_id);
  const onBoard = trip.passengers.filter((p) => p.status === "on_board").length;
  /** @type {import("../../ui.js").Column[]} */
  const columns = [
    { key: "n", label: "#", numeric: true, render: (/** @type {Passenger} */ p) => fmtNumber(trip.passengers.indexOf(p) + 1) },
    { key: "full_name", label: fieldLabel("full_name") },
    { key: "document_number", label: fieldLabel("document_number") },
    { key: "seat", label: fieldLabel("seat") },
    { key: "boarding_point", label: fieldLabel("boarding_point") },
    { key: "alighting_point", label: fieldLabel("alighting_point") },
    {
      key: "status",
      label: t("coach.trip.passengerStatus"),
      render: (/** @type {Passenger} */ p) => html`<${Badge} kind=${PASSENGER_KIND[p.status]}>${t(`coach.passenger.${p.status}`)}<//>`,
    },
    { key: "warnings", label: t("coach.trip.warnings"), render: (/** @type {Passenger} */ p) => html`<${Warnings} list=${receiptWarnings.get(p.passenger_id)} />` },
    {
      key: "actions",
      label: t("coach.trip.actions"),
      render: (/** @type {Passenger} */ p) => html`<${PassengerActions} trip=${trip} passenger=${p}
        onDone=${(/** @type {unknown} */ e, /** @type {string} */ message) => { setActionError(e); if (!e) reload(message); }} />`,
    },
  ];
  return html`<${Page} title=${t("coach.trip.titlePlate", { plate: trip.plate })}
      actions=${html`<a class="button" href="#/trips">${t("coach.back")}</a>`}>
    ${receipt
      ? html`<${Banner} kind="ok">${t("coach.trip.received", { n: receipt.passengers.length, at: fmtDateTime(receipt.received_at) })}<//>`
      : null}
    ${notice ? html`<${Banner} kind="ok">${notice}<//>` : null}
    <${ProblemBanner} error=${actionError} onClose=${() => setActionError(null)} />
    <dl class="coach-facts card" data-testid="trip-facts" data-trip-id=${trip.trip_id}>
      <div><dt>${t("coach.trip.number")}</dt><dd data-testid="trip-number"><strong>${trip.receipt_number}</strong></dd></div>
      <div><dt>${t("coach.trip.status")}</dt><dd>${tripStatusBadge(trip.status)}</dd></div>
      <div><dt>${fieldLabel("plate")}</dt><dd>${trip.plate}</dd></div>
      <div><dt>${t("coach.trip.route")}</dt><dd data-testid="trip-route">${routeName(provinces, trip)}</dd></div>
      <div><dt>${fieldLabel("departure_at")}</dt><dd>${fmtDateTime(trip.departure_at)}</dd></div>
      <div><dt>${t("coach.trip.onBoard")}</dt><dd>${fmtNumber(onBoard)} / ${fmtNumber(trip.seats)}</dd></div>
      <div><dt>${t("coach.trip.received_at")}</dt><dd>${fmtDateTime(trip.received_at)}</dd></div>
    </dl>
    <h2>${t("coach.trip.passengers")}</h2>
    <${Table} class="stack" data-testid="passengers" columns=${columns} rows=${trip.passengers}
      rowKey=${(/** @type {Passenger} */ p) => p.passenger_id} />
    ${trip.status === "submitted"
      ? html`<${AddPassengers} trip=${trip} onAdded=${reload} />
        <${CancelTrip} trip=${trip} onCancelled=${() => reload(t("coach.trip.cancelled"))} />`
      : html`<${Banner} kind="warn">${t("coach.trip.isCancelled")}<//>`}
  <//>`;
}
