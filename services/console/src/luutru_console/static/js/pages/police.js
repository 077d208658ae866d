// Placeholder: replaced by the police pages.
import { messages, t } from "../i18n.js";
import { html, Page } from "../ui.js";

messages({ vi: { "nav.police": "police" }, en: { "nav.police": "police" } });

function Placeholder() {
  return html`<${Page} title=${t("nav.police")}><p>…</p><//>`;
}

export const routes = [];
