// @ts-check
// What only some pages need is fetched when one of them is opened, not with the sign-in page:
// the classic scripts (Chart.js for the dashboards, jsQR for the camera scan) by a <script>
// added on demand, at the versioned address the import map gives them (app.py writes it).
import { useEffect, useState } from "preact/hooks";
import { html, Loading } from "./ui.js";
import { t } from "./i18n.js";

const versioned = (() => {
  try {
    return JSON.parse(document.querySelector('script[type="importmap"]')?.textContent || "{}").imports || {};
  } catch {
    return {};
  }
})();

/** @type {Map<string, Promise<void>>} */
const scripts = new Map();

// loadScript("/vendor/chart.js") → resolves once the script has run (once per page).
/**
 * @param {string} path
 * @returns {Promise<void>}
 */
export function loadScript(path) {
  if (!scripts.has(path)) {
    scripts.set(
      path,
      new Promise(/** @type {(resolve: () => void, reject: (e: Error) => void) => void} */ (resolve, reject) => {
        const element = document.createElement("script");
        element.src = versioned[path] || path;
        element.onload = () => resolve();
        element.onerror = () => {
          scripts.delete(path); // offline: a later call tries again
          element.remove();
          reject(new Error(`${path} did not load`));
        };
        document.head.append(element);
      }),
    );
  }
  return /** @type {Promise<void>} */ (scripts.get(path));
}

// Renders its children once `load()` has resolved; a failure says so with a retry.
/** @param {{load: () => Promise<unknown>, children?: import("preact").ComponentChildren}} props */
export function AfterLoading({ load, children }) {
  const [state, setState] = useState("loading");
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let live = true;
    setState("loading");
    load().then(
      () => live && setState("ready"),
      () => live && setState("failed"),
    );
    return () => {
      live = false;
    };
  }, [attempt]);
  if (state === "ready") return children;
  if (state === "loading") return html`<${Loading} />`;
  return html`<div class="banner error" role="alert">${t("ui.offline")}
    <button type="button" onClick=${() => setAttempt((n) => n + 1)}>${t("ui.retry")}</button></div>`;
}
