// @ts-check
// The fields of one guest's registration (CheckIn of services/ingest): Vietnamese citizens
// by their 12-digit ID, foreigners by passport with visa and entry; a minor's accompanying
// adult; room and times. Shared by the check-in and correction pages.
import "./messages.js";
import { t } from "../../i18n.js";
import { fieldLabel } from "../../labels.js";
import { html, Input, Select } from "../../ui.js";
import { localInputVN } from "./common.js";

const NATIONALITIES = [
  "VNM", "CHN", "KOR", "JPN", "TWN", "USA", "RUS", "THA", "LAO", "KHM", "MYS", "SGP", "IDN",
  "PHL", "IND", "AUS", "GBR", "FRA", "DEU", "CAN",
];
const VISA_TYPES = ["exempt", "EV", "DL", "DN1", "DN2", "LĐ1", "LĐ2", "TT", "HN", "DH", "NG3"];
/** The fields a chip-card QR fills in. @type {("full_name" | "date_of_birth" | "gender" | "id_number")[]} */
const IDENTITY = ["full_name", "date_of_birth", "gender", "id_number"];

/**
 * One guest as the form holds it: every field a string ("" when empty), the document kind
 * chosen ("id" or "passport"), and what a scanned chip-card QR filled in.
 * @typedef {ReturnType<typeof emptyGuest>} Guest
 */

export function emptyGuest() {
  return {
    docKind: "id",
    full_name: "",
    date_of_birth: "",
    gender: "",
    id_number: "",
    legacy_id_number: "",
    passport_number: "",
    nationality: "VNM",
    country_of_residence: "",
    visa_type: "",
    visa_number: "",
    entry_date: "",
    entry_port: "",
    accompanying_adult_document: "",
    relationship: "",
    room: "",
    reason: "",
    check_in_at: localInputVN(),
    expected_check_out: "",
    qr: /** @type {string | null} */ (null),
    qrFields: /** @type {Record<string, string> | null} */ (null),
  };
}

// The form from a record as GET /v1/stays/{id} shows it (for a correction).
/**
 * @param {import("./common.js").Stay} stay
 * @returns {Guest}
 */
export function guestOfStay(stay) {
  return {
    ...emptyGuest(),
    docKind: stay.document_type === "passport" ? "passport" : "id",
    full_name: stay.full_name,
    date_of_birth: stay.date_of_birth,
    gender: stay.gender,
    id_number: stay.document_type === "passport" ? "" : stay.document_number,
    passport_number: stay.document_type === "passport" ? stay.document_number : "",
    nationality: stay.nationality,
    country_of_residence: stay.country_of_residence === stay.nationality ? "" : stay.country_of_residence,
    legacy_id_number: stay.legacy_id_number || "",
    visa_type: stay.visa_type || "",
    visa_number: stay.visa_number || "",
    entry_date: stay.entry_date || "",
    entry_port: stay.entry_port || "",
    accompanying_adult_document: stay.accompanying_adult_document || "",
    relationship: stay.relationship || "",
    reason: stay.reason || "",
    room: stay.room || "",
    check_in_at: localInputVN(new Date(stay.check_in_at)),
    expected_check_out: stay.expected_check_out || "",
  };
}

// The guest with the fields of a parsed chip-card QR (POST /v1/qr/parse).
/**
 * @param {Guest} guest
 * @param {import("../../types.js").QrGuest} parsed
 * @param {string} text the QR as read
 * @returns {Guest}
 */
export function withQr(guest, parsed, text) {
  const fields = {
    full_name: parsed.full_name,
    date_of_birth: parsed.date_of_birth,
    gender: parsed.gender,
    id_number: parsed.id_number,
  };
  return {
    ...guest,
    ...fields,
    legacy_id_number: parsed.legacy_id_number || "",
    docKind: "id",
    nationality: "VNM",
    qr: text,
    qrFields: fields,
  };
}

/** @param {Guest} g */
const isForeign = (g) => Boolean(g.nationality) && g.nationality.trim().toUpperCase() !== "VNM";

/**
 * Full years from `born` to `day` (both from "YYYY-MM-DD…"); null when either is missing.
 * @param {string} born
 * @param {string} day
 */
function ageOn(born, day) {
  if (!born || !day) return null;
  const [by, bm, bd] = born.split("-").map(Number);
  const [y, m, d] = day.slice(0, 10).split("-").map(Number);
  if (!by || !y) return null;
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** @param {Guest} g */
const isMinor = (g) => {
  const age = ageOn(g.date_of_birth, g.check_in_at || localInputVN());
  return (age !== null && age < 18) || Boolean(g.accompanying_adult_document || g.relationship);
};

// The request body (CheckIn): only what the guest's case needs, no empty strings.
/**
 * @param {Guest} g
 * @returns {Record<string, string>}
 */
export function guestBody(g) {
  /** @type {Record<string, string>} */
  const body = {};
  /** @type {(key: string, value: string | null | undefined, transform?: (v: string) => string) => void} */
  const put = (key, value, transform = (v) => v) => {
    const text = (value ?? "").toString().trim();
    if (text) body[key] = transform(text);
  };
  const foreign = isForeign(g);
  put("full_name", g.full_name);
  put("date_of_birth", g.date_of_birth);
  put("gender", g.gender);
  if (!foreign && g.docKind === "id") {
    put("id_number", g.id_number, (v) => v.replace(/\s+/g, ""));
    put("legacy_id_number", g.legacy_id_number);
  } else {
    put("passport_number", g.passport_number);
  }
  body.nationality = (g.nationality || "VNM").trim().toUpperCase();
  put("country_of_residence", g.country_of_residence, (v) => v.toUpperCase());
  if (foreign) {
    put("visa_type", g.visa_type);
    put("visa_number", g.visa_number);
    put("entry_date", g.entry_date);
    put("entry_port", g.entry_port);
  }
  if (isMinor(g)) {
    put("accompanying_adult_document", g.accompanying_adult_document);
    put("relationship", g.relationship);
  }
  put("room", g.room);
  put("reason", g.reason);
  put("check_in_at", g.check_in_at);
  put("expected_check_out", g.expected_check_out);
  // The QR goes along (the record is marked QR-sourced) while its identity fields stand as read.
  if (g.qr && g.qrFields && IDENTITY.every((k) => (g[k] || "") === (g.qrFields?.[k] || ""))) body.qr = g.qr;
  return body;
}

// errors: {field: message} from fieldErrors(); onChange(nextGuest); onLeave(fieldName) when
// the focus leaves a field (the check-in page checks it then, by the server's rules).
/**
 * @param {object} props
 * @param {Guest} props.guest
 * @param {(next: Guest) => void} props.onChange
 * @param {Record<string, string>} [props.errors]
 * @param {(field: string) => void} [props.onLeave]
 */
export function GuestForm({ guest: g, onChange, errors = {}, onLeave }) {
  /** @type {(name: keyof Guest) => (value: string) => void} */
  const set = (name) => (value) => onChange({ ...g, [name]: value });
  const foreign = isForeign(g);
  const passport = foreign || g.docKind === "passport";
  const minor = isMinor(g);
  /** @param {FocusEvent} event */
  const leave = (event) => {
    const target = /** @type {HTMLInputElement | null} */ (event.target);
    const name = target?.name;
    if (onLeave && name && target.matches?.("input, select, textarea")) onLeave(name);
  };
  return html`<div class="staff-guest-form" onFocusOut=${leave}>
    <fieldset class="staff-fieldset">
      <legend>${t("staff.section.identity")}</legend>
      <div class="grid">
        <${Input} label=${fieldLabel("full_name")} name="full_name" required autocomplete="off"
          value=${g.full_name} onInput=${set("full_name")} error=${errors.full_name} />
        <${Input} label=${fieldLabel("date_of_birth")} name="date_of_birth" type="date" required
          value=${g.date_of_birth} onInput=${set("date_of_birth")} error=${errors.date_of_birth} />
        <${Select} label=${fieldLabel("gender")} name="gender" required value=${g.gender}
          onChange=${set("gender")} error=${errors.gender}
          options=${[["", t("staff.gender.choose")], ["male", t("staff.gender.male")],
            ["female", t("staff.gender.female")], ["other", t("staff.gender.other")]]} />
        <${Input} label=${fieldLabel("nationality")} name="nationality" required list="staff-nationalities"
          value=${g.nationality} maxlength="3" autocapitalize="characters" hint=${t("staff.hint.nationality")}
          onInput=${(/** @type {string} */ v) => set("nationality")(v.toUpperCase())} error=${errors.nationality} />
        ${foreign
          ? null
          : html`<${Select} label=${t("staff.f.docKind")} name="docKind" value=${g.docKind}
              onChange=${set("docKind")}
              options=${[["id", t("staff.doc.id")], ["passport", t("staff.doc.passport")]]} />`}
        ${passport
          ? html`<${Input} label=${fieldLabel("passport_number")} name="passport_number" required
              autocapitalize="characters" hint=${t("staff.hint.passport")}
              value=${g.passport_number} onInput=${set("passport_number")}
              error=${errors.passport_number || errors.id_number} />`
          : html`<${Input} label=${fieldLabel("id_number")} name="id_number" required inputmode="numeric"
                autocomplete="off" hint=${t("staff.hint.id_number")}
                value=${g.id_number} onInput=${set("id_number")} error=${errors.id_number} />
              <${Input} label=${t("staff.f.ifAny", { field: fieldLabel("legacy_id_number") })} name="legacy_id_number" inputmode="numeric"
                value=${g.legacy_id_number} onInput=${set("legacy_id_number")} error=${errors.legacy_id_number} />`}
        <${Input} label=${fieldLabel("country_of_residence")} name="country_of_residence" list="staff-nationalities"
          maxlength="3" hint=${t("staff.hint.country_of_residence")} value=${g.country_of_residence}
          onInput=${(/** @type {string} */ v) => set("country_of_residence")(v.toUpperCase())} error=${errors.country_of_residence} />
      </div>
      <datalist id="staff-nationalities">${NATIONALITIES.map((c) => html`<option value=${c} />`)}</datalist>
    </fieldset>

    ${foreign
      ? html`<fieldset class="staff-fieldset" data-testid="foreigner-fields">
          <legend>${t("staff.section.foreigner")}</legend>
          <div class="grid">
            <${Input} label=${fieldLabel("visa_type")} name="visa_type" required list="staff-visa-types"
              hint=${t("staff.hint.visa_type")} value=${g.visa_type} onInput=${set("visa_type")} error=${errors.visa_type} />
            ${(g.visa_type || "").toLowerCase() === "exempt"
              ? null
              : html`<${Input} label=${fieldLabel("visa_number")} name="visa_number" required
                  value=${g.visa_number} onInput=${set("visa_number")} error=${errors.visa_number} />`}
            <${Input} label=${fieldLabel("entry_date")} name="entry_date" type="date" required
              value=${g.entry_date} onInput=${set("entry_date")} error=${errors.entry_date} />
            <${Input} label=${fieldLabel("entry_port")} name="entry_port" required
              value=${g.entry_port} onInput=${set("entry_port")} error=${errors.entry_port} />
          </div>
          <datalist id="staff-visa-types">${VISA_TYPES.map((c) => html`<option value=${c} />`)}</datalist>
        </fieldset>`
      : null}

    ${minor
      ? html`<fieldset class="staff-fieldset" data-testid="minor-fields">
          <legend>${t("staff.section.minor")}</legend>
          <p class="muted">${t("staff.section.minorIntro")}</p>
          <div class="grid">
            <${Input} label=${fieldLabel("accompanying_adult_document")} name="accompanying_adult_document"
              hint=${t("staff.hint.accompanying")} value=${g.accompanying_adult_document}
              onInput=${set("accompanying_adult_document")} error=${errors.accompanying_adult_document} />
            <${Input} label=${fieldLabel("relationship")} name="relationship" value=${g.relationship}
              onInput=${set("relationship")} error=${errors.relationship} />
          </div>
        </fieldset>`
      : null}

    <fieldset class="staff-fieldset">
      <legend>${t("staff.section.stay")}</legend>
      <div class="grid">
        <${Input} label=${fieldLabel("room")} name="room" value=${g.room} onInput=${set("room")} error=${errors.room} />
        <${Input} label=${fieldLabel("check_in_at")} name="check_in_at" type="datetime-local" required
          value=${g.check_in_at} onInput=${set("check_in_at")} error=${errors.check_in_at} />
        <${Input} label=${fieldLabel("expected_check_out")} name="expected_check_out" type="date"
          value=${g.expected_check_out} onInput=${set("expected_check_out")} error=${errors.expected_check_out} />
        <${Input} label=${t("staff.f.reason")} name="reason" maxlength="300"
          value=${g.reason} onInput=${set("reason")} error=${errors.reason} />
      </div>
    </fieldset>
  </div>`;
}
