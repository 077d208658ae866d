// @ts-check
// A trip's passenger sheet (CSV/XLSX) plus the trip's fields: the sheet's mapping step (the
// header line found, a field per column, the first rows checked: upload-mapping.js), then
// stored at once (202) and processed in the background as one atomic manifest; the page
// follows it to a result per row and the notices on the file.
import { useEffect, useState } from "preact/hooks";
import { api, download } from "../../api.js";
import { fmtDateTime, fmtNumber, t } from "../../i18n.js";
import { fieldLabel } from "../../labels.js";
import { Badge, Banner, FileField, fieldErrors, html, Loading, Page, ProblemBanner, Table, useApp } from "../../ui.js";
import {
  BlockedReason, MappingStep, problemText, ResultNotices, UploadProblem, useUploadPreview,
} from "../../upload-mapping.js";
import { emptyTrip, TripFields, tripFieldsBody } from "./trip-form.js";

// The trip's own fields by name, for the problems of a refused submission.
/** @returns {Record<string, string>} */
const tripLabels = () => ({
  plate: fieldLabel("plate"),
  origin_province: fieldLabel("origin_province"),
  destination_province: fieldLabel("destination_province"),
  departure_at: fieldLabel("departure_at"),
  seats: fieldLabel("seats"),
});

// A row's errors in words: the field's name, then the message (never a pointer or a key).
/** @typedef {import("../../types.js").UploadStatus} UploadStatus */
/** @typedef {import("../../types.js").RowResult} RowResult */

/** @param {{list: import("../../api.js").FieldProblem[] | undefined}} props */
function ErrorList({ list }) {
  if (!list?.length) return "—";
  return html`<ul class="coach-row-errors">${list.map((e) => html`<li>${problemText(e, tripLabels())}</li>`)}</ul>`;
}

// Follow an upload until it is processed, then read every row result.
/** @param {string | null | undefined} uploadId */
function useUpload(uploadId) {
  /** @typedef {{upload: UploadStatus | null, rows: RowResult[], error: unknown}} Followed */
  const [state, setState] = useState(/** @type {Followed} */ ({ upload: null, rows: [], error: null }));
  useEffect(() => {
    if (!uploadId) return setState({ upload: null, rows: [], error: null });
    let stopped = false;
    (async () => {
      try {
        for (;;) {
          /** @type {UploadStatus} */
          const upload = await api(`/v1/uploads/${uploadId}?limit=1000`);
          if (stopped) return;
          if (upload.status === "done" || upload.status === "failed") {
            const rows = [...(upload.results || [])];
            let after = upload.next_after_row;
            while (after && !stopped) {
              /** @type {UploadStatus} */
              const next = await api(`/v1/uploads/${uploadId}?limit=1000&after_row=${after}`);
              rows.push(...(next.results || []));
              after = next.next_after_row;
            }
            if (!stopped) setState({ upload, rows, error: null });
            return;
          }
          setState({ upload, rows: [], error: null });
          await new Promise((r) => setTimeout(r, 800));
        }
      } catch (error) {
        if (!stopped) setState((s) => ({ ...s, error }));
      }
    })();
    return () => {
      stopped = true;
    };
  }, [uploadId]);
  return state;
}

/** @param {{path: string, name: string, children?: import("preact").ComponentChildren}} props */
function DownloadButton({ path, name, children }) {
  const [error, setError] = useState(/** @type {unknown} */ (null));
  return html`<span class="staff-download">
    <button type="button" onClick=${() => { setError(null); download(path, name).catch(setError); }}>${children}</button>
    <${ProblemBanner} error=${error} />
  </span>`;
}

// The trip's outcome comes first; then, when it was refused, only the rows that need fixing
// with their reasons (the others were fine, and wait for the whole file to be sent again),
// and the operator's own sheet with an error column to download: a trip is atomic, so the
// sheet holds every passenger, ready to fix and send again whole.
/** @param {{uploadId: string, day?: string}} props */
function UploadResult({ uploadId, day }) {
  const { upload, rows, error } = useUpload(uploadId);
  if (error) return html`<${ProblemBanner} error=${error} />`;
  if (!upload) return html`<${Loading} />`;
  const finished = upload.status === "done" || upload.status === "failed";
  const tripErrors = upload.error?.errors || [];
  const accepted = finished && upload.accepted > 0 && upload.rejected === 0;
  const toFix = rows.filter((r) => r.errors?.length);
  const fine = rows.length - toFix.length;
  const outcome = accepted ? "ok" : finished ? "bad" : "info";
  /** @type {import("../../ui.js").Column[]} */
  const columns = [
    { key: "row", label: t("coach.upload.row"), numeric: true },
    { key: "errors", label: t("coach.upload.errors"), render: (/** @type {RowResult} */ r) => html`<${ErrorList} list=${r.errors} />` },
  ];
  const shown = accepted ? rows : toFix;
  /** @type {import("../../ui.js").Column[]} */
  const withWarnings = [
    columns[0],
    { key: "warnings", label: t("coach.trip.warnings"), render: (/** @type {RowResult} */ r) => html`<${ErrorList} list=${r.warnings} />` },
  ];
  return html`<section class="card" aria-labelledby="coach-upload-result" aria-live="polite"
      data-testid="upload-result" data-upload-id=${upload.upload_id}>
    <h2 id="coach-upload-result">${t("coach.upload.result")}</h2>
    ${!finished ? html`<p role="status">${t("coach.upload.processing", { n: fmtNumber(upload.processed_rows) })}</p>` : null}
    ${accepted
      ? html`<${Banner} kind="ok">${t("coach.upload.allAccepted")}
          ${day ? html` <a href=${`#/trips?date=${day}`}>${t("coach.upload.toTrips")}</a>` : null}<//>`
      : null}
    ${finished && !accepted
      ? html`<div class="banner error" role="alert" data-testid="upload-outcome">
          <strong>${t("coach.upload.refused")}</strong>
          ${toFix.length ? html`<p>${t("coach.upload.toFix", { n: fmtNumber(toFix.length), ok: fmtNumber(fine) })}</p>` : null}
        </div>`
      : null}
    <dl class="coach-facts" data-testid="upload-facts">
      <div><dt>${t("coach.upload.file")}</dt><dd>${upload.filename}</dd></div>
      <div><dt>${t("coach.upload.status")}</dt><dd><${Badge} kind=${outcome}>${
        accepted ? t("coach.upload.outcome.accepted") : finished ? t("coach.upload.outcome.refused") : t(`coach.upload.status.${upload.status}`)
      }<//></dd></div>
      <div><dt>${t("coach.upload.accepted")}</dt><dd data-testid="upload-accepted">${fmtNumber(upload.accepted)}</dd></div>
      <div><dt>${t("coach.upload.rejected")}</dt><dd data-testid="upload-rejected">${fmtNumber(upload.rejected)}</dd></div>
      <div><dt>${t("coach.upload.created_at")}</dt><dd>${fmtDateTime(upload.created_at)}</dd></div>
    </dl>
    <${ResultNotices} status=${upload} />
    ${tripErrors.length
      ? html`<div class="banner error" role="alert"><strong>${t("coach.upload.tripErrors")}</strong>
          <${ErrorList} list=${tripErrors} /></div>`
      : null}
    ${finished && !accepted && toFix.length
      ? html`<p class="staff-downloads">
          <${DownloadButton} path=${`/v1/uploads/${upload.upload_id}/errors.xlsx`} name="loi-hanh-khach.xlsx">${t("coach.upload.errorsXlsx")}<//>
          <${DownloadButton} path=${`/v1/uploads/${upload.upload_id}/errors.csv`} name="loi-hanh-khach.csv">${t("coach.upload.errorsCsv")}<//>
        </p>`
      : null}
    ${finished && shown.length
      ? html`<${Table} class="stack" data-testid="upload-rows" columns=${accepted ? withWarnings : columns}
          rows=${shown} rowKey=${(/** @type {RowResult} */ r) => r.row} />`
      : null}
  </section>`;
}

/** @param {{query?: Record<string, string>}} props */
export function TripUpload({ query }) {
  const { navigate } = useApp();
  const [trip, setTrip] = useState(emptyTrip);
  const [file, setFile] = useState(/** @type {File | null} */ (null));
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [busy, setBusy] = useState(false);
  const [formKey, setFormKey] = useState(0);
  const preview = useUploadPreview(file, "trip");
  /** @param {SubmitEvent} event */
  const submit = async (event) => {
    event.preventDefault();
    setError(null);
    const form = new FormData();
    if (file) form.append("file", file, file.name);
    if (file) preview.appendTo(form);
    for (const [k, v] of Object.entries(tripFieldsBody(trip))) form.append(k, String(v ?? ""));
    setBusy(true);
    try {
      /** @type {UploadStatus} */
      const upload = await api("/v1/uploads/trips", { method: "POST", body: form });
      setFormKey((n) => n + 1);
      setFile(null);
      // The departure day (local, as typed) leads to the trip in that day's list.
      navigate("/trip-upload", { upload: upload.upload_id, date: (trip.departure_at || "").slice(0, 10) });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  // The template comes from ingest, which reads the sheet back: one list of headers.
  /** @param {"xlsx" | "csv"} fmt */
  const getTemplate = (fmt) =>
    download(`/v1/templates/trip-passengers.${fmt}`, `trip-passengers.${fmt}`).catch(setError);
  const errors = fieldErrors(error, "");
  return html`<${Page} title=${t("coach.upload.title")}
      actions=${html`<button type="button" onClick=${() => getTemplate("xlsx")}>${t("coach.upload.templateXlsx")}</button>
        <button type="button" onClick=${() => getTemplate("csv")}>${t("coach.upload.template")}</button>`}>
    <p class="hint">${t("coach.upload.intro")}</p>
    <form class="card coach-upload" onSubmit=${submit} noValidate>
      <${UploadProblem} error=${error} labels=${tripLabels()} />
      <${TripFields} trip=${trip} setTrip=${setTrip} errors=${errors} />
      <${FileField} key=${formKey} label=${t("coach.upload.file")} name="file" accept=".csv,.xlsx,text/csv"
        required hint=${t("coach.upload.fileHint")} error=${errors.file}
        onFile=${(/** @type {File | null} */ f) => { setError(null); setFile(f); }} />
      ${file ? html`<${MappingStep} state=${preview} idPrefix="coach-upload" />` : null}
      <div class="actions">
        <button type="submit" class="primary" disabled=${busy || !file || Boolean(preview.blocked)}
          aria-describedby=${preview.blocked ? "coach-upload-blocked" : undefined}>${t("coach.upload.submit")}</button>
        <a class="button" href="#/trips">${t("coach.back")}</a>
      </div>
      <${BlockedReason} blocked=${preview.blocked} id="coach-upload-blocked" />
    </form>
    ${query?.upload ? html`<${UploadResult} uploadId=${query.upload} day=${query.date} key=${query.upload} />` : null}
  <//>`;
}
