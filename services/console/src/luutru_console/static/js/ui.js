// @ts-check
// Shared building blocks of every page: labelled fields with their error next to them,
// problem banners, tables, and a hook for loading data. Pages import from here only.
import { createContext, h } from "preact";
import { useCallback, useContext, useEffect, useRef, useState } from "preact/hooks";
import htm from "htm";
import { ApiError } from "./api.js";
import { localized, messages, t } from "./i18n.js";
import { fieldLabel, hasFieldLabel } from "./labels.js";

/** @typedef {import("./types.js").InputEvent_} InputEvent_ */
/** @typedef {import("./types.js").TextAreaEvent} TextAreaEvent */
/** @typedef {import("./types.js").SelectEvent} SelectEvent */

export const html = htm.bind(h);

/** @typedef {import("./types.js").App} App */
/** @typedef {import("preact").ComponentChildren} Children */

// The shell's {session, facility, navigate}; null only outside the shell (no page renders there).
export const AppContext = createContext(/** @type {App | null} */ (null));
/** @returns {App} */
export const useApp = () => /** @type {App} */ (useContext(AppContext));

messages({
  vi: {
    "ui.loading": "Đang tải…",
    "ui.empty": "Không có dữ liệu",
    "ui.error": "Có lỗi",
    "ui.required": "bắt buộc",
    "ui.fieldErrors": "Các trường cần sửa:",
    "ui.close": "Đóng",
    "ui.retry": "Thử lại",
    "ui.more": "Xem thêm",
    "ui.network": "Không kết nối được máy chủ",
    "ui.offline": "Mất kết nối mạng hoặc máy chủ không trả lời. Kiểm tra Wi-Fi hoặc 4G rồi thử lại.",
    "ui.item.guests": "Khách thứ {n}",
    "ui.item.passengers": "Hành khách thứ {n}",
    "ui.item.crew": "Người trong tổ lái thứ {n}",
    "ui.item.rows": "Dòng {n}",
    "ui.item.scopes": "Quyền thứ {n}",
    "ui.item.communes": "Xã, phường thứ {n}",
    "ui.search": "Tìm…",
    "ui.noMatch": "Không tìm thấy",
    "ui.choices": "Các lựa chọn",
    "ui.clear": "Xoá lựa chọn",
  },
  en: {
    "ui.loading": "Loading…",
    "ui.empty": "Nothing to show",
    "ui.error": "Something went wrong",
    "ui.required": "required",
    "ui.fieldErrors": "Fields to fix:",
    "ui.close": "Close",
    "ui.retry": "Retry",
    "ui.more": "Load more",
    "ui.network": "Cannot reach the server",
    "ui.offline": "No network connection, or the server did not answer. Check Wi-Fi or mobile data and try again.",
    "ui.item.guests": "Guest {n}",
    "ui.item.passengers": "Passenger {n}",
    "ui.item.crew": "Crew member {n}",
    "ui.item.rows": "Row {n}",
    "ui.item.scopes": "Scope {n}",
    "ui.item.communes": "Commune {n}",
    "ui.search": "Search…",
    "ui.noMatch": "No match",
    "ui.choices": "Choices",
    "ui.clear": "Clear the choice",
  },
});

let fieldSeq = 0;
/** @param {string | undefined} name */
const useFieldId = (name) => useRef(`f-${name || "field"}-${++fieldSeq}`).current;

/**
 * What every labelled field takes; other attributes go to the input as they are.
 * @typedef {object} FieldProps
 * @property {Children} [label]
 * @property {string} [name]
 * @property {string | null} [error] shown under the field and announced
 * @property {Children} [hint]
 * @property {boolean} [required]
 * @property {boolean} [disabled]
 */
/**
 * @typedef {FieldProps & {type?: string, value?: string | number | null, onInput?: (value: string, event: Event) => void, [attribute: string]: unknown}} InputProps
 */

// One labelled input; `error` is shown under it and announced (aria-describedby).
/** @param {InputProps} props */
export function Input({ label, name, error, hint, required, type = "text", value, onInput, ...rest }) {
  const id = useFieldId(name);
  const described = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(" ");
  return html`<div class=${`field${error ? " has-error" : ""}`}>
    <label for=${id}>${label}${required ? html` <span class="req" aria-hidden="true">*</span>` : null}</label>
    <input id=${id} name=${name} type=${type} value=${value ?? ""} required=${required}
      aria-invalid=${error ? "true" : undefined} aria-describedby=${described || undefined}
      onInput=${(/** @type {InputEvent_} */ e) => onInput?.(e.currentTarget.value, e)} ...${rest} />
    ${hint ? html`<small id=${`${id}-hint`} class="hint">${hint}</small>` : null}
    ${error ? html`<small id=${`${id}-error`} class="field-error" role="alert">${error}</small>` : null}
  </div>`;
}

/** @param {FieldProps & {value?: string | null, onInput?: (value: string, event: Event) => void, [attribute: string]: unknown}} props */
export function TextArea({ label, name, error, hint, required, value, onInput, ...rest }) {
  const id = useFieldId(name);
  const described = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(" ");
  // `value` as a property (not child text), so clearing it from code clears the box.
  return html`<div class=${`field${error ? " has-error" : ""}`}>
    <label for=${id}>${label}${required ? html` <span class="req" aria-hidden="true">*</span>` : null}</label>
    <textarea id=${id} name=${name} required=${required} aria-invalid=${error ? "true" : undefined}
      aria-describedby=${described || undefined} value=${value ?? ""}
      onInput=${(/** @type {TextAreaEvent} */ e) => onInput?.(e.currentTarget.value, e)} ...${rest} />
    ${hint ? html`<small id=${`${id}-hint`} class="hint">${hint}</small>` : null}
    ${error ? html`<small id=${`${id}-error`} class="field-error" role="alert">${error}</small>` : null}
  </div>`;
}

// A file picker; Preact never writes its value (Input would reset it on each render).
/** @param {FieldProps & {accept?: string, onFile: (file: File | null) => void}} props */
export function FileField({ label, name, accept, error, hint, required, onFile }) {
  const id = useFieldId(name);
  const described = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(" ");
  return html`<div class=${`field${error ? " has-error" : ""}`}>
    <label for=${id}>${label}${required ? html` <span class="req" aria-hidden="true">*</span>` : null}</label>
    <input id=${id} name=${name} type="file" accept=${accept} required=${required}
      aria-invalid=${error ? "true" : undefined} aria-describedby=${described || undefined}
      onChange=${(/** @type {InputEvent_} */ e) => onFile(e.currentTarget.files?.[0] ?? null)} />
    ${hint ? html`<small id=${`${id}-hint`} class="hint">${hint}</small>` : null}
    ${error ? html`<small id=${`${id}-error`} class="field-error" role="alert">${error}</small>` : null}
  </div>`;
}

/**
 * @param {FieldProps & {value?: string | number | null, options: [value: string | number, label: string][], onChange?: (value: string, event: Event) => void, [attribute: string]: unknown}} props
 */
export function Select({ label, name, error, required, value, options, onChange, ...rest }) {
  const id = useFieldId(name);
  return html`<div class=${`field${error ? " has-error" : ""}`}>
    <label for=${id}>${label}${required ? html` <span class="req" aria-hidden="true">*</span>` : null}</label>
    <select id=${id} name=${name} required=${required} aria-invalid=${error ? "true" : undefined}
      aria-describedby=${error ? `${id}-error` : undefined}
      onChange=${(/** @type {SelectEvent} */ e) => onChange?.(e.currentTarget.value, e)} ...${rest}>
      ${options.map(([v, l]) => html`<option value=${v} selected=${String(v) === String(value ?? "")}>${l}</option>`)}
    </select>
    ${error ? html`<small id=${`${id}-error`} class="field-error" role="alert">${error}</small>` : null}
  </div>`;
}

/** @param {{label: Children, name?: string, checked?: boolean, onChange?: (checked: boolean) => void}} props */
export function Checkbox({ label, name, checked, onChange }) {
  const id = useFieldId(name);
  return html`<div class="field checkbox">
    <input id=${id} name=${name} type="checkbox" checked=${checked}
      onChange=${(/** @type {InputEvent_} */ e) => onChange?.(e.currentTarget.checked)} />
    <label for=${id}>${label}</label>
  </div>`;
}

// Field errors of an ApiError, keyed by the field name under `prefix`
// ("/guests/0" + "/id_number" → {id_number: "…"}); the rest stay in the banner.
/**
 * @param {unknown} error
 * @param {string} [prefix]
 * @returns {Record<string, string>}
 */
export function fieldErrors(error, prefix = "") {
  if (!(error instanceof ApiError)) return {};
  /** @type {Record<string, string>} */
  const out = {};
  for (const [pointer, message] of Object.entries(error.fieldErrors)) {
    if (pointer.startsWith(`${prefix}/`)) out[pointer.slice(prefix.length + 1)] = message;
  }
  return out;
}

// Where an error is, in words: "/passengers/1/date_of_birth" → "Hành khách thứ 2 — Ngày sinh"
// (counted from 1, in the user's language). The field and list names below cover the APIs'
// bodies (labels.js); a page may add its own with fieldLabels({field: messageKey}, {list: messageKey}).
// A field with no name is left out (the message still says what is wrong), never shown as
// its key.
/** Page-specific names: {field: messageKey}, {list: messageKey}. */
/** @type {Record<string, string>} */
const FIELD_LABELS = {};
/** @type {Record<string, string>} */
const ITEM_LABELS = { guests: "ui.item.guests", passengers: "ui.item.passengers", add: "ui.item.passengers", crew: "ui.item.crew", rows: "ui.item.rows", scopes: "ui.item.scopes", communes: "ui.item.communes" };

/**
 * @param {Record<string, string>} [fields] field → message key
 * @param {Record<string, string>} [items] list → message key (with {n})
 */
export function fieldLabels(fields = {}, items = {}) {
  Object.assign(FIELD_LABELS, fields);
  Object.assign(ITEM_LABELS, items);
}

/**
 * @param {string | null | undefined} pointer
 * @returns {string} "" when no part of it has a name
 */
export function pointerLabel(pointer) {
  const text = String(pointer || "").replace(/^(query|path|header):/, "/");
  const parts = text.split("/").slice(1).map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  const out = [];
  for (let i = 0; i < parts.length; i += 1) {
    const part = parts[i];
    const next = parts[i + 1];
    if (next !== undefined && /^\d+$/.test(next) && ITEM_LABELS[part]) {
      // "/rows/N" is the sheet's own line number; lists in a body count from 0.
      out.push(t(ITEM_LABELS[part], { n: Number(next) + (part === "rows" ? 0 : 1) }));
      i += 1;
    } else if (FIELD_LABELS[part]) {
      out.push(t(FIELD_LABELS[part]));
    } else if (hasFieldLabel(part)) {
      out.push(fieldLabel(part));
    }
  }
  return out.join(" — ");
}

// The problem as a banner: its detail and every field error (so none is ever hidden), each
// under the field's name in words.
/** @param {{error: unknown, onClose?: () => void}} props */
export function ProblemBanner({ error, onClose }) {
  if (!error) return null;
  if (!(error instanceof ApiError)) {
    // Offline, a timeout or a dropped connection: plain words, not the browser's "Failed to fetch".
    return html`<div class="banner error" role="alert">${t("ui.offline")}</div>`;
  }
  const errors = error.problem.errors || [];
  return html`<div class="banner error" role="alert" data-problem=${error.problem.code || ""}>
    <strong>${error.text}</strong>
    ${errors.length
      ? html`<ul class="problem-errors">${errors.map((e) => {
          const where = pointerLabel(e.pointer);
          return html`<li>${where ? html`<span class="problem-field">${where}:</span> ` : null}${localized(e.message) || e.code}</li>`;
        })}</ul>`
      : null}
    ${onClose ? html`<button type="button" class="link" onClick=${onClose}>${t("ui.close")}</button>` : null}
  </div>`;
}

/** @param {{kind?: string, children?: Children}} props */
export function Banner({ kind = "info", children }) {
  return html`<div class=${`banner ${kind}`} role=${kind === "error" ? "alert" : "status"}>${children}</div>`;
}

export function Loading() {
  return html`<p class="loading" role="status">${t("ui.loading")}</p>`;
}

/**
 * One column of a Table: the row's `key` shown as is (or "—"), or what `render` makes of the row.
 * @typedef {{key: string, label: string, render?: (row: any) => unknown, numeric?: boolean}} Column
 */
// The rows are the endpoint's (a stay, a facility, a line of a report): each page's columns
// say how to show its own; `any` so a column's render takes the row as the page typed it.
/**
 * @param {{columns: Column[], rows: any[] | null | undefined, empty?: Children, caption?: Children, rowKey?: (row: any, index: number) => string | number, [attribute: string]: unknown}} props
 */
export function Table({ columns, rows, empty, caption, rowKey = (r, i) => r.id ?? i, ...rest }) {
  if (!rows?.length) return html`<p class="empty">${empty ?? t("ui.empty")}</p>`;
  return html`<div class="table-wrap"><table ...${rest}>
    ${caption ? html`<caption>${caption}</caption>` : null}
    <thead><tr>${columns.map((c) => html`<th scope="col" class=${c.numeric ? "num" : ""}>${c.label}</th>`)}</tr></thead>
    <tbody>${rows.map(
      (row, i) => html`<tr key=${rowKey(row, i)}>${columns.map(
        (c) => html`<td class=${c.numeric ? "num" : ""} data-label=${c.label}>${c.render ? c.render(row) : row[c.key] ?? "—"}</td>`,
      )}</tr>`,
    )}</tbody>
  </table></div>`;
}

/** @param {{title: string, actions?: Children, children?: Children}} props */
export function Page({ title, actions, children }) {
  useEffect(() => {
    document.title = `${title} · ${t("app.name")}`;
  }, [title]);
  return html`<section class="page">
    <header class="page-head"><h1 tabindex="-1">${title}</h1>${actions ? html`<div class="actions">${actions}</div>` : null}</header>
    ${children}
  </section>`;
}

/**
 * Load data for a view: {data, error, loading, reload}. `deps` as for useEffect.
 * @template T
 * @param {() => Promise<T> | T} fn
 * @param {unknown[]} [deps]
 * @returns {{data: T | null, error: unknown, loading: boolean, reload: () => void}} `error` is what
 *   `fn` threw: an ApiError, or the browser's error when there was no answer
 */
export function useAsync(fn, deps = []) {
  const [state, setState] = useState(/** @type {{data: T | null, error: unknown, loading: boolean}} */ ({ data: null, error: null, loading: true }));
  const seq = useRef(0);
  const reload = useCallback(() => {
    const mine = ++seq.current;
    setState((s) => ({ ...s, loading: true, error: null }));
    Promise.resolve()
      .then(fn)
      .then(
        (data) => mine === seq.current && setState({ data, error: null, loading: false }),
        (error) => mine === seq.current && setState({ data: null, error, loading: false }),
      );
  }, deps);
  useEffect(reload, [reload]);
  return { ...state, reload };
}

/** @param {{kind?: string, children?: Children}} props */
export const Badge = ({ kind = "neutral", children }) => html`<span class=${`badge ${kind}`}>${children}</span>`;

// Text without accents or case, for searching names as people type them ("han" finds "Hàn Quốc").
/** @type {(text: unknown) => string} */
export const searchKey = (text) =>
  String(text ?? "").replace(/[đĐ]/g, "d").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();

// A picker with search (a combobox): the chosen option's name in the box; typing lists the
// options whose name, code or `search` text contains what was typed (accents ignored);
// arrows, Enter and Escape by keyboard.
/** @typedef {{value: string | number, label: string, hint?: string, search?: string}} Option */
/**
 * @param {FieldProps & {value?: string | number | null, options: Option[], onChange?: (value: string) => void, placeholder?: string, max?: number}} props
 */
export function SearchSelect({ label, name, error, hint, required, disabled, value, options, onChange, placeholder, max = 50 }) {
  const id = useFieldId(name);
  const chosen = options.find((o) => String(o.value) === String(value ?? ""));
  const [text, setText] = useState(/** @type {string | null} */ (null)); // null: not typing, show the chosen option
  const [active, setActive] = useState(0);
  const [browse, setBrowse] = useState(false); // the whole list, by the down arrow
  // The list shows what matches the typed text; an empty box lists nothing unless asked.
  const open = text !== null && (text.trim() !== "" || browse);
  const wanted = searchKey(text || "");
  const found = open
    ? options
        .filter((o) => !wanted || searchKey(`${o.label} ${o.value} ${o.search || ""}`).includes(wanted))
        .slice(0, max)
    : [];
  /** @param {Option | undefined} o */
  const pick = (o) => {
    setText(null);
    setBrowse(false);
    onChange?.(o ? String(o.value) : "");
  };
  /** @param {KeyboardEvent} e */
  const onKeyDown = (e) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (!open) {
        setBrowse(true);
        return setText(text ?? "");
      }
      const step = e.key === "ArrowDown" ? 1 : -1;
      setActive((a) => Math.max(0, Math.min(found.length - 1, a + step)));
    } else if (e.key === "Enter" && open) {
      e.preventDefault();
      if (found[active]) pick(found[active]);
    } else if (e.key === "Escape" && open) {
      e.preventDefault();
      setText(null);
      setBrowse(false);
    }
  };
  // Leaving the box keeps the choice (what was typed without picking is dropped).
  const onBlur = () =>
    setTimeout(() => {
      setText(null);
      setBrowse(false);
    }, 150);
  const described = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(" ");
  const shown = text !== null ? text : chosen ? chosen.label : value ? String(value) : "";
  return html`<div class=${`field search-select${error ? " has-error" : ""}`}>
    <label for=${id}>${label}${required ? html` <span class="req" aria-hidden="true">*</span>` : null}</label>
    <input id=${id} name=${name} type="text" role="combobox" autocomplete="off" value=${shown ?? ""}
      placeholder=${placeholder ?? t("ui.search")} required=${required} disabled=${disabled}
      aria-autocomplete="list" aria-expanded=${open ? "true" : "false"} aria-controls=${`${id}-list`}
      aria-activedescendant=${open && found[active] ? `${id}-o${active}` : undefined}
      aria-invalid=${error ? "true" : undefined} aria-describedby=${described || undefined}
      onInput=${(/** @type {InputEvent_} */ e) => {
        const typed = e.currentTarget.value;
        setText(typed);
        setActive(0);
        if (typed === "" && value) onChange?.(""); // an emptied box clears the choice
      }}
      onFocus=${(/** @type {InputEvent_} */ e) => e.currentTarget.select?.()} onKeyDown=${onKeyDown} onBlur=${onBlur} />
    <ul id=${`${id}-list`} role="listbox" class="search-select-list" hidden=${!open} aria-label=${t("ui.choices")}>
      ${found.map(
        (o, i) => html`<li id=${`${id}-o${i}`} key=${o.value} role="option" aria-selected=${i === active ? "true" : "false"}
          class=${i === active ? "active" : ""} onMouseDown=${(/** @type {MouseEvent} */ e) => {
            e.preventDefault();
            pick(o);
          }}>${o.label}${o.hint ? html` <small class="muted">${o.hint}</small>` : null}</li>`,
      )}
      ${open && !found.length ? html`<li role="option" aria-disabled="true" aria-selected="false" class="muted">${t("ui.noMatch")}</li>` : null}
    </ul>
    ${hint ? html`<small id=${`${id}-hint`} class="hint">${hint}</small>` : null}
    ${error ? html`<small id=${`${id}-error`} class="field-error" role="alert">${error}</small>` : null}
  </div>`;
}

// No answer at all (offline, timed out, connection dropped) or the console's "service did not
// answer" (502/503/504): worth the same request again once the network is back.
/** @type {(error: unknown) => boolean} */
export const isUnreachable = (error) =>
  !(error instanceof ApiError) || [502, 503, 504].includes(error.status);
