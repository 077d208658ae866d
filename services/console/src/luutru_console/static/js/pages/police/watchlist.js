// @ts-check
// The watchlist (provincial police only): the active entries, adding one, removing one, and
// uploading a CSV/XLSX file with a result per row.
import { useState } from "preact/hooks";
import { api } from "../../api.js";
import { fmtDate, fmtDateTime, localized, t } from "../../i18n.js";
import { fieldLabel } from "../../labels.js";
import { Banner, fieldErrors, html, Input, Loading, Page, pointerLabel, ProblemBanner, Table, useAsync } from "../../ui.js";
import { formErrors, UserName } from "./common.js";

/**
 * A watchlist entry (analytics' watchlist).
 * @typedef {{entry_id: string, document_number?: string | null, full_name?: string | null, date_of_birth?: string | null, reason: string, created_by: string, created_at: string}} Entry
 */
/** One row of an uploaded list. @typedef {{row: number, entry_id?: string | null, alerts_raised?: number, errors?: import("../../api.js").FieldProblem[]}} UploadRow */
/** @typedef {{accepted: number, rejected: number, alerts_raised: number, rows: UploadRow[]}} UploadResultShape */

const EMPTY = { document_number: "", full_name: "", date_of_birth: "", reason: "" };

export function WatchlistPage() {
  const list = useAsync(async () => /** @type {Entry[]} */ (await api("/v1/watchlist")), []);
  const [notice, setNotice] = useState(/** @type {string | null} */ (null));
  /** @param {string} message */
  const refresh = (message) => {
    setNotice(message);
    list.reload();
  };
  return html`<${Page} title=${t("police.watchlist.title")}>
    <p class="muted">${t("police.watchlist.intro")}</p>
    ${notice ? html`<${Banner} kind="ok">${notice}<//>` : null}
    <div class="police-columns">
      <${AddEntry} onAdded=${refresh} />
      <${UploadFile} onUploaded=${() => list.reload()} />
    </div>
    <${ProblemBanner} error=${list.error} />
    ${list.loading && !list.data ? html`<${Loading} />` : null}
    ${list.data ? html`<${Entries} entries=${list.data} onRemoved=${refresh} />` : null}
  <//>`;
}

/** @param {{onAdded: (message: string) => void}} props */
function AddEntry({ onAdded }) {
  const [form, setForm] = useState(EMPTY);
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [busy, setBusy] = useState(false);
  /** @type {(key: keyof typeof EMPTY) => (value: string) => void} */
  const set = (key) => (value) => setForm({ ...form, [key]: value });
  /** @param {SubmitEvent} event */
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const body = Object.fromEntries(Object.entries(form).filter(([, v]) => v.trim() !== "").map(([k, v]) => [k, v.trim()]));
    try {
      const added = await api("/v1/watchlist", { method: "POST", json: body });
      setForm(EMPTY);
      onAdded(t("police.watchlist.added", { n: added.alerts_raised }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const errors = formErrors(error, "document_number");
  return html`<form class="card" onSubmit=${submit} noValidate aria-labelledby="wl-add">
    <h2 id="wl-add">${t("police.watchlist.add")}</h2>
    <${Input} label=${t("police.watchlist.document")} name="document_number" value=${form.document_number}
      onInput=${set("document_number")} error=${errors.document_number} autocomplete="off" />
    <${Input} label=${fieldLabel("full_name")} name="full_name" value=${form.full_name}
      onInput=${set("full_name")} error=${errors.full_name} autocomplete="off" />
    <${Input} label=${fieldLabel("date_of_birth")} name="date_of_birth" type="date" value=${form.date_of_birth}
      onInput=${set("date_of_birth")} error=${errors.date_of_birth} />
    <${Input} label=${t("police.watchlist.reason")} name="reason" value=${form.reason}
      onInput=${set("reason")} error=${errors.reason} />
    <${ProblemBanner} error=${error} />
    <button type="submit" class="primary" disabled=${busy}>${t("police.watchlist.submit")}</button>
  </form>`;
}

/** @param {{onUploaded: () => void}} props */
function UploadFile({ onUploaded }) {
  const [file, setFile] = useState(/** @type {File | null} */ (null));
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [localError, setLocalError] = useState(/** @type {string | null} */ (null));
  const [result, setResult] = useState(/** @type {UploadResultShape | null} */ (null));
  const [busy, setBusy] = useState(false);
  /** @param {SubmitEvent} event */
  const submit = async (event) => {
    event.preventDefault();
    setError(null);
    setResult(null);
    if (!file) return setLocalError(t("police.watchlist.noFile"));
    setLocalError(null);
    setBusy(true);
    const body = new FormData();
    body.append("file", file);
    try {
      setResult(await api("/v1/watchlist/upload", { method: "POST", body }));
      onUploaded();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const fileError = localError || fieldErrors(error, "").file;
  return html`<form class="card" onSubmit=${submit} noValidate aria-labelledby="wl-upload">
    <h2 id="wl-upload">${t("police.watchlist.upload")}</h2>
    <div class=${`field${fileError ? " has-error" : ""}`}>
      <label for="wl-file">${t("police.watchlist.file")}</label>
      <input id="wl-file" name="file" type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        aria-describedby=${fileError ? "wl-file-error wl-file-hint" : "wl-file-hint"} aria-invalid=${fileError ? "true" : undefined}
        onChange=${(/** @type {import("../../types.js").InputEvent_} */ e) => setFile(e.currentTarget.files?.[0] || null)} />
      <small id="wl-file-hint" class="hint">${t("police.watchlist.uploadHint")}</small>
      ${fileError ? html`<small id="wl-file-error" class="field-error" role="alert">${fileError}</small>` : null}
    </div>
    <${ProblemBanner} error=${error} />
    <button type="submit" class="primary" disabled=${busy}>${t("police.watchlist.send")}</button>
    ${result ? html`<${UploadResult} result=${result} />` : null}
  </form>`;
}

/** @param {{result: UploadResultShape}} props */
function UploadResult({ result }) {
  /** @type {import("../../ui.js").Column[]} */
  const columns = [
    { key: "row", label: t("police.watchlist.row"), numeric: true },
    {
      key: "result",
      label: t("police.watchlist.result"),
      render: (/** @type {UploadRow} */ r) => (r.entry_id ? t("police.watchlist.rowOk") : t("police.watchlist.rowBad")),
    },
    { key: "alerts_raised", label: t("police.watchlist.alerts"), numeric: true },
    {
      key: "errors",
      label: t("police.watchlist.errors"),
      render: (/** @type {UploadRow} */ r) =>
        r.errors?.length
          ? html`<ul class="row-errors">${r.errors.map(
              (e) => {
                // The row is in its own column: only the field's name here.
                const where = pointerLabel(String(e.pointer || "").replace(/^\/rows\/\d+/, ""));
                const message = localized(e.message) || e.code || "";
                return html`<li>${where && !message.startsWith(where) ? `${where}: ` : ""}${message}</li>`;
              },
            )}</ul>`
          : "—",
    },
  ];
  return html`<div class="upload-result" data-testid="upload-result">
    <${Banner} kind=${result.rejected ? "warn" : "ok"}>${t("police.watchlist.uploaded", {
      accepted: result.accepted,
      rejected: result.rejected,
      alerts: result.alerts_raised,
    })}<//>
    <${Table} class="stack" columns=${columns} rows=${result.rows} rowKey=${(/** @type {UploadRow} */ r) => r.row} />
  </div>`;
}

/** @param {{entries: Entry[], onRemoved: (message: string) => void}} props */
function Entries({ entries, onRemoved }) {
  const [confirming, setConfirming] = useState(/** @type {string | null} */ (null));
  const [error, setError] = useState(/** @type {unknown} */ (null));
  /** @param {Entry} entry */
  const remove = async (entry) => {
    setError(null);
    try {
      await api(`/v1/watchlist/${entry.entry_id}`, { method: "DELETE" });
      setConfirming(null);
      onRemoved(t("police.watchlist.removed"));
    } catch (e) {
      setError(e);
    }
  };
  /** @type {import("../../ui.js").Column[]} */
  const columns = [
    { key: "document_number", label: t("police.watchlist.document") },
    { key: "full_name", label: fieldLabel("full_name") },
    { key: "date_of_birth", label: fieldLabel("date_of_birth"), render: (/** @type {Entry} */ e) => fmtDate(e.date_of_birth) },
    { key: "reason", label: t("police.watchlist.reason") },
    { key: "created_by", label: t("police.watchlist.createdBy"), render: (/** @type {Entry} */ e) => html`<${UserName} id=${e.created_by} />` },
    { key: "created_at", label: t("police.watchlist.createdAt"), render: (/** @type {Entry} */ e) => fmtDateTime(e.created_at) },
    {
      key: "actions",
      label: t("police.watchlist.actions"),
      render: (/** @type {Entry} */ e) =>
        confirming === e.entry_id
          ? html`<span class="actions">
              <button type="button" class="danger" onClick=${() => remove(e)}>${t("police.watchlist.confirmRemove")}</button>
              <button type="button" onClick=${() => setConfirming(null)}>${t("police.watchlist.cancel")}</button>
            </span>`
          : html`<button type="button" onClick=${() => setConfirming(e.entry_id)}>${t("police.watchlist.remove")}</button>`,
    },
  ];
  return html`<section aria-labelledby="wl-list">
    <h2 id="wl-list">${t("police.watchlist.list", { n: entries.length })}</h2>
    <${ProblemBanner} error=${error} />
    <${Table} class="stack" data-testid="watchlist" columns=${columns} rows=${[...entries].reverse()}
      rowKey=${(/** @type {Entry} */ e) => e.entry_id} />
  </section>`;
}
