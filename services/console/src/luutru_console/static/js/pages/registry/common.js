// @ts-check
// Pieces shared by the registry pages: the facility types (with their department), status
// badges, the one-time password panel, a file field, and a cursor-paged list loader.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { api } from "../../api.js";
import { getLang, t } from "../../i18n.js";
import { Badge, html } from "../../ui.js";

export const DEFAULT_PROVINCE = 75; // Đồng Nai: the demo province's police

/** @typedef {import("../../types.js").FacilityType} FacilityType */
/** @typedef {import("../../types.js").AdminUnit} AdminUnit */

/** @type {Promise<FacilityType[]> | null} */
let typesPromise = null;
/** @returns {Promise<FacilityType[]>} */
export function facilityTypes() {
  typesPromise ??= api("/v1/facility-types").catch((e) => {
    typesPromise = null;
    throw e;
  });
  return typesPromise;
}

export function useFacilityTypes() {
  const [types, setTypes] = useState(/** @type {FacilityType[]} */ ([]));
  useEffect(() => {
    facilityTypes().then(setTypes, () => setTypes([]));
  }, []);
  return types;
}

/** @type {(type: FacilityType | null | undefined) => string} */
export const typeName = (type) => (type ? (getLang() === "en" ? type.name_en : type.name_vi) : "");
/** @type {(type: FacilityType | null | undefined) => string} */
export const departmentName = (type) =>
  type ? (getLang() === "en" ? type.department_name_en : type.department_name_vi) : "";

/**
 * @param {FacilityType[]} types
 * @param {string} code
 */
export function typeLabel(types, code) {
  const type = types.find((x) => x.code === code);
  return type ? typeName(type) : code;
}

/** @type {Record<string, string>} */
const STATUS_KIND = { active: "ok", suspended: "warn", closed: "bad" };
/** @param {{status: string}} props */
export function FacilityStatus({ status }) {
  const known = status in STATUS_KIND;
  return html`<${Badge} kind=${STATUS_KIND[status] || "neutral"}>${known ? t(`registry.status.${status}`) : status}<//>`;
}

// A one-time password, shown once, with the hand-over note.
/** @param {{username: string, password: string, title?: string}} props */
export function OneTimePassword({ username, password, title }) {
  return html`<div class="registry-otp" role="status" data-testid="one-time-credentials">
    ${title ? html`<p><strong>${title}</strong></p>` : null}
    <dl>
      <div><dt>${t("registry.otp.username")}</dt><dd><code data-testid="otp-username">${username}</code></dd></div>
      <div><dt>${t("registry.otp.password")}</dt><dd><code data-testid="one-time-password">${password}</code></dd></div>
    </dl>
    <p class="registry-otp-note">${t("registry.otp.note")}</p>
  </div>`;
}

// A cursor-paged list: {items, error, loading, more, loadMore, reload}. `path(cursor)` gives
// the URL of a page; `deps` restart from the first page. The items are the endpoint's: a
// caller names their shape with Paged<T> (`/** @type {Paged<User>} */ (usePaged(...))`).
/**
 * @template T
 * @typedef {{items: T[], next: string | null, error: unknown, loading: boolean, more: boolean, loadMore: () => Promise<void>, reload: () => Promise<void>}} Paged
 */
/**
 * @param {(cursor: string | null) => string} path
 * @param {unknown[]} deps
 * @returns {Paged<unknown>}
 */
export function usePaged(path, deps) {
  /** @typedef {{items: unknown[], next: string | null, error: unknown, loading: boolean}} PagedState */
  const [state, setState] = useState(/** @type {PagedState} */ ({ items: [], next: null, error: null, loading: true }));
  const seq = useRef(0);
  const load = useCallback(async (/** @type {string | null} */ cursor, /** @type {boolean} */ append) => {
    const mine = ++seq.current;
    setState((s) => ({ ...s, loading: true, error: null }));
    try {
      /** @type {import("../../types.js").Page<unknown>} */
      const page = await api(path(cursor));
      if (mine !== seq.current) return;
      setState((s) => ({
        items: append ? [...s.items, ...page.items] : page.items,
        next: page.next_cursor,
        error: null,
        loading: false,
      }));
    } catch (error) {
      if (mine === seq.current) setState((s) => ({ ...s, error, loading: false }));
    }
  }, deps);
  useEffect(() => {
    load(null, false);
  }, [load]);
  return {
    ...state,
    more: Boolean(state.next),
    loadMore: () => load(state.next, true),
    reload: () => load(null, false),
  };
}

// Number inputs: "" → null, digits → number, anything else as typed (the API says why).
/**
 * @param {unknown} value
 * @returns {number | string | null}
 */
export function num(value) {
  const text = String(value ?? "").trim();
  if (text === "") return null;
  return /^-?\d+$/.test(text) ? Number(text) : text;
}

// Provinces and their communes by name (accounts: GET /v1/provinces/...), cached per page load.
/** @type {Map<string, Promise<AdminUnit[]>>} */
const unitCache = new Map();
/**
 * @param {string} path
 * @returns {Promise<AdminUnit[]>}
 */
function adminUnits(path) {
  if (!unitCache.has(path)) {
    unitCache.set(path, api(path).catch((e) => {
      unitCache.delete(path);
      throw e;
    }));
  }
  return /** @type {Promise<AdminUnit[]>} */ (unitCache.get(path));
}

/** @param {unknown} provinceCode */
export function useAdminUnits(provinceCode) {
  const [units, setUnits] = useState(/** @type {{provinces: AdminUnit[], communes: AdminUnit[]}} */ ({ provinces: [], communes: [] }));
  useEffect(() => {
    let live = true;
    const province = Number(provinceCode);
    Promise.all([
      adminUnits("/v1/provinces"),
      province > 0 ? adminUnits(`/v1/provinces/${province}/communes`).catch(() => /** @type {AdminUnit[]} */ ([])) : [],
    ]).then(([provinces, communes]) => live && setUnits({ provinces, communes }), () => {});
    return () => {
      live = false;
    };
  }, [provinceCode]);
  return units;
}

/** @type {(units: AdminUnit[], code: unknown) => string | undefined} */
export const unitName = (units, code) => units.find((u) => String(u.code) === String(code))?.name;

// Suggestions for a code field: typing "Biên" offers "26068 — Phường Biên Hòa".
/** @param {{id: string, units: AdminUnit[]}} props */
export function UnitList({ id, units }) {
  return html`<datalist id=${id}>${units.map((u) => html`<option value=${u.code}>${u.name}</option>`)}</datalist>`;
}

// "Phường Biên Hòa": a commune by its name once known (its code until then).
/** @param {{province: unknown, commune: string | number}} props */
export function CommuneName({ province, commune }) {
  const units = useAdminUnits(province);
  const name = unitName(units.communes, commune);
  return html`<span title=${commune}>${name || commune}</span>`;
}
