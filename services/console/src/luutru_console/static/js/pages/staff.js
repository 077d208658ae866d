// The pages of a lodging facility's staff (hotel, guest house, boarding house, zone housing,
// hospital): today's guests, check-in (typed, pasted or scanned QR), the record with its
// receipt, check-out / extension / correction / voiding, and guest-list uploads.
import "./staff/messages.js";
import { t } from "../i18n.js";
import { Banner, html, Page, useApp } from "../ui.js";
import { CheckInPage } from "./staff/check-in.js";
import { CorrectPage, RecordPage } from "./staff/record.js";
import { TodayPage } from "./staff/today.js";
import { UploadPage } from "./staff/upload.js";

const staff = { roles: ["facility"], facilityKind: "lodging" };

// main.js tells lodging from coach facilities by `facility.type`, but GET /v1/facilities/{id}
// names it `facility_type`: until that is read there, a coach operator would be shown these
// pages too, so each view says whom it is for.
function lodgingOnly(View) {
  return function LodgingOnly(props) {
    const { facility } = useApp();
    if (facility?.facility_type === "coach") {
      return html`<${Page} title=${t("nav.staff.today")}>
        <${Banner} kind="info">${t("staff.onlyLodging")} <a href="#/trips">${t("staff.toTrips")}</a><//>
      <//>`;
    }
    return html`<${View} ...${props} />`;
  };
}

export const routes = [
  { path: "/guests", nav: "nav.staff.today", ...staff, view: lodgingOnly(TodayPage) },
  { path: "/check-in", nav: "nav.staff.checkIn", ...staff, view: lodgingOnly(CheckInPage) },
  { path: "/guest-list", nav: "nav.staff.upload", ...staff, view: lodgingOnly(UploadPage) },
  { path: "/guests/:id", ...staff, view: lodgingOnly(RecordPage) },
  { path: "/guests/:id/correct", ...staff, view: lodgingOnly(CorrectPage) },
];
