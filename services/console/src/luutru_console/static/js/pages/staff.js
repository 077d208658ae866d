// Placeholder: replaced by the staff pages.
import { messages, t } from "../i18n.js";
import { html, Page } from "../ui.js";

messages({ vi: { "nav.staff": "staff" }, en: { "nav.staff": "staff" } });

function Placeholder() {
  return html`<${Page} title=${t("nav.staff")}><p>…</p><//>`;
}

export const routes = [{ path: "/guests", nav: "nav.staff", roles: ["facility"], facilityKind: "lodging", view: Placeholder }];
