// @ts-check
// The mapping step of an upload (guest lists and trip passenger sheets), as the import
// wizards of hotel software have it: once a file is picked, ingest's preview
// (POST /v1/uploads/preview, which stores nothing) says which line it took as the header,
// what each column is read as, which required columns are missing and how the first rows
// fare; the operator fixes a column with its select, the preview runs again, and the upload
// is sent with that mapping (ingest then remembers it for the next file with these headers).
// Also: a file problem (problem+json) in words, and the notices of an upload's result.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { api, ApiError } from "./api.js";
import { getLang, localized, messages, t } from "./i18n.js";
import { fieldLabel } from "./labels.js";
import { Badge, Banner, html } from "./ui.js";

/** @typedef {import("./types.js").UploadPreview} UploadPreview */
/** @typedef {import("./types.js").UploadColumn} UploadColumn */
/** @typedef {import("./types.js").FieldChoice} FieldChoice */
/** @typedef {import("./types.js").Notice} Notice */
/** @typedef {import("./api.js").FieldProblem} FieldProblem */
/** A field's name from the API, "vi / en", by field. @typedef {Record<string, string>} Labels */

messages({
  vi: {
    "umap.title": "Kiểm tra tệp và ghép cột",
    "umap.intro": "Chọn trường cho những cột chưa nhận ra; các dòng đầu được kiểm tra lại ngay, chưa có gì được lưu.",
    "umap.checking": "Đang kiểm tra tệp…",
    "umap.headerRow": "Dòng tiêu đề: dòng {n}",
    "umap.noHeader": "Không tìm thấy dòng tiêu đề: dòng đầu tiên có dữ liệu được coi là tiêu đề. Hãy chọn trường cho từng cột, hoặc chỉ ra dòng tiêu đề.",
    "umap.noHeaderLine": "Tệp không có dòng tiêu đề",
    "umap.remembered": "Dùng cách ghép cột lần trước",
    "umap.rememberedHint": "Tệp có cùng tiêu đề với lần tải trước; cách ghép cột bạn đã chọn lúc đó được dùng lại.",
    "umap.missing": "Còn thiếu cột bắt buộc:",
    "umap.missingHint": "Chọn trường cho cột tương ứng trong bảng dưới (hoặc thêm cột vào tệp).",
    "umap.complete": "Đã có đủ các cột bắt buộc.",
    "umap.changeHeader": "Đổi dòng tiêu đề",
    "umap.headerInput": "Số dòng của dòng tiêu đề (1–20)",
    "umap.headerApply": "Dùng dòng này",
    "umap.headerInvalid": "Nhập một số từ 1 đến 20",
    "umap.columns": "Các cột trong tệp",
    "umap.col.column": "Cột",
    "umap.col.header": "Tiêu đề trong tệp",
    "umap.col.field": "Đọc thành",
    "umap.col.status": "Tình trạng",
    "umap.selectLabel": "Cột {column} — “{header}”",
    "umap.selectLabelBlank": "Cột {column} (không có tiêu đề)",
    "umap.blankHeader": "(trống)",
    "umap.ignore": "— Bỏ qua cột này —",
    "umap.notStoredOption": "{label} (không lưu)",
    "umap.status.mapped": "Được đọc",
    "umap.status.not-stored": "Không lưu",
    "umap.status.unknown": "Không nhận ra",
    "umap.status.duplicate": "Trùng cột {column}",
    "umap.status.duplicateAny": "Trùng cột trước",
    "umap.status.ignored": "Bỏ qua",
    "umap.notices": "Lưu ý về tệp",
    "umap.rows": "Các dòng đầu, kiểm tra thử",
    "umap.rowsNone": "Không có dòng dữ liệu nào dưới dòng tiêu đề.",
    "umap.rowsRegion": "Bảng các dòng đầu đã kiểm tra thử",
    "umap.row": "Dòng",
    "umap.rowStatus": "Kết quả",
    "umap.rowProblems": "Lỗi và cảnh báo",
    "umap.row.valid": "Hợp lệ",
    "umap.row.rejected": "Có lỗi",
    "umap.row.unchecked": "Chưa kiểm tra",
    "umap.warning": "Cảnh báo",
    "umap.blocked.checking": "Đang kiểm tra tệp, xin chờ.",
    "umap.blocked.missing": "Chưa tải lên được: còn thiếu cột bắt buộc (xem phần ghép cột ở trên).",
    "umap.blocked.file": "Chưa tải lên được: tệp có lỗi (xem thông báo ở trên).",
    "umap.problem.fallback": "Không xử lý được yêu cầu",
    "umap.result.headerRow": "Dòng tiêu đề đã dùng: dòng {n}",
    "umap.gender.male": "Nam",
    "umap.gender.female": "Nữ",
    "umap.gender.other": "Khác",
  },
  en: {
    "umap.title": "Check the file and match its columns",
    "umap.intro": "Choose the field of any column not recognised; the first rows are checked again at once, and nothing is stored yet.",
    "umap.checking": "Checking the file…",
    "umap.headerRow": "Header row: line {n}",
    "umap.noHeader": "No header row was found: the first line with data is taken as the header. Choose each column's field, or say which line is the header.",
    "umap.noHeaderLine": "The file has no header row",
    "umap.remembered": "Using your last column mapping",
    "umap.rememberedHint": "The file has the same headers as your last upload; the columns you matched then are used again.",
    "umap.missing": "Required columns are missing:",
    "umap.missingHint": "Choose the field of the matching column in the table below (or add the column to the file).",
    "umap.complete": "Every required column is there.",
    "umap.changeHeader": "Change the header row",
    "umap.headerInput": "Line number of the header row (1–20)",
    "umap.headerApply": "Use this line",
    "umap.headerInvalid": "Enter a number from 1 to 20",
    "umap.columns": "The file's columns",
    "umap.col.column": "Column",
    "umap.col.header": "Header in the file",
    "umap.col.field": "Read as",
    "umap.col.status": "Status",
    "umap.selectLabel": "Column {column} — “{header}”",
    "umap.selectLabelBlank": "Column {column} (no header)",
    "umap.blankHeader": "(blank)",
    "umap.ignore": "— Ignore this column —",
    "umap.notStoredOption": "{label} (not stored)",
    "umap.status.mapped": "Read",
    "umap.status.not-stored": "Not stored",
    "umap.status.unknown": "Not recognised",
    "umap.status.duplicate": "Same as column {column}",
    "umap.status.duplicateAny": "Same as an earlier column",
    "umap.status.ignored": "Ignored",
    "umap.notices": "Notes on the file",
    "umap.rows": "The first rows, checked",
    "umap.rowsNone": "There are no data rows under the header.",
    "umap.rowsRegion": "Table of the first rows, checked",
    "umap.row": "Row",
    "umap.rowStatus": "Result",
    "umap.rowProblems": "Errors and warnings",
    "umap.row.valid": "Valid",
    "umap.row.rejected": "Has errors",
    "umap.row.unchecked": "Not checked",
    "umap.warning": "Warning",
    "umap.blocked.checking": "Checking the file, please wait.",
    "umap.blocked.missing": "Cannot upload yet: required columns are missing (see the column matching above).",
    "umap.blocked.file": "Cannot upload yet: the file has a problem (see the message above).",
    "umap.problem.fallback": "The request could not be handled",
    "umap.result.headerRow": "Header row used: line {n}",
    "umap.gender.male": "Male",
    "umap.gender.female": "Female",
    "umap.gender.other": "Other",
  },
});

const DATE_FIELDS = new Set(["date_of_birth", "entry_date", "expected_check_out"]);
const FILE_STATUSES = new Set([413, 415, 422]);
const DEBOUNCE_MS = 400;
export const HEADER_SCAN = 20;

// "Họ và tên / Full name" (the APIs' two-language text) → the half of the current language.
// A text with as many " / " in each half ("… “Số CMND / CCCD” … / … “Số CMND / CCCD” …")
// is cut in the middle.
/**
 * @param {string | null | undefined} text
 * @returns {string}
 */
export function half(text) {
  if (text == null) return "";
  const parts = String(text).split(" / ");
  if (parts.length < 2) return String(text);
  const cut = parts.length % 2 === 0 ? parts.length / 2 : 1;
  return (getLang() === "en" ? parts.slice(cut) : parts.slice(0, cut)).join(" / ");
}

// The field a JSON pointer names ("/rows/4/id_number" → "id_number"); none for "/rows/4".
/** @param {string | null | undefined} pointer */
export function pointerField(pointer) {
  const last = (pointer || "").split("/").filter(Boolean).pop() || "";
  return /^\d+$/.test(last) || ["rows", "file", "passengers", "guests"].includes(last) ? "" : last;
}

// The name a person reads for a field: the API's label when given (labels: {field: "vi / en"}),
// the console's own otherwise; "" for what is no field.
/**
 * @param {string} key
 * @param {Labels} [labels]
 */
export function fieldText(key, labels = {}) {
  if (!key) return "";
  if (labels[key]) return half(labels[key]);
  return fieldLabel(key);
}

// One error or warning in words: "Ngày sinh: …" — the field's name unless the message starts
// with it already; never a pointer or a field key.
/**
 * @param {FieldProblem} e
 * @param {Labels} [labels]
 */
export function problemText(e, labels = {}) {
  const message = localized(e.message) || e.code || "";
  const name = fieldText(pointerField(e.pointer), labels);
  if (!name || message.toLocaleLowerCase().startsWith(name.toLocaleLowerCase())) return message;
  return `${name}: ${message}`;
}

// A file problem (problem+json) in words: the file-level detail, then each error's message
// (the trip's own fields named by `labels`); a problem's pointer is never shown.
/** @param {{error: unknown, labels?: Labels, testid?: string}} props */
export function UploadProblem({ error, labels = {}, testid = "upload-problem" }) {
  if (!error) return null;
  if (!(error instanceof ApiError)) {
    const said = error instanceof Error ? error.message : "";
    return html`<div class="banner error" role="alert" data-testid=${testid}>${t("ui.network")}: ${String(said || error)}</div>`;
  }
  const problem = error.problem || {};
  const detail = half(localized(problem.detail)) || problem.title || t("umap.problem.fallback");
  const seen = new Set([detail]);
  const lines = [];
  for (const e of problem.errors || []) {
    const text = problemText(e, labels);
    if (text && !seen.has(text)) {
      seen.add(text);
      lines.push(text);
    }
  }
  return html`<div class="banner error" role="alert" data-problem=${problem.code || ""} data-testid=${testid}>
    <strong>${detail}</strong>
    ${lines.length ? html`<ul class="problem-errors">${lines.map((l) => html`<li>${l}</li>`)}</ul>` : null}
  </div>`;
}

/** @type {(preview: UploadPreview | null) => Record<string, string | null>} */
const choicesOf = (preview) =>
  Object.fromEntries((preview?.columns || []).map((c) => [c.column, c.field ?? null]));

// The preview of `file` for `kind` ("guests" | "trip"), run again (debounced) as the operator
// changes a column: {preview, error, loading, pending, choices, setColumn, setHeaderRow,
// headerRow, blocked, appendTo(formData)}.
/** @typedef {Record<string, string | null>} Choices column letter → field (null: ignored) */
/**
 * @param {File | null} file
 * @param {"guests" | "trip"} kind
 */
export function useUploadPreview(file, kind) {
  const [state, setState] = useState(/** @type {{preview: UploadPreview | null, error: unknown, loading: boolean}} */ ({ preview: null, error: null, loading: false }));
  const [choices, setChoices] = useState(/** @type {Choices} */ ({}));
  const [changed, setChanged] = useState(false);
  const [headerRow, setHeaderRowState] = useState(/** @type {number | null} */ (null));
  const [pending, setPending] = useState(false);
  const seq = useRef(0);
  const edits = useRef(0);
  const timer = useRef(/** @type {number | undefined} */ (undefined));
  const latest = useRef(/** @type {{choices: Choices, headerRow: number | null}} */ ({ choices: {}, headerRow: null }));

  const run = useCallback(
    /**
     * @param {Choices | null} mapping
     * @param {number | null} header
     */
    (mapping, header) => {
      if (!file) return;
      const mine = ++seq.current;
      const editsAtStart = edits.current;
      setState((s) => ({ ...s, loading: true }));
      const body = new FormData();
      body.append("file", file, file.name);
      body.append("kind", kind);
      if (mapping) body.append("mapping", JSON.stringify(mapping));
      if (header) body.append("header_row", String(header));
      api("/v1/uploads/preview", { method: "POST", body }).then(
        (/** @type {UploadPreview} */ preview) => {
          if (mine !== seq.current) return;
          setState({ preview, error: null, loading: false });
          // A select changed while this preview ran keeps the operator's choice.
          if (edits.current === editsAtStart) {
            const next = choicesOf(preview);
            latest.current.choices = next;
            setChoices(next);
          }
        },
        (/** @type {unknown} */ error) => {
          if (mine !== seq.current) return;
          const fileLevel = error instanceof ApiError && FILE_STATUSES.has(error.status);
          setState((s) => ({ preview: fileLevel ? null : s.preview, error, loading: false }));
        },
      );
    },
    [file, kind],
  );

  useEffect(() => {
    clearTimeout(timer.current);
    seq.current += 1;
    edits.current = 0;
    latest.current = { choices: {}, headerRow: null };
    setState({ preview: null, error: null, loading: Boolean(file) });
    setChoices({});
    setChanged(false);
    setHeaderRowState(null);
    setPending(false);
    if (file) run(null, null);
    return () => {
      clearTimeout(timer.current);
      seq.current += 1; // an answer still on its way is for a file no longer shown
    };
  }, [file, kind]);

  /**
   * @param {string} letter
   * @param {string} field "" to ignore the column
   */
  const setColumn = (letter, field) => {
    edits.current += 1;
    const next = { ...latest.current.choices, [letter]: field || null };
    latest.current.choices = next;
    setChoices(next);
    setChanged(true);
    setPending(true);
    clearTimeout(timer.current);
    timer.current = window.setTimeout(() => {
      setPending(false);
      run(latest.current.choices, latest.current.headerRow);
    }, DEBOUNCE_MS);
  };

  // Another header line: the columns are another set, so their mapping starts afresh.
  /** @param {number} line */
  const setHeaderRow = (line) => {
    clearTimeout(timer.current);
    edits.current += 1;
    latest.current = { choices: {}, headerRow: line };
    setHeaderRowState(line);
    setChanged(true);
    setPending(false);
    run(null, line);
  };

  const preview = state.preview;
  /** @type {"checking" | "file" | "missing" | null} */
  let blocked = null;
  if (file) {
    if (state.loading || pending) blocked = "checking";
    else if (state.error instanceof ApiError && FILE_STATUSES.has(state.error.status) && !preview) blocked = "file";
    else if (preview && (preview.missing?.length || !preview.header_found)) blocked = "missing";
  }
  // The mapping goes with the upload when the operator chose it, or when it was the one
  // remembered (so that it is remembered again); a detected one is detected again.
  const sendMapping = preview !== null && (changed || preview.mapping_source !== "detected");
  /** @param {FormData} form */
  const appendTo = (form) => {
    if (sendMapping) form.append("mapping", JSON.stringify(latest.current.choices));
    if (latest.current.headerRow) form.append("header_row", String(latest.current.headerRow));
  };
  return { ...state, pending, choices, headerRow, setColumn, setHeaderRow, blocked, appendTo, sendMapping };
}

// Why the upload button is disabled, next to it (and named by it: aria-describedby).
/** @param {{blocked: string | null, id: string}} props */
export function BlockedReason({ blocked, id }) {
  if (!blocked) return null;
  return html`<p id=${id} class="hint upload-blocked" data-testid="submit-reason">${t(`umap.blocked.${blocked}`)}</p>`;
}

/** @param {UploadPreview} preview */
const labelsOf = (preview) => {
  /** @type {Labels} */
  const out = {};
  for (const f of preview?.fields || []) out[f.field] = f.label;
  for (const c of preview?.columns || []) if (c.field && c.label && !out[c.field]) out[c.field] = c.label;
  return out;
};

/**
 * @param {UploadColumn} column
 * @param {UploadColumn[]} columns
 */
function columnStatus(column, columns) {
  if (!(column.status in STATUS_KIND)) return column.status;
  if (column.status !== "duplicate") return t(`umap.status.${column.status}`);
  const first = columns.find((c) => c.field === column.field && c.status === "mapped");
  return first ? t("umap.status.duplicate", { column: first.column }) : t("umap.status.duplicateAny");
}

/** @type {Record<string, string>} */
const STATUS_KIND = { mapped: "ok", "not-stored": "warn", unknown: "bad", duplicate: "warn", ignored: "neutral" };

/** @param {{id: string, column: UploadColumn, value: string | null, fields: FieldChoice[], onChange: (letter: string, field: string) => void}} props */
function ColumnSelect({ id, column, value, fields, onChange }) {
  const known = new Set(fields.map((f) => f.field));
  const current = value ?? "";
  /** @type {[value: string, label: string][]} */
  const extra = current && !known.has(current)
    ? [[current, t("umap.notStoredOption", { label: half(column.label) || current })]]
    : [];
  /** @type {[value: string, label: string][]} */
  const options = [["", t("umap.ignore")], ...fields.map((f) => /** @type {[string, string]} */ ([f.field, half(f.label)])), ...extra];
  return html`<select id=${id} name=${`column-${column.column}`} data-column=${column.column}
      onChange=${(/** @type {import("./types.js").SelectEvent} */ e) => onChange(column.column, e.currentTarget.value)}>
    ${options.map(([v, l]) => html`<option key=${v} value=${v} selected=${v === current}>${l}</option>`)}
  </select>`;
}

/** @param {{current: number | null, onApply: (line: number) => void, idPrefix: string}} props */
function HeaderRowChooser({ current, onApply, idPrefix }) {
  const [text, setText] = useState("");
  const [invalid, setInvalid] = useState(false);
  const id = `${idPrefix}-header-line`;
  const apply = () => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1 || n > HEADER_SCAN) return setInvalid(true);
    setInvalid(false);
    onApply(n);
  };
  return html`<details class="upload-map-header">
    <summary>${t("umap.changeHeader")}</summary>
    <div class=${`field${invalid ? " has-error" : ""}`}>
      <label for=${id}>${t("umap.headerInput")}</label>
      <div class="upload-map-header-row">
        <input id=${id} type="number" inputmode="numeric" min="1" max=${HEADER_SCAN} value=${text}
          placeholder=${current ? String(current) : ""}
          aria-invalid=${invalid ? "true" : undefined} aria-describedby=${invalid ? `${id}-error` : undefined}
          onInput=${(/** @type {import("./types.js").InputEvent_} */ e) => setText(e.currentTarget.value)}
          onKeyDown=${(/** @type {KeyboardEvent} */ e) => { if (e.key === "Enter") { e.preventDefault(); apply(); } }} />
        <button type="button" onClick=${apply}>${t("umap.headerApply")}</button>
      </div>
      ${invalid ? html`<small id=${`${id}-error`} class="field-error" role="alert">${t("umap.headerInvalid")}</small>` : null}
    </div>
  </details>`;
}

/**
 * @param {string} key
 * @param {unknown} value
 */
function formatValue(key, value) {
  if (value == null || value === "") return "—";
  const text = String(value);
  if (key === "gender" && ["male", "female", "other"].includes(text)) return t(`umap.gender.${text}`);
  let m;
  if (DATE_FIELDS.has(key) && (m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text))) return `${m[3]}/${m[2]}/${m[1]}`;
  // The arrival is Vietnam wall-clock time as read from the sheet (no zone): shown as is.
  if ((m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(text))) return `${m[3]}/${m[2]}/${m[1]} ${m[4]}:${m[5]}`;
  return typeof value === "object" ? JSON.stringify(value) : text;
}

/** @param {{preview: UploadPreview, labels: Labels, idPrefix: string}} props */
function PreviewRows({ preview, labels, idPrefix }) {
  const rows = preview.rows || [];
  if (!rows.length) return html`<p class="empty">${t("umap.rowsNone")}</p>`;
  const order = (preview.fields || []).map((f) => f.field);
  const present = new Set(rows.flatMap((r) => Object.keys(r.values || {})));
  const keys = [...order.filter((k) => present.has(k)), ...[...present].filter((k) => !order.includes(k))];
  /** @type {Record<string, string>} */
  const kind = { valid: "ok", rejected: "bad", unchecked: "neutral" };
  return html`<div class="table-wrap" role="region" tabindex="0" aria-labelledby=${`${idPrefix}-rows`}>
    <table class="stack upload-rows" data-testid="preview-rows">
      <thead><tr>
        <th scope="col" class="num">${t("umap.row")}</th>
        <th scope="col">${t("umap.rowStatus")}</th>
        ${keys.map((k) => html`<th scope="col">${fieldText(k, labels) || k}</th>`)}
        <th scope="col">${t("umap.rowProblems")}</th>
      </tr></thead>
      <tbody>${rows.map(
        (r) => html`<tr key=${r.row} data-row=${r.row} data-status=${r.status}>
          <td class="num" data-label=${t("umap.row")}>${r.row}</td>
          <td data-label=${t("umap.rowStatus")}><${Badge} kind=${kind[r.status] || "neutral"}>${r.status in kind ? t(`umap.row.${r.status}`) : r.status}<//></td>
          ${keys.map((k) => html`<td data-label=${fieldText(k, labels) || k}>${formatValue(k, r.values?.[k])}</td>`)}
          <td data-label=${t("umap.rowProblems")}>${r.errors?.length || r.warnings?.length
            ? html`<ul class="upload-row-problems">
                ${(r.errors || []).map((e) => html`<li class="upload-error">${problemText(e, labels)}</li>`)}
                ${(r.warnings || []).map((w) => html`<li class="upload-warning">${t("umap.warning")}: ${problemText(w, labels)}</li>`)}
              </ul>`
            : "—"}</td>
        </tr>`,
      )}</tbody>
    </table>
  </div>`;
}

/** @param {{notices: Notice[] | null | undefined, testid?: string}} props */
export function NoticeList({ notices, testid = "upload-notices" }) {
  if (!notices?.length) return null;
  return html`<ul class="upload-notices" data-testid=${testid}>${notices.map(
    (n, i) => html`<li key=${i} data-code=${n.code}>${localized(n.message) || n.code}</li>`,
  )}</ul>`;
}

// The mapping step itself, under the file picker.
/** @param {{state: ReturnType<typeof useUploadPreview>, idPrefix: string}} props */
export function MappingStep({ state, idPrefix }) {
  const { preview, loading, pending, choices, setColumn, setHeaderRow } = state;
  const busy = loading || pending;
  if (!preview) {
    return html`<div class="upload-map" data-testid="mapping">
      <p role="status" class="muted">${busy ? t("umap.checking") : ""}</p>
      <${UploadProblem} error=${state.error} testid="preview-problem" />
    </div>`;
  }
  const labels = labelsOf(preview);
  const fields = preview.fields || [];
  const columns = preview.columns || [];
  return html`<section class="upload-map" aria-labelledby=${`${idPrefix}-map-title`} data-testid="mapping"
      aria-busy=${busy ? "true" : "false"}>
    <h2 id=${`${idPrefix}-map-title`}>${t("umap.title")}</h2>
    <p class="muted">${t("umap.intro")}</p>
    <p role="status" class="muted upload-map-checking">${busy ? t("umap.checking") : ""}</p>
    <${UploadProblem} error=${state.error} testid="preview-problem" />
    <p class="upload-map-header-line" data-testid="header-row"><strong>${preview.header_row
      ? t("umap.headerRow", { n: preview.header_row })
      : t("umap.noHeaderLine")}</strong></p>
    ${!preview.header_found ? html`<${Banner} kind="warn">${t("umap.noHeader")}<//>` : null}
    ${preview.mapping_source === "remembered"
      ? html`<div class="banner info" role="status" data-testid="mapping-remembered">
          <strong>${t("umap.remembered")}</strong> <span>${t("umap.rememberedHint")}</span></div>`
      : null}
    ${preview.missing?.length
      ? html`<div class="banner error" role="alert" data-testid="mapping-missing">
          <strong>${t("umap.missing")}</strong>
          <ul class="problem-errors">${preview.missing.map((m) => html`<li>${localized(m)}</li>`)}</ul>
          <p class="upload-map-hint">${t("umap.missingHint")}</p>
        </div>`
      : html`<div class="banner ok" role="status" data-testid="mapping-complete">${t("umap.complete")}</div>`}
    <${HeaderRowChooser} current=${preview.header_row} onApply=${setHeaderRow} idPrefix=${idPrefix} />
    <h3 id=${`${idPrefix}-columns`}>${t("umap.columns")}</h3>
    <div class="table-wrap">
      <table class="stack upload-map-table" aria-labelledby=${`${idPrefix}-columns`} data-testid="mapping-columns">
        <thead><tr>
          <th scope="col">${t("umap.col.column")}</th>
          <th scope="col">${t("umap.col.header")}</th>
          <th scope="col">${t("umap.col.field")}</th>
          <th scope="col">${t("umap.col.status")}</th>
        </tr></thead>
        <tbody>${columns.map((c) => {
          const id = `${idPrefix}-col-${c.column}`;
          const name = c.header
            ? t("umap.selectLabel", { column: c.column, header: c.header })
            : t("umap.selectLabelBlank", { column: c.column });
          return html`<tr key=${c.column} data-column=${c.column} data-status=${c.status}>
            <td class="upload-map-letter" data-label=${t("umap.col.column")}><strong>${c.column}</strong></td>
            <td class="upload-map-text" data-label=${t("umap.col.header")}>${c.header || html`<span class="muted">${t("umap.blankHeader")}</span>`}</td>
            <td class="upload-map-field" data-label=${t("umap.col.field")}>
              <label for=${id} class="visually-hidden">${name}</label>
              <${ColumnSelect} id=${id} column=${c} value=${c.column in choices ? choices[c.column] : c.field}
                fields=${fields} onChange=${setColumn} />
            </td>
            <td data-label=${t("umap.col.status")} data-testid="column-status">
              <${Badge} kind=${STATUS_KIND[c.status] || "neutral"}>${columnStatus(c, columns)}<//>
            </td>
          </tr>`;
        })}</tbody>
      </table>
    </div>
    ${preview.notices?.length
      ? html`<h3>${t("umap.notices")}</h3><${NoticeList} notices=${preview.notices} testid="preview-notices" />`
      : null}
    <h3 id=${`${idPrefix}-rows`}>${t("umap.rows")}</h3>
    <${PreviewRows} preview=${preview} labels=${labels} idPrefix=${idPrefix} />
  </section>`;
}

// What an upload's result says about the file as a whole: the header line used, the notices.
/** @param {{status: {header_row?: number | null, notices?: Notice[]} | null | undefined}} props */
export function ResultNotices({ status }) {
  if (!status) return null;
  const notices = status.notices || [];
  if (!status.header_row && !notices.length) return null;
  return html`<div class="upload-result-notices">
    ${status.header_row ? html`<p data-testid="result-header-row">${t("umap.result.headerRow", { n: status.header_row })}</p>` : null}
    ${notices.length
      ? html`<${Banner} kind="warn"><strong>${t("umap.notices")}</strong><${NoticeList} notices=${notices} /><//>`
      : null}
  </div>`;
}

