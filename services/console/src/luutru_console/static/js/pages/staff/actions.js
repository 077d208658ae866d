// @ts-check
// Check-out, extension and voiding of one record: a small confirmation form each, with the
// API's errors next to the field and in a banner.
import "./messages.js";
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../../api.js";
import { fmtDate, t, todayVN } from "../../i18n.js";
import { fieldLabel } from "../../labels.js";
import { fieldErrors, html, Input, ProblemBanner, TextArea } from "../../ui.js";
import { localInputVN } from "./common.js";

/** @typedef {"checkOut" | "void" | "extend"} ActionKind */

/** @type {Record<ActionKind, string>} */
const TITLES = {
  checkOut: "staff.action.checkOutTitle",
  void: "staff.action.voidTitle",
  extend: "staff.action.extendTitle",
};

/**
 * @param {object} props
 * @param {ActionKind} props.kind
 * @param {Pick<import("../../types.js").Stay, "stay_id" | "full_name" | "expected_check_out">} props.stay a
 *   record, or a guest of the room board
 * @param {(updated: import("../../types.js").Stay, message: string) => void} props.onDone with the
 *   record as the server has it now
 * @param {() => void} props.onCancel
 */
export function StayAction({ kind, stay, onDone, onCancel }) {
  const defaultOut = useRef(localInputVN()).current;
  const [checkOutAt, setCheckOutAt] = useState(defaultOut);
  const [reason, setReason] = useState("");
  const [until, setUntil] = useState(stay.expected_check_out || todayVN(1));
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [busy, setBusy] = useState(false);
  const box = useRef(/** @type {HTMLFormElement | null} */ (null));
  useEffect(() => {
    /** @type {HTMLInputElement | HTMLTextAreaElement | null | undefined} */
    const first = box.current?.querySelector("input, textarea");
    first?.focus();
  }, [kind, stay.stay_id]);

  /** @param {SubmitEvent} event */
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const path = `/v1/stays/${stay.stay_id}`;
    try {
      let updated;
      let message;
      if (kind === "checkOut") {
        // Left at the suggested "now": let the server take its own now (seconds included).
        const json = checkOutAt && checkOutAt !== defaultOut ? { check_out_at: checkOutAt } : {};
        updated = await api(`${path}/check-out`, { method: "POST", json });
        message = t("staff.action.checkedOut", { name: stay.full_name });
      } else if (kind === "void") {
        updated = await api(`${path}/void`, { method: "POST", json: { reason } });
        message = t("staff.action.voided", { name: stay.full_name });
      } else {
        /** @type {{expected_check_out: string, reason?: string}} */
        const json = { expected_check_out: until };
        if (reason.trim()) json.reason = reason;
        updated = await api(`${path}/extend`, { method: "POST", json });
        message = t("staff.action.extended", { name: stay.full_name, date: fmtDate(until) });
      }
      onDone(updated, message);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const errors = fieldErrors(error, "");
  return html`<form class="card staff-action" ref=${box} onSubmit=${submit}
      aria-labelledby="staff-action-title" data-testid="stay-action">
    <h2 id="staff-action-title">${t(TITLES[kind], { name: stay.full_name })}</h2>
    <${ProblemBanner} error=${error} />
    ${kind === "checkOut"
      ? html`<${Input} label=${fieldLabel("check_out_at")} name="check_out_at" type="datetime-local"
          value=${checkOutAt} onInput=${setCheckOutAt} error=${errors.check_out_at} />`
      : null}
    ${kind === "void"
      ? html`<p class="muted">${t("staff.action.voidIntro")}</p>
        <${TextArea} label=${t("staff.action.voidReason")} name="reason" required maxlength="300"
          value=${reason} onInput=${setReason} error=${errors.reason} />`
      : null}
    ${kind === "extend"
      ? html`<${Input} label=${t("staff.action.extendDate")} name="expected_check_out" type="date" required
          value=${until} onInput=${setUntil} error=${errors.expected_check_out} />
        <${Input} label=${t("staff.action.extendReason")} name="reason" maxlength="300"
          value=${reason} onInput=${setReason} error=${errors.reason} />`
      : null}
    <div class="actions">
      <button type="submit" class=${kind === "void" ? "danger" : "primary"} disabled=${busy}>
        ${t(kind === "checkOut" ? "staff.action.confirmCheckOut" : kind === "void" ? "staff.action.confirmVoid" : "staff.action.confirmExtend")}
      </button>
      <button type="button" onClick=${onCancel}>${t("staff.action.cancel")}</button>
    </div>
  </form>`;
}
