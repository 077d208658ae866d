// @ts-check
// Building blocks shared by the police pages: facility names, guest-record tables, the
// privacy notice, and the mapping of a problem's field errors to form fields.
import { useEffect, useState } from "preact/hooks";
import { api } from "../../api.js";
import { onSessionChange } from "../../session.js";
import { fmtDate, fmtDateTime, localized, t } from "../../i18n.js";
import { fieldLabel } from "../../labels.js";
import { Banner, fieldErrors, html, Table } from "../../ui.js";
import { CountryName, VisaName } from "../../names.js";

// One GET /v1/facilities/{id} per facility per signed-in user (alerts and records carry ids
// only); a failed lookup is not remembered, and another user starts afresh.
const facilities = new Map();
const forgetOnFailure = (map, id) => () => {
  map.delete(id);
  return null;
};

export function FacilityName({ id }) {
  if (!facilities.has(id)) facilities.set(id, api(`/v1/facilities/${id}`).catch(forgetOnFailure(facilities, id)));
  const [facility, setFacility] = useState(undefined);
  useEffect(() => {
    let live = true;
    facilities.get(id).then((f) => live && setFacility(f));
    return () => {
      live = false;
    };
  }, [id]);
  if (facility) return html`<span class="facility-name">${facility.name} <span class="muted">(${facility.code})</span></span>`;
  return html`<code title=${id}>${id.slice(0, 8)}</code>`;
}

// Accounts appear in the analytics data by their id (the token subject): shown by username
// when accounts lets the caller read the user (provincial police), else as a short id.
const users = new Map();
onSessionChange(() => {
  facilities.clear();
  users.clear();
});
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function UserName({ id }) {
  const known = UUID.test(id || "");
  if (known && !users.has(id)) users.set(id, api(`/v1/users/${id}`).catch(forgetOnFailure(users, id)));
  const [user, setUser] = useState(undefined);
  useEffect(() => {
    if (!known) return undefined;
    let live = true;
    users.get(id).then((u) => live && setUser(u));
    return () => {
      live = false;
    };
  }, [id]);
  if (!known) return html`<span>${id || "—"}</span>`;
  if (user) return html`<span class="user-name" title=${id}>${user.username}</span>`;
  return html`<code title=${id}>${id.slice(0, 8)}</code>`;
}

export function PrivacyNotice() {
  return html`<${Banner} kind="info">${t("police.privacy")}<//>`;
}

// The field errors of a problem by field name; errors on the whole body (pointer "")
// go to `rootField` so they show next to a field too.
export function formErrors(error, rootField) {
  const out = fieldErrors(error, "");
  const whole = (error?.problem?.errors || []).find((e) => !e.pointer);
  if (whole && rootField && !out[rootField]) out[rootField] = localized(whole.message) || whole.code;
  return out;
}

const GENDERS = new Set(["male", "female", "other"]);
const gender = (g) => (GENDERS.has(g) ? t(`police.gender.${g}`) : g || "—");
const joined = (...parts) => parts.filter(Boolean).join(" · ") || "—";

export function GuestTable({ rows, caption }) {
  const columns = [
    { key: "full_name", label: fieldLabel("full_name") },
    { key: "date_of_birth", label: fieldLabel("date_of_birth"), render: (r) => fmtDate(r.date_of_birth) },
    { key: "gender", label: fieldLabel("gender"), render: (r) => gender(r.gender) },
    { key: "nationality", label: fieldLabel("nationality"), render: (r) => html`<${CountryName} code=${r.nationality} />` },
    { key: "document", label: t("police.guest.document"), render: (r) => joined(r.passport_number, r.id_number) },
    {
      key: "visa",
      label: t("police.guest.visa"),
      render: (r) => (r.visa_type ? html`<${VisaName} code=${r.visa_type} />${r.visa_number ? ` · ${r.visa_number}` : ""}` : joined(r.visa_number)),
    },
    {
      key: "entry",
      label: t("police.guest.entry"),
      render: (r) => joined(r.entry_date ? fmtDate(r.entry_date) : null, r.entry_port),
    },
    { key: "facility", label: t("police.facility"), render: (r) => html`<${FacilityName} id=${r.facility_id} />` },
    { key: "room", label: fieldLabel("room") },
    { key: "arrived_at", label: t("police.guest.arrived"), render: (r) => fmtDateTime(r.arrived_at) },
    {
      key: "expected_departure",
      label: t("police.guest.departure"),
      render: (r) => (r.departed_at ? `${t("police.guest.departed")} ${fmtDateTime(r.departed_at)}` : fmtDate(r.expected_departure)),
    },
  ];
  return html`<${Table} class="stack guests" columns=${columns} rows=${rows} caption=${caption}
    rowKey=${(r) => r.record_id} />`;
}
