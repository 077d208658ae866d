// @ts-check
// Check in one guest: typed, or filled from the chip-card QR (pasted or scanned); the
// receipt right after. A double tap or a retry sends the same Idempotency-Key, so the
// server answers with the first receipt and never stores the guest twice.
//
// Guiding on a phone: a field is checked when the focus leaves it, by the server's own rules
// (POST /v1/stays/validate, debounced, one call at a time), and only the fields already left
// show their error; an error goes as soon as its field is edited; a refused submit moves the
// focus to the first field in error and scrolls it into view; no network or no answer is said
// in plain words next to the button, with "Thử lại" sending the same registration again.
import "./messages.js";
import { useEffect, useRef, useState } from "preact/hooks";
import { api, ApiError, apiResponse } from "../../api.js";
import { localized, t } from "../../i18n.js";
import { Banner, html, isUnreachable, Page } from "../../ui.js";
import { fieldLabel, newKey, Receipt, Warnings } from "./common.js";
import { emptyGuest, GuestForm, guestBody, withQr } from "./guest-form.js";
import { QrBox } from "./qr.js";
import { flush, keep, onSent } from "../../outbox.js";

// The form's fields, by the name the API's pointers use (each has its name, fieldLabel).
const FIELDS = [
  "full_name", "date_of_birth", "gender", "nationality", "id_number", "legacy_id_number",
  "passport_number", "country_of_residence", "visa_type", "visa_number", "entry_date",
  "entry_port", "accompanying_adult_document", "relationship", "room", "check_in_at",
  "expected_check_out", "reason", "qr",
];
const CHECK_DELAY_MS = 400;
const SUBMIT_TIMEOUT_MS = 30000;

// "/id_number" → "id_number"; anything else (the whole body, an unknown field) → "".
/** @type {(pointer?: string) => string} */
const fieldOf = (pointer = "") => {
  const name = pointer.split("/")[1] || "";
  return FIELDS.includes(name) ? name : "";
};

// The API's errors as {field: message} (the first message per field) and the rest.
/**
 * @param {import("../../api.js").FieldProblem[]} [errors]
 * @returns {{fields: Record<string, string>, other: string[]}}
 */
function byField(errors = []) {
  /** @type {Record<string, string>} */
  const fields = {};
  /** @type {string[]} */
  const other = [];
  for (const e of errors) {
    const name = fieldOf(e.pointer);
    const message = localized(e.message) || e.code || "";
    if (!name) other.push(message);
    else fields[name] ??= message;
  }
  return { fields, other };
}

/** @param {{query?: Record<string, string>}} [props] */
/**
 * What went wrong with the last submit: fields to fix, no answer, or the server's words.
 * @typedef {{kind: "fields", count: number, other: string[]} | {kind: "offline"} | {kind: "other", text: string}} Problem
 */
/** @typedef {{receipt: import("../../types.js").Receipt, duplicate: boolean, name: string}} Done */
/** @typedef {import("./guest-form.js").Guest} Guest */

/** @param {{query?: Record<string, string>}} [props] */
export function CheckInPage({ query = {} } = {}) {
  // From the room board: the room tapped (its number is found in the registry by the server).
  const [guest, setGuest] = useState(() => ({ ...emptyGuest(), room: query.room || "" }));
  const [errors, setErrors] = useState(/** @type {Record<string, string>} */ ({})); // {field: message}, shown under the fields
  const [problem, setProblem] = useState(/** @type {Problem | null} */ (null));
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(/** @type {Done | null} */ (null));
  // kept on the device, chờ gửi
  const [queued, setQueued] = useState(/** @type {{key: string, name: string} | null} */ (null));
  const [qrNote, setQrNote] = useState(/** @type {import("../../types.js").QrGuest | null} */ (null));
  const [formKey, setFormKey] = useState(0);
  const [focusSeq, setFocusSeq] = useState(0);
  // one key per distinct submission (the body as JSON)
  const attempt = useRef(/** @type {{key: string, body: string} | null} */ (null));
  const result = useRef(/** @type {HTMLDivElement | null} */ (null));
  const form = useRef(/** @type {HTMLFormElement | null} */ (null));
  const problemBox = useRef(/** @type {HTMLDivElement | null} */ (null));
  const inFlight = useRef(false); // a double tap lands before the button is disabled
  const latest = useRef(guest);
  latest.current = guest;
  const touched = useRef(/** @type {Set<string>} */ (new Set())); // fields left at least once (all of them after a submit)
  const submitted = useRef(false);
  /** @typedef {{timer: number, controller: AbortController | null, last: {text: string, fields: Record<string, string>} | null}} CheckState */
  const check = useRef(/** @type {CheckState} */ ({ timer: 0, controller: null, last: null }));

  useEffect(() => {
    if (done) result.current?.focus();
  }, [done]);
  // The outbox sent the record this page kept: the server's receipt replaces the local one.
  useEffect(
    () =>
      onSent((s) => {
        if (s.key !== queued?.key) return;
        setDone({ receipt: s.receipt, duplicate: s.duplicate, name: s.name });
        setQueued(null);
        attempt.current = null;
      }),
    [queued],
  );
  useEffect(() => () => {
    clearTimeout(check.current.timer);
    check.current.controller?.abort();
  }, []);
  // After a refused submit: the first field in error (in the order of the form), else the message.
  useEffect(() => {
    if (!focusSeq) return;
    /** @type {HTMLElement | null | undefined} */
    const invalid = form.current?.querySelector('[aria-invalid="true"]');
    const target = invalid || problemBox.current;
    if (!target) return;
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "center" });
  }, [focusSeq]);

  /** @param {string} name */
  const isShown = (name) => submitted.current || touched.current.has(name);

  // The server's verdict on the whole form, shown for the fields already left.
  /** @param {Record<string, string>} found */
  const apply = (found) => {
    setErrors((old) => {
      /** @type {Record<string, string>} */
      const next = {};
      for (const name of Object.keys(old)) if (!isShown(name)) next[name] = old[name];
      for (const [name, message] of Object.entries(found)) if (isShown(name)) next[name] = message;
      return next;
    });
  };

  const runCheck = async () => {
    const body = guestBody(latest.current);
    const text = JSON.stringify(body);
    const state = check.current;
    if (state.last?.text === text) return apply(state.last.fields);
    state.controller?.abort();
    const controller = new AbortController();
    state.controller = controller;
    let found;
    try {
      const report = await api("/v1/stays/validate", { method: "POST", json: body, signal: controller.signal });
      found = byField(/** @type {import("../../types.js").ValidationReport} */ (report).errors).fields;
    } catch (e) {
      if (e instanceof ApiError && e.status === 422) found = byField(e.problem.errors).fields;
      else return; // offline, aborted, refused: the submit will say so
    } finally {
      if (state.controller === controller) state.controller = null;
    }
    state.last = { text, fields: found };
    // Typed on meanwhile: that field's next leave checks again.
    if (JSON.stringify(guestBody(latest.current)) === text) apply(found);
  };

  /** @param {string} name */
  const onLeave = (name) => {
    touched.current.add(name === "passport_number" ? "id_number" : name);
    touched.current.add(name);
    clearTimeout(check.current.timer);
    check.current.timer = window.setTimeout(runCheck, CHECK_DELAY_MS);
  };

  // An edited field's error goes at once; leaving it checks it again.
  /** @param {Guest} next */
  const onChange = (next) => {
    const changed = /** @type {(keyof Guest)[]} */ (Object.keys(next)).filter((k) => next[k] !== latest.current[k]);
    if (changed.some((k) => errors[k] || (k === "passport_number" && errors.id_number))) {
      setErrors((old) => {
        const rest = { ...old };
        for (const k of changed) delete rest[k];
        if (changed.includes("passport_number")) delete rest.id_number;
        return rest;
      });
    }
    setGuest(next);
  };

  const send = async () => {
    if (inFlight.current) return;
    inFlight.current = true;
    clearTimeout(check.current.timer);
    const body = guestBody(latest.current);
    const text = JSON.stringify(body);
    if (attempt.current?.body !== text) attempt.current = { key: newKey(), body: text };
    const key = attempt.current.key;
    setBusy(true);
    setProblem(null);
    try {
      const response = await apiResponse("/v1/stays", {
        method: "POST",
        json: body,
        headers: { "Idempotency-Key": key },
        signal: AbortSignal.timeout(SUBMIT_TIMEOUT_MS),
      });
      const receipt = await response.json();
      setDone({ receipt, duplicate: response.status === 200, name: body.full_name });
      attempt.current = null;
    } catch (thrown) {
      if (isUnreachable(thrown)) {
        // Kept on the device with its key and the entered arrival time; sent when possible.
        try {
          await keep({ key, body, name: body.full_name });
          setQueued({ key, name: body.full_name });
        } catch {
          // No IndexedDB (a private window): the form stays as typed for "Thử lại".
        }
        setProblem({ kind: "offline" });
      } else {
        const e = /** @type {ApiError} */ (thrown); // not unreachable: the API answered
        const { fields, other } = byField(e.problem?.errors);
        submitted.current = true;
        setErrors(fields);
        setProblem(
          Object.keys(fields).length || other.length
            ? { kind: "fields", count: Object.keys(fields).length + other.length, other }
            : { kind: "other", text: e.text },
        );
      }
      setFocusSeq((n) => n + 1);
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  };

  /** @param {SubmitEvent} event */
  const submit = (event) => {
    event.preventDefault();
    send();
  };

  const next = () => {
    setGuest(emptyGuest());
    setDone(null);
    setQueued(null);
    attempt.current = null;
    setErrors({});
    setProblem(null);
    setQrNote(null);
    touched.current = new Set();
    submitted.current = false;
    check.current.last = null;
    setFormKey((k) => k + 1);
  };

  /** @param {string} name */
  const goTo = (name) => {
    /** @type {HTMLElement | null | undefined} */
    const field = form.current?.querySelector(`[name="${name}"]`);
    if (!field) return;
    field.focus({ preventScroll: true });
    field.scrollIntoView({ block: "center" });
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

  // What went wrong with the last submit, next to the button (where the thumb is).
  let problemView = null;
  if (problem?.kind === "offline") {
    // Kept on the device: "Thử lại" asks the outbox to send now (the same key), "next guest"
    // leaves it waiting. Not kept (no IndexedDB): "Thử lại" sends the form again.
    problemView = html`<div class="banner error staff-offline" role="alert" tabindex="-1" ref=${problemBox}
        data-testid="check-in-offline" data-queued=${queued ? "true" : "false"}>
      <p>${t("staff.checkIn.offline")}</p>
      <button type="button" disabled=${busy} onClick=${queued ? () => flush() : send}>${t("ui.retry")}</button>
      ${queued ? html`<button type="button" onClick=${next}>${t("staff.checkIn.next")}</button>` : null}
    </div>`;
  } else if (problem?.kind === "fields") {
    problemView = html`<div class="banner error" role="alert" tabindex="-1" ref=${problemBox}
        data-testid="check-in-problems">
      <strong>${t("staff.checkIn.fix", { n: problem.count })}</strong>
      <ul class="problem-errors">
        ${FIELDS.filter((name) => errors[name]).map(
          (name) => html`<li><button type="button" class="link" onClick=${() => goTo(name)}>${fieldLabel(name)}</button>: ${errors[name]}</li>`,
        )}
        ${problem.other.map((/** @type {string} */ message) => html`<li>${message}</li>`)}
      </ul>
    </div>`;
  } else if (problem?.kind === "other") {
    problemView = html`<div class="banner error" role="alert" tabindex="-1" ref=${problemBox}>${problem.text}</div>`;
  }

  return html`<${Page} title=${t("staff.checkIn.title")}>
    <${QrBox} key=${`qr-${formKey}`} onParsed=${(/** @type {import("../../types.js").QrGuest} */ parsed, /** @type {string} */ text) => {
      setGuest((g) => withQr(g, parsed, text));
      setQrNote(parsed);
      setErrors({});
      setProblem(null);
    }} />
    <form class="card" ref=${form} onSubmit=${submit} noValidate aria-label=${t("staff.checkIn.title")}>
      ${qrNote
        ? html`<${Banner} kind="info">${t("staff.qr.filled")}
            ${qrNote.address ? html`<br />${t("staff.qr.address", { address: qrNote.address })}` : null}<//>`
        : null}
      <${GuestForm} guest=${guest} onChange=${onChange} errors=${errors} onLeave=${onLeave} />
      ${problemView}
      <div class="actions staff-submit">
        <button type="submit" class="primary" disabled=${busy}>
          ${busy ? t("staff.checkIn.sending") : t("staff.checkIn.submit")}
        </button>
      </div>
    </form>
  <//>`;
}
