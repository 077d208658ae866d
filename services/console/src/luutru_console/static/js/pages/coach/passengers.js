// @ts-check
// The passenger list editor of a manifest (and of later additions): one fieldset per
// passenger, each field with the API's error for it (/passengers/2/id_number) right under it.
import { html, Input, Select, SearchSelect, fieldErrors, pointerLabel } from "../../ui.js";
import { COUNTRIES, nameIn, pickOptions, useNames, VISA_TYPES } from "../../names.js";
import { getLang, localized, t } from "../../i18n.js";
import { fieldLabel } from "../../labels.js";
import { ApiError } from "../../api.js";

let seq = 0;

const MAIN = ["full_name", "date_of_birth", "gender", "id_number", "passport_number", "nationality", "seat"];
const TRIP = ["boarding_point", "alighting_point"];
const MORE = [
  "country_of_residence",
  "visa_type",
  "visa_number",
  "entry_date",
  "entry_port",
  "accompanying_adult_document",
  "relationship",
];
export const PASSENGER_FIELDS = [...MAIN, ...TRIP, ...MORE];
const DATES = new Set(["date_of_birth", "entry_date"]);
const UPPER = new Set(["nationality", "country_of_residence"]);

/**
 * A passenger as the editor holds it: every field a string ("" when empty), and a key that
 * stays with the row while rows are added and removed.
 * @typedef {{key: string, nationality: string, gender: string, [field: string]: string}} PassengerRow
 */

/** @returns {PassengerRow} */
export function emptyPassenger() {
  /** @type {PassengerRow} */
  const row = { key: `p${++seq}`, nationality: "VNM", gender: "" };
  for (const f of PASSENGER_FIELDS) row[f] = "";
  row.nationality = "VNM";
  return row;
}

// The API body of a row: only what was typed (empty fields are left out).
/**
 * @param {PassengerRow} row
 * @returns {Record<string, string>}
 */
export function passengerBody(row) {
  /** @type {Record<string, string>} */
  const out = {};
  for (const f of PASSENGER_FIELDS) {
    const value = String(row[f] ?? "").trim();
    if (value) out[f] = UPPER.has(f) ? value.toUpperCase() : value;
  }
  return out;
}

/** @returns {[value: string, label: string][]} */
function genderOptions() {
  return [
    ["", t("coach.choose")],
    ["male", t("coach.gender.male")],
    ["female", t("coach.gender.female")],
    ["other", t("coach.gender.other")],
  ];
}

/**
 * @param {object} props
 * @param {PassengerRow} props.row
 * @param {number} props.index
 * @param {number} props.count
 * @param {Record<string, string>} props.errors this row's, by field
 * @param {string | undefined} props.whole an error of the row as a whole
 * @param {(next: PassengerRow) => void} props.onChange
 * @param {() => void} props.onRemove
 */
function PassengerFields({ row, index, count, errors, whole, onChange, onRemove }) {
  /** @type {(field: string) => (value: string) => void} */
  const set = (field) => (value) => onChange({ ...row, [field]: value });
  const countries = pickOptions(useNames(COUNTRIES));
  const visas = useNames(VISA_TYPES).map((v) => ({
    value: v.code,
    label: nameIn(v),
    hint: getLang() === "en" ? v.description_en : v.description_vi,
  }));
  /** @param {string} f */
  const field = (f) => {
    if (f === "nationality" || f === "country_of_residence" || f === "visa_type") {
      return html`<${SearchSelect} label=${fieldLabel(f)} name=${f} value=${row[f]} onChange=${set(f)}
        options=${f === "visa_type" ? visas : countries} error=${errors[f]} />`;
    }
    if (f === "gender") {
      return html`<${Select} label=${fieldLabel("gender")} name="gender" value=${row.gender}
        options=${genderOptions()} onChange=${set("gender")} error=${errors.gender} />`;
    }
    return html`<${Input} label=${fieldLabel(f)} name=${f} value=${row[f]} onInput=${set(f)}
      type=${DATES.has(f) ? "date" : "text"} error=${errors[f]}
      required=${f === "full_name"} />`;
  };
  const moreOpen = MORE.some((f) => errors[f]) || row.nationality.trim().toUpperCase() !== "VNM";
  const other = Object.entries(errors).filter(([k]) => !PASSENGER_FIELDS.includes(k));
  const n = index + 1;
  return html`<fieldset class="coach-passenger" id=${`passenger-${row.key}`} data-index=${index}>
    <legend>${t("coach.p.legend", { n })}</legend>
    ${whole || other.length
      ? html`<ul class="field-error coach-row-errors" role="alert">
          ${whole ? html`<li>${whole}</li>` : null}
          ${other.map(([k, m]) => html`<li>${pointerLabel(`/${k}`) ? `${pointerLabel(`/${k}`)}: ` : ""}${m}</li>`)}
        </ul>`
      : null}
    <div class="grid">${MAIN.map(field)}${TRIP.map(field)}</div>
    <details class="coach-more" open=${moreOpen}>
      <summary>${t("coach.p.more")}</summary>
      <div class="grid">${MORE.map(field)}</div>
    </details>
    ${count > 1
      ? html`<button type="button" class="danger" onClick=${onRemove}
          aria-label=${t("coach.p.removeN", { n })}>${t("coach.p.remove")}</button>`
      : null}
  </fieldset>`;
}

// rows/setRows: the editor's state; error: the ApiError of the last submit; pointer: where
// the rows live in the request body ("/passengers" for a manifest, "/add" for additions).
/**
 * @param {object} props
 * @param {PassengerRow[]} props.rows
 * @param {(rows: PassengerRow[]) => void} props.setRows
 * @param {unknown} props.error
 * @param {string} props.pointer
 */
export function PassengerEditor({ rows, setRows, error, pointer }) {
  /** @type {Record<string, string>} */
  const all = error instanceof ApiError ? error.fieldErrors : {};
  const add = () => {
    const row = emptyPassenger();
    setRows([...rows, row]);
    setTimeout(() => /** @type {HTMLInputElement | null} */ (document.querySelector(`#passenger-${row.key} input`))?.focus(), 0);
  };
  const listError = all[pointer];
  return html`<div class="coach-passengers">
    ${listError ? html`<p class="field-error" role="alert">${localized(listError)}</p>` : null}
    ${rows.map(
      (row, i) => html`<${PassengerFields} key=${row.key} row=${row} index=${i} count=${rows.length}
        errors=${fieldErrors(error, `${pointer}/${i}`)} whole=${all[`${pointer}/${i}`]}
        onChange=${(/** @type {PassengerRow} */ next) => setRows(rows.map((r) => (r.key === row.key ? next : r)))}
        onRemove=${() => setRows(rows.filter((r) => r.key !== row.key))} />`,
    )}
    <button type="button" onClick=${add}>${t("coach.p.add")}</button>
  </div>`;
}
