// @ts-check
// A facility's room registry: its rooms in number order with their state; for those who
// manage it (the facility's manager, police admins) adding one room or a range ("101–120"),
// editing, taking out of service, back in service, retiring. Police officers see it read-only
// in the facility's page of the registry.
import "./messages.js";
import { useState } from "preact/hooks";
import { api, query } from "../../api.js";
import { fmtNumber, t } from "../../i18n.js";
import { fieldLabel } from "../../labels.js";
import { currentSession } from "../../session.js";
import { Badge, Banner, fieldErrors, html, Input, Loading, Page, ProblemBanner, Select, Table, useAsync } from "../../ui.js";

const KINDS = ["room", "dormitory", "bed_space", "ward"];
/** @typedef {import("../../types.js").Room} Room */

/** @type {Record<string, string>} */
const STATE_BADGE = { in_service: "ok", out_of_service: "neutral", retired: "bad" };

/** @param {string} facilityId */
async function allRooms(facilityId) {
  /** @type {Room[]} */
  const items = [];
  /** @type {string | null} */
  let cursor = null;
  do {
    /** @type {import("../../types.js").Page<Room>} */
    const page = await api(`/v1/rooms/${facilityId}${query({ cursor, limit: 1000 })}`);
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}

function keyOf() {
  return crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2);
}

/** @param {{facilityId: string, range: boolean, onDone: (message: string) => void}} props */
function AddForm({ facilityId, range, onDone }) {
  const [values, setValues] = useState({ number: "", range: "", floor: "", kind: "room", beds: "2" });
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [busy, setBusy] = useState(false);
  const [key, setKey] = useState(keyOf);
  /** @type {(name: keyof typeof values) => (v: string) => void} */
  const set = (name) => (v) => setValues({ ...values, [name]: v });
  /** @param {SubmitEvent} event */
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    /** @type {{kind: string, beds: number, floor?: string, range?: string, number?: string}} */
    const json = { kind: values.kind, beds: Number(values.beds) };
    if (values.floor.trim()) json.floor = values.floor.trim();
    if (range) json.range = values.range;
    else json.number = values.number;
    try {
      const made = await api(`/v1/rooms/${facilityId}${range ? "/range" : ""}`, {
        method: "POST", json, headers: { "Idempotency-Key": key },
      });
      setKey(keyOf());
      setValues({ ...values, number: "", range: "" });
      onDone(t("rooms.settings.added", { n: fmtNumber(range ? made.created : 1) }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const errors = fieldErrors(error, "");
  const title = t(range ? "rooms.settings.addRange" : "rooms.settings.addOne");
  return html`<form class="card" onSubmit=${submit} aria-label=${title} data-testid=${range ? "add-range" : "add-room"}>
    <h2>${title}</h2>
    <${ProblemBanner} error=${error} />
    <div class="grid">
      ${range
        ? html`<${Input} label=${fieldLabel("range")} name="range" required hint=${t("rooms.settings.rangeHint")}
            value=${values.range} onInput=${set("range")} error=${errors.range} />`
        : html`<${Input} label=${fieldLabel("number")} name="number" required maxlength="20"
            value=${values.number} onInput=${set("number")} error=${errors.number} />`}
      <${Input} label=${fieldLabel("floor")} name="floor" maxlength="20" value=${values.floor} onInput=${set("floor")} error=${errors.floor} />
      <${Select} label=${fieldLabel("kind")} name="kind" value=${values.kind} onChange=${set("kind")}
        options=${KINDS.map((k) => /** @type {[string, string]} */ ([k, t(`rooms.kind.${k}`)]))} />
      <${Input} label=${fieldLabel("beds")} name="beds" type="number" min="1" max="500" required
        value=${values.beds} onInput=${set("beds")} error=${errors.beds} />
    </div>
    <div class="actions"><button type="submit" class="primary" disabled=${busy}>${t("rooms.settings.add")}</button></div>
  </form>`;
}

/** @param {{facilityId: string, room: Room, onDone: (message: string) => void, onCancel: () => void}} props */
function EditForm({ facilityId, room, onDone, onCancel }) {
  const [values, setValues] = useState({ number: room.number, floor: room.floor || "", beds: String(room.beds) });
  const [error, setError] = useState(/** @type {unknown} */ (null));
  /** @type {(name: keyof typeof values) => (v: string) => void} */
  const set = (name) => (v) => setValues({ ...values, [name]: v });
  /** @param {SubmitEvent} event */
  const submit = async (event) => {
    event.preventDefault();
    setError(null);
    try {
      /** @type {Room} */
      const saved = await api(`/v1/rooms/${facilityId}/${room.room_id}`, {
        method: "PATCH", json: { number: values.number, floor: values.floor.trim() || null, beds: Number(values.beds) },
      });
      onDone(t("rooms.settings.saved", { number: saved.number }));
    } catch (e) {
      setError(e);
    }
  };
  const errors = fieldErrors(error, "");
  return html`<form class="card staff-action" onSubmit=${submit} aria-label=${t("rooms.settings.editFor", { number: room.number })}>
    <h2>${t("rooms.settings.editFor", { number: room.number })}</h2>
    <${ProblemBanner} error=${error} />
    <div class="grid">
      <${Input} label=${fieldLabel("number")} name="number" required maxlength="20" value=${values.number} onInput=${set("number")} error=${errors.number} />
      <${Input} label=${fieldLabel("floor")} name="floor" maxlength="20" value=${values.floor} onInput=${set("floor")} error=${errors.floor} />
      <${Input} label=${fieldLabel("beds")} name="beds" type="number" min="1" max="500" required value=${values.beds} onInput=${set("beds")} error=${errors.beds} />
    </div>
    <div class="actions">
      <button type="submit" class="primary">${t("rooms.settings.save")}</button>
      <button type="button" onClick=${onCancel}>${t("rooms.move.cancel")}</button>
    </div>
  </form>`;
}

/** The registry of one facility; `manage`: the add, edit and state actions. */
/** @param {{facilityId: string, manage: boolean}} props */
export function RoomRegistry({ facilityId, manage }) {
  const { data, error, loading, reload } = useAsync(() => allRooms(facilityId), [facilityId]);
  const [notice, setNotice] = useState(/** @type {string | null} */ (null));
  const [actionError, setActionError] = useState(/** @type {unknown} */ (null));
  const [editing, setEditing] = useState(/** @type {Room | null} */ (null));
  /** @param {string} message */
  const done = (message) => { setNotice(message); setEditing(null); reload(); };
  /**
   * @param {Room} room
   * @param {string} path the state change: out-of-service, back-in-service, retire
   */
  const change = async (room, path) => {
    setActionError(null);
    try {
      await api(`/v1/rooms/${facilityId}/${room.room_id}/${path}`, { method: "POST", json: {} });
      done(t("rooms.settings.saved", { number: room.number }));
    } catch (e) {
      setActionError(e);
    }
  };
  /** @type {(room: Room, path: string, key: string, kind?: string) => unknown} */
  const action = (room, path, key, kind = "") => html`<button type="button" class=${kind}
      aria-label=${t("rooms.settings.actionFor", { action: t(key), number: room.number })}
      onClick=${() => change(room, path)}>${t(key)}</button>`;
  /** @type {import("../../ui.js").Column[]} */
  const columns = [
    { key: "number", label: fieldLabel("number") },
    { key: "floor", label: fieldLabel("floor") },
    { key: "kind", label: fieldLabel("kind"), render: (/** @type {Room} */ r) => t(`rooms.kind.${r.kind}`) },
    { key: "beds", label: fieldLabel("beds"), numeric: true },
    { key: "state", label: t("rooms.settings.state"), render: (/** @type {Room} */ r) => html`<${Badge} kind=${STATE_BADGE[r.state]}>${t(`rooms.state.${r.state}`)}<//>` },
  ];
  if (manage) {
    columns.push({
      key: "actions",
      label: t("rooms.settings.actions"),
      render: (/** @type {Room} */ r) => html`<div class="staff-row-actions">
        <button type="button" aria-label=${t("rooms.settings.editFor", { number: r.number })} onClick=${() => setEditing(r)}>${t("rooms.settings.edit")}</button>
        ${r.state === "in_service"
          ? action(r, "out-of-service", "rooms.settings.outOfService")
          : action(r, "back-in-service", "rooms.settings.backInService")}
        ${action(r, "retire", "rooms.settings.retire", "danger")}
      </div>`,
    });
  }
  return html`<div class="room-registry" data-testid="room-registry">
    ${notice ? html`<${Banner} kind="ok">${notice}<//>` : null}
    <${ProblemBanner} error=${error || actionError} />
    ${manage
      ? html`<div class="grid room-add">
          <${AddForm} facilityId=${facilityId} range=${false} onDone=${done} />
          <${AddForm} facilityId=${facilityId} range=${true} onDone=${done} />
        </div>`
      : null}
    ${editing ? html`<${EditForm} key=${editing.room_id} facilityId=${facilityId} room=${editing} onDone=${done} onCancel=${() => setEditing(null)} />` : null}
    ${loading && !data ? html`<${Loading} />` : null}
    ${data
      ? html`<${Table} caption=${t("rooms.settings.list")} columns=${columns} rows=${data}
          rowKey=${(/** @type {Room} */ r) => r.room_id} empty=${t("rooms.settings.empty")} data-testid="room-table" />`
      : null}
  </div>`;
}

export function RoomSettingsPage() {
  const facilityId = currentSession()?.facilityId;
  return html`<${Page} title=${t("rooms.settings.title")}>
    <${RoomRegistry} facilityId=${facilityId} manage=${true} />
  <//>`;
}
