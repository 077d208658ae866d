// @ts-check
// Upload a guest list (CSV/XLSX): the templates, the file and its mapping step (the header
// line found, a field per column, the first rows checked: upload-mapping.js), then the
// progress of the background processing, the notices on the file and the refused rows with
// row, field and message; the error sheet (the operator's own refused rows with an error
// column) to fix and upload again.
import "./messages.js";
import { useEffect, useRef, useState } from "preact/hooks";
import { api, ApiError, download } from "../../api.js";
import { fmtNumber, localized, t } from "../../i18n.js";
import { navigate } from "../../router.js";
import { Banner, fieldErrors, html, Page, ProblemBanner, Table } from "../../ui.js";
import {
  BlockedReason, fieldText, MappingStep, pointerField, ResultNotices, UploadProblem, useUploadPreview,
} from "../../upload-mapping.js";
import { fieldLabel } from "./common.js";

// The field of a refused row's error in words (the staff pages' own names first).
/** @typedef {import("../../types.js").UploadStatus} UploadStatus */
/** @typedef {import("../../types.js").RowResult} RowResult */
/** A refused or warned row's problem, one per line. @typedef {import("../../api.js").FieldProblem & {row: number, key: string}} ProblemLine */

/** @param {string | undefined} pointer */
const errorField = (pointer) => {
  const key = pointerField(pointer);
  if (!key) return "—";
  return fieldLabel(key) || fieldText(key) || "—";
};

const FINISHED = new Set(["done", "failed"]);

// The upload's status with every row result (paged by after_row).
/**
 * @param {string} id
 * @returns {Promise<UploadStatus>}
 */
async function uploadStatus(id) {
  /** @type {UploadStatus} */
  const first = await api(`/v1/uploads/${id}?limit=5000`);
  const results = [...(first.results || [])];
  let after = first.next_after_row;
  while (after) {
    /** @type {UploadStatus} */
    const more = await api(`/v1/uploads/${id}?limit=5000&after_row=${after}`);
    results.push(...(more.results || []));
    after = more.next_after_row;
  }
  return { ...first, results };
}

/** @param {{path: string, name: string, children?: import("preact").ComponentChildren}} props */
function DownloadButton({ path, name, children }) {
  const [error, setError] = useState(/** @type {unknown} */ (null));
  return html`<span class="staff-download">
    <button type="button" onClick=${() => { setError(null); download(path, name).catch(setError); }}>${children}</button>
    <${ProblemBanner} error=${error} />
  </span>`;
}

/** @param {{status: UploadStatus}} props */
function Progress({ status }) {
  const finished = FINISHED.has(status.status);
  const total = status.total_rows;
  return html`<section class="card staff-card" aria-labelledby="staff-upload-progress" data-testid="upload-progress">
    <h2 id="staff-upload-progress">${t("staff.upload.progress")}</h2>
    <p>${t("staff.upload.file_name", { name: status.filename })} · <strong data-testid="upload-status">${t(`staff.upload.status.${status.status}`)}</strong></p>
    ${finished
      ? html`<progress class="progress" aria-labelledby="staff-upload-progress" max=${total || 1} value=${total || 1}></progress>`
      : html`<progress class="progress" aria-labelledby="staff-upload-progress"></progress>`}
    <p role="status" data-testid="upload-counts">${t("staff.upload.counts", {
      processed: fmtNumber(status.processed_rows),
      accepted: fmtNumber(status.accepted),
      duplicates: fmtNumber(status.duplicates),
      rejected: fmtNumber(status.rejected),
    })}</p>
    ${total != null ? html`<p class="muted">${t("staff.upload.total", { total: fmtNumber(total) })}</p>` : null}
    <${ResultNotices} status=${status} />
    ${status.status === "failed"
      ? html`<${Banner} kind="error">${t("staff.upload.status.failed")}${status.error
          ? html`: ${localized(status.error.detail || status.error.message) || status.error.code || JSON.stringify(status.error)}`
          : null}<//>`
      : null}
  </section>`;
}

// One line per problem: a row may be refused for several fields.
/** @type {(results: RowResult[], kind: "errors" | "warnings") => ProblemLine[]} */
const problemLines = (results, kind) =>
  results.flatMap((r) => (r[kind] || []).map((e, i) => ({ ...e, row: r.row, key: `${r.row}-${i}` })));

/** @param {{status: UploadStatus}} props */
function Results({ status }) {
  const results = status.results || [];
  const refused = problemLines(results.filter((r) => r.status === "rejected"), "errors");
  const warned = problemLines(results.filter((r) => r.status !== "rejected"), "warnings");
  /** @type {(labelKey: string) => import("../../ui.js").Column[]} */
  const columns = (labelKey) => [
    { key: "row", label: t("staff.f.row"), numeric: true },
    { key: "field", label: t("staff.f.field"), render: (/** @type {ProblemLine} */ e) => errorField(e.pointer) },
    { key: "message", label: t(labelKey), render: (/** @type {ProblemLine} */ e) => localized(e.message) || e.code },
  ];
  const id = status.upload_id;
  return html`<section class="card staff-card" aria-labelledby="staff-upload-refused">
    <h2 id="staff-upload-refused">${t("staff.upload.refused")} (${fmtNumber(status.rejected)})</h2>
    ${status.rejected
      ? html`<p class="muted">${t("staff.upload.errorsIntro")}</p>
        <div class="actions">
          <${DownloadButton} path=${`/v1/uploads/${id}/errors.xlsx`} name="errors.xlsx">${t("staff.upload.errorsXlsx")}<//>
          <${DownloadButton} path=${`/v1/uploads/${id}/errors.csv`} name="errors.csv">${t("staff.upload.errorsCsv")}<//>
        </div>`
      : null}
    <${Table} class="stack" data-testid="refused-rows" columns=${columns("staff.f.message")} rows=${refused}
      rowKey=${(/** @type {ProblemLine} */ e) => e.key} empty=${t("staff.upload.noneRefused")} />
    ${warned.length
      ? html`<h3>${t("staff.upload.warned")}</h3>
        <${Table} class="stack" data-testid="warned-rows" columns=${columns("staff.f.warning")} rows=${warned}
          rowKey=${(/** @type {ProblemLine} */ e) => e.key} />`
      : null}
  </section>`;
}

/** @param {{query: Record<string, string>}} props */
export function UploadPage({ query }) {
  const uploadId = query.upload || null;
  const [file, setFile] = useState(/** @type {File | null} */ (null));
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [fileError, setFileError] = useState(/** @type {string | null} */ (null));
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState(/** @type {UploadStatus | null} */ (null));
  const [pollError, setPollError] = useState(/** @type {unknown} */ (null));
  const input = useRef(/** @type {HTMLInputElement | null} */ (null));
  const preview = useUploadPreview(uploadId ? null : file, "guests");

  // Poll the upload until it is finished, then fetch every row result.
  useEffect(() => {
    if (!uploadId) return setStatus(null);
    let stop = false;
    let timer = 0;
    const poll = async () => {
      try {
        /** @type {UploadStatus} */
        const current = await api(`/v1/uploads/${uploadId}?limit=1`);
        if (stop) return;
        if (FINISHED.has(current.status)) {
          const full = await uploadStatus(uploadId);
          if (!stop) setStatus(full);
          return;
        }
        setStatus(current);
        setPollError(null);
      } catch (e) {
        if (stop) return;
        setPollError(e);
        if (e instanceof ApiError && (e.status === 404 || e.status === 403)) return;
      }
      timer = window.setTimeout(poll, 1000);
    };
    poll();
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [uploadId]);

  /** @param {SubmitEvent} event */
  const submit = async (event) => {
    event.preventDefault();
    setError(null);
    setFileError(null);
    if (!file) return setFileError(t("staff.upload.noFile"));
    const body = new FormData();
    body.append("file", file, file.name);
    preview.appendTo(body);
    setBusy(true);
    try {
      /** @type {UploadStatus} */
      const created = await api("/v1/uploads", { method: "POST", body });
      setStatus(created);
      navigate("/guest-list", { upload: created.upload_id });
    } catch (e) {
      setError(e);
      const errs = fieldErrors(e, "");
      setFileError(errs.file || null);
    } finally {
      setBusy(false);
    }
  };

  const another = () => {
    setFile(null);
    setStatus(null);
    navigate("/guest-list");
  };

  return html`<${Page} title=${t("staff.upload.title")}>
    <section class="card staff-card" aria-labelledby="staff-upload-templates">
      <h2 id="staff-upload-templates">${t("staff.upload.templates")}</h2>
      <p class="muted">${t("staff.upload.templatesIntro")}</p>
      <div class="actions">
        <${DownloadButton} path="/v1/templates/guests.xlsx" name="guests.xlsx">${t("staff.upload.templateXlsx")}<//>
        <${DownloadButton} path="/v1/templates/guests.csv" name="guests.csv">${t("staff.upload.templateCsv")}<//>
      </div>
    </section>
    ${uploadId
      ? html`
        <${ProblemBanner} error=${pollError} />
        ${status ? html`<${Progress} status=${status} />` : null}
        ${status?.status === "done" ? html`<${Results} status=${status} />` : null}
        <div class="actions"><button type="button" onClick=${another}>${t("staff.upload.another")}</button></div>`
      : html`<form class="card" onSubmit=${submit} noValidate aria-label=${t("staff.upload.title")}>
          <${UploadProblem} error=${error} />
          <div class=${`field${fileError ? " has-error" : ""}`}>
            <label for="staff-upload-file">${t("staff.upload.file")} <span class="req" aria-hidden="true">*</span></label>
            <input id="staff-upload-file" ref=${input} type="file" name="file" required
              accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              aria-invalid=${fileError ? "true" : undefined}
              aria-describedby=${fileError ? "staff-upload-file-error staff-upload-file-hint" : "staff-upload-file-hint"}
              onChange=${(/** @type {import("../../types.js").InputEvent_} */ e) => { setError(null); setFileError(null); setFile(e.currentTarget.files?.[0] || null); }} />
            <small id="staff-upload-file-hint" class="hint">${t("staff.upload.fileHint")}</small>
            ${fileError ? html`<small id="staff-upload-file-error" class="field-error" role="alert">${fileError}</small>` : null}
          </div>
          ${file ? html`<${MappingStep} state=${preview} idPrefix="staff-upload" />` : null}
          <div class="staff-submit">
            <button type="submit" class="primary" disabled=${busy || Boolean(preview.blocked)}
              aria-describedby=${preview.blocked ? "staff-upload-blocked" : undefined}>${t("staff.upload.submit")}</button>
            <${BlockedReason} blocked=${preview.blocked} id="staff-upload-blocked" />
          </div>
        </form>`}
  <//>`;
}
