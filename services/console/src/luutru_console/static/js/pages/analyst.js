// Placeholder: replaced by the analyst pages.
import { messages, t } from "../i18n.js";
import { html, Page } from "../ui.js";

messages({ vi: { "nav.analyst": "analyst" }, en: { "nav.analyst": "analyst" } });

function Placeholder() {
  return html`<${Page} title=${t("nav.analyst")}><p>…</p><//>`;
}

export const routes = [];
