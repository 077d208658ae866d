// Placeholder: replaced by the coach pages.
import { messages, t } from "../i18n.js";
import { html, Page } from "../ui.js";

messages({ vi: { "nav.coach": "coach" }, en: { "nav.coach": "coach" } });

function Placeholder() {
  return html`<${Page} title=${t("nav.coach")}><p>…</p><//>`;
}

export const routes = [];
