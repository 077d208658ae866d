// @ts-check
// The names people read instead of codes, from the APIs (one source, luutru_common.names and
// the administrative units): countries, provinces, communes, roles, visa types, facility
// types. Each list is fetched once per page load; a failed fetch is forgotten.
import { useEffect, useState } from "preact/hooks";
import { api } from "./api.js";
import { getLang } from "./i18n.js";
import { html } from "./ui.js";

const cache = new Map();
const known = new Map(); // path → the list once it has arrived (synchronous reads)

export function names(path) {
  if (!cache.has(path)) {
    cache.set(
      path,
      api(path).then(
        (list) => {
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
  return cache.get(path);
}

// The list at `path` ([] until it arrives, or when it cannot be had); null path: [].
export function useNames(path) {
  const [list, setList] = useState(() => (path ? known.get(path) || [] : []));
  useEffect(() => {
    if (!path) return setList([]);
    let live = true;
    if (known.has(path)) setList(known.get(path));
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
export const communesPath = (province) => (Number(province) > 0 ? `/v1/provinces/${Number(province)}/communes` : null);

// {name} or {name_vi, name_en} in the current language.
export const nameIn = (item) => (item ? item.name ?? (getLang() === "en" ? item.name_en : item.name_vi) : "");
export const lookup = (list, code) => list.find((x) => String(x.code).toUpperCase() === String(code ?? "").toUpperCase());
// The name of `code` in `list`, or the code itself while the names are not there.
export const nameOf = (list, code) => (code == null || code === "" ? "" : nameIn(lookup(list, code)) || String(code));

// Options for SearchSelect: the name, with the code searchable.
export const pickOptions = (list, { withCode = false } = {}) =>
  list.map((x) => ({ value: String(x.code), label: nameIn(x), hint: withCode ? String(x.code) : undefined, search: `${x.name_en || ""} ${x.name_vi || ""}` }));

function Named({ path, code, fallback }) {
  const list = useNames(code == null || code === "" ? null : path);
  if (code == null || code === "") return fallback ?? "—";
  return html`<span>${nameOf(list, code)}</span>`;
}

export const CountryName = ({ code }) => html`<${Named} path=${COUNTRIES} code=${code} />`;
export const ProvinceName = ({ code }) => html`<${Named} path=${PROVINCES} code=${code} />`;
export const RoleName = ({ code }) => html`<${Named} path=${ROLES} code=${code} />`;
export const VisaName = ({ code }) => html`<${Named} path=${VISA_TYPES} code=${code} />`;
export const CommuneName = ({ province, code }) => html`<${Named} path=${communesPath(province)} code=${code} />`;
