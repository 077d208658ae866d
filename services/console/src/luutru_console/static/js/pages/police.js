// @ts-check
// The police pages: wanted-person alerts arriving live (the landing page), the watchlist,
// reporting compliance, foreign guests staying now, the person search and the personal-data
// access log. Only police roles see any of them: a watchlist hit never reaches a facility.
import "./police/messages.js";
import { AlertsPage } from "./police/alerts.js";
import { CompliancePage } from "./police/compliance.js";
import { AccessLogPage, ForeignGuestsPage, SearchPage } from "./police/people.js";
import { WatchlistPage } from "./police/watchlist.js";

/** @type {import("../types.js").Route[]} */
export const routes = [
  { path: "/police/alerts", nav: "police.nav.alerts", roles: ["police"], view: AlertsPage },
  { path: "/police/watchlist", nav: "police.nav.watchlist", roles: ["policeAdmin"], view: WatchlistPage },
  { path: "/police/compliance", nav: "police.nav.compliance", roles: ["police"], view: CompliancePage },
  { path: "/police/foreigners", nav: "police.nav.foreigners", roles: ["police"], view: ForeignGuestsPage },
  { path: "/police/search", nav: "police.nav.search", roles: ["police"], view: SearchPage },
  { path: "/police/access-log", nav: "police.nav.accessLog", roles: ["policeAdmin"], view: AccessLogPage },
];
