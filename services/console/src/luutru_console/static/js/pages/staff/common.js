// @ts-check
// Small pieces the staff pages share: Vietnam wall-clock times for inputs, the status and
// on-time badges, the receipt, the warnings of an accepted record, the day's records.
import "./messages.js";
import { useEffect, useState } from "preact/hooks";
import { api, query } from "../../api.js";
import { fmtDateTime, fmtNumber, localized, t } from "../../i18n.js";
import { fieldLabel as sharedFieldLabel } from "../../labels.js";
import { Badge, Banner, html, useApp } from "../../ui.js";

/** @typedef {import("../../types.js").Stay} Stay */
/** @typedef {import("../../types.js").Receipt} ReceiptShape */

const TZ = "Asia/Ho_Chi_Minh";

// "YYYY-MM-DDTHH:mm" in Vietnam for a datetime-local input (the server reads a time without
// zone as Vietnam time, whatever the device's own zone is).
/** @param {Date} [moment] */
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
/** @type {(pointer: string | null | undefined) => string} */
export const pointerField = (pointer) => (pointer || "").split("/").filter(Boolean).pop() || "";

/**
 * A field's name on the staff pages: the shared name (labels.js), but the stay's reason is
 * the reason for the stay here; "" for a field with no name (never its key).
 * @param {string} name
 */
export const fieldLabel = (name) => (name === "reason" ? t("staff.f.reason") : sharedFieldLabel(name));

/** @param {{status: string}} props */
export function StatusBadge({ status }) {
  /** @type {string} */
  const kind = /** @type {Record<string, string>} */ ({ checked_in: "info", checked_out: "neutral", voided: "bad" })[status] || "neutral";
  return html`<${Badge} kind=${kind}>${t(`staff.status.${status}`)}<//>`;
}

// How late, as people say it: "45 phút", "2 giờ 15 phút", "1 ngày 1 giờ" (never raw minutes).
/** @param {number} minutes */
export function durationText(minutes) {
  /** @type {(n: number, unit: string) => string} */
  const part = (n, unit) => t(n === 1 ? `staff.dur.${unit}` : `staff.dur.${unit}s`, { n: fmtNumber(n) });
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days) return [part(days, "day"), hours ? part(hours, "hour") : null].filter(Boolean).join(" ");
  if (hours) return [part(hours, "hour"), mins ? part(mins, "minute") : null].filter(Boolean).join(" ");
  return part(mins, "minute");
}

// One definition of "late", for the badges and the counters: a record (not voided) reported
// after its deadline.
/** @param {Stay} stay */
export const isLate = (stay) => stay.status !== "voided" && (stay.late_minutes ?? 0) > 0;

/** @param {{lateMinutes: number}} props */
export function TimelinessBadge({ lateMinutes }) {
  return lateMinutes > 0
    ? html`<${Badge} kind="warn">${t("staff.lateBy", { duration: durationText(lateMinutes) })}<//>`
    : html`<${Badge} kind="ok">${t("staff.onTime")}<//>`;
}

/** @param {{iso: string | null | undefined, testid?: string}} props */
export const When = ({ iso, testid }) =>
  iso ? html`<time datetime=${iso} data-testid=${testid}>${fmtDateTime(iso)}</time>` : "—";

// A receipt number spelled out for a screen reader ("K 7 M, 4 Q X, 9 P A").
/** @type {(number: string | null | undefined) => string} */
const spelled = (number) => (number || "").split("-").map((g) => g.split("").join(" ")).join(", ");

// The receipt of a registration: from POST /v1/stays (Receipt) or GET /v1/stays/{id} (StayView).
// A Receipt has no guest name or room: those come from the record itself.
/** @param {{stay: Stay | ReceiptShape}} props */
export function Receipt({ stay }) {
  const app = useApp();
  const [record, setRecord] = useState(/** @type {Stay | null} */ ("full_name" in stay ? stay : null));
  useEffect(() => {
    if ("full_name" in stay) return setRecord(stay);
    let live = true;
    api(`/v1/stays/${stay.stay_id}`).then((/** @type {Stay} */ r) => live && setRecord(r), () => {});
    return () => { live = false; };
  }, [stay]);
  const late = stay.late_minutes ?? 0;
  return html`<section class="card staff-receipt" aria-labelledby="staff-receipt-title" data-testid="receipt"
      data-stay-id=${stay.stay_id}>
    <h2 id="staff-receipt-title">${t("staff.receipt.title")}</h2>
    <p class="staff-receipt-number">
      <span class="label">${t("staff.receipt.number")}</span>
      <strong data-testid="receipt-number" aria-label=${spelled(stay.receipt_number)}>${stay.receipt_number}</strong>
      <span class="muted">${t("staff.receipt.numberHint")}</span>
    </p>
    <dl class="staff-dl">
      ${record ? html`<dt>${fieldLabel("full_name")}</dt><dd data-testid="receipt-name">${record.full_name}</dd>
        <dt>${fieldLabel("room")}</dt><dd data-testid="receipt-room">${record.room || "—"}</dd>` : null}
      ${app?.facility?.name
        ? html`<dt>${t("staff.receipt.facility")}</dt><dd data-testid="receipt-facility">${app.facility.name}</dd>`
        : null}
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

// What to do about a warning, by its code (the warning itself says what is wrong).
/** @type {Record<string, string>} */
const ADVICE = {
  "id-province-unknown": "staff.advice.idDigits",
  "id-gender-mismatch": "staff.advice.idDigits",
  "id-century-mismatch": "staff.advice.idDigits",
  "id-birth-year-mismatch": "staff.advice.idDigits",
  "over-capacity": "staff.advice.overCapacity",
  "long-stay-temporary-residence": "staff.advice.longStay",
};

/** @param {{warnings: import("../../api.js").FieldProblem[] | undefined}} props */
export function Warnings({ warnings }) {
  if (!warnings?.length) return null;
  return html`<${Banner} kind="warn">
    <strong>${t("staff.warnings.title")}</strong>
    <ul class="staff-warnings" data-testid="warnings">${warnings.map((w) => {
      const field = pointerField(w.pointer);
      const label = field ? fieldLabel(field) : ""; // never a raw key
      return html`<li data-code=${w.code}>
        ${label ? html`<strong>${label}</strong>: ` : null}${localized(w.message) || t("staff.warnings.other")}
        ${w.code && ADVICE[w.code] ? html`<br /><span class="staff-advice">${t(ADVICE[w.code])}</span>` : null}
      </li>`;
    })}</ul>
  <//>`;
}

/** @param {Pick<Stay, "document_type" | "document_number">} stay */
export const documentText = (stay) =>
  `${t(stay.document_type === "passport" ? "staff.doc.passport_short" : "staff.doc.id_number")} ${stay.document_number}`;

// The records of a day (arrivals, or with held every guest held that day), page after page
// up to `max`: a facility that never checks guests out would otherwise load them all. The
// array's `truncated` says more exist.
export const MAX_DAY_RECORDS = 2000;

/** A day's records, which may stop short: `truncated` says more exist. @typedef {Stay[] & {truncated?: boolean}} RecordList */
/**
 * @param {string} day
 * @param {boolean} [held] the guests still staying (checked in before the day)
 * @param {number} [max]
 * @returns {Promise<RecordList>}
 */
export async function staysOf(day, held = false, max = MAX_DAY_RECORDS) {
  /** @type {RecordList} */
  const items = [];
  /** @type {string | null} */
  let cursor = null;
  do {
    /** @type {import("../../types.js").Page<Stay>} */
    const page = await api(`/v1/stays${query({ date: day, held: held ? "true" : undefined, cursor, limit: 1000 })}`);
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && items.length < max);
  items.truncated = Boolean(cursor);
  return items;
}
