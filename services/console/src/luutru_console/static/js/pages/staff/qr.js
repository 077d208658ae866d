// @ts-check
// The chip-card QR: pasted (a handheld scanner types it) or scanned with the phone camera,
// then read by POST /v1/qr/parse. Frames are decoded with BarcodeDetector when the browser
// has it, else with the served jsQR (global `jsQR`, loaded only then: lazy.js).
import "./messages.js";
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../../api.js";
import { t } from "../../i18n.js";
import { loadScript } from "../../lazy.js";
import { Banner, fieldErrors, html, ProblemBanner, TextArea } from "../../ui.js";

/** @param {{onText: (text: string) => void, onStop: () => void}} props */
function CameraScanner({ onText, onStop }) {
  const video = useRef(/** @type {HTMLVideoElement | null} */ (null));
  const [problem, setProblem] = useState(/** @type {string | null} */ (null));
  useEffect(() => {
    /** @type {MediaStream | null} */
    let stream = null;
    let stopped = false;
    let frame = 0;
    const canvas = document.createElement("canvas");
    const context = canvas.getContext("2d", { willReadFrequently: true });
    /** @type {BarcodeDetector | null} */
    let detector = null;
    const decode = async () => {
      const el = video.current;
      if (!el || el.readyState < 2) return null;
      if (detector) {
        const codes = await detector.detect(el);
        return codes[0]?.rawValue || null;
      }
      const jsQR = window.jsQR;
      if (!context || !jsQR) return null; // not reached: a decoder is there before the first frame
      canvas.width = el.videoWidth;
      canvas.height = el.videoHeight;
      context.drawImage(el, 0, 0, canvas.width, canvas.height);
      const image = context.getImageData(0, 0, canvas.width, canvas.height);
      return jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" })?.data || null;
    };
    const tick = async () => {
      if (stopped) return;
      try {
        const text = await decode();
        if (text && !stopped) {
          stopped = true;
          onText(text);
          return;
        }
      } catch (e) {
        setProblem(String((e instanceof Error && e.message) || e));
      }
      frame = requestAnimationFrame(tick);
    };
    (async () => {
      if (!navigator.mediaDevices?.getUserMedia) return setProblem(t("staff.qr.insecure"));
      // BarcodeDetector where the platform reads QR codes with it (Android, macOS), else jsQR.
      if (typeof window.BarcodeDetector === "function") {
        try {
          const formats = await window.BarcodeDetector.getSupportedFormats();
          if (formats.includes("qr_code")) detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        } catch {
          detector = null;
        }
      }
      if (!detector && typeof window.jsQR !== "function") {
        try {
          await loadScript("/vendor/jsqr.js");
        } catch {
          // said below: no decoder
        }
        if (stopped) return;
      }
      if (!detector && typeof window.jsQR !== "function") return setProblem(t("staff.qr.noDecoder"));
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
        if (stopped) return stream.getTracks().forEach((track) => track.stop());
        const el = video.current;
        if (!el) return stream.getTracks().forEach((track) => track.stop()); // unmounted meanwhile
        el.srcObject = stream;
        await el.play();
        frame = requestAnimationFrame(tick);
      } catch (e) {
        setProblem(String((e instanceof Error && (e.message || e.name)) || e));
      }
    })();
    return () => {
      stopped = true;
      cancelAnimationFrame(frame);
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, []);
  return html`<div class="staff-scanner">
    ${problem
      ? html`<${Banner} kind="error">${t("staff.qr.noCamera", { reason: problem })}<//>`
      : html`<p class="muted" role="status">${t("staff.qr.scanning")}</p>`}
    <video class="scanner" ref=${video} muted playsinline aria-label=${t("staff.qr.video")}></video>
    <div><button type="button" onClick=${onStop}>${t("staff.qr.stop")}</button></div>
  </div>`;
}

// onParsed(guest, qrText): guest is the QrGuest of POST /v1/qr/parse.
/** @param {{onParsed: (guest: import("../../types.js").QrGuest, qrText: string) => void}} props */
export function QrBox({ onParsed }) {
  const [text, setText] = useState("");
  const [scanning, setScanning] = useState(false);
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [busy, setBusy] = useState(false);

  /** @param {string} qr */
  const read = async (qr) => {
    setBusy(true);
    setError(null);
    try {
      const guest = await api("/v1/qr/parse", { method: "POST", json: { qr } });
      onParsed(guest, qr);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  /** @param {KeyboardEvent & {currentTarget: HTMLTextAreaElement}} event */
  const onKeyDown = (event) => {
    // Handheld scanners end with Enter: read at once.
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      if (event.currentTarget.value.trim()) read(event.currentTarget.value.trim());
    }
  };
  const errors = fieldErrors(error, "");
  return html`<section class="card staff-qr" aria-labelledby="staff-qr-title">
    <h2 id="staff-qr-title">${t("staff.qr.title")}</h2>
    <${TextArea} label=${t("staff.qr.paste")} name="qr" rows="2" value=${text} onInput=${setText}
      hint=${t("staff.qr.pasteHint")} error=${errors.qr} onKeyDown=${onKeyDown} />
    ${error && !errors.qr ? html`<${ProblemBanner} error=${error} />` : null}
    <div class="actions">
      <button type="button" disabled=${busy || !text.trim()} onClick=${() => read(text.trim())}>${t("staff.qr.read")}</button>
      ${scanning ? null : html`<button type="button" onClick=${() => setScanning(true)}>${t("staff.qr.scan")}</button>`}
    </div>
    ${scanning
      ? html`<${CameraScanner} onStop=${() => setScanning(false)}
          onText=${(/** @type {string} */ qr) => { setScanning(false); setText(qr); read(qr); }} />`
      : null}
  </section>`;
}
