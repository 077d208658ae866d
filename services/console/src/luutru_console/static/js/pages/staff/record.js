// @ts-check
// One record: its receipt, what was registered, its warnings, and what can be done with it
// (check out, extend, correct, void); and the correction page (a full replacement + reason).
import "./messages.js";
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../../api.js";
import { fmtDate, t } from "../../i18n.js";
import { fieldLabel } from "../../labels.js";
import { CountryName } from "../../names.js";
import { navigate } from "../../router.js";
import { Banner, fieldErrors, html, Loading, Page, ProblemBanner, TextArea, useAsync } from "../../ui.js";
import { StayAction } from "./actions.js";
import { documentText, Receipt, StatusBadge, Warnings, When } from "./common.js";
import { GuestForm, guestBody, guestOfStay } from "./guest-form.js";

/** @typedef {import("../../types.js").Stay} Stay */
/** @typedef {import("./guest-form.js").Guest} Guest */

/** @param {string} gender */
function genderText(gender) {
  return ["male", "female", "other"].includes(gender) ? t(`staff.gender.${gender}`) : gender;
}

/** @param {string} source */
function sourceText(source) {
  return ["typed", "qr", "upload", "api"].includes(source) ? t(`staff.source.${source}`) : source;
}

/** @param {import("../../types.js").PageProps} props */
export function RecordPage({ params, query }) {
  const { data: loaded, error, loading } = useAsync(
    async () => /** @type {Stay} */ (await api(`/v1/stays/${params.id}`)),
    [params.id],
  );
  const [stay, setStay] = useState(/** @type {Stay | null} */ (null));
  const [action, setAction] = useState(/** @type {import("./actions.js").ActionKind | null} */ (null));
  const [notice, setNotice] = useState(
    /** @type {string | null} */ (query.corrected ? t("staff.detail.corrected", { version: query.corrected }) : null),
  );
  const noticeRef = useRef(/** @type {HTMLDivElement | null} */ (null));
  useEffect(() => setStay(loaded), [loaded]);
  useEffect(() => {
    if (notice) noticeRef.current?.focus();
  }, [notice]);

  const title = stay ? stay.full_name : t("staff.detail.title");
  const back = html`<a class="button" href="#/guests">${t("staff.detail.back")}</a>`;
  if (loading && !stay) return html`<${Page} title=${title} actions=${back}><${Loading} /><//>`;
  if (error || !stay) return html`<${Page} title=${title} actions=${back}><${ProblemBanner} error=${error} /><//>`;

  const open = stay.status !== "voided";
  const rows = [
    [t("staff.f.status"), html`<${StatusBadge} status=${stay.status} />`],
    [t("staff.f.document"), documentText(stay)],
    [fieldLabel("date_of_birth"), fmtDate(stay.date_of_birth)],
    [fieldLabel("gender"), genderText(stay.gender)],
    [fieldLabel("nationality"), html`<${CountryName} code=${stay.nationality} />`],
    [fieldLabel("country_of_residence"), html`<${CountryName} code=${stay.country_of_residence} />`],
    [fieldLabel("room"), stay.room || "—"],
    [fieldLabel("check_in_at"), html`<${When} iso=${stay.check_in_at} />`],
    [fieldLabel("expected_check_out"), stay.expected_check_out ? fmtDate(stay.expected_check_out) : "—"],
    ...(stay.check_out_at ? [[t("staff.detail.checkOutAt"), html`<${When} iso=${stay.check_out_at} />`]] : []),
    [t("staff.f.source"), sourceText(stay.source)],
    [t("staff.f.version"), String(stay.version)],
  ];
  return html`<${Page} title=${title} actions=${back}>
    ${notice ? html`<div tabindex="-1" ref=${noticeRef}><${Banner} kind="ok">${notice}<//></div>` : null}
    ${action
      ? html`<${StayAction} key=${action} kind=${action} stay=${stay} onCancel=${() => setAction(null)}
          onDone=${(/** @type {Stay} */ updated, /** @type {string} */ message) => { setAction(null); setStay(updated); setNotice(message); }} />`
      : null}
    ${open && !action
      ? html`<div class="actions staff-record-actions">
          ${stay.status === "checked_in"
            ? html`<button type="button" class="primary" onClick=${() => { setNotice(null); setAction("checkOut"); }}>${t("staff.action.checkOut")}</button>
              <button type="button" onClick=${() => { setNotice(null); setAction("extend"); }}>${t("staff.action.extend")}</button>`
            : null}
          <a class="button" href=${`#/guests/${stay.stay_id}/correct`}>${t("staff.action.correct")}</a>
          <details class="staff-more">
            <summary>${t("staff.today.more")}<span class="visually-hidden"> — ${t("staff.today.moreFor", { name: stay.full_name })}</span></summary>
            <div class="staff-more-menu">
              <button type="button" class="danger" onClick=${() => { setNotice(null); setAction("void"); }}>${t("staff.action.void")}</button>
            </div>
          </details>
        </div>`
      : null}
    <${Receipt} stay=${stay} />
    <${Warnings} warnings=${stay.warnings} />
    <section class="card staff-card" aria-labelledby="staff-record-guest">
      <h2 id="staff-record-guest">${t("staff.detail.identity")}</h2>
      <dl class="staff-dl" data-testid="record">
        ${rows.map(([label, value]) => html`<dt>${label}</dt><dd>${value}</dd>`)}
      </dl>
    </section>
  <//>`;
}

/** @param {import("../../types.js").PageProps} props */
export function CorrectPage({ params }) {
  const { data: stay, error: loadError, loading } = useAsync(
    async () => /** @type {Stay} */ (await api(`/v1/stays/${params.id}`)),
    [params.id],
  );
  const [guest, setGuest] = useState(/** @type {Guest | null} */ (null));
  const [reason, setReason] = useState("");
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (stay) setGuest(guestOfStay(stay));
  }, [stay]);

  /** @param {SubmitEvent} event */
  const submit = async (event) => {
    event.preventDefault();
    if (!guest) return;
    setBusy(true);
    setError(null);
    try {
      const updated = await api(`/v1/stays/${params.id}`, {
        method: "PUT",
        json: { stay: guestBody(guest), reason },
      });
      navigate(`/guests/${params.id}`, { corrected: updated.version });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const title = t("staff.correct.title");
  const back = html`<a class="button" href=${`#/guests/${params.id}`}>${t("staff.action.cancel")}</a>`;
  if (loading || (stay && !guest)) return html`<${Page} title=${title} actions=${back}><${Loading} /><//>`;
  if (loadError || !stay) return html`<${Page} title=${title} actions=${back}><${ProblemBanner} error=${loadError} /><//>`;
  const errors = fieldErrors(error, "/stay");
  const top = fieldErrors(error, "");
  return html`<${Page} title=${`${title}: ${stay.full_name}`} actions=${back}>
    <p>${t("staff.correct.intro")}</p>
    <form class="card" onSubmit=${submit} noValidate aria-label=${title}>
      <${ProblemBanner} error=${error} />
      <${GuestForm} guest=${guest} onChange=${setGuest} errors=${errors} />
      <${TextArea} label=${t("staff.correct.reason")} name="correction_reason" required maxlength="300"
        value=${reason} onInput=${setReason} error=${top.reason} />
      <div class="actions">
        <button type="submit" class="primary" disabled=${busy}>${t("staff.correct.submit")}</button>
      </div>
    </form>
  <//>`;
}
