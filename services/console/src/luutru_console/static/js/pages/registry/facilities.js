// @ts-check
// The facility registry: search, create (with the first manager's one-time password), the
// facility's page with edit, suspend, reinstate and close.
import { useState } from "preact/hooks";
import { api, query } from "../../api.js";
import { fmtDateTime, fmtNumber, t } from "../../i18n.js";
import { hasRole } from "../../session.js";
import { RoomRegistry } from "../rooms/registry.js";
import { Banner, fieldErrors, html, Input, Loading, Page, ProblemBanner, SearchSelect, Select, Table, useApp, useAsync } from "../../ui.js";
import { pickOptions, ProvinceName } from "../../names.js";
import {
  CommuneName,
  DEFAULT_PROVINCE,
  departmentName,
  FacilityStatus,
  num,
  OneTimePassword,
  typeLabel,
  typeName,
  useFacilityTypes,
  usePaged,
  useAdminUnits,
} from "./common.js";
import { UsersTable } from "./users.js";

/** @typedef {import("../../types.js").Facility} Facility */
/** @typedef {import("../../types.js").FacilityType} FacilityType */
/** @typedef {import("../../types.js").Choice} Choice */
/** The facility as the form holds it: each field a string, as typed. @typedef {Record<string, string>} FacilityValues */

const FILTERS = ["q", "facility_type", "province_code", "commune_code", "status"];

/**
 * @param {FacilityType[]} types
 * @param {string} empty the label of no choice
 * @returns {Choice[]}
 */
function typeOptions(types, empty) {
  return [["", empty], ...types.map((x) => /** @type {Choice} */ ([x.code, typeName(x)]))];
}

/** @returns {Choice[]} */
function statusOptions() {
  return [
    ["", t("registry.filter.anyStatus")],
    ["active", t("registry.status.active")],
    ["suspended", t("registry.status.suspended")],
    ["closed", t("registry.status.closed")],
  ];
}

/** @param {{query: Record<string, string>}} props */
export function FacilityList({ query: where }) {
  const { navigate } = useApp();
  const types = useFacilityTypes();
  const [filters, setFilters] = useState(
    /** @type {() => Record<string, string>} */ () => Object.fromEntries(FILTERS.map((f) => [f, where[f] ?? ""])),
  );
  const key = FILTERS.map((f) => where[f] ?? "").join("|");
  const list = /** @type {import("./common.js").Paged<Facility>} */ (
    usePaged((cursor) => `/v1/facilities${query({ ...where, cursor, limit: 50 })}`, [key])
  );
  /** @type {(f: string) => (v: string) => void} */
  const set = (f) => (v) => setFilters({ ...filters, [f]: v });
  const units = useAdminUnits(filters.province_code || DEFAULT_PROVINCE);
  /** @param {SubmitEvent} e */
  const search = (e) => {
    e.preventDefault();
    navigate("/facilities", filters);
  };
  const admin = hasRole("policeAdmin");
  /** @type {import("../../ui.js").Column[]} */
  const columns = [
    { key: "code", label: t("registry.f.code"), render: (/** @type {Facility} */ f) => html`<a href=${`#/facilities/${f.id}`}>${f.code}</a>` },
    { key: "name", label: t("registry.f.name") },
    { key: "facility_type", label: t("registry.f.facility_type"), render: (/** @type {Facility} */ f) => typeLabel(types, f.facility_type) },
    { key: "commune_code", label: t("registry.f.commune_code"), render: (/** @type {Facility} */ f) => html`<${CommuneName} province=${f.province_code} commune=${f.commune_code} />` },
    { key: "street", label: t("registry.f.street") },
    { key: "status", label: t("registry.f.status"), render: (/** @type {Facility} */ f) => html`<${FacilityStatus} status=${f.status} />` },
  ];
  return html`<${Page} title=${t("registry.list.title")} actions=${admin
      ? html`<a class="button primary" href="#/facilities/new">${t("registry.list.new")}</a>
        <a class="button" href="#/facilities/import">${t("registry.list.import")}</a>`
      : null}>
    ${admin ? null : html`<p class="hint">${t("registry.list.officerNote")}</p>`}
    <form class="card registry-filters" onSubmit=${search} role="search">
      <${Input} label=${t("registry.filter.q")} name="q" value=${filters.q} onInput=${set("q")} />
      <${Select} label=${t("registry.f.facility_type")} name="facility_type" value=${filters.facility_type}
        options=${typeOptions(types, t("registry.filter.anyType"))} onChange=${set("facility_type")} />
      <${SearchSelect} label=${t("registry.f.province_code")} name="province_code" value=${filters.province_code}
        options=${pickOptions(units.provinces)} onChange=${(/** @type {string} */ v) => setFilters({ ...filters, province_code: v, commune_code: "" })} />
      <${SearchSelect} label=${t("registry.f.commune_code")} name="commune_code" value=${filters.commune_code}
        options=${pickOptions(units.communes)} onChange=${set("commune_code")} />
      <${Select} label=${t("registry.f.status")} name="status" value=${filters.status} options=${statusOptions()}
        onChange=${set("status")} />
      <div class="actions"><button type="submit" class="primary">${t("registry.filter.search")}</button></div>
    </form>
    <${ProblemBanner} error=${list.error} />
    <${Table} class="stack" data-testid="facilities" columns=${columns} rows=${list.items}
      empty=${list.loading ? t("ui.loading") : t("registry.list.empty")} />
    ${list.more ? html`<button type="button" onClick=${list.loadMore} disabled=${list.loading}>${t("ui.more")}</button>` : null}
  <//>`;
}

const TEXT_FIELDS = ["name", "street", "zone", "business_licence_number", "legal_representative", "contact_phone", "contact_email"];
const NUMBER_FIELDS = ["star_rating", "province_code", "commune_code", "rooms", "beds", "vehicles", "seats"];

/** @returns {FacilityValues} */
function blankFacility() {
  /** @type {FacilityValues} */
  const out = { facility_type: "" };
  for (const f of [...TEXT_FIELDS, ...NUMBER_FIELDS]) out[f] = "";
  out.province_code = String(DEFAULT_PROVINCE);
  return out;
}

/** @param {Facility} facility */
function fromFacility(facility) {
  const out = blankFacility();
  const known = /** @type {Record<string, unknown>} */ (facility);
  for (const f of Object.keys(out)) out[f] = known[f] == null ? "" : String(known[f]);
  return out;
}

// Which fields a type has: stars for hotels, a zone for zone housing, rooms and beds for
// lodging, vehicles and seats for coach operators.
/**
 * @param {FacilityType | undefined} type
 * @returns {Set<string>}
 */
function applicable(type) {
  /** @type {Set<string>} */
  const out = new Set();
  if (!type) return out;
  if (type.has_stars) out.add("star_rating");
  if (type.has_zone) out.add("zone");
  for (const f of type.takes_guests ? ["rooms", "beds"] : ["vehicles", "seats"]) out.add(f);
  return out;
}

const OPTIONAL = new Set(["star_rating", "zone", "rooms", "beds", "vehicles", "seats"]);

/**
 * The request body: a new facility's filled fields, or what an edit changes (null clears).
 * @param {FacilityValues} values
 * @param {FacilityType | undefined} type
 * @param {Facility | null} original the facility being edited
 */
function bodyOf(values, type, original) {
  const fits = applicable(type);
  /** @type {Record<string, string | number | null>} */
  const out = {};
  const before = /** @type {Record<string, unknown> | null} */ (original);
  for (const f of Object.keys(values)) {
    if (OPTIONAL.has(f) && !fits.has(f)) {
      // A field the type does not have: left out (or cleared when editing).
      if (before && before[f] != null) out[f] = null;
      continue;
    }
    const raw = String(values[f] ?? "").trim();
    const value = NUMBER_FIELDS.includes(f) ? num(raw) : raw || null;
    if (!before) {
      if (value !== null) out[f] = value;
    } else if (f !== "province_code" && value !== (before[f] ?? null)) {
      out[f] = value;
    }
  }
  return out;
}

/**
 * @param {object} props
 * @param {FacilityValues} props.values
 * @param {(values: FacilityValues) => void} props.setValues
 * @param {Record<string, string>} props.errors
 * @param {FacilityType[]} props.types
 * @param {boolean} [props.editing]
 */
export function FacilityFields({ values, setValues, errors, types, editing }) {
  const type = types.find((x) => x.code === values.facility_type);
  const fits = applicable(type);
  const units = useAdminUnits(values.province_code);
  /** @type {(f: string) => (v: string) => void} */
  const set = (f) => (v) => setValues({ ...values, [f]: v });
  /** @type {(f: string, extra?: Record<string, unknown>) => unknown} */
  const text = (f, extra = {}) =>
    html`<${Input} label=${t(`registry.f.${f}`)} name=${f} value=${values[f]} onInput=${set(f)} error=${errors[f]} ...${extra} />`;
  /** @type {(f: string, extra?: Record<string, unknown>) => unknown} */
  const number = (f, extra = {}) => text(f, { type: "number", inputmode: "numeric", min: "0", ...extra });
  return html`
    <fieldset class="registry-group">
      <legend>${t("registry.form.identity")}</legend>
      <div class="grid">
        ${text("name", { required: true })}
        <${Select} label=${t("registry.f.facility_type")} name="facility_type" required value=${values.facility_type}
          options=${typeOptions(types, t("registry.form.chooseType"))} onChange=${set("facility_type")}
          error=${errors.facility_type} />
        ${fits.has("star_rating")
          ? html`<${Select} label=${t("registry.f.star_rating")} name="star_rating" value=${values.star_rating}
              options=${[["", t("registry.form.noStars")], ...[1, 2, 3, 4, 5].map((n) => [String(n), t("registry.form.stars", { n })])]}
              onChange=${set("star_rating")} error=${errors.star_rating} />`
          : null}
        ${fits.has("zone") ? text("zone", { required: true }) : null}
        ${text("business_licence_number")}
      </div>
      ${type ? html`<p class="hint" data-testid="department">${t("registry.form.department", { department: departmentName(type), model: type.plan_model })}</p>` : null}
    </fieldset>
    <fieldset class="registry-group">
      <legend>${t("registry.form.address")}</legend>
      <div class="grid">
        <${SearchSelect} label=${t("registry.f.province_code")} name="province_code" required disabled=${editing}
          value=${values.province_code} options=${pickOptions(units.provinces)} error=${errors.province_code}
          onChange=${(/** @type {string} */ v) => setValues({ ...values, province_code: v, commune_code: "" })}
          hint=${editing ? t("registry.form.provinceFixed") : t("registry.form.provinceHint")} />
        <${SearchSelect} label=${t("registry.f.commune_code")} name="commune_code" required
          value=${values.commune_code} options=${pickOptions(units.communes)} error=${errors.commune_code}
          onChange=${set("commune_code")} hint=${t("registry.form.communeHint")} />
        ${text("street")}
      </div>
    </fieldset>
    ${fits.size && (fits.has("rooms") || fits.has("vehicles"))
      ? html`<fieldset class="registry-group">
          <legend>${t("registry.form.capacity")}</legend>
          <div class="grid">
            ${fits.has("rooms") ? [number("rooms"), number("beds")] : null}
            ${fits.has("vehicles") ? [number("vehicles", { required: true }), number("seats", { required: true })] : null}
          </div>
        </fieldset>`
      : null}
    <fieldset class="registry-group">
      <legend>${t("registry.form.contact")}</legend>
      <div class="grid">
        ${text("legal_representative")}
        ${text("contact_phone", { type: "tel", autocomplete: "off" })}
        ${text("contact_email", { type: "email", autocomplete: "off" })}
      </div>
    </fieldset>`;
}

export function FacilityCreate() {
  const types = useFacilityTypes();
  const [values, setValues] = useState(blankFacility);
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [busy, setBusy] = useState(false);
  /** What the registry answers a new facility with: it and its first manager's credentials. */
  const [created, setCreated] = useState(
    /** @type {{facility: Facility, manager: {username: string, one_time_password: string}} | null} */ (null),
  );
  /** @param {SubmitEvent} e */
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const type = types.find((x) => x.code === values.facility_type);
    try {
      setCreated(await api("/v1/facilities", { method: "POST", json: bodyOf(values, type, null) }));
      setValues(blankFacility());
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  if (created) {
    const { facility, manager } = created;
    return html`<${Page} title=${t("registry.create.title")}>
      <${Banner} kind="ok">${t("registry.create.done", { name: facility.name, code: facility.code })}<//>
      <${OneTimePassword} username=${manager.username} password=${manager.one_time_password}
        title=${t("registry.create.manager")} />
      <div class="actions">
        <a class="button primary" href=${`#/facilities/${facility.id}`}>${t("registry.create.open")}</a>
        <button type="button" onClick=${() => setCreated(null)}>${t("registry.create.another")}</button>
      </div>
    <//>`;
  }
  return html`<${Page} title=${t("registry.create.title")}>
    <form class="card registry-form" onSubmit=${submit} noValidate>
      <${ProblemBanner} error=${error} />
      <${FacilityFields} values=${values} setValues=${setValues} errors=${fieldErrors(error, "")} types=${types} />
      <div class="actions">
        <button type="submit" class="primary" disabled=${busy}>${t("registry.create.submit")}</button>
        <a class="button" href="#/facilities">${t("registry.back")}</a>
      </div>
    </form>
  <//>`;
}

/** @typedef {(next: Facility, message: string) => void} Changed */

/** @param {{facility: Facility, types: FacilityType[], onSaved: Changed, onCancel: () => void}} props */
function EditFacility({ facility, types, onSaved, onCancel }) {
  const [values, setValues] = useState(() => fromFacility(facility));
  const [error, setError] = useState(/** @type {unknown} */ (null));
  /** @param {SubmitEvent} e */
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    const type = types.find((x) => x.code === values.facility_type);
    const body = bodyOf(values, type, facility);
    if (!Object.keys(body).length) return onCancel();
    try {
      onSaved(await api(`/v1/facilities/${facility.id}`, { method: "PATCH", json: body }), t("registry.detail.saved"));
    } catch (err) {
      setError(err);
    }
  };
  return html`<form class="card registry-form" onSubmit=${submit} noValidate aria-labelledby="registry-edit-h">
    <h2 id="registry-edit-h">${t("registry.detail.edit")}</h2>
    <${ProblemBanner} error=${error} />
    <${FacilityFields} values=${values} setValues=${setValues} errors=${fieldErrors(error, "")} types=${types} editing />
    <div class="actions">
      <button type="submit" class="primary">${t("registry.detail.save")}</button>
      <button type="button" onClick=${onCancel}>${t("registry.cancel")}</button>
    </div>
  </form>`;
}

// suspend (reason required), reinstate (reason optional), close (final: confirmed twice).
/** @param {{facility: Facility, action: "suspend" | "reinstate" | "close", onDone: Changed}} props */
function StatusAction({ facility, action, onDone }) {
  const [reason, setReason] = useState("");
  const [confirm, setConfirm] = useState(false);
  const [error, setError] = useState(/** @type {unknown} */ (null));
  /** @param {SubmitEvent} e */
  const submit = async (e) => {
    e.preventDefault();
    if (action === "close" && !confirm) return setConfirm(true);
    setError(null);
    const text = reason.trim();
    try {
      const body = action === "suspend" || text ? { reason: text } : {};
      const next = await api(`/v1/facilities/${facility.id}/${action}`, { method: "POST", json: body });
      setReason("");
      onDone(next, t(`registry.action.${action}.done`));
    } catch (err) {
      setError(err);
    } finally {
      setConfirm(false);
    }
  };
  return html`<form class="card registry-status" onSubmit=${submit} noValidate aria-labelledby=${`registry-${action}-h`}>
    <h2 id=${`registry-${action}-h`}>${t(`registry.action.${action}.title`)}</h2>
    <p class="hint">${t(`registry.action.${action}.hint`)}</p>
    <${ProblemBanner} error=${error} />
    <${Input} label=${t(`registry.action.${action}.reason`)} name="reason" value=${reason} onInput=${setReason}
      required=${action === "suspend"} error=${fieldErrors(error, "").reason} />
    ${confirm ? html`<${Banner} kind="warn">${t("registry.action.close.warn")}<//>` : null}
    <div class="actions">
      <button type="submit" class=${action === "reinstate" ? "primary" : "danger"}>
        ${t(confirm ? "registry.action.close.confirm" : `registry.action.${action}.submit`)}</button>
      ${confirm ? html`<button type="button" onClick=${() => setConfirm(false)}>${t("registry.cancel")}</button>` : null}
    </div>
  </form>`;
}

/** @param {{params: Record<string, string>}} props */
export function FacilityPage({ params }) {
  const types = useFacilityTypes();
  const admin = hasRole("policeAdmin");
  const { data, error, loading } = useAsync(
    async () => /** @type {Facility} */ (await api(`/v1/facilities/${params.id}`)),
    [params.id],
  );
  const [facility, setFacility] = useState(/** @type {Facility | null} */ (null));
  const [notice, setNotice] = useState(/** @type {string | null} */ (null));
  const [editing, setEditing] = useState(false);
  const current = facility ?? data;
  if (loading && !current) return html`<${Loading} />`;
  if (!current) {
    return html`<${Page} title=${t("registry.detail.title")}><${ProblemBanner} error=${error} />
      <a class="button" href="#/facilities">${t("registry.back")}</a><//>`;
  }
  const type = types.find((x) => x.code === current.facility_type);
  /** @type {Changed} */
  const changed = (next, message) => {
    setFacility(next);
    setNotice(message);
    setEditing(false);
  };
  /** @type {(key: string, value: unknown) => unknown} */
  const fact = (key, value) => html`<div><dt>${t(`registry.f.${key}`)}</dt><dd data-field=${key}>${value ?? "—"}</dd></div>`;
  return html`<${Page} title=${current.name} actions=${html`<a class="button" href="#/facilities">${t("registry.back")}</a>
      ${admin ? html`<a class="button" href=${`#/audit?facility_id=${current.id}`}>${t("registry.detail.audit")}</a>` : null}`}>
    ${notice ? html`<${Banner} kind="ok">${notice}<//>` : null}
    <dl class="registry-facts card" data-testid="facility-facts">
      ${fact("status", html`<span data-testid="facility-status"><${FacilityStatus} status=${current.status} /></span>`)}
      ${current.status_reason ? fact("status_reason", current.status_reason) : null}
      ${fact("code", current.code)}
      ${fact("facility_type", type ? typeName(type) : current.facility_type)}
      ${fact("department", type ? departmentName(type) : null)}
      ${current.star_rating ? fact("star_rating", t("registry.form.stars", { n: current.star_rating })) : null}
      ${current.zone ? fact("zone", current.zone) : null}
      ${fact("province_code", html`<${ProvinceName} code=${current.province_code} />`)}
      ${fact("commune_code", html`<${CommuneName} province=${current.province_code} commune=${current.commune_code} />`)}
      ${fact("street", current.street)}
      ${current.rooms != null ? fact("rooms", fmtNumber(current.rooms)) : null}
      ${current.beds != null ? fact("beds", fmtNumber(current.beds)) : null}
      ${current.vehicles != null ? fact("vehicles", fmtNumber(current.vehicles)) : null}
      ${current.seats != null ? fact("seats", fmtNumber(current.seats)) : null}
      ${fact("business_licence_number", current.business_licence_number)}
      ${fact("legal_representative", current.legal_representative)}
      ${fact("contact_phone", current.contact_phone)}
      ${fact("contact_email", current.contact_email)}
      ${fact("created_at", fmtDateTime(current.created_at))}
      ${fact("updated_at", fmtDateTime(current.updated_at))}
    </dl>
    ${admin && current.status !== "closed"
      ? editing
        ? html`<${EditFacility} facility=${current} types=${types} onSaved=${changed} onCancel=${() => setEditing(false)} />`
        : html`<div class="actions registry-edit-open"><button type="button" onClick=${() => setEditing(true)}>${t("registry.detail.edit")}</button></div>`
      : null}
    ${admin && current.status === "active" ? html`<${StatusAction} key="suspend" facility=${current} action="suspend" onDone=${changed} />` : null}
    ${admin && current.status === "suspended" ? html`<${StatusAction} key="reinstate" facility=${current} action="reinstate" onDone=${changed} />` : null}
    ${admin && current.status !== "closed" ? html`<${StatusAction} key="close" facility=${current} action="close" onDone=${changed} />` : null}
    ${admin
      ? html`<section aria-labelledby="registry-users-h">
          <div class="page-head"><h2 id="registry-users-h">${t("registry.detail.users")}</h2>
            <a class="button" href=${`#/users/new?role=facility_staff&facility_id=${current.id}`}>${t("registry.detail.addUser")}</a></div>
          <${UsersTable} facilityId=${current.id} />
        </section>`
      : null}
    ${current.facility_type !== "coach"
      ? html`<section aria-labelledby="registry-rooms-h" data-testid="facility-rooms">
          <h2 id="registry-rooms-h">${t("rooms.police.title")}</h2>
          <${RoomRegistry} facilityId=${current.id} manage=${admin && current.status === "active"} />
        </section>`
      : null}
  <//>`;
}
