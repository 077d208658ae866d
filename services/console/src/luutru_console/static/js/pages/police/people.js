// @ts-check
// Reads of personal data, each logged by the API with its stated purpose: foreign guests
// staying now, the person search, and (provincial police) the access log itself.
import { useState } from "preact/hooks";
import { api, query } from "../../api.js";
import { fmtDateTime, fmtNumber, t } from "../../i18n.js";
import { fieldLabel } from "../../labels.js";
import { html, Input, Loading, Page, ProblemBanner, pointerLabel, Select, Table, useAsync } from "../../ui.js";
import { RoleName } from "../../names.js";
import { formErrors, GuestTable, PrivacyNotice, UserName } from "./common.js";

// The most rows the API gives at once; a full page means there may be more.
const FOREIGN_LIMIT = 5000;
const SEARCH_LIMIT = 1000;

// The purpose of a read fields, empty ones left out (so a missing one is refused by the API).
/** @typedef {import("./common.js").GuestRecord} GuestRecord */
/** A read of personal data: its rows, its error, whether it is on its way. @typedef {{rows: GuestRecord[] | null, error: unknown, busy: boolean}} Read */
/** @typedef {(key: string) => (value: string) => void} Setter */
/**
 * One read of the access log.
 * @typedef {{at: string, subject: string, role: string, action: string, query?: Record<string, unknown> | null, purpose?: string | null, result_count?: number | null}} LogEntry
 */

/** @param {Record<string, string>} form */
const filled = (form) =>
  Object.fromEntries(Object.entries(form).map(([k, v]) => [k, v.trim()]).filter(([, v]) => v !== ""));

export function ForeignGuestsPage() {
  // The same structured purpose as the person search; oversight of foreigners preselected.
  const [form, setForm] = useState({ case_reference: "", reason: "foreigner-oversight", note: "" });
  /** @type {Setter} */
  const set = (key) => (value) => setForm({ ...form, [key]: value });
  const [state, setState] = useState(/** @type {Read} */ ({ rows: null, error: null, busy: false }));
  /** @param {SubmitEvent} event */
  const submit = async (event) => {
    event.preventDefault();
    setState({ rows: state.rows, error: null, busy: true });
    try {
      const answer = await api(`/v1/police/foreign-guests${query({ ...filled(form), limit: FOREIGN_LIMIT })}`);
      setState({ rows: answer.rows, error: null, busy: false });
    } catch (error) {
      setState({ rows: null, error, busy: false });
    }
  };
  // The API names query parameters "query:case_reference": the form's fields are the same.
  const errors = Object.fromEntries(
    Object.entries(formErrors(state.error)).map(([k, v]) => [k.replace(/^query:/, ""), v]),
  );
  return html`<${Page} title=${t("police.foreign.title")}>
    <${PrivacyNotice} />
    <form class="card" onSubmit=${submit} noValidate>
      <${SearchPurpose} form=${form} set=${set} errors=${errors} />
      <button type="submit" class="primary" disabled=${state.busy}>${t("police.foreign.show")}</button>
    </form>
    <${ProblemBanner} error=${state.error} />
    ${state.busy ? html`<${Loading} />` : null}
    ${state.rows
      ? html`<p role="status" data-testid="result-count">${t("police.foreign.count", { n: fmtNumber(state.rows.length) })}
          ${state.rows.length >= FOREIGN_LIMIT ? html` <strong>${t("police.firstOnly", { n: fmtNumber(FOREIGN_LIMIT) })}</strong>` : null}</p>
          <${GuestTable} rows=${state.rows} />`
      : null}
  <//>`;
}

const ACTIONS = new Set([
  "person-search",
  "foreign-guests",
  "watchlist-list",
  "alerts-list",
  "alerts-stream",
  "alerts-stream-sent",
  "alert-transition",
  "alerts-people",
]);

// Identifiers in a logged query (an alert's or a record's id) mean nothing to a reader: the
// entry is named by its action, time and officer instead.
const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** @param {unknown} value */
const isId = (value) => (Array.isArray(value) ? value.some(isId) : ID.test(String(value)));

/**
 * A logged query in words: the criteria that have a name, identifiers left out.
 * @param {Record<string, unknown> | null | undefined} query
 */
function queryInWords(query) {
  return Object.entries(query || {})
    .filter(([, v]) => v != null && v !== "" && !isId(v))
    .map(([k, v]) => [pointerLabel(`/${k}`), v])
    .filter(([label]) => label)
    .map(([label, v]) => `${label}: ${Array.isArray(v) ? v.join(", ") : v}`)
    .join(", ") || "—";
}

// The API's fixed list of reasons (analytics police/schemas.py SearchReason).
const REASONS = [
  "criminal-investigation", "administrative-violation", "wanted-person", "missing-person",
  "residence-management", "foreigner-oversight", "judicial-request",
];

// The purpose of a search, structured: the case it serves, a reason from the list, a note.
/** @param {{form: {case_reference: string, reason: string, note: string}, set: Setter, errors: Record<string, string>}} props */
function SearchPurpose({ form, set, errors }) {
  /** @type {[value: string, label: string][]} */
  const reasons = [["", t("police.reason.choose")], ...REASONS.map((r) => /** @type {[string, string]} */ ([r, t(`police.reason.${r}`)]))];
  return html`<div class="purpose-box grid">
    <${Input} label=${t("police.caseReference")} name="case_reference" required value=${form.case_reference}
      onInput=${set("case_reference")} error=${errors.case_reference} hint=${t("police.caseReferenceHint")}
      autocomplete="off" maxLength="60" />
    <${Select} label=${t("police.reason")} name="reason" required value=${form.reason} options=${reasons}
      onChange=${set("reason")} error=${errors.reason} />
    <${Input} label=${t("police.note")} name="note" value=${form.note} onInput=${set("note")}
      error=${errors.note} autocomplete="off" maxLength="500" />
  </div>`;
}

const EMPTY_SEARCH = { case_reference: "", reason: "", note: "", document_number: "", full_name: "", date_of_birth: "" };

export function SearchPage() {
  const [form, setForm] = useState(EMPTY_SEARCH);
  const [state, setState] = useState(/** @type {Read} */ ({ rows: null, error: null, busy: false }));
  /** @type {Setter} */
  const set = (key) => (value) => setForm({ ...form, [key]: value });
  /** @param {SubmitEvent} event */
  const submit = async (event) => {
    event.preventDefault();
    setState({ rows: null, error: null, busy: true });
    // Empty fields are left out, so a missing purpose is refused by the API (and logged nowhere).
    const body = filled(form);
    try {
      const answer = await api("/v1/police/search", { method: "POST", json: { ...body, limit: SEARCH_LIMIT } });
      setState({ rows: answer.rows, error: null, busy: false });
    } catch (error) {
      setState({ rows: null, error, busy: false });
    }
  };
  const errors = formErrors(state.error, "document_number");
  return html`<${Page} title=${t("police.search.title")}>
    <${PrivacyNotice} />
    <form class="card" onSubmit=${submit} noValidate aria-describedby="search-intro">
      <${SearchPurpose} form=${form} set=${set} errors=${errors} />
      <p id="search-intro" class="muted">${t("police.search.intro")}</p>
      <div class="grid">
        <${Input} label=${fieldLabel("document_number")} name="document_number" value=${form.document_number}
          onInput=${set("document_number")} error=${errors.document_number} autocomplete="off" />
        <${Input} label=${fieldLabel("full_name")} name="full_name" value=${form.full_name}
          onInput=${set("full_name")} error=${errors.full_name} autocomplete="off" />
        <${Input} label=${fieldLabel("date_of_birth")} name="date_of_birth" type="date" value=${form.date_of_birth}
          onInput=${set("date_of_birth")} error=${errors.date_of_birth} />
      </div>
      <button type="submit" class="primary" disabled=${state.busy}>${t("police.search.submit")}</button>
    </form>
    <${ProblemBanner} error=${state.error} />
    ${state.busy ? html`<${Loading} />` : null}
    ${state.rows
      ? html`<p role="status" data-testid="result-count">${t("police.search.found", { n: fmtNumber(state.rows.length) })}
          ${state.rows.length >= SEARCH_LIMIT ? html` <strong>${t("police.firstOnly", { n: fmtNumber(SEARCH_LIMIT) })}</strong>` : null}</p>
          <${GuestTable} rows=${state.rows} />`
      : null}
  <//>`;
}

/** @param {{query?: Record<string, string>}} props */
export function AccessLogPage({ query: params }) {
  const [form, setForm] = useState({ subject: params?.subject || "", limit: params?.limit || "100" });
  const [applied, setApplied] = useState(form);
  const log = useAsync(
    async () => /** @type {LogEntry[]} */ (await api(`/v1/police/access-log${query({ subject: applied.subject.trim(), limit: applied.limit })}`)),
    [applied],
  );
  const errors = formErrors(log.error);
  /** @param {typeof form} next */
  const show = (next) => {
    setForm(next);
    setApplied(next);
  };
  /** @type {import("../../ui.js").Column[]} */
  const columns = [
    { key: "at", label: t("police.log.at"), render: (/** @type {LogEntry} */ r) => fmtDateTime(r.at) },
    {
      key: "subject",
      label: t("police.log.subject"),
      render: (/** @type {LogEntry} */ r) => html`<${UserName} id=${r.subject} />
        <button type="button" class="link" title=${t("police.log.only", { subject: r.subject })}
          onClick=${() => show({ ...form, subject: r.subject })}>${t("police.log.filterThis")}</button>`,
    },
    { key: "role", label: t("police.log.role"), render: (/** @type {LogEntry} */ r) => html`<${RoleName} code=${r.role} />` },
    {
      key: "action",
      label: t("police.log.action"),
      render: (/** @type {LogEntry} */ r) => (ACTIONS.has(r.action) ? t(`police.log.action.${r.action}`) : html`<code>${r.action}</code>`),
    },
    {
      key: "query",
      label: t("police.log.query"),
      render: (/** @type {LogEntry} */ r) =>
        html`<span class="log-query">${queryInWords(r.query)}</span>`,
    },
    { key: "purpose", label: t("police.log.purpose") },
    { key: "result_count", label: t("police.log.count"), numeric: true },
  ];
  return html`<${Page} title=${t("police.log.title")}>
    <form class="card police-filters" noValidate onSubmit=${(/** @type {SubmitEvent} */ e) => { e.preventDefault(); show({ ...form }); }}>
      <${Input} label=${t("police.log.subjectId")} name="subject" value=${form.subject} hint=${t("police.log.subjectHint")}
        onInput=${(/** @type {string} */ v) => setForm({ ...form, subject: v })} error=${errors["query:subject"]} />
      <${Input} label=${t("police.log.limit")} name="limit" type="number" min="1" max="1000" value=${form.limit}
        onInput=${(/** @type {string} */ v) => setForm({ ...form, limit: v })} error=${errors["query:limit"]} />
      <button type="submit" class="primary">${t("police.log.filter")}</button>
    </form>
    <${ProblemBanner} error=${log.error} />
    ${log.loading ? html`<${Loading} />` : null}
    ${log.data ? html`<${Table} class="stack" data-testid="access-log" columns=${columns} rows=${log.data} />` : null}
  <//>`;
}

