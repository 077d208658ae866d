// @ts-check
// The guest's own page (/guest#<signed token>): no account, no framework — a cheap phone on
// 3G loads it within the sign-in page's budget. The guest reads the privacy notice (what, why,
// who sees it, how long), fills in their details or scans their chip-card QR (read by the
// server's parser, as on the staff page), agrees, and gets a short code to show at reception.
// What they send is a pending pre-registration: only that facility's staff see it, and it is
// deleted after 72 hours unless staff confirm it.
import { fieldNames } from "../labels.js";
import { FIELD_NAMES, LANG_NAMES, LANGS, NATIONALITIES, TEXT } from "./messages.js";

/** @typedef {import("./messages.js").GuestLang} GuestLang */

const token = decodeURIComponent(location.hash.slice(1));
const root = /** @type {HTMLElement} */ (document.getElementById("guest"));
const browserLang = (navigator.language || "vi").slice(0, 2);
/** @type {GuestLang} */
let lang = /** @type {GuestLang} */ (LANGS.includes(/** @type {any} */ (browserLang)) ? browserLang : "vi");
const LANG_INDEX = { vi: 0, en: 1, ko: 2, zh: 3 };

/** The page's state: the link, the values typed, the server's answers. */
const state = {
  /** @type {{facility_name: string, kept_hours: number} | null} */ link: null,
  /** @type {string} */ blocked: "", // a problem code that ends the page (expired link ...)
  /** @type {Record<string, string>} */ values: { nationality: "VNM" },
  accepted: false,
  /** @type {Record<string, string>} */ errors: {},
  /** @type {string} */ problem: "",
  busy: false,
  /** @type {{code: string, expires_at: string} | null} */ done: null,
  scanning: false,
  /** @type {string} */ scanned: "",
};

/**
 * @param {string} key
 * @param {Record<string, string | number>} [params]
 */
function t(key, params = {}) {
  const text = TEXT[lang][key] ?? TEXT.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ""));
}

/** @param {string} field */
function label(field) {
  if (lang === "ko" || lang === "zh") return FIELD_NAMES[field]?.[lang === "ko" ? 0 : 1] ?? "";
  const names = fieldNames(field);
  return names ? names[lang === "vi" ? 0 : 1] : "";
}

/** The server's message in the page's language ({vi, en}: Korean and Chinese read English). */
/** @param {{vi?: string, en?: string} | null | undefined} message */
const serverText = (message) => (message ? (lang === "vi" ? message.vi : message.en) || "" : "");

/**
 * A DOM element: h("p", {class: "x"}, "text", child).
 * @param {string} tag
 * @param {Record<string, any>} [props]
 * @param {...(Node | string | null | false)} children
 */
function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value == null || value === false) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (name in el && name !== "list") /** @type {any} */ (el)[name] = value;
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) if (child) el.append(child);
  return el;
}

/**
 * A labelled input bound to state.values, with the server's error under it.
 * @param {string} field
 * @param {string} [type]
 * @param {Record<string, any>} [extra]
 */
function input(field, type = "text", extra = {}) {
  const id = `g-${field}`;
  const error = state.errors[field];
  return h(
    "div",
    { class: error ? "field has-error" : "field" },
    h("label", { for: id }, label(field)),
    h("input", {
      id,
      name: field,
      type,
      value: state.values[field] || "",
      "aria-invalid": error ? "true" : null,
      "aria-describedby": error ? `${id}-error` : null,
      oninput: (/** @type {Event} */ e) => {
        state.values[field] = /** @type {HTMLInputElement} */ (e.target).value;
        delete state.errors[field];
      },
      ...extra,
    }),
    error ? h("span", { class: "error", id: `${id}-error` }, error) : null,
  );
}

/**
 * @param {string} field
 * @param {[string, string][]} options [value, text]
 */
function select(field, options) {
  const id = `g-${field}`;
  const error = state.errors[field];
  const el = h(
    "select",
    {
      id,
      name: field,
      "aria-invalid": error ? "true" : null,
      onchange: (/** @type {Event} */ e) => {
        state.values[field] = /** @type {HTMLSelectElement} */ (e.target).value;
        delete state.errors[field];
        render();
      },
    },
    ...options.map(([value, text]) => h("option", { value }, text)),
  );
  /** @type {HTMLSelectElement} */ (el).value = state.values[field] || "";
  return h(
    "div",
    { class: error ? "field has-error" : "field" },
    h("label", { for: id }, label(field)),
    el,
    error ? h("span", { class: "error" }, error) : null,
  );
}

function langSwitch() {
  return h(
    "div",
    { class: "langs", role: "group", "aria-label": "Language" },
    ...LANGS.map((code) =>
      h(
        "button",
        {
          type: "button",
          lang: code,
          "aria-pressed": String(code === lang),
          onclick: () => {
            lang = code;
            render();
          },
        },
        LANG_NAMES[code],
      ),
    ),
  );
}

function notice() {
  const hours = state.link?.kept_hours ?? 72;
  return h(
    "section",
    { class: "notice", "aria-labelledby": "notice-title" },
    h("h2", { id: "notice-title" }, t("notice.title")),
    h(
      "dl",
      {},
      ...["what", "why", "who", "how_long"].flatMap((part) => [
        h("dt", {}, t(`notice.${part}`)),
        h("dd", {}, t(`notice.${part}.text`, { hours })),
      ]),
    ),
  );
}

function form() {
  const vietnamese = (state.values.nationality || "VNM") === "VNM";
  const nationalityOptions = /** @type {[string, string][]} */ ([
    ...Object.entries(NATIONALITIES).map(([code, names]) => [code, names[LANG_INDEX[lang]]]),
    ["", t("other")],
  ]);
  const other = !Object.hasOwn(NATIONALITIES, state.values.nationality || "");
  const problems = Object.keys(state.errors).length ? h("p", { class: "problem", role: "alert" }, t("fix")) : null;
  return h(
    "form",
    { novalidate: true, onsubmit: submit },
    problems,
    state.problem ? h("p", { class: "problem", role: "alert" }, state.problem) : null,
    select("nationality", nationalityOptions),
    other ? input("nationality_other", "text", { maxlength: 3, "aria-label": t("other") }) : null,
    vietnamese ? qrBox() : null,
    input("full_name", "text", { autocomplete: "name" }),
    input("date_of_birth", "date"),
    select("gender", [
      ["", t("choose")],
      ["male", t("male")],
      ["female", t("female")],
      ["other", t("gender.other")],
    ]),
    vietnamese ? input("id_number", "text", { inputmode: "numeric", maxlength: 12 }) : input("passport_number"),
    ...(vietnamese
      ? []
      : [
          select("visa_type", [
            ["", t("choose")],
            ["exempt", t("exempt")],
            ["DL", "DL"],
            ["DN1", "DN1"],
            ["LĐ1", "LĐ1"],
            ["EV", "E-visa"],
          ]),
          state.values.visa_type && state.values.visa_type !== "exempt" ? input("visa_number") : null,
          input("entry_date", "date"),
          input("entry_port"),
        ]),
    input("expected_check_out", "date"),
    h(
      "div",
      { class: state.errors.notice_accepted ? "field checkbox has-error" : "field checkbox" },
      h("input", {
        id: "g-accept",
        type: "checkbox",
        checked: state.accepted,
        onchange: (/** @type {Event} */ e) => {
          state.accepted = /** @type {HTMLInputElement} */ (e.target).checked;
          delete state.errors.notice_accepted;
        },
      }),
      h("label", { for: "g-accept" }, t("accept")),
    ),
    state.errors.notice_accepted ? h("p", { class: "error" }, state.errors.notice_accepted) : null,
    h("button", { type: "submit", class: "primary", disabled: state.busy }, state.busy ? t("sending") : t("submit")),
  );
}

function qrBox() {
  return h(
    "div",
    { class: "card" },
    h("button", { type: "button", onclick: () => (state.scanning ? stopScan() : startScan()) }, state.scanning ? t("scan.stop") : t("scan")),
    state.scanning ? h("video", { id: "g-video", muted: true, playsinline: true }) : null,
    h(
      "div",
      { class: state.errors.qr ? "field has-error" : "field" },
      h("label", { for: "g-qr" }, t("scan.paste")),
      h("input", {
        id: "g-qr",
        value: state.values.qr || "",
        oninput: (/** @type {Event} */ e) => {
          state.values.qr = /** @type {HTMLInputElement} */ (e.target).value;
          delete state.errors.qr;
        },
      }),
      state.errors.qr ? h("span", { class: "error" }, state.errors.qr) : null,
    ),
    state.scanned ? h("p", { role: "status" }, t("scan.read", { name: state.scanned })) : null,
  );
}

/** @type {MediaStream | null} */
let stream = null;

async function startScan() {
  state.scanning = true;
  render();
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    const video = /** @type {HTMLVideoElement} */ (document.getElementById("g-video"));
    video.srcObject = stream;
    await video.play();
    const detector =
      typeof window.BarcodeDetector === "function" ? new window.BarcodeDetector({ formats: ["qr_code"] }) : null;
    if (!detector && typeof window.jsQR !== "function") await loadJsQr();
    const canvas = document.createElement("canvas");
    const context = canvas.getContext("2d", { willReadFrequently: true });
    const tick = async () => {
      if (!state.scanning) return;
      let text = null;
      if (detector) text = (await detector.detect(video))[0]?.rawValue || null;
      else if (video.videoWidth) {
        const jsQR = window.jsQR;
        if (!context || !jsQR) throw new Error("no QR decoder"); // the scan stops, as offline
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        context.drawImage(video, 0, 0);
        const image = context.getImageData(0, 0, canvas.width, canvas.height);
        text = jsQR(image.data, image.width, image.height)?.data || null;
      }
      if (text) {
        state.values.qr = text;
        // The card's QR: id|old id|name|ddmmyyyy|gender|address|issued — the name for the
        // guest to see; the server reads the whole text with the staff page's parser.
        state.scanned = text.split("|")[2] || "";
        stopScan();
      } else requestAnimationFrame(tick);
    };
    tick();
  } catch {
    stopScan();
    state.problem = t("scan.unavailable");
    render();
  }
}

function stopScan() {
  state.scanning = false;
  stream?.getTracks().forEach((track) => track.stop());
  stream = null;
  render();
}

/** jsQR (the console's pinned copy) only when the phone has no BarcodeDetector. */
function loadJsQr() {
  return new Promise((resolve, reject) => {
    const script = h("script", { src: "/vendor/jsqr.js" });
    script.addEventListener("load", resolve);
    script.addEventListener("error", reject);
    document.head.append(script);
  });
}

/** What the API takes: the fields filled in, nothing empty. */
function body() {
  const v = state.values;
  const vietnamese = (v.nationality || "VNM") === "VNM";
  const nationality = Object.hasOwn(NATIONALITIES, v.nationality || "") ? v.nationality : (v.nationality_other || "").toUpperCase();
  const fields = vietnamese
    ? ["qr", "full_name", "date_of_birth", "gender", "id_number", "expected_check_out"]
    : ["full_name", "date_of_birth", "gender", "passport_number", "visa_type", "visa_number", "entry_date", "entry_port", "expected_check_out"];
  /** @type {Record<string, any>} */
  const out = { nationality, notice_accepted: state.accepted };
  for (const f of fields) if ((v[f] || "").trim()) out[f] = v[f].trim();
  return out;
}

/** @param {Event} event */
async function submit(event) {
  event.preventDefault();
  state.busy = true;
  state.problem = "";
  render();
  try {
    const response = await fetch(`/v1/guest-links/${encodeURIComponent(token)}/pre-registrations`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body()),
    });
    const answer = await response.json().catch(() => ({}));
    if (response.status === 201) {
      state.done = answer;
    } else if (response.status === 422) {
      state.errors = {};
      for (const e of answer.errors || []) {
        const field = (e.pointer || "").split("/")[1] || "";
        const name = field === "nationality" && !Object.hasOwn(NATIONALITIES, state.values.nationality || "") ? "nationality_other" : field;
        if (name) state.errors[name] ??= serverText(e.message);
        else state.problem = serverText(e.message);
      }
    } else if (response.status === 410 || response.status === 404) {
      state.blocked = answer.code || "link-invalid";
    } else if (TEXT.en[answer.code]) {
      state.problem = t(answer.code);
    } else {
      state.problem = t("failed");
    }
  } catch {
    state.problem = t("offline");
  }
  state.busy = false;
  render();
  const first = root.querySelector('[aria-invalid="true"], .problem');
  if (first instanceof HTMLElement) {
    first.focus?.();
    first.scrollIntoView({ block: "center" });
  }
}

/** @param {string} iso */
function fmtTime(iso) {
  const locale = { vi: "vi-VN", en: "en-GB", ko: "ko-KR", zh: "zh-CN" }[lang];
  return new Date(iso).toLocaleString(locale, { timeZone: "Asia/Ho_Chi_Minh", dateStyle: "short", timeStyle: "short" });
}

function render() {
  document.documentElement.lang = lang;
  document.title = t("title");
  const parts = [langSwitch(), h("h1", {}, t("title"))];
  if (state.blocked) {
    parts.push(h("p", { class: "problem", role: "alert", "data-testid": "guest-blocked" }, t(state.blocked)));
  } else if (state.done) {
    parts.push(
      h("p", {}, t("done.title")),
      h("p", { class: "code", "data-testid": "guest-code" }, state.done.code),
      h("p", { class: "muted" }, t("done.expires", { time: fmtTime(state.done.expires_at) })),
    );
  } else if (state.link) {
    parts.push(h("p", {}, h("strong", {}, t("at", { name: state.link.facility_name }))), h("p", {}, t("intro")), notice(), form());
  } else if (state.problem) {
    parts.push(h("p", { class: "problem", role: "alert" }, state.problem));
  }
  const focused = document.activeElement?.id;
  root.replaceChildren(...parts);
  if (focused) document.getElementById(focused)?.focus();
}

async function start() {
  if (!token) {
    state.blocked = "no-link";
    return render();
  }
  try {
    const response = await fetch(`/v1/guest-links/${encodeURIComponent(token)}`);
    const answer = await response.json().catch(() => ({}));
    if (response.ok) state.link = answer;
    else state.blocked = TEXT.en[answer.code] ? answer.code : "link-invalid";
  } catch {
    state.problem = t("offline");
  }
  render();
}

start();
