// Check in one guest: typed, or filled from the chip-card QR (pasted or scanned); the
// receipt right after. A double tap or a retry sends the same Idempotency-Key, so the
// server answers with the first receipt and never stores the guest twice.
import "./messages.js";
import { useEffect, useRef, useState } from "preact/hooks";
import { apiResponse } from "../../api.js";
import { t } from "../../i18n.js";
import { Banner, fieldErrors, html, Page, ProblemBanner } from "../../ui.js";
import { newKey, Receipt, Warnings } from "./common.js";
import { emptyGuest, GuestForm, guestBody, withQr } from "./guest-form.js";
import { QrBox } from "./qr.js";

export function CheckInPage() {
  const [guest, setGuest] = useState(emptyGuest);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(null); // {receipt, duplicate, name}
  const [qrNote, setQrNote] = useState(null);
  const [formKey, setFormKey] = useState(0);
  const attempt = useRef(null); // {key, body}: one key per distinct submission
  const result = useRef(null);
  const inFlight = useRef(false); // a double tap lands before the button is disabled
  useEffect(() => {
    if (done) result.current?.focus();
  }, [done]);

  const submit = async (event) => {
    event.preventDefault();
    if (inFlight.current) return;
    inFlight.current = true;
    const body = guestBody(guest);
    const text = JSON.stringify(body);
    if (attempt.current?.body !== text) attempt.current = { key: newKey(), body: text };
    setBusy(true);
    setError(null);
    try {
      const response = await apiResponse("/v1/stays", {
        method: "POST",
        json: body,
        headers: { "Idempotency-Key": attempt.current.key },
      });
      const receipt = await response.json();
      setDone({ receipt, duplicate: response.status === 200, name: body.full_name });
      attempt.current = null;
    } catch (e) {
      setError(e);
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  };

  const next = () => {
    setGuest(emptyGuest());
    setDone(null);
    setError(null);
    setQrNote(null);
    setFormKey((k) => k + 1);
  };

  if (done) {
    const { receipt } = done;
    return html`<${Page} title=${t("staff.checkIn.title")}>
      <div tabindex="-1" ref=${result} class="staff-result">
        <${Banner} kind="ok">${t("staff.checkIn.done", { name: done.name })}<//>
        ${done.duplicate ? html`<${Banner} kind="info">${t("staff.checkIn.duplicate")}<//>` : null}
        <${Receipt} stay=${receipt} />
        <${Warnings} warnings=${receipt.warnings} />
        <div class="actions">
          <button type="button" class="primary" onClick=${next}>${t("staff.checkIn.next")}</button>
          <a class="button" href=${`#/guests/${receipt.stay_id}`}>${t("staff.checkIn.view")}</a>
          <a class="button" href="#/guests">${t("staff.checkIn.today")}</a>
        </div>
      </div>
    <//>`;
  }

  const errors = fieldErrors(error, "");
  return html`<${Page} title=${t("staff.checkIn.title")}>
    <${QrBox} key=${`qr-${formKey}`} onParsed=${(parsed, text) => {
      setGuest((g) => withQr(g, parsed, text));
      setQrNote(parsed);
      setError(null);
    }} />
    <form class="card" onSubmit=${submit} noValidate aria-label=${t("staff.checkIn.title")}>
      ${qrNote
        ? html`<${Banner} kind="info">${t("staff.qr.filled")}
            ${qrNote.address ? html`<br />${t("staff.qr.address", { address: qrNote.address })}` : null}<//>`
        : null}
      <${ProblemBanner} error=${error} />
      <${GuestForm} guest=${guest} onChange=${setGuest} errors=${errors} />
      <div class="actions staff-submit">
        <button type="submit" class="primary" disabled=${busy}>
          ${busy ? t("staff.checkIn.sending") : t("staff.checkIn.submit")}
        </button>
      </div>
    </form>
  <//>`;
}
