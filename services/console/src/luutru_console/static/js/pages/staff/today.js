// @ts-check
// Today's guests: every record of the day (arrivals, and guests still held that day) as
// compact cards — the guests staying grouped by room, then those checked out and those
// voided —, with the receipt number, the on-time badge and the actions per guest (check-out
// at hand; correct and void in a "More" menu, away from it). Search by name, room or receipt
// number; a receipt number of another day is looked up. A short guide to the day's work.
import "./messages.js";
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../../api.js";
import { fmtDate, fmtNumber, t, todayVN } from "../../i18n.js";
import { navigate } from "../../router.js";
import { Banner, html, Input, Loading, Page, ProblemBanner, useAsync } from "../../ui.js";
import { StayAction } from "./actions.js";
import { documentText, isLate, MAX_DAY_RECORDS, StatusBadge, staysOf, TimelinessBadge, When } from "./common.js";

/** @typedef {import("./common.js").Stay} Stay */
/** @typedef {import("./actions.js").ActionKind} ActionKind */

/** @param {string} day */
async function dayRecords(day) {
  const [arrivals, held] = await Promise.all([staysOf(day), staysOf(day, true)]);
  /** @type {Map<string, Stay>} */
  const byId = new Map();
  for (const stay of [...held, ...arrivals]) byId.set(stay.stay_id, stay);
  const all = [...byId.values()].sort(
    (a, b) => (a.room || "").localeCompare(b.room || "", "vi", { numeric: true }) || a.full_name.localeCompare(b.full_name, "vi"),
  );
  return { all, arrivals, truncated: arrivals.truncated || held.truncated };
}

/** @type {(text: string | null | undefined) => string} */
const fold = (text) => (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/gi, "d").toLowerCase();
// A receipt number as typed: no spaces or dashes, upper case ("k7m 4qx" → "K7M4QX").
/** @type {(text: string | null | undefined) => string} */
const compact = (text) => (text || "").replace(/[\s.-]/g, "").toUpperCase();
const NUMBER = /^[2-9A-HJ-NP-Z]{9}$/;

/**
 * @param {import("./common.js").Stay} stay
 * @param {string} needle the search, folded
 * @param {string} typed the search as typed (for a receipt number)
 */
function matches(stay, needle, typed) {
  if (!needle) return true;
  if (fold(`${stay.full_name} ${stay.room || ""} ${stay.document_number}`).includes(needle)) return true;
  const number = compact(typed);
  return number.length >= 4 && compact(stay.receipt_number).includes(number);
}

// Rooms in order (101, 102, …, 1001), the guests without a room last.
/**
 * @param {import("./common.js").Stay[]} records
 * @returns {Array<[string, import("./common.js").Stay[]]>}
 */
function byRoom(records) {
  /** @type {Map<string, import("./common.js").Stay[]>} */
  const rooms = new Map();
  for (const s of records) {
    const room = (s.room || "").trim();
    const guests = rooms.get(room);
    if (guests) guests.push(s);
    else rooms.set(room, [s]);
  }
  return [...rooms.entries()].sort(([a], [b]) => Number(!a) - Number(!b) || a.localeCompare(b, "vi", { numeric: true }));
}

const GUIDE_KEY = "luutru.staff.guide";
// Cards drawn per section at first (a facility that never checks out may have 2,000 records);
// "Show more" draws more.
const FIRST_CARDS = 100;

/** @param {{total: number, limit: number, onMore: () => void}} props */
function More({ total, limit, onMore }) {
  if (total <= limit) return null;
  return html`<button type="button" class="staff-show-more" onClick=${onMore}>
    ${t("staff.today.showMore", { n: fmtNumber(total - limit) })}</button>`;
}

function Guide() {
  const [open, setOpen] = useState(() => localStorage.getItem(GUIDE_KEY) !== "closed");
  return html`<details class="card staff-guide" open=${open} data-testid="guide"
      onToggle=${(/** @type {Event & {currentTarget: HTMLDetailsElement}} */ e) => { setOpen(e.currentTarget.open); localStorage.setItem(GUIDE_KEY, e.currentTarget.open ? "open" : "closed"); }}>
    <summary>${t("staff.guide.title")}</summary>
    <ol>
      <li>${t("staff.guide.arrive")}</li>
      <li data-testid="guide-deadline"><strong>${t("staff.guide.deadline")}</strong></li>
      <li>${t("staff.guide.leave")}</li>
      <li>${t("staff.guide.mistake")}</li>
      <li>${t("staff.guide.number")}</li>
    </ol>
  </details>`;
}

/** @typedef {(kind: ActionKind, stay: Stay) => void} Act */
/** @param {{stay: Stay, act: Act}} props */
function GuestCard({ stay, act }) {
  const s = stay;
  const open = s.status !== "voided";
  return html`<li class="staff-guest" data-testid="guest-card" data-stay-id=${s.stay_id} data-status=${s.status}>
    <div class="staff-guest-head">
      <a class="staff-guest-name" href=${`#/guests/${s.stay_id}`}>${s.full_name}</a>
      ${s.status !== "checked_in" ? html`<${StatusBadge} status=${s.status} />` : null}
      ${open ? html`<span data-testid="guest-timeliness" data-late-minutes=${s.late_minutes}><${TimelinessBadge} lateMinutes=${s.late_minutes} /></span>` : null}
    </div>
    <div class="staff-guest-meta">
      <span class="staff-guest-number" data-testid="guest-number">${s.receipt_number}</span>
      <span>${documentText(s)}</span>
      <span>${t("staff.today.arrivedAt")} <${When} iso=${s.check_in_at} /></span>
      ${s.status === "voided" || s.room ? null : html`<span>${t("staff.today.noRoom")}</span>`}
    </div>
    ${open
      ? html`<div class="staff-guest-actions">
          ${s.status === "checked_in"
            ? html`<button type="button" class="primary" onClick=${() => act("checkOut", s)}
                aria-label=${`${t("staff.action.checkOut")}: ${s.full_name}`}>${t("staff.action.checkOut")}</button>`
            : null}
          <details class="staff-more">
            <summary>${t("staff.today.more")}<span class="visually-hidden"> — ${t("staff.today.moreFor", { name: s.full_name })}</span></summary>
            <div class="staff-more-menu">
              <a class="button" href=${`#/guests/${s.stay_id}/correct`}>${t("staff.action.correct")}</a>
              <button type="button" class="danger" onClick=${(/** @type {MouseEvent & {currentTarget: HTMLButtonElement}} */ e) => {
                const menu = e.currentTarget.closest("details");
                if (menu) menu.open = false;
                act("void", s);
              }}>${t("staff.action.void")}</button>
            </div>
          </details>
        </div>`
      : null}
  </li>`;
}

/** @param {{records: Stay[], act: Act}} props */
const Cards = ({ records, act }) => html`<ul class="staff-guests">${records.map(
  (s) => html`<${GuestCard} key=${s.stay_id} stay=${s} act=${act} />`,
)}</ul>`;

// A receipt number of another day (not in the day's list): the record it belongs to.
/**
 * @param {string} typed
 * @param {number} shownCount
 */
function useOtherDay(typed, shownCount) {
  const [found, setFound] = useState(/** @type {Stay | null} */ (null));
  const number = compact(typed);
  useEffect(() => {
    setFound(null);
    if (!NUMBER.test(number) || shownCount) return undefined;
    let live = true;
    api(`/v1/stays/by-number/${number}`).then((/** @type {Stay} */ s) => live && setFound(s), () => {});
    return () => { live = false; };
  }, [number, shownCount]);
  return found;
}

/** @param {{query: Record<string, string>}} props */
export function TodayPage({ query }) {
  const day = query.date || todayVN();
  const { data, error, loading, reload } = useAsync(() => dayRecords(day), [day]);
  const [search, setSearch] = useState("");
  const [limit, setLimit] = useState(FIRST_CARDS);
  const more = () => setLimit((n) => n + 5 * FIRST_CARDS);
  const [action, setAction] = useState(/** @type {{kind: ActionKind, stay: Stay} | null} */ (null));
  const [notice, setNotice] = useState(/** @type {string | null} */ (null));
  const noticeRef = useRef(/** @type {HTMLDivElement | null} */ (null));
  useEffect(() => {
    if (notice) noticeRef.current?.focus();
  }, [notice]);

  const needle = fold(search.trim());
  const shown = (data?.all || []).filter((s) => matches(s, needle, search));
  const staying = shown.filter((s) => s.status === "checked_in");
  const left = shown.filter((s) => s.status === "checked_out");
  const voided = shown.filter((s) => s.status === "voided");
  const elsewhere = useOtherDay(search, data ? shown.length : 1);

  const opener = useRef(/** @type {HTMLElement | null} */ (null)); // the button that opened the form gets the focus back
  /** @type {Act} */
  const act = (kind, stay) => {
    opener.current = /** @type {HTMLElement | null} */ (document.activeElement);
    setNotice(null);
    setAction({ kind, stay });
  };
  const cancel = () => {
    setAction(null);
    requestAnimationFrame(() => {
      /** @type {HTMLElement | null} the page's title (tabindex -1) when the opener has gone */
      const title = document.querySelector("main h1");
      const back = opener.current?.isConnected ? opener.current : title;
      back?.focus();
    });
  };

  // The counters count what the cards show, by the same definitions.
  const all = data?.all || [];
  const arrivals = (data?.arrivals || []).filter((s) => s.status !== "voided").length;

  return html`<${Page} title=${t("staff.today.title")} actions=${html`
      <a class="button primary" href="#/check-in">${t("staff.today.checkIn")}</a>
      <a class="button" href="#/guest-list">${t("staff.today.upload")}</a>`}>
    <${Guide} />
    <div class="staff-toolbar">
      <${Input} label=${t("staff.today.day")} name="date" type="date" value=${day} max=${todayVN(1)}
        onInput=${(/** @type {string} */ v) => v && navigate("/guests", { date: v === todayVN() ? "" : v })} />
      <${Input} label=${t("staff.today.search")} name="search" type="search" value=${search} onInput=${setSearch} />
      <button type="button" onClick=${reload}>${t("staff.today.refresh")}</button>
    </div>
    ${notice ? html`<div tabindex="-1" ref=${noticeRef}><${Banner} kind="ok">${notice}<//></div>` : null}
    ${action
      ? html`<${StayAction} key=${`${action.kind}-${action.stay.stay_id}`} kind=${action.kind} stay=${action.stay}
          onCancel=${cancel}
          onDone=${(/** @type {Stay} */ _, /** @type {string} */ message) => { setAction(null); setNotice(message); reload(); }} />`
      : null}
    <${ProblemBanner} error=${error} />
    ${loading && !data ? html`<${Loading} />` : null}
    ${data?.truncated ? html`<${Banner} kind="warn">${t("staff.today.truncated", { n: fmtNumber(MAX_DAY_RECORDS) })}<//>` : null}
    ${data
      ? html`
        <div class="kpis staff-kpis">
          <div class="kpi"><div class="value" data-testid="count-staying">${fmtNumber(all.filter((s) => s.status === "checked_in").length)}</div>
            <div class="label">${t("staff.today.staying")}</div></div>
          <div class="kpi"><div class="value" data-testid="count-arrivals">${fmtNumber(arrivals)}</div><div class="label">${t("staff.today.arrivals")}</div></div>
          <div class="kpi"><div class="value" data-testid="count-late">${fmtNumber(all.filter(isLate).length)}</div><div class="label">${t("staff.today.lateCount")}</div></div>
        </div>
        ${needle && !shown.length
          ? html`<div role="status" data-testid="search-result">
              ${elsewhere
                ? html`<${Banner} kind="info">${t("staff.today.otherDay", { number: elsewhere.receipt_number, name: elsewhere.full_name, date: fmtDate(elsewhere.check_in_at.slice(0, 10)) })}
                    <a href=${`#/guests/${elsewhere.stay_id}`}>${t("staff.today.openRecord")}</a><//>`
                : html`<p class="empty">${t("staff.today.noMatch", { q: search.trim() })}</p>`}
            </div>`
          : null}
        <section aria-labelledby="staff-staying" data-testid="staying">
          <h2 id="staff-staying">${t("staff.today.staying")} (${fmtNumber(staying.length)})</h2>
          ${staying.length
            ? byRoom(staying.slice(0, limit)).map(([room, records], i) => html`<section key=${room} class="staff-room" data-testid="room" data-room=${room}
                  aria-labelledby=${`staff-room-${i}`}>
                <h3 id=${`staff-room-${i}`}>${room ? t("staff.today.room", { room }) : t("staff.today.noRoom")}
                  <span class="muted"> · ${t("staff.today.guests", { n: fmtNumber(records.length) })}</span></h3>
                <${Cards} records=${records} act=${act} />
              </section>`)
            : html`<p class="empty">${t("staff.today.noneStaying")}</p>`}
          <${More} total=${staying.length} limit=${limit} onMore=${more} />
        </section>
        <section aria-labelledby="staff-left" data-testid="checked-out">
          <h2 id="staff-left">${t("staff.today.left")} (${fmtNumber(left.length)})</h2>
          ${left.length ? html`<${Cards} records=${left.slice(0, limit)} act=${act} />` : html`<p class="empty">${t("staff.today.noneLeft")}</p>`}
          <${More} total=${left.length} limit=${limit} onMore=${more} />
        </section>
        <section aria-labelledby="staff-voided" data-testid="voided">
          <h2 id="staff-voided">${t("staff.today.voided")} (${fmtNumber(voided.length)})</h2>
          ${voided.length ? html`<${Cards} records=${voided.slice(0, limit)} act=${act} />` : html`<p class="empty">${t("staff.today.noneVoided")}</p>`}
          <${More} total=${voided.length} limit=${limit} onMore=${more} />
        </section>`
      : null}
  <//>`;
}
