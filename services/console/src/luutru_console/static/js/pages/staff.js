// @ts-check
// The pages of a lodging facility's staff (hotel, guest house, boarding house, zone housing,
// hospital): today's guests, check-in (typed, pasted or scanned QR), the record with its
// receipt, check-out / extension / correction / voiding, and guest-list uploads. Coach
// operators do not see them (main.js: facilityKind).
import "./staff/messages.js";
import { CheckInPage } from "./staff/check-in.js";
import { Receipt } from "./staff/common.js";
import { OutboxPage } from "../outbox-view.js";
import { PreRegistrationsPage } from "./staff/pre-registrations.js";
import { CorrectPage, RecordPage } from "./staff/record.js";
import { TodayPage } from "./staff/today.js";
import { UploadPage } from "./staff/upload.js";
import { BoardPage } from "./rooms/board.js";
import { RoomSettingsPage } from "./rooms/registry.js";

/** @type {{roles: string[], facilityKind: "lodging"}} */
const staff = { roles: ["facility"], facilityKind: "lodging" };

/** @type {import("../types.js").Route[]} */
export const routes = [
  // The room board is home (a facility without a room registry goes on to today's guests).
  { path: "/rooms", nav: "nav.rooms.board", ...staff, view: BoardPage },
  { path: "/guests", nav: "nav.staff.today", ...staff, view: TodayPage },
  { path: "/check-in", nav: "nav.staff.checkIn", ...staff, view: CheckInPage },
  { path: "/guest-list", nav: "nav.staff.upload", ...staff, view: UploadPage },
  { path: "/pre-registrations", nav: "nav.staff.pre", ...staff, view: PreRegistrationsPage },
  { path: "/outbox", ...staff, view: () => OutboxPage({ Receipt }) },
  { path: "/guests/:id", ...staff, view: RecordPage },
  { path: "/guests/:id/correct", ...staff, view: CorrectPage },
  { path: "/rooms/settings", nav: "nav.rooms.settings", ...staff, roles: ["facility_manager"], view: RoomSettingsPage },
];
