// @ts-check
// The police landing page: wanted-person alerts worked at volume. One card per person (the
// matched registration) with all their hits and the watchlist entries by reason and name,
// the facility's name, address and the room; totals, pages and filters (status, commune by
// name, match kind) from GET /v1/alerts/people. New hits arrive live from
// GET /v1/alerts/stream (server-sent events): the page reloads the current page of people and
// marks the person as just arrived. A person's open hits are acknowledged or closed at once
// (POST /v1/alerts/people/{record}/transitions), or one hit at a time.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { api, eventStream, query } from "../../api.js";
import { fmtDate, fmtDateTime, fmtNumber, messages, t } from "../../i18n.js";
import { fieldLabel } from "../../labels.js";
import { Badge, html, Loading, Page, ProblemBanner, Select, TextArea } from "../../ui.js";
import { formErrors, UserName } from "./common.js";

messages({
  vi: {
    "police.alerts.totals": "{people} người · {hits} cảnh báo",
    "police.alerts.hits": "{n} cảnh báo",
    "police.alerts.open": "{n} chưa đóng",
    "police.alerts.page": "Trang {page}/{pages}",
    "police.alerts.page_alone": "Trang {page}",
    "police.alerts.prev": "Trang trước",
    "police.alerts.next": "Trang sau",
    "police.alerts.pages": "Phân trang",
    "police.alerts.communeFilter": "Xã/phường",
    "police.alerts.anyCommune": "Tất cả xã/phường",
    "police.alerts.communeCode": "Xã/phường mã {code}",
    "police.alerts.kindFilter": "Kiểu khớp",
    "police.alerts.anyKind": "Mọi kiểu khớp",
    "police.alerts.address": "Địa chỉ",
    "police.alerts.room": "Phòng",
    "police.alerts.noRoom": "Không khai báo",
    "police.alerts.passenger": "Hành khách (chuyến xe)",
    "police.alerts.arrival": "Giờ đến",
    "police.alerts.hitsTitle": "Khớp với danh sách truy nã",
    "police.alerts.entryName": "Đối tượng trong danh sách: {name}",
    "police.alerts.entryDocument": "Số giấy tờ trong danh sách: {document}",
    "police.alerts.noReason": "Không ghi lý do",
    "police.alerts.acknowledgeAll": "Tiếp nhận ({n})",
    "police.alerts.closeAll": "Đóng cảnh báo ({n})",
    "police.alerts.acknowledgeOne": "Tiếp nhận mục này",
    "police.alerts.closeOne": "Đóng mục này",
    "police.alerts.movedAll": "Đã chuyển {n} cảnh báo sang: {status}",
  },
  en: {
    "police.alerts.totals": "{people} people · {hits} alerts",
    "police.alerts.hits": "{n} alerts",
    "police.alerts.open": "{n} not closed",
    "police.alerts.page": "Page {page} of {pages}",
    "police.alerts.page_alone": "Page {page}",
    "police.alerts.prev": "Previous page",
    "police.alerts.next": "Next page",
    "police.alerts.pages": "Pages",
    "police.alerts.communeFilter": "Commune",
    "police.alerts.anyCommune": "All communes",
    "police.alerts.communeCode": "Commune no. {code}",
    "police.alerts.kindFilter": "Match",
    "police.alerts.anyKind": "Any match",
    "police.alerts.address": "Address",
    "police.alerts.room": "Room",
    "police.alerts.noRoom": "Not reported",
    "police.alerts.passenger": "Passenger (coach trip)",
    "police.alerts.arrival": "Arrival",
    "police.alerts.hitsTitle": "Watchlist matches",
    "police.alerts.entryName": "Listed person: {name}",
    "police.alerts.entryDocument": "Listed document: {document}",
    "police.alerts.noReason": "No reason given",
    "police.alerts.acknowledgeAll": "Acknowledge ({n})",
    "police.alerts.closeAll": "Close the alerts ({n})",
    "police.alerts.acknowledgeOne": "Acknowledge this one",
    "police.alerts.closeOne": "Close this one",
    "police.alerts.movedAll": "{n} alerts moved to: {status}",
  },
});

/** A step of a hit's history. @typedef {{at: string, by: string, status: string, note?: string | null}} HitNote */
/**
 * One watchlist hit of a person (analytics' alerts).
 * @typedef {object} Hit
 * @property {string} alert_id
 * @property {string} status
 * @property {string} match_kind
 * @property {number} score 0–1
 * @property {string | null} [entry_reason]
 * @property {string | null} [entry_name]
 * @property {string | null} [entry_document]
 * @property {string} detected_at
 * @property {HitNote[]} [notes]
 */
/**
 * A person (a matched registration) with all their hits (GET /v1/alerts/people).
 * @typedef {object} Person
 * @property {string} record_id
 * @property {string} status
 * @property {Hit[]} hits
 * @property {number} hit_count
 * @property {number} open_count
 * @property {string} subject_name
 * @property {string | null} [subject_document]
 * @property {string | null} [date_of_birth]
 * @property {string | null} [facility_name]
 * @property {string | null} [facility_code]
 * @property {string | null} [facility_street]
 * @property {number | string | null} [commune_code]
 * @property {string | null} [commune_name]
 * @property {string} [kind] "passenger" for a coach trip's
 * @property {string | null} [room]
 * @property {string} arrived_at
 */
/**
 * One page of people, the totals and the communes they are in; `next_cursor` asks for the next.
 * @typedef {{items: Person[], page: number, pages: number, total_people: number, total_hits: number, next_cursor?: string | null, communes: {code: number | string, name?: string | null, people: number}[]}} PeoplePage
 */
/** @typedef {import("../../types.js").Choice} Choice */

const STATUSES = ["new", "acknowledged", "closed"];
/** @type {Record<string, string>} */
const STATUS_KIND = { new: "bad", acknowledged: "warn", closed: "ok" };
/** Where a hit's status may go next. @type {Record<string, string[]>} */
const NEXT = { new: ["acknowledged", "closed"], acknowledged: ["closed"], closed: [] };
const MATCH_KINDS = ["document", "name_dob"];
/** @type {Record<string, string>} */
const LIVE_KIND = { open: "ok", connecting: "info", error: "warn", closed: "bad" };
const PAGE_SIZE = 20; // people per page; `page_size` in the page's address changes it (1–100)

/** @param {string} s */
const statusLabel = (s) => (STATUSES.includes(s) ? t(`police.alerts.status.${s}`) : s);
/** @param {string} k */
const kindLabel = (k) => (MATCH_KINDS.includes(k) ? t(`police.alerts.match.${k}`) : k);
/**
 * @param {number | string | null | undefined} code
 * @param {string | null} [name]
 */
const communeLabel = (code, name) => name || t("police.alerts.communeCode", { code });

// The person's status as the API gives it: new if any hit is new, else acknowledged if any is.
/** @param {Hit[]} hits */
function personStatus(hits) {
  for (const s of ["new", "acknowledged"]) if (hits.some((h) => h.status === s)) return s;
  return "closed";
}

// The filters come from the page's address: another address (a link, a bookmark) while the
// page is open starts it afresh with its filters.
/** @param {{query?: Record<string, string>}} props */
export function AlertsPage({ query: params }) {
  return html`<${AlertsView} key=${JSON.stringify(params || {})} params=${params} />`;
}

/** @param {{params: Record<string, string> | undefined}} props */
function AlertsView({ params }) {
  const [filters, setFilters] = useState({
    status: params?.status && STATUSES.includes(params.status) ? params.status : "",
    commune: params?.commune || "",
    match_kind: params?.match_kind && MATCH_KINDS.includes(params.match_kind) ? params.match_kind : "",
  });
  const [page, setPage] = useState(1);
  // The cursor of each page after the first (cursors[n - 1] for page n): pages follow the
  // previous page's last person, so acknowledging the people of a page, or new hits arriving,
  // neither repeats anyone on the next page nor skips anyone (pages counted from the top did
  // both; moving a single hit can still move its person, docs/analytics.md).
  const [cursors, setCursors] = useState(/** @type {(string | undefined)[]} */ ([]));
  const size = Math.min(100, Math.max(1, Number.parseInt(params?.page_size ?? "", 10) || PAGE_SIZE));
  const [data, setData] = useState(/** @type {PeoplePage | null} */ (null));
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [live, setLive] = useState(/** @type {string} */ ("connecting"));
  const [fresh, setFresh] = useState(/** @type {() => Set<string>} */ () => new Set());
  const [announcement, setAnnouncement] = useState("");
  const wanted = useRef({ filters, page, size, cursors });
  wanted.current = { filters, page, size, cursors };
  const seq = useRef(0);

  const load = useCallback(async () => {
    const mine = ++seq.current;
    const { filters: f, page: p, size: n, cursors: c } = wanted.current;
    try {
      /** @type {PeoplePage} */
      const body = await api(`/v1/alerts/people${query({ ...f, page: p, page_size: n, cursor: c[p - 1] })}`);
      if (mine !== seq.current) return;
      // Nobody left after the previous page (people closed or filtered away): go back one.
      if (p > 1 && !body.items.length) {
        setPage(p - 1);
        return;
      }
      setData(body);
      setError(null);
    } catch (e) {
      if (mine === seq.current) setError(e);
    }
  }, []);
  const loadRef = useRef(load);

  useEffect(() => {
    load();
  }, [filters, page]);

  // New hits arrive one event each; many at once reload the page once.
  const pending = useRef(0);
  const reloadSoon = () => {
    clearTimeout(pending.current);
    pending.current = window.setTimeout(() => loadRef.current(), 250);
  };
  useEffect(() => () => clearTimeout(pending.current), []);

  useEffect(
    () =>
      eventStream(
        "/v1/alerts/stream",
        (event) => {
          if (event.event !== "alert") return;
          /** @type {{alert_id: string, subject_name: string, subject_document?: string | null}} */
          let alert;
          try {
            alert = JSON.parse(event.data);
          } catch {
            return;
          }
          setFresh((s) => new Set(s).add(alert.alert_id));
          setAnnouncement(
            t("police.alerts.announce", { name: alert.subject_name, document: alert.subject_document || "—" }),
          );
          reloadSoon();
        },
        {
          onState: (state) => {
            setLive(state);
            // (Re)connected: the stream sends only what comes next, so catch up on the list.
            if (state === "open") loadRef.current();
          },
        },
      ),
    [],
  );

  /** @type {(key: keyof typeof filters) => (value: string) => void} */
  const setFilter = (key) => (value) => {
    setFilters({ ...filters, [key]: value });
    setCursors([]);
    setPage(1);
  };
  const nextPage = () => {
    if (!data?.next_cursor) return;
    const next = [...cursors];
    next[page] = data.next_cursor;
    setCursors(next);
    setPage(page + 1);
  };
  /** @param {Person} person */
  const changed = (person) =>
    setData((prev) => prev && { ...prev, items: prev.items.map((p) => (p.record_id === person.record_id ? person : p)) });
  const communes = data?.communes || [];
  // The page count holds while nobody leaves the filter; once the officer has worked people
  // off the pages before, this page is further on than the count of those left says.
  const pageLabel = data && (page <= data.pages
    ? t("police.alerts.page", { page: fmtNumber(page), pages: fmtNumber(data.pages) })
    : t("police.alerts.page_alone", { page: fmtNumber(page) }));
  const pager = data && (page > 1 || data.next_cursor)
    ? html`<nav class="pager" aria-label=${t("police.alerts.pages")} data-testid="alert-pager">
        <button type="button" disabled=${page <= 1} onClick=${() => setPage(page - 1)}>${t("police.alerts.prev")}</button>
        <span>${pageLabel}</span>
        <button type="button" disabled=${!data.next_cursor} onClick=${nextPage}>${t("police.alerts.next")}</button>
      </nav>`
    : null;

  return html`<${Page} title=${t("police.alerts.title")}
    actions=${html`<span class=${`live-indicator ${live}`} data-testid="live-indicator" data-state=${live}>
        <${Badge} kind=${LIVE_KIND[live] || "neutral"}>${t(`police.alerts.live.${live}`)}<//>
      </span>
      <button type="button" onClick=${load}>${t("police.alerts.reload")}</button>`}>
    <p class="muted">${t("police.alerts.intro")}</p>
    <p class="live-announce" role="status" aria-live="polite" aria-atomic="true" data-testid="alert-announce">${announcement}</p>
    <div class="police-filters">
      <${Select} label=${t("police.alerts.filter")} name="status" value=${filters.status} onChange=${setFilter("status")}
        options=${[["", t("police.alerts.all")], ...STATUSES.map((s) => /** @type {Choice} */ ([s, statusLabel(s)]))]} />
      <${Select} key=${`communes-${communes.map((c) => c.code).join("-")}`} label=${t("police.alerts.communeFilter")}
        name="commune" value=${filters.commune} onChange=${setFilter("commune")}
        options=${[
          ["", t("police.alerts.anyCommune")],
          ...communes.map((c) => /** @type {Choice} */ ([String(c.code), `${communeLabel(c.code, c.name)} (${fmtNumber(c.people)})`])),
          ...(filters.commune && !communes.some((c) => String(c.code) === filters.commune)
            ? [/** @type {Choice} */ ([filters.commune, communeLabel(filters.commune)])]
            : []),
        ]} />
      <${Select} label=${t("police.alerts.kindFilter")} name="match_kind" value=${filters.match_kind} onChange=${setFilter("match_kind")}
        options=${[["", t("police.alerts.anyKind")], ...MATCH_KINDS.map((k) => /** @type {Choice} */ ([k, kindLabel(k)]))]} />
    </div>
    <${ProblemBanner} error=${error} />
    ${data
      ? html`<p class="alert-totals" data-testid="alert-totals">
          ${t("police.alerts.totals", { people: fmtNumber(data.total_people), hits: fmtNumber(data.total_hits) })}
          ${pager ? html` · ${pageLabel}` : null}
        </p>`
      : null}
    ${data === null
      ? error
        ? null
        : html`<${Loading} />`
      : data.items.length
        ? html`<ol class="alert-list" aria-label=${t("police.alerts.title")}>
            ${data.items.map(
              (p) => html`<li key=${p.record_id}><${PersonCard} person=${p}
                fresh=${p.hits.some((h) => fresh.has(h.alert_id))} onChange=${changed} /></li>`,
            )}
          </ol>
          ${pager}`
        : html`<p class="empty">${t("police.alerts.none")}</p>`}
  <//>`;
}

/** @param {{person: Person, fresh: boolean, onChange: (person: Person) => void}} props */
function PersonCard({ person, fresh, onChange }) {
  const [note, setNote] = useState("");
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(/** @type {string | null} */ (null));
  const titleId = `person-${person.record_id}`;
  /** @param {string} to */
  const body = (to) => ({ status: to, ...(note.trim() ? { note: note.trim() } : {}) });

  /** @param {() => Promise<void>} action */
  const run = async (action) => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      await action();
      setNote("");
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  /** @param {string} to */
  const moveAll = (to) =>
    run(async () => {
      const before = person.hits.filter((h) => NEXT[h.status].includes(to)).length;
      /** @type {Person} */
      const updated = await api(`/v1/alerts/people/${person.record_id}/transitions`, { method: "POST", json: body(to) });
      setDone(
        before > 1
          ? t("police.alerts.movedAll", { n: fmtNumber(before), status: statusLabel(to) })
          : t("police.alerts.moved", { status: statusLabel(updated.status) }),
      );
      onChange(updated);
    });
  /**
   * @param {Hit} hit
   * @param {string} to
   */
  const moveOne = (hit, to) =>
    run(async () => {
      /** @type {Hit} */
      const updated = await api(`/v1/alerts/${hit.alert_id}/transitions`, { method: "POST", json: body(to) });
      const hits = person.hits.map((h) => (h.alert_id === hit.alert_id ? { ...h, ...updated } : h));
      setDone(t("police.alerts.moved", { status: statusLabel(updated.status) }));
      onChange({
        ...person,
        hits,
        status: personStatus(hits),
        open_count: hits.filter((h) => h.status !== "closed").length,
      });
    });

  const fields = formErrors(error, "note");
  const canAck = person.hits.filter((h) => h.status === "new").length;
  const canClose = person.hits.filter((h) => h.status !== "closed").length;
  const many = person.hits.length > 1;
  const address = [person.facility_street, communeLabel(person.commune_code, person.commune_name)].filter(Boolean).join(", ");

  return html`<article class=${`alert-card status-${person.status}${fresh ? " fresh" : ""}`} aria-labelledby=${titleId}
    data-record-id=${person.record_id} data-testid="alert-person">
    <header class="alert-head">
      <h2 id=${titleId}>${person.subject_name}</h2>
      <${Badge} kind=${STATUS_KIND[person.status] || "neutral"}>${statusLabel(person.status)}<//>
      <${Badge} kind="neutral"><span data-testid="hit-count">${t("police.alerts.hits", { n: fmtNumber(person.hit_count) })}</span><//>
      ${person.open_count && person.open_count !== person.hit_count
        ? html`<${Badge} kind="warn">${t("police.alerts.open", { n: fmtNumber(person.open_count) })}<//>`
        : null}
      ${fresh ? html`<${Badge} kind="info">${t("police.alerts.arrived")}<//>` : null}
    </header>
    <dl class="alert-facts">
      <div><dt>${fieldLabel("document_number")}</dt><dd class="doc">${person.subject_document || "—"}</dd></div>
      <div><dt>${fieldLabel("date_of_birth")}</dt><dd>${fmtDate(person.date_of_birth)}</dd></div>
      <div><dt>${t("police.facility")}</dt>
        <dd class="facility-name" data-testid="alert-facility">${person.facility_name || "—"}${person.facility_code
          ? html` <span class="muted">(${person.facility_code})</span>` : null}</dd></div>
      <div><dt>${t("police.alerts.address")}</dt><dd data-testid="alert-address">${address || "—"}</dd></div>
      <div><dt>${t("police.alerts.room")}</dt><dd data-testid="alert-room">${person.kind === "passenger"
        ? t("police.alerts.passenger") : person.room || t("police.alerts.noRoom")}</dd></div>
      <div><dt>${t("police.alerts.arrival")}</dt><dd>${fmtDateTime(person.arrived_at)}</dd></div>
    </dl>
    <h3>${t("police.alerts.hitsTitle")}</h3>
    <ol class="alert-hits">
      ${person.hits.map(
        (h) => html`<li key=${h.alert_id} class=${`alert-hit status-${h.status}`} data-alert-id=${h.alert_id} data-testid="alert">
          <p class="hit-head">
            <strong class="hit-reason">${h.entry_reason || t("police.alerts.noReason")}</strong>
            <${Badge} kind=${STATUS_KIND[h.status] || "neutral"}>${statusLabel(h.status)}<//>
          </p>
          <p class="hit-facts">${[
            `${kindLabel(h.match_kind)} (${t("police.alerts.score", { score: fmtNumber(h.score * 100, 1) })})`,
            h.entry_name ? t("police.alerts.entryName", { name: h.entry_name }) : null,
            h.entry_document ? t("police.alerts.entryDocument", { document: h.entry_document }) : null,
            `${t("police.alerts.detectedAt")} ${fmtDateTime(h.detected_at)}`,
          ].filter(Boolean).join(" · ")}</p>
          ${h.notes?.length
            ? html`<ol class="alert-history" aria-label=${t("police.alerts.history")}>${h.notes.map(
                (n) => html`<li>${fmtDateTime(n.at)} · <${UserName} id=${n.by} /> · <strong>${statusLabel(n.status)}</strong>${n.note ? html`: ${n.note}` : null}</li>`,
              )}</ol>`
            : null}
          ${many && NEXT[h.status]?.length
            ? html`<div class="actions hit-actions">
                ${NEXT[h.status].map(
                  (to) => html`<button type="button" class="small" disabled=${busy} onClick=${() => moveOne(h, to)}
                    aria-label=${`${t(to === "closed" ? "police.alerts.closeOne" : "police.alerts.acknowledgeOne")}: ${h.entry_reason || kindLabel(h.match_kind)}`}>
                    ${t(to === "closed" ? "police.alerts.closeOne" : "police.alerts.acknowledgeOne")}</button>`,
                )}
              </div>`
            : null}
        </li>`,
      )}
    </ol>
    ${done ? html`<p class="moved" role="status">${done}</p>` : null}
    ${canClose
      ? html`<div class="alert-workflow">
          <${TextArea} label=${t("police.alerts.note")} name="note" hint=${t("police.alerts.noteHint")}
            value=${note} onInput=${setNote} error=${fields.note} rows="2" />
          <div class="actions">
            ${canAck
              ? html`<button type="button" class="primary" disabled=${busy} onClick=${() => moveAll("acknowledged")}>
                  ${many ? t("police.alerts.acknowledgeAll", { n: fmtNumber(canAck) }) : t("police.alerts.acknowledge")}</button>`
              : null}
            <button type="button" class="danger" disabled=${busy} onClick=${() => moveAll("closed")}>
              ${many ? t("police.alerts.closeAll", { n: fmtNumber(canClose) }) : t("police.alerts.close")}</button>
          </div>
        </div>`
      : null}
    <${ProblemBanner} error=${error} onClose=${() => setError(null)} />
  </article>`;
}
