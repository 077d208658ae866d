// @ts-check
// Hash routes ("#/guests?day=2026-11-27"): the server serves one page; each page module
// exports `routes`, and main.js shows the ones the signed-in role may use.
import { useEffect, useState } from "preact/hooks";

/** @param {string} [hash] */
export function parseHash(hash = location.hash) {
  const raw = hash.replace(/^#/, "") || "/";
  const [path, search = ""] = raw.split("?");
  return { path, query: Object.fromEntries(new URLSearchParams(search)) };
}

/**
 * @param {string} path
 * @param {Record<string, unknown>} [query] empty values are left out
 */
export function navigate(path, query = {}) {
  const search = new URLSearchParams(
    Object.entries(query)
      .filter(([, v]) => v !== "" && v != null)
      .map(([k, v]) => [k, String(v)]),
  );
  const text = search.toString();
  location.hash = text ? `${path}?${text}` : path;
}

export function useLocation() {
  const [where, setWhere] = useState(parseHash());
  useEffect(() => {
    const onChange = () => setWhere(parseHash());
    addEventListener("hashchange", onChange);
    onChange(); // a change between the first render and now would otherwise be lost
    return () => removeEventListener("hashchange", onChange);
  }, []);
  return where;
}

// A parameter goes into API paths (/v1/facilities/${id}): one that could change the path
// ("../../v1/police/…" from a crafted link), or that does not decode, matches nothing.
const UNSAFE_PARAM = /[/\\?#%]|^\.\.?$/;

/** @param {string} text */
function decodeParam(text) {
  try {
    const value = decodeURIComponent(text);
    return value && !UNSAFE_PARAM.test(value) ? value : null;
  } catch {
    return null;
  }
}

// "/stays/:id" matches "/stays/abc" → {id: "abc"}
/**
 * @param {string} pattern
 * @param {string} path
 * @returns {Record<string, string> | null}
 */
export function match(pattern, path) {
  const want = pattern.split("/");
  const got = path.split("/");
  if (want.length !== got.length) return null;
  /** @type {Record<string, string>} */
  const params = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(":")) {
      const value = decodeParam(got[i]);
      if (value === null) return null;
      params[want[i].slice(1)] = value;
    } else if (want[i] !== got[i]) return null;
  }
  return params;
}
