// Small pieces the staff pages share: Vietnam wall-clock times for inputs, the status and
// on-time badges, the receipt, the warnings of an accepted record, the day's records.
import "./messages.js";
import { api, query } from "../../api.js";
import { fmtDateTime, localized, t } from "../../i18n.js";
import { Badge, Banner, html } from "../../ui.js";

const TZ = "Asia/Ho_Chi_Minh";

// "YYYY-MM-DDTHH:mm" in Vietnam for a datetime-local input (the server reads a time without
// zone as Vietnam time, whatever the device's own zone is).
export function localInputVN(moment = new Date()) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", {
      timeZone: TZ,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(moment)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

// A key for Idempotency-Key (crypto.randomUUID needs a secure context; fall back to random bytes).
export function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// The field a JSON pointer names ("/rows/3/id_number" → "id_number").
export const pointerField = (pointer) => (pointer || "").split("/").filter(Boolean).pop() || "";

export function fieldLabel(name) {
  const key = `staff.f.${name}`;
  const known = new Set([
    "full_name", "date_of_birth", "gender", "id_number", "legacy_id_number", "passport_number",
    "nationality", "country_of_residence", "visa_type", "visa_number", "entry_date", "entry_port",
    "accompanying_adult_document", "relationship", "room", "reason", "check_in_at",
    "expected_check_out", "check_out_at", "qr",
  ]);
  return known.has(name) ? t(key) : name;
}

export function StatusBadge({ status }) {
  const kind = { checked_in: "info", checked_out: "neutral", voided: "bad" }[status] || "neutral";
  return html`<${Badge} kind=${kind}>${t(`staff.status.${status}`)}<//>`;
}

export function TimelinessBadge({ lateMinutes }) {
  return lateMinutes > 0
    ? html`<${Badge} kind="warn">${t("staff.late", { minutes: lateMinutes })}<//>`
    : html`<${Badge} kind="ok">${t("staff.onTime")}<//>`;
}

export const When = ({ iso, testid }) =>
  iso ? html`<time datetime=${iso} data-testid=${testid}>${fmtDateTime(iso)}</time>` : "—";

// The receipt of a registration: from POST /v1/stays (Receipt) or GET /v1/stays/{id} (StayView).
export function Receipt({ stay }) {
  const late = stay.late_minutes ?? 0;
  return html`<section class="card staff-receipt" aria-labelledby="staff-receipt-title" data-testid="receipt">
    <h2 id="staff-receipt-title">${t("staff.receipt.title")}</h2>
    <dl class="staff-dl">
      <dt>${t("staff.receipt.number")}</dt>
      <dd><code data-testid="receipt-id">${stay.stay_id}</code></dd>
      <dt>${t("staff.receipt.received")}</dt>
      <dd><${When} iso=${stay.received_at} testid="receipt-received" /></dd>
      <dt>${t("staff.receipt.due")}</dt>
      <dd><${When} iso=${stay.due_at} testid="receipt-due" /></dd>
      <dt>${t("staff.receipt.timeliness")}</dt>
      <dd data-testid="receipt-timeliness" data-late-minutes=${late}><${TimelinessBadge} lateMinutes=${late} /></dd>
      <dt>${t("staff.receipt.status")}</dt>
      <dd><${StatusBadge} status=${stay.status} /></dd>
    </dl>
  </section>`;
}

export function Warnings({ warnings }) {
  if (!warnings?.length) return null;
  return html`<${Banner} kind="warn">
    <strong>${t("staff.warnings.title")}</strong>
    <ul class="staff-warnings" data-testid="warnings">${warnings.map(
      (w) => html`<li><strong>${fieldLabel(pointerField(w.pointer))}</strong>: ${localized(w.message) || w.code}</li>`,
    )}</ul>
  <//>`;
}

export const documentText = (stay) =>
  `${t(stay.document_type === "passport" ? "staff.doc.passport_short" : "staff.doc.id_number")} ${stay.document_number}`;

// The records of a day (arrivals, or with held every guest held that day), page after page
// up to `max`: a facility that never checks guests out would otherwise load them all. The
// array's `truncated` says more exist.
export const MAX_DAY_RECORDS = 2000;

export async function staysOf(day, held = false, max = MAX_DAY_RECORDS) {
  const items = [];
  let cursor = null;
  do {
    const page = await api(`/v1/stays${query({ date: day, held: held ? "true" : undefined, cursor, limit: 1000 })}`);
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && items.length < max);
  items.truncated = Boolean(cursor);
  return items;
}
