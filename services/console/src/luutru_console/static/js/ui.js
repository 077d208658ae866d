// Shared building blocks of every page: labelled fields with their error next to them,
// problem banners, tables, and a hook for loading data. Pages import from here only.
import { createContext, h } from "preact";
import { useCallback, useContext, useEffect, useRef, useState } from "preact/hooks";
import htm from "htm";
import { ApiError } from "./api.js";
import { localized, messages, t } from "./i18n.js";

export const html = htm.bind(h);

// {session, me, facility, lang, navigate}
export const AppContext = createContext(null);
export const useApp = () => useContext(AppContext);

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
  },
});

let fieldSeq = 0;
const useFieldId = (name) => useRef(`f-${name || "field"}-${++fieldSeq}`).current;

// One labelled input; `error` is shown under it and announced (aria-describedby).
export function Input({ label, name, error, hint, required, type = "text", value, onInput, ...rest }) {
  const id = useFieldId(name);
  const described = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(" ");
  return html`<div class=${`field${error ? " has-error" : ""}`}>
    <label for=${id}>${label}${required ? html` <span class="req" aria-hidden="true">*</span>` : null}</label>
    <input id=${id} name=${name} type=${type} value=${value ?? ""} required=${required}
      aria-invalid=${error ? "true" : undefined} aria-describedby=${described || undefined}
      onInput=${(e) => onInput?.(e.currentTarget.value, e)} ...${rest} />
    ${hint ? html`<small id=${`${id}-hint`} class="hint">${hint}</small>` : null}
    ${error ? html`<small id=${`${id}-error`} class="field-error" role="alert">${error}</small>` : null}
  </div>`;
}

export function TextArea({ label, name, error, hint, required, value, onInput, ...rest }) {
  const id = useFieldId(name);
  const described = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(" ");
  // `value` as a property (not child text), so clearing it from code clears the box.
  return html`<div class=${`field${error ? " has-error" : ""}`}>
    <label for=${id}>${label}${required ? html` <span class="req" aria-hidden="true">*</span>` : null}</label>
    <textarea id=${id} name=${name} required=${required} aria-invalid=${error ? "true" : undefined}
      aria-describedby=${described || undefined} value=${value ?? ""}
      onInput=${(e) => onInput?.(e.currentTarget.value, e)} ...${rest} />
    ${hint ? html`<small id=${`${id}-hint`} class="hint">${hint}</small>` : null}
    ${error ? html`<small id=${`${id}-error`} class="field-error" role="alert">${error}</small>` : null}
  </div>`;
}

// A file picker; Preact never writes its value (Input would reset it on each render).
export function FileField({ label, name, accept, error, hint, required, onFile }) {
  const id = useFieldId(name);
  const described = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(" ");
  return html`<div class=${`field${error ? " has-error" : ""}`}>
    <label for=${id}>${label}${required ? html` <span class="req" aria-hidden="true">*</span>` : null}</label>
    <input id=${id} name=${name} type="file" accept=${accept} required=${required}
      aria-invalid=${error ? "true" : undefined} aria-describedby=${described || undefined}
      onChange=${(e) => onFile(e.currentTarget.files?.[0] ?? null)} />
    ${hint ? html`<small id=${`${id}-hint`} class="hint">${hint}</small>` : null}
    ${error ? html`<small id=${`${id}-error`} class="field-error" role="alert">${error}</small>` : null}
  </div>`;
}

// options: [[value, label], ...]
export function Select({ label, name, error, required, value, options, onChange, ...rest }) {
  const id = useFieldId(name);
  return html`<div class=${`field${error ? " has-error" : ""}`}>
    <label for=${id}>${label}${required ? html` <span class="req" aria-hidden="true">*</span>` : null}</label>
    <select id=${id} name=${name} required=${required} aria-invalid=${error ? "true" : undefined}
      aria-describedby=${error ? `${id}-error` : undefined}
      onChange=${(e) => onChange?.(e.currentTarget.value, e)} ...${rest}>
      ${options.map(([v, l]) => html`<option value=${v} selected=${String(v) === String(value ?? "")}>${l}</option>`)}
    </select>
    ${error ? html`<small id=${`${id}-error`} class="field-error" role="alert">${error}</small>` : null}
  </div>`;
}

export function Checkbox({ label, name, checked, onChange }) {
  const id = useFieldId(name);
  return html`<div class="field checkbox">
    <input id=${id} name=${name} type="checkbox" checked=${checked}
      onChange=${(e) => onChange?.(e.currentTarget.checked)} />
    <label for=${id}>${label}</label>
  </div>`;
}

// Field errors of an ApiError, keyed by the field name under `prefix`
// ("/guests/0" + "/id_number" → {id_number: "…"}); the rest stay in the banner.
export function fieldErrors(error, prefix = "") {
  if (!(error instanceof ApiError)) return {};
  const out = {};
  for (const [pointer, message] of Object.entries(error.fieldErrors)) {
    if (pointer.startsWith(`${prefix}/`)) out[pointer.slice(prefix.length + 1)] = message;
  }
  return out;
}

// The problem as a banner: its detail and every field error (so none is ever hidden).
export function ProblemBanner({ error, onClose }) {
  if (!error) return null;
  if (!(error instanceof ApiError)) {
    return html`<div class="banner error" role="alert">${t("ui.network")}: ${String(error.message || error)}</div>`;
  }
  const errors = error.problem.errors || [];
  return html`<div class="banner error" role="alert" data-problem=${error.problem.code || ""}>
    <strong>${error.text}</strong>
    ${errors.length
      ? html`<ul class="problem-errors">${errors.map(
          (e) => html`<li><code>${e.pointer}</code> ${localized(e.message) || e.code}</li>`,
        )}</ul>`
      : null}
    ${onClose ? html`<button type="button" class="link" onClick=${onClose}>${t("ui.close")}</button>` : null}
  </div>`;
}

export function Banner({ kind = "info", children }) {
  return html`<div class=${`banner ${kind}`} role=${kind === "error" ? "alert" : "status"}>${children}</div>`;
}

export function Loading() {
  return html`<p class="loading" role="status">${t("ui.loading")}</p>`;
}

// columns: [{key, label, render?(row), numeric?}]
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

export function Page({ title, actions, children }) {
  useEffect(() => {
    document.title = `${title} · ${t("app.name")}`;
  }, [title]);
  return html`<section class="page">
    <header class="page-head"><h1 tabindex="-1">${title}</h1>${actions ? html`<div class="actions">${actions}</div>` : null}</header>
    ${children}
  </section>`;
}

// Load data for a view: {data, error, loading, reload}. `deps` as for useEffect.
export function useAsync(fn, deps = []) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
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

export const Badge = ({ kind = "neutral", children }) => html`<span class=${`badge ${kind}`}>${children}</span>`;
