// @ts-check
// Vietnamese first, English a click away. Each page module registers its own messages with
// messages({vi: {...}, en: {...}}); a key missing in a language is recorded (the browser
// tests fail on any) and falls back to Vietnamese.

/** @typedef {"vi" | "en"} Lang */
/** A message as the APIs give it: both languages, or one text ("tiếng Việt / English" at most). @typedef {{vi?: string, en?: string} | string} Localized */
/** @typedef {Record<string, string>} Dictionary */

/** @type {Record<Lang, Dictionary>} */
const dictionaries = { vi: {}, en: {} };
/** @type {Set<(lang: Lang) => void>} */
const listeners = new Set();
/** @type {Lang} */
let lang = localStorage.getItem("luutru.lang") === "en" ? "en" : "vi";
document.documentElement.lang = lang;

export const missingKeys = new Set();
window.__luutruMissingKeys = missingKeys;

/** @param {Partial<Record<Lang, Dictionary>>} dict */
export function messages(dict) {
  for (const code of /** @type {Lang[]} */ (Object.keys(dictionaries))) Object.assign(dictionaries[code], dict[code] || {});
}

/**
 * The message `key` in the current language, "{name}" filled from `params`.
 * @param {string} key
 * @param {Record<string, string | number | null | undefined>} [params]
 * @returns {string}
 */
export function t(key, params = {}) {
  let text = dictionaries[lang][key];
  if (text === undefined) {
    missingKeys.add(`${lang}:${key}`);
    text = dictionaries.vi[key] ?? key;
  }
  return text.replace(/\{(\w+)\}/g, (_, name) => (params[name] ?? "").toString());
}

export const getLang = () => lang;

/** @param {string} code */
export function setLang(code) {
  lang = code === "en" ? "en" : "vi";
  localStorage.setItem("luutru.lang", lang);
  document.documentElement.lang = lang;
  listeners.forEach((fn) => fn(lang));
}

/** @param {(lang: Lang) => void} fn */
export function onLangChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

// The APIs give messages as {vi, en}; some details as "tiếng Việt / English".
/**
 * @param {Localized | null | undefined} message
 * @returns {string}
 */
export function localized(message) {
  if (message == null) return "";
  if (typeof message === "object") return message[lang] ?? message.vi ?? message.en ?? "";
  const parts = String(message).split(" / ");
  if (parts.length === 2) return lang === "vi" ? parts[0] : parts[1];
  return String(message);
}

const TZ = "Asia/Ho_Chi_Minh";
const locale = () => (lang === "vi" ? "vi-VN" : "en-GB");

/** @type {(n: number | string | null | undefined, digits?: number) => string} */
export const fmtNumber = (n, digits = 0) =>
  n == null || Number.isNaN(n) ? "—" : Number(n).toLocaleString(locale(), { maximumFractionDigits: digits });

/** @type {(iso: string | null | undefined) => string} */
export const fmtDateTime = (iso) =>
  iso ? new Date(iso).toLocaleString(locale(), { timeZone: TZ, dateStyle: "short", timeStyle: "short" }) : "—";

/** @type {(isoDate: string | null | undefined) => string} */
export const fmtDate = (isoDate) => {
  if (!isoDate) return "—";
  const [y, m, d] = isoDate.slice(0, 10).split("-");
  return lang === "vi" ? `${d}/${m}/${y}` : `${d}/${m}/${y}`;
};

// Today's date in Vietnam (the legal day), as YYYY-MM-DD.
export function todayVN(offsetDays = 0) {
  const now = new Date(Date.now() + offsetDays * 86400000);
  return new Intl.DateTimeFormat("en-CA", { timeZone: TZ }).format(now);
}
