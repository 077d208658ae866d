// @ts-check
// The room board, the staff's home on a phone: a grid of room tiles, each saying its state in
// words and in colour (free, occupied with beds left, check-out today, past check-out, out of
// service). Tapping a room opens it: its guests, check a guest in there, check a guest out,
// move a guest to another room (a correction at the time of the move). A facility without a
// room registry lands on today's guests instead.
import "./messages.js";
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../../api.js";
import { fmtDate, fmtNumber, t } from "../../i18n.js";
import { currentSession } from "../../session.js";
import { Badge, Banner, html, Loading, Page, ProblemBanner, Select, useAsync } from "../../ui.js";
import { StayAction } from "../staff/actions.js";
import { When } from "../staff/common.js";

/**
 * A room of GET /v1/rooms/{facility}/board.
 * @typedef {object} BoardRoom
 * @property {string} room_id
 * @property {string} number
 * @property {string | null} floor
 * @property {number} beds
 * @property {"free" | "occupied" | "due_out" | "overstaying" | "out_of_service"} state
 * @property {number} beds_left
 * @property {boolean} over_capacity
 * @property {BoardGuest[]} guests
 */
/**
 * A guest staying in a room of the board.
 * @typedef {{stay_id: string, full_name: string, receipt_number: string, check_in_at: string, expected_check_out: string | null, overstaying: boolean}} BoardGuest
 */
/**
 * GET /v1/rooms/{facility}/board: the rooms, how many are in each state, and the guests
 * staying without a room.
 * @typedef {{rooms: BoardRoom[], counts: Record<string, number>, guests_without_room: number}} Board
 */

const STATES = ["free", "occupied", "due_out", "overstaying", "out_of_service"];
/** @type {Record<string, string>} */
const BADGE = { free: "ok", occupied: "info", due_out: "warn", overstaying: "bad", out_of_service: "neutral" };

/** @param {string | null | undefined} facilityId */
export const boardPath = (facilityId) => `/v1/rooms/${facilityId}/board`;

// The tile's name is its visible text with a few hidden words between ("Phòng 101: Có khách,
// 1 khách / 2 giường"): what a screen reader says is what the eye reads (WCAG 2.5.3).
/** @param {{room: BoardRoom, onOpen: (room: BoardRoom, button: HTMLElement) => void}} props */
function Tile({ room, onOpen }) {
  /** @param {string} text */
  const hidden = (text) => html`<span class="visually-hidden">${text}</span>`;
  return html`<li>
    <button type="button" class=${`room-tile room-${room.state}`} data-testid="room-tile" data-room=${room.number}
        data-state=${room.state} onClick=${(/** @type {MouseEvent & {currentTarget: HTMLButtonElement}} */ e) => onOpen(room, e.currentTarget)}>
      <span class="room-tile-number">${hidden(t("rooms.tile.room"))} ${room.number}${hidden(":")} </span>
      <span class="room-tile-state">${t(`rooms.state.${room.state}`)}${hidden(",")} </span>
      <span class="room-tile-beds">${t("rooms.tile.beds", { guests: fmtNumber(room.guests.length), beds: fmtNumber(room.beds) })}</span>
      ${room.over_capacity ? html`<span class="room-tile-over">${hidden(",")} ${t("rooms.tile.over")}</span>` : null}
    </button>
  </li>`;
}

/**
 * @param {object} props
 * @param {BoardGuest} props.guest
 * @param {BoardRoom[]} props.rooms
 * @param {BoardRoom} props.from
 * @param {(message: string) => void} props.onDone
 * @param {() => void} props.onCancel
 */
function MoveForm({ guest, rooms, from, onDone, onCancel }) {
  const targets = rooms.filter((r) => r.room_id !== from.room_id && r.state !== "out_of_service");
  const [target, setTarget] = useState("");
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [busy, setBusy] = useState(false);
  const box = useRef(/** @type {HTMLFormElement | null} */ (null));
  useEffect(() => box.current?.querySelector("select")?.focus(), []);
  /** @param {SubmitEvent} event */
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api(`/v1/stays/${guest.stay_id}/move`, { method: "POST", json: { room_id: target } });
      const room = targets.find((r) => r.room_id === target);
      onDone(t("rooms.move.done", { name: guest.full_name, number: room?.number ?? "" }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return html`<form class="card staff-action" ref=${box} onSubmit=${submit} data-testid="move-form"
      aria-label=${t("rooms.panel.moveFor", { name: guest.full_name })}>
    <h3>${t("rooms.panel.moveFor", { name: guest.full_name })}</h3>
    <${ProblemBanner} error=${error} />
    <${Select} label=${t("rooms.move.to")} name="room_id" required value=${target} onChange=${setTarget}
      options=${[["", t("rooms.move.choose")], ...targets.map((r) => /** @type {[string, string]} */ ([r.room_id, t("rooms.move.option", { number: r.number, left: fmtNumber(r.beds_left) })]))]} />
    <div class="actions">
      <button type="submit" class="primary" disabled=${busy || !target}>${t("rooms.move.submit")}</button>
      <button type="button" onClick=${onCancel}>${t("rooms.move.cancel")}</button>
    </div>
  </form>`;
}

/**
 * @param {object} props
 * @param {BoardRoom} props.room
 * @param {BoardRoom[]} props.rooms
 * @param {() => void} props.onClose
 * @param {(message: string) => void} props.onChanged
 */
function RoomPanel({ room, rooms, onClose, onChanged }) {
  const heading = useRef(/** @type {HTMLHeadingElement | null} */ (null));
  const [action, setAction] = useState(/** @type {{kind: "checkOut" | "move", guest: BoardGuest} | null} */ (null));
  useEffect(() => heading.current?.focus(), [room.room_id]);
  /** @param {string} message */
  const done = (message) => { setAction(null); onChanged(message); };
  return html`<section class="card room-panel" aria-labelledby="room-panel-title" data-testid="room-panel" data-room=${room.number}>
    <h2 id="room-panel-title" tabindex="-1" ref=${heading}>${t("rooms.room", { number: room.number })}
      <span class="muted"> · <${Badge} kind=${BADGE[room.state]}>${t(`rooms.state.${room.state}`)}<//></span></h2>
    <p>${t("rooms.tile.beds", { guests: fmtNumber(room.guests.length), beds: fmtNumber(room.beds) })}</p>
    ${room.guests.length
      ? html`<ul class="room-guests">${room.guests.map((g) => html`<li key=${g.stay_id} data-testid="room-guest">
          <a href=${`#/guests/${g.stay_id}`}>${g.full_name}</a>
          ${g.overstaying ? html` <${Badge} kind="bad">${t("rooms.panel.overstaying")}<//>` : null}
          <div class="muted">${t("rooms.panel.arrived")} <${When} iso=${g.check_in_at} />
            ${g.expected_check_out ? html` · ${t("rooms.panel.until")} ${fmtDate(g.expected_check_out)}` : null}</div>
          <div class="staff-row-actions">
            <button type="button" class="primary" aria-label=${t("rooms.panel.checkOutFor", { name: g.full_name })}
              onClick=${() => setAction({ kind: "checkOut", guest: g })}>${t("staff.action.checkOut")}</button>
            <button type="button" aria-label=${t("rooms.panel.moveFor", { name: g.full_name })}
              onClick=${() => setAction({ kind: "move", guest: g })}>${t("rooms.panel.move")}</button>
          </div>
        </li>`)}</ul>`
      : html`<p class="empty">${t("rooms.panel.noGuests")}</p>`}
    ${action?.kind === "checkOut"
      ? html`<${StayAction} kind="checkOut" stay=${action.guest} onCancel=${() => setAction(null)}
          onDone=${(/** @type {unknown} */ _, /** @type {string} */ message) => done(message)} />`
      : null}
    ${action?.kind === "move"
      ? html`<${MoveForm} guest=${action.guest} rooms=${rooms} from=${room} onDone=${done} onCancel=${() => setAction(null)} />`
      : null}
    <div class="actions">
      ${room.state !== "out_of_service"
        ? html`<a class="button primary" href=${`#/check-in?room=${encodeURIComponent(room.number)}`}>${t("rooms.panel.checkIn")}</a>`
        : null}
      <button type="button" onClick=${onClose}>${t("rooms.panel.close")}</button>
    </div>
  </section>`;
}

export function BoardPage() {
  const facilityId = currentSession()?.facilityId;
  const { data, error, loading, reload } = useAsync(
    async () => /** @type {Board} */ (await api(boardPath(facilityId))),
    [facilityId],
  );
  const [open, setOpen] = useState(/** @type {string | null} */ (null)); // room_id
  const [notice, setNotice] = useState(/** @type {string | null} */ (null));
  const opener = useRef(/** @type {HTMLElement | null} */ (null));
  const noRegistry = data && !data.rooms.length;
  useEffect(() => {
    // No registry: the day's guests are the home page, as before rooms existed. Only while
    // the board is still what the address shows: someone who went on to another page before
    // the board answered stays there.
    if (noRegistry && /^#\/rooms(\?|$)/.test(location.hash)) location.replace("#/guests");
  }, [noRegistry]);
  /** @type {BoardRoom[]} */
  const rooms = data?.rooms || [];
  const room = rooms.find((r) => r.room_id === open);
  const close = () => {
    setOpen(null);
    requestAnimationFrame(() => opener.current?.focus());
  };
  return html`<${Page} title=${t("rooms.board.title")} actions=${html`
      <button type="button" onClick=${reload}>${t("rooms.board.refresh")}</button>`}>
    <${ProblemBanner} error=${error} />
    ${loading && !data ? html`<${Loading} />` : null}
    ${notice ? html`<${Banner} kind="ok">${notice}<//>` : null}
    ${data && rooms.length
      ? html`
        <section aria-label=${t("rooms.board.summary")}>
          <ul class="room-counts" data-testid="room-counts">${STATES.map((s) => html`<li key=${s} class=${`room-${s}`} data-state=${s}>
            <strong>${fmtNumber(data.counts[s] || 0)}</strong> ${t(`rooms.state.${s}`)}</li>`)}</ul>
          ${data.guests_without_room ? html`<p class="muted">${t("rooms.board.withoutRoom", { n: fmtNumber(data.guests_without_room) })}</p>` : null}
        </section>
        ${room
          ? html`<${RoomPanel} key=${room.room_id} room=${room} rooms=${rooms} onClose=${close}
              onChanged=${(/** @type {string} */ message) => { setNotice(message); reload(); }} />`
          : null}
        <ul class="room-grid" aria-label=${t("rooms.board.grid")} data-testid="room-grid">${rooms.map(
          (r) => html`<${Tile} key=${r.room_id} room=${r} onOpen=${(/** @type {BoardRoom} */ picked, /** @type {HTMLElement} */ button) => { opener.current = button; setNotice(null); setOpen(picked.room_id); }} />`,
        )}</ul>`
      : null}
  <//>`;
}
