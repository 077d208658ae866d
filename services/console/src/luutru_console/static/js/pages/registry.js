// Placeholder: replaced by the registry pages.
import { messages, t } from "../i18n.js";
import { html, Page } from "../ui.js";

messages({ vi: { "nav.registry": "registry" }, en: { "nav.registry": "registry" } });

function Placeholder() {
  return html`<${Page} title=${t("nav.registry")}><p>…</p><//>`;
}

export const routes = [];
