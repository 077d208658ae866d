// @ts-check
// Building blocks shared by the police pages: facility names, guest-record tables, the
// privacy notice, and the mapping of a problem's field errors to form fields.
import { useEffect, useState } from "preact/hooks";
import { api, ApiError } from "../../api.js";
import { onSessionChange } from "../../session.js";
import { fmtDate, fmtDateTime, localized, t } from "../../i18n.js";
import { fieldLabel } from "../../labels.js";
import { Banner, fieldErrors, html, Table } from "../../ui.js";
import { CountryName, VisaName } from "../../names.js";

// One GET /v1/facilities/{id} per facility per signed-in user (alerts and records carry ids
// only); a failed lookup is not remembered, and another user starts afresh.
/** @typedef {import("../../types.js").Facility} Facility */
/**
 * A guest record as the police read it (analytics' guest records: foreigners staying, a
 * person search's stays).
 * @typedef {object} GuestRecord
 * @property {string} record_id
 * @property {string} full_name
 * @property {string} date_of_birth
 * @property {string} gender
 * @property {string} nationality
 * @property {string | null} [passport_number]
 * @property {string | null} [id_number]
 * @property {string | null} [visa_type]
 * @property {string | null} [visa_number]
 * @property {string | null} [entry_date]
 * @property {string | null} [entry_port]
 * @property {string} facility_id
 * @property {string | null} [room]
 * @property {string} arrived_at
 * @property {string | null} [expected_departure]
 * @property {string | null} [departed_at]
 */

/** @type {Map<string, Promise<Facility | null>>} */
const facilities = new Map();
/** @type {(map: Map<string, unknown>, id: string) => () => null} */
const forgetOnFailure = (map, id) => () => {
  map.delete(id);
  return null;
};

/** @param {{id: string}} props */
export function FacilityName({ id }) {
  let lookup = facilities.get(id);
  if (!lookup) {
    lookup = api(`/v1/facilities/${id}`).catch(forgetOnFailure(facilities, id));
    facilities.set(id, /** @type {Promise<Facility | null>} */ (lookup));
  }
  const found = /** @type {Promise<Facility | null>} */ (lookup);
  const [facility, setFacility] = useState(/** @type {Facility | null | undefined} */ (undefined));
  useEffect(() => {
    let live = true;
    found.then((f) => live && setFacility(f));
    return () => {
      live = false;
    };
  }, [id]);
  if (facility) return html`<span class="facility-name">${facility.name} <span class="muted">(${facility.code})</span></span>`;
  return html`<code title=${id}>${id.slice(0, 8)}</code>`;
}

// Accounts appear in the analytics data by their id (the token subject): shown by username
// when accounts lets the caller read the user (provincial police), else as a short id.
/** @type {Map<string, Promise<{username: string} | null>>} */
const users = new Map();
onSessionChange(() => {
  facilities.clear();
  users.clear();
});
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** @param {{id: string | null | undefined}} props */
export function UserName({ id }) {
  const known = UUID.test(id || "");
  if (id && known && !users.has(id)) users.set(id, api(`/v1/users/${id}`).catch(forgetOnFailure(users, id)));
  const [user, setUser] = useState(/** @type {{username: string} | null | undefined} */ (undefined));
  useEffect(() => {
    const lookup = id && known ? users.get(id) : undefined;
    if (!lookup) return undefined;
    let live = true;
    lookup.then((u) => live && setUser(u));
    return () => {
      live = false;
    };
  }, [id]);
  if (!id || !known) return html`<span>${id || "—"}</span>`;
  if (user) return html`<span class="user-name" title=${id}>${user.username}</span>`;
  return html`<code title=${id}>${id.slice(0, 8)}</code>`;
}

export function PrivacyNotice() {
  return html`<${Banner} kind="info">${t("police.privacy")}<//>`;
}

// The field errors of a problem by field name; errors on the whole body (pointer "")
// go to `rootField` so they show next to a field too.
/**
 * @param {unknown} error
 * @param {string} [rootField]
 */
export function formErrors(error, rootField) {
  const out = fieldErrors(error, "");
  const whole = (error instanceof ApiError ? error.problem.errors || [] : []).find((e) => !e.pointer);
  if (whole && rootField && !out[rootField]) out[rootField] = localized(whole.message) || whole.code || "";
  return out;
}

const GENDERS = new Set(["male", "female", "other"]);
/** @param {string | null | undefined} g */
const gender = (g) => (g && GENDERS.has(g) ? t(`police.gender.${g}`) : g || "—");
/** @param {...(string | null | undefined)} parts */
const joined = (...parts) => parts.filter(Boolean).join(" · ") || "—";

/** @param {{rows: GuestRecord[], caption?: string}} props */
export function GuestTable({ rows, caption }) {
  /** @type {import("../../ui.js").Column[]} */
  const columns = [
    { key: "full_name", label: fieldLabel("full_name") },
    { key: "date_of_birth", label: fieldLabel("date_of_birth"), render: (/** @type {GuestRecord} */ r) => fmtDate(r.date_of_birth) },
    { key: "gender", label: fieldLabel("gender"), render: (/** @type {GuestRecord} */ r) => gender(r.gender) },
    { key: "nationality", label: fieldLabel("nationality"), render: (/** @type {GuestRecord} */ r) => html`<${CountryName} code=${r.nationality} />` },
    { key: "document", label: t("police.guest.document"), render: (/** @type {GuestRecord} */ r) => joined(r.passport_number, r.id_number) },
    {
      key: "visa",
      label: t("police.guest.visa"),
      render: (/** @type {GuestRecord} */ r) => (r.visa_type ? html`<${VisaName} code=${r.visa_type} />${r.visa_number ? ` · ${r.visa_number}` : ""}` : joined(r.visa_number)),
    },
    {
      key: "entry",
      label: t("police.guest.entry"),
      render: (/** @type {GuestRecord} */ r) => joined(r.entry_date ? fmtDate(r.entry_date) : null, r.entry_port),
    },
    { key: "facility", label: t("police.facility"), render: (/** @type {GuestRecord} */ r) => html`<${FacilityName} id=${r.facility_id} />` },
    { key: "room", label: fieldLabel("room") },
    { key: "arrived_at", label: t("police.guest.arrived"), render: (/** @type {GuestRecord} */ r) => fmtDateTime(r.arrived_at) },
    {
      key: "expected_departure",
      label: t("police.guest.departure"),
      render: (/** @type {GuestRecord} */ r) => (r.departed_at ? `${t("police.guest.departed")} ${fmtDateTime(r.departed_at)}` : fmtDate(r.expected_departure)),
    },
  ];
  return html`<${Table} class="stack guests" columns=${columns} rows=${rows} caption=${caption}
    rowKey=${(/** @type {GuestRecord} */ r) => r.record_id} />`;
}
