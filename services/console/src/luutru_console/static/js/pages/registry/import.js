// @ts-check
// Bulk import of a facility list (CSV/XLSX): a dry run first if wanted, then a result per
// row — the created facilities with their managers' one-time passwords, the bad rows with why.
import { useState } from "preact/hooks";
import { api } from "../../api.js";
import { fmtNumber, localized, t } from "../../i18n.js";
import { Badge, Banner, Checkbox, fieldErrors, FileField, html, Page, pointerLabel, ProblemBanner, Table } from "../../ui.js";

/**
 * One row of a facility import: created (or valid, in a dry run) with its manager's
 * one-time password, or rejected with why.
 * @typedef {object} ImportRow
 * @property {number} row
 * @property {"created" | "valid" | "rejected"} status
 * @property {string | null} [facility_id]
 * @property {string | null} [facility_code]
 * @property {{username: string, one_time_password: string} | null} [manager]
 * @property {import("../../api.js").FieldProblem[]} [errors]
 */
/** @typedef {{dry_run: boolean, total: number, created: number, rejected: number, rows: ImportRow[]}} ImportReport */

/** @type {Record<string, string>} */
const ROW_KIND = { created: "ok", valid: "info", rejected: "bad" };
const TEMPLATE = [
  ["Tên cơ sở", "Loại hình", "Hạng sao", "Mã tỉnh", "Mã xã", "Địa chỉ", "Số phòng", "Số giường", "Số xe", "Số ghế", "Số GPKD", "Người đại diện", "Điện thoại", "Email"],
  ["Khách sạn Mẫu", "Khách sạn", "3", "75", "26068", "1 Đường 30/4", "30", "60", "", "", "GPKD-0001", "Nguyễn Văn An", "0251 3822 123", "ks@example.vn"],
  ["Nhà xe Mẫu", "Xe khách đường dài", "", "75", "26068", "Bến xe Đồng Nai", "", "", "5", "220", "GPKD-0002", "Trần Văn Bình", "0251 3822 456", ""],
];

function downloadTemplate() {
  /** @param {string} cell */
  const quote = (cell) => (/[",\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);
  const csv = `\ufeff${TEMPLATE.map((row) => row.map(quote).join(",")).join("\r\n")}\r\n`;
  const url = URL.createObjectURL(new Blob([csv], { type: "text/csv;charset=utf-8" }));
  const link = Object.assign(document.createElement("a"), { href: url, download: "co-so.csv" });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** @param {{list: import("../../api.js").FieldProblem[] | undefined}} props */
function RowErrors({ list }) {
  if (!list?.length) return "—";
  return html`<ul class="registry-row-errors">${list.map(
    (e) => {
      // The field by its name (the row is in its own column), said once.
      const where = pointerLabel(String(e.pointer || "").replace(/^\/rows\/\d+/, ""));
      const message = localized(e.message) || e.code || "";
      return html`<li>${where && !message.startsWith(where) ? `${where}: ` : ""}${message}</li>`;
    },
  )}</ul>`;
}

export function FacilityImport() {
  const [file, setFile] = useState(/** @type {File | null} */ (null));
  const [dryRun, setDryRun] = useState(true);
  const [report, setReport] = useState(/** @type {ImportReport | null} */ (null));
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [busy, setBusy] = useState(false);
  const [formKey, setFormKey] = useState(0);
  /** @param {SubmitEvent} e */
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setReport(null);
    const form = new FormData();
    if (file) form.append("file", file, file.name);
    try {
      /** @type {ImportReport} */
      const answer = await api(`/v1/facilities/import${dryRun ? "?dry_run=true" : ""}`, { method: "POST", body: form });
      setReport(answer);
      if (!answer.dry_run) {
        setFile(null);
        setFormKey((n) => n + 1);
      }
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  /** @type {import("../../ui.js").Column[]} */
  const columns = [
    { key: "row", label: t("registry.import.row"), numeric: true },
    {
      key: "status",
      label: t("registry.import.status"),
      render: (/** @type {ImportRow} */ r) => html`<${Badge} kind=${ROW_KIND[r.status]}>${t(`registry.import.row.${r.status}`)}<//>`,
    },
    {
      key: "facility_code",
      label: t("registry.f.code"),
      render: (/** @type {ImportRow} */ r) => (r.facility_id ? html`<a href=${`#/facilities/${r.facility_id}`}>${r.facility_code}</a>` : "—"),
    },
    { key: "username", label: t("registry.otp.username"), render: (/** @type {ImportRow} */ r) => (r.manager ? html`<code>${r.manager.username}</code>` : "—") },
    {
      key: "password",
      label: t("registry.otp.password"),
      render: (/** @type {ImportRow} */ r) => (r.manager ? html`<code>${r.manager.one_time_password}</code>` : "—"),
    },
    { key: "errors", label: t("registry.import.errors"), render: (/** @type {ImportRow} */ r) => html`<${RowErrors} list=${r.errors} />` },
  ];
  return html`<${Page} title=${t("registry.import.title")}
      actions=${html`<button type="button" onClick=${downloadTemplate}>${t("registry.import.template")}</button>`}>
    <p class="hint">${t("registry.import.intro")}</p>
    <form class="card registry-form" onSubmit=${submit} noValidate>
      <${ProblemBanner} error=${error} />
      <${FileField} key=${formKey} label=${t("registry.import.file")} name="file" accept=".csv,.xlsx,text/csv"
        required hint=${t("registry.import.fileHint")} error=${fieldErrors(error, "").file} onFile=${setFile} />
      <${Checkbox} label=${t("registry.import.dryRun")} name="dry_run" checked=${dryRun} onChange=${setDryRun} />
      <div class="actions">
        <button type="submit" class="primary" disabled=${busy || !file}>
          ${t(dryRun ? "registry.import.check" : "registry.import.submit")}</button>
        <a class="button" href="#/facilities">${t("registry.back")}</a>
      </div>
    </form>
    ${report
      ? html`<section aria-labelledby="registry-import-result" aria-live="polite">
          <h2 id="registry-import-result">${t(report.dry_run ? "registry.import.resultDry" : "registry.import.result")}</h2>
          <p data-testid="import-summary">${t("registry.import.summary", {
            total: fmtNumber(report.total),
            created: fmtNumber(report.dry_run ? report.rows.filter((r) => r.status === "valid").length : report.created),
            rejected: fmtNumber(report.rejected),
          })}</p>
          ${report.created ? html`<${Banner} kind="warn">${t("registry.import.otpNote")}<//>` : null}
          <${Table} class="stack" data-testid="import-rows" columns=${columns} rows=${report.rows} rowKey=${(/** @type {ImportRow} */ r) => r.row} />
        </section>`
      : null}
  <//>`;
}
