// @ts-check
// The names people read instead of codes, from the APIs (one source, luutru_common.names and
// the administrative units): countries, provinces, communes, roles, visa types, facility
// types. Each list is fetched once per page load; a failed fetch is forgotten.
import { useEffect, useState } from "preact/hooks";
import { api } from "./api.js";
import { getLang } from "./i18n.js";
import { html } from "./ui.js";

/** @typedef {import("./types.js").Named} Named */

/** @type {Map<string, Promise<Named[]>>} */
const cache = new Map();
/** @type {Map<string, Named[]>} */
const known = new Map(); // path → the list once it has arrived (synchronous reads)

/**
 * @param {string} path
 * @returns {Promise<Named[]>}
 */
export function names(path) {
  if (!cache.has(path)) {
    cache.set(
      path,
      api(path).then(
        (/** @type {Named[]} */ list) => {
          known.set(path, list);
          return list;
        },
        (e) => {
          cache.delete(path);
          throw e;
        },
      ),
    );
  }
  return /** @type {Promise<Named[]>} */ (cache.get(path));
}

// The list at `path` ([] until it arrives, or when it cannot be had); null path: [].
/**
 * @param {string | null} path
 * @returns {Named[]}
 */
export function useNames(path) {
  const [list, setList] = useState(/** @type {() => Named[]} */ () => (path ? known.get(path) || [] : []));
  useEffect(() => {
    if (!path) return setList([]);
    let live = true;
    const had = known.get(path);
    if (had) setList(had);
    names(path).then((l) => live && setList(l), () => live && setList([]));
    return () => {
      live = false;
    };
  }, [path]);
  return list;
}

// The province the platform serves (Đồng Nai): its police officers' and analysts' communes.
export const HOME_PROVINCE = 75;
export const COUNTRIES = "/v1/countries";
export const PROVINCES = "/v1/provinces";
export const ROLES = "/v1/roles";
export const VISA_TYPES = "/v1/visa-types";
/** @type {(province: unknown) => string | null} */
export const communesPath = (province) => (Number(province) > 0 ? `/v1/provinces/${Number(province)}/communes` : null);

// {name} or {name_vi, name_en} in the current language.
/** @type {(item: Named | null | undefined) => string} */
export const nameIn = (item) => (item ? item.name ?? (getLang() === "en" ? item.name_en : item.name_vi) ?? "" : "");
/** @type {(list: Named[], code: unknown) => Named | undefined} */
export const lookup = (list, code) => list.find((x) => String(x.code).toUpperCase() === String(code ?? "").toUpperCase());
// The name of `code` in `list`, or the code itself while the names are not there.
/** @type {(list: Named[], code: unknown) => string} */
export const nameOf = (list, code) => (code == null || code === "" ? "" : nameIn(lookup(list, code)) || String(code));

// Options for SearchSelect: the name, with the code searchable.
/** @type {(list: Named[], options?: {withCode?: boolean}) => import("./ui.js").Option[]} */
export const pickOptions = (list, { withCode = false } = {}) =>
  list.map((x) => ({ value: String(x.code), label: nameIn(x), hint: withCode ? String(x.code) : undefined, search: `${x.name_en || ""} ${x.name_vi || ""}` }));

/** @typedef {string | number | null | undefined} Code */
/** @param {{path: string | null, code: Code, fallback?: string}} props */
function NameOf({ path, code, fallback }) {
  const list = useNames(code == null || code === "" ? null : path);
  if (code == null || code === "") return fallback ?? "—";
  return html`<span>${nameOf(list, code)}</span>`;
}

/** @param {{code: Code}} props */
export const CountryName = ({ code }) => html`<${NameOf} path=${COUNTRIES} code=${code} />`;
/** @param {{code: Code}} props */
export const ProvinceName = ({ code }) => html`<${NameOf} path=${PROVINCES} code=${code} />`;
/** @param {{code: Code}} props */
export const RoleName = ({ code }) => html`<${NameOf} path=${ROLES} code=${code} />`;
/** @param {{code: Code}} props */
export const VisaName = ({ code }) => html`<${NameOf} path=${VISA_TYPES} code=${code} />`;
/** @param {{province: Code, code: Code}} props */
export const CommuneName = ({ province, code }) => html`<${NameOf} path=${communesPath(province)} code=${code} />`;
