// @ts-check
// A new trip's manifest by form: the trip (plate, route, departure, seats, crew), then the
// passengers. The manifest is atomic: one bad passenger refuses it all, and each error is
// shown on the passenger's own field.
import { useState } from "preact/hooks";
import { api } from "../../api.js";
import { t, todayVN } from "../../i18n.js";
import { fieldLabel } from "../../labels.js";
import { fieldErrors, html, Input, Page, ProblemBanner, SearchSelect, useApp } from "../../ui.js";
import { PROVINCES, pickOptions, useNames } from "../../names.js";
import { emptyPassenger, PassengerEditor, passengerBody } from "./passengers.js";
import { justSubmitted, newKey, rememberResults } from "./trips.js";

export const DEFAULT_PROVINCE = 75; // Đồng Nai

/** The trip's own fields as the form holds them (strings, as typed). @typedef {ReturnType<typeof emptyTrip>} TripDraft */
/** A crew member as the form holds it. @typedef {{key: string, full_name: string, role: string, id_number: string}} CrewRow */

export function emptyTrip() {
  return {
    plate: "",
    origin_province: String(DEFAULT_PROVINCE),
    destination_province: "",
    departure_at: `${todayVN()}T07:00`,
    seats: "45",
  };
}

/** @type {(v: string) => number | null} */
const num = (v) => (String(v).trim() === "" ? null : Number(v));

/** @param {TripDraft} trip */
export function tripFieldsBody(trip) {
  return {
    plate: trip.plate.trim(),
    origin_province: num(trip.origin_province),
    destination_province: num(trip.destination_province),
    departure_at: trip.departure_at,
    seats: num(trip.seats),
  };
}

// The trip's own fields; errors keyed by field name (from fieldErrors(error, "")).
/** @param {{trip: TripDraft, setTrip: (trip: TripDraft) => void, errors: Record<string, string>}} props */
export function TripFields({ trip, setTrip, errors }) {
  /** @type {(f: keyof TripDraft) => (v: string) => void} */
  const set = (f) => (v) => setTrip({ ...trip, [f]: v });
  const provinces = pickOptions(useNames(PROVINCES));
  return html`<div class="grid">
    <${Input} label=${fieldLabel("plate")} name="plate" required value=${trip.plate} onInput=${set("plate")}
      hint=${t("coach.trip.plateHint")} error=${errors.plate} autocomplete="off" />
    <${SearchSelect} label=${fieldLabel("origin_province")} name="origin_province" required options=${provinces}
      value=${trip.origin_province} onChange=${set("origin_province")} error=${errors.origin_province}
      hint=${t("coach.trip.provinceHint")} />
    <${SearchSelect} label=${fieldLabel("destination_province")} name="destination_province" required options=${provinces}
      value=${trip.destination_province} onChange=${set("destination_province")}
      error=${errors.destination_province} hint=${t("coach.trip.provinceHint")} />
    <${Input} label=${fieldLabel("departure_at")} name="departure_at" type="datetime-local" required
      value=${trip.departure_at} onInput=${set("departure_at")} error=${errors.departure_at}
      hint=${t("coach.trip.departureHint")} />
    <${Input} label=${fieldLabel("seats")} name="seats" type="number" min="1" max="100" required
      value=${trip.seats} onInput=${set("seats")} error=${errors.seats} />
  </div>`;
}

let crewSeq = 0;
/** @returns {CrewRow} */
const emptyCrew = () => ({ key: `c${++crewSeq}`, full_name: "", role: "", id_number: "" });

/** @param {{crew: CrewRow[], setCrew: (crew: CrewRow[]) => void, error: unknown}} props */
function CrewEditor({ crew, setCrew, error }) {
  return html`<div class="coach-crew">
    ${crew.map((c, i) => {
      const errors = fieldErrors(error, `/crew/${i}`);
      /** @type {(f: keyof CrewRow) => (v: string) => void} */
      const set = (f) => (v) => setCrew(crew.map((x) => (x.key === c.key ? { ...x, [f]: v } : x)));
      return html`<fieldset key=${c.key} class="coach-crew-member">
        <legend>${t("coach.crew.legend", { n: i + 1 })}</legend>
        <div class="grid">
          <${Input} label=${fieldLabel("full_name")} name="crew_full_name" required value=${c.full_name}
            onInput=${set("full_name")} error=${errors.full_name} />
          <${Input} label=${t("coach.crew.role")} name="crew_role" value=${c.role} onInput=${set("role")}
            hint=${t("coach.crew.roleHint")} error=${errors.role} />
          <${Input} label=${fieldLabel("id_number")} name="crew_id_number" value=${c.id_number}
            onInput=${set("id_number")} error=${errors.id_number} />
        </div>
        <button type="button" class="danger" aria-label=${t("coach.crew.removeN", { n: i + 1 })}
          onClick=${() => setCrew(crew.filter((x) => x.key !== c.key))}>${t("coach.p.remove")}</button>
      </fieldset>`;
    })}
    <button type="button" onClick=${() => setCrew([...crew, emptyCrew()])}>${t("coach.crew.add")}</button>
  </div>`;
}

/** @param {CrewRow[]} crew */
function crewBody(crew) {
  return crew.map((c) => {
    /** @type {{full_name: string, role?: string, id_number?: string}} */
    const out = { full_name: c.full_name.trim() };
    if (c.role.trim()) out.role = c.role.trim();
    if (c.id_number.trim()) out.id_number = c.id_number.trim();
    return out;
  });
}

export function TripForm() {
  const { session, navigate } = useApp();
  const [trip, setTrip] = useState(emptyTrip);
  const [crew, setCrew] = useState(/** @type {CrewRow[]} */ ([]));
  const [rows, setRows] = useState(() => [emptyPassenger()]);
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [busy, setBusy] = useState(false);
  // One Idempotency-Key per distinct manifest: a retry of the same body replays its answer.
  const [attempt, setAttempt] = useState(/** @type {{body: string | null, key: string}} */ ({ body: null, key: "" }));

  /** @param {SubmitEvent} event */
  const submit = async (event) => {
    event.preventDefault();
    const body = { ...tripFieldsBody(trip), crew: crewBody(crew), passengers: rows.map(passengerBody) };
    const text = JSON.stringify(body);
    const key = attempt.body === text ? attempt.key : newKey();
    setAttempt({ body: text, key });
    setBusy(true);
    setError(null);
    try {
      /** @type {import("../../types.js").TripReceipt} */
      const receipt = await api("/v1/trips", { method: "POST", json: body, headers: { "Idempotency-Key": key } });
      rememberResults(receipt.passengers);
      justSubmitted.set(receipt.trip_id, receipt);
      navigate(`/trips/${receipt.trip_id}`);
    } catch (e) {
      setError(e);
      setTimeout(() => document.querySelector(".coach-form .banner.error")?.scrollIntoView?.({ block: "center" }), 0);
    } finally {
      setBusy(false);
    }
  };

  return html`<${Page} title=${t("coach.form.title")}>
    <form class="coach-form" onSubmit=${submit} noValidate>
      <${ProblemBanner} error=${error} />
      <section class="card" aria-labelledby="coach-trip-h">
        <h2 id="coach-trip-h">${t("coach.form.trip")}</h2>
        <${TripFields} trip=${trip} setTrip=${setTrip} errors=${fieldErrors(error, "")} />
        <h3>${t("coach.crew.title")}</h3>
        <${CrewEditor} crew=${crew} setCrew=${setCrew} error=${error} />
      </section>
      <section class="card" aria-labelledby="coach-pax-h">
        <h2 id="coach-pax-h">${t("coach.form.passengers", { n: rows.length })}</h2>
        <p class="hint">${t("coach.form.atomic")}</p>
        <${PassengerEditor} rows=${rows} setRows=${setRows} error=${error} pointer="/passengers" />
      </section>
      <div class="actions">
        <button type="submit" class="primary" disabled=${busy}>${t("coach.form.submit")}</button>
        <a class="button" href="#/trips">${t("coach.back")}</a>
      </div>
    </form>
  <//>`;
}
