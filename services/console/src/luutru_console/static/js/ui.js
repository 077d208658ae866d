// Shared building blocks of every page: labelled fields with their error next to them,
// problem banners, tables, and a hook for loading data. Pages import from here only.
import { createContext, h } from "preact";
import { useCallback, useContext, useEffect, useRef, useState } from "preact/hooks";
import htm from "htm";
import { ApiError } from "./api.js";
import { localized, messages, t } from "./i18n.js";

export const html = htm.bind(h);

// {session, me, facility, lang, navigate}
export const AppContext = createContext(null);
export const useApp = () => useContext(AppContext);

messages({
  vi: {
    "ui.loading": "Đang tải…",
    "ui.empty": "Không có dữ liệu",
    "ui.error": "Có lỗi",
    "ui.required": "bắt buộc",
    "ui.fieldErrors": "Các trường cần sửa:",
    "ui.close": "Đóng",
    "ui.retry": "Thử lại",
    "ui.more": "Xem thêm",
    "ui.network": "Không kết nối được máy chủ",
    "ui.offline": "Mất kết nối mạng hoặc máy chủ không trả lời. Kiểm tra Wi-Fi hoặc 4G rồi thử lại.",
    "ui.field.full_name": "Họ và tên",
    "ui.field.date_of_birth": "Ngày sinh",
    "ui.field.gender": "Giới tính",
    "ui.field.id_number": "Số định danh (CCCD)",
    "ui.field.legacy_id_number": "Số CMND cũ",
    "ui.field.passport_number": "Số hộ chiếu",
    "ui.field.nationality": "Quốc tịch",
    "ui.field.country_of_residence": "Nước cư trú",
    "ui.field.visa_type": "Loại thị thực",
    "ui.field.visa_number": "Số thị thực",
    "ui.field.entry_date": "Ngày nhập cảnh",
    "ui.field.entry_port": "Cửa khẩu nhập cảnh",
    "ui.field.accompanying_adult_document": "Giấy tờ của người lớn đi cùng",
    "ui.field.relationship": "Quan hệ với người đi cùng",
    "ui.field.room": "Phòng",
    "ui.field.check_in_at": "Giờ đến",
    "ui.field.check_out_at": "Giờ đi",
    "ui.field.expected_check_out": "Ngày dự kiến đi",
    "ui.field.qr": "Mã QR trên thẻ",
    "ui.field.seat": "Số ghế",
    "ui.field.boarding_point": "Điểm đón",
    "ui.field.alighting_point": "Điểm trả",
    "ui.field.plate": "Biển số xe",
    "ui.field.origin_province": "Tỉnh đi",
    "ui.field.destination_province": "Tỉnh đến",
    "ui.field.departure_at": "Giờ xuất bến",
    "ui.field.seats": "Số ghế trên xe",
    "ui.field.role": "Vai trò",
    "ui.field.reason": "Lý do",
    "ui.field.purpose": "Mục đích tra cứu",
    "ui.field.case_reference": "Số hồ sơ/vụ việc",
    "ui.field.note": "Ghi chú",
    "ui.field.document_number": "Số giấy tờ",
    "ui.field.username": "Tên đăng nhập",
    "ui.field.password": "Mật khẩu",
    "ui.field.new_password": "Mật khẩu mới",
    "ui.field.facility_type": "Loại cơ sở",
    "ui.field.name": "Tên",
    "ui.field.star_rating": "Hạng sao",
    "ui.field.province_code": "Tỉnh, thành phố",
    "ui.field.commune_code": "Xã, phường",
    "ui.field.communes": "Xã, phường",
    "ui.field.business_licence_number": "Số giấy phép kinh doanh",
    "ui.field.address": "Địa chỉ",
    "ui.field.rooms": "Số phòng",
    "ui.field.beds": "Số giường",
    "ui.field.vehicles": "Số xe",
    "ui.field.zone": "Khu công nghiệp, khu kinh tế",
    "ui.field.contact_phone": "Điện thoại liên hệ",
    "ui.field.contact_email": "Thư điện tử liên hệ",
    "ui.field.facility_id": "Cơ sở",
    "ui.field.department": "Sở, ngành",
    "ui.field.code": "Mã",
    "ui.field.limit": "Số dòng tối đa",
    "ui.field.date": "Ngày",
    "ui.field.date_from": "Từ ngày",
    "ui.field.date_to": "Đến ngày",
    "ui.item.guests": "Khách thứ {n}",
    "ui.item.passengers": "Hành khách thứ {n}",
    "ui.item.crew": "Người trong tổ lái thứ {n}",
    "ui.item.rows": "Dòng {n}",
    "ui.item.scopes": "Quyền thứ {n}",
    "ui.item.communes": "Xã, phường thứ {n}",
    "ui.search": "Tìm…",
    "ui.noMatch": "Không tìm thấy",
    "ui.choices": "Các lựa chọn",
    "ui.clear": "Xoá lựa chọn",
  },
  en: {
    "ui.loading": "Loading…",
    "ui.empty": "Nothing to show",
    "ui.error": "Something went wrong",
    "ui.required": "required",
    "ui.fieldErrors": "Fields to fix:",
    "ui.close": "Close",
    "ui.retry": "Retry",
    "ui.more": "Load more",
    "ui.network": "Cannot reach the server",
    "ui.offline": "No network connection, or the server did not answer. Check Wi-Fi or mobile data and try again.",
    "ui.field.full_name": "Full name",
    "ui.field.date_of_birth": "Date of birth",
    "ui.field.gender": "Gender",
    "ui.field.id_number": "ID number",
    "ui.field.legacy_id_number": "Old ID card number",
    "ui.field.passport_number": "Passport number",
    "ui.field.nationality": "Nationality",
    "ui.field.country_of_residence": "Country of residence",
    "ui.field.visa_type": "Visa type",
    "ui.field.visa_number": "Visa number",
    "ui.field.entry_date": "Entry date",
    "ui.field.entry_port": "Port of entry",
    "ui.field.accompanying_adult_document": "Accompanying adult's document",
    "ui.field.relationship": "Relationship to the adult",
    "ui.field.room": "Room",
    "ui.field.check_in_at": "Arrival",
    "ui.field.check_out_at": "Departure",
    "ui.field.expected_check_out": "Expected departure",
    "ui.field.qr": "QR code on the card",
    "ui.field.seat": "Seat",
    "ui.field.boarding_point": "Boarding point",
    "ui.field.alighting_point": "Alighting point",
    "ui.field.plate": "Plate",
    "ui.field.origin_province": "Origin province",
    "ui.field.destination_province": "Destination province",
    "ui.field.departure_at": "Departure",
    "ui.field.seats": "Seats on the coach",
    "ui.field.role": "Role",
    "ui.field.reason": "Reason",
    "ui.field.purpose": "Purpose",
    "ui.field.case_reference": "Case or dossier reference",
    "ui.field.note": "Note",
    "ui.field.document_number": "Document number",
    "ui.field.username": "Username",
    "ui.field.password": "Password",
    "ui.field.new_password": "New password",
    "ui.field.facility_type": "Facility type",
    "ui.field.name": "Name",
    "ui.field.star_rating": "Star rating",
    "ui.field.province_code": "Province",
    "ui.field.commune_code": "Commune",
    "ui.field.communes": "Communes",
    "ui.field.business_licence_number": "Business licence number",
    "ui.field.address": "Address",
    "ui.field.rooms": "Rooms",
    "ui.field.beds": "Beds",
    "ui.field.vehicles": "Vehicles",
    "ui.field.zone": "Industrial or economic zone",
    "ui.field.contact_phone": "Contact phone",
    "ui.field.contact_email": "Contact e-mail",
    "ui.field.facility_id": "Facility",
    "ui.field.department": "Department",
    "ui.field.code": "Code",
    "ui.field.limit": "Row limit",
    "ui.field.date": "Date",
    "ui.field.date_from": "From",
    "ui.field.date_to": "To",
    "ui.item.guests": "Guest {n}",
    "ui.item.passengers": "Passenger {n}",
    "ui.item.crew": "Crew member {n}",
    "ui.item.rows": "Row {n}",
    "ui.item.scopes": "Scope {n}",
    "ui.item.communes": "Commune {n}",
    "ui.search": "Search…",
    "ui.noMatch": "No match",
    "ui.choices": "Choices",
    "ui.clear": "Clear the choice",
  },
});

let fieldSeq = 0;
const useFieldId = (name) => useRef(`f-${name || "field"}-${++fieldSeq}`).current;

// One labelled input; `error` is shown under it and announced (aria-describedby).
export function Input({ label, name, error, hint, required, type = "text", value, onInput, ...rest }) {
  const id = useFieldId(name);
  const described = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(" ");
  return html`<div class=${`field${error ? " has-error" : ""}`}>
    <label for=${id}>${label}${required ? html` <span class="req" aria-hidden="true">*</span>` : null}</label>
    <input id=${id} name=${name} type=${type} value=${value ?? ""} required=${required}
      aria-invalid=${error ? "true" : undefined} aria-describedby=${described || undefined}
      onInput=${(e) => onInput?.(e.currentTarget.value, e)} ...${rest} />
    ${hint ? html`<small id=${`${id}-hint`} class="hint">${hint}</small>` : null}
    ${error ? html`<small id=${`${id}-error`} class="field-error" role="alert">${error}</small>` : null}
  </div>`;
}

export function TextArea({ label, name, error, hint, required, value, onInput, ...rest }) {
  const id = useFieldId(name);
  const described = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(" ");
  // `value` as a property (not child text), so clearing it from code clears the box.
  return html`<div class=${`field${error ? " has-error" : ""}`}>
    <label for=${id}>${label}${required ? html` <span class="req" aria-hidden="true">*</span>` : null}</label>
    <textarea id=${id} name=${name} required=${required} aria-invalid=${error ? "true" : undefined}
      aria-describedby=${described || undefined} value=${value ?? ""}
      onInput=${(e) => onInput?.(e.currentTarget.value, e)} ...${rest} />
    ${hint ? html`<small id=${`${id}-hint`} class="hint">${hint}</small>` : null}
    ${error ? html`<small id=${`${id}-error`} class="field-error" role="alert">${error}</small>` : null}
  </div>`;
}

// A file picker; Preact never writes its value (Input would reset it on each render).
export function FileField({ label, name, accept, error, hint, required, onFile }) {
  const id = useFieldId(name);
  const described = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(" ");
  return html`<div class=${`field${error ? " has-error" : ""}`}>
    <label for=${id}>${label}${required ? html` <span class="req" aria-hidden="true">*</span>` : null}</label>
    <input id=${id} name=${name} type="file" accept=${accept} required=${required}
      aria-invalid=${error ? "true" : undefined} aria-describedby=${described || undefined}
      onChange=${(e) => onFile(e.currentTarget.files?.[0] ?? null)} />
    ${hint ? html`<small id=${`${id}-hint`} class="hint">${hint}</small>` : null}
    ${error ? html`<small id=${`${id}-error`} class="field-error" role="alert">${error}</small>` : null}
  </div>`;
}

// options: [[value, label], ...]
export function Select({ label, name, error, required, value, options, onChange, ...rest }) {
  const id = useFieldId(name);
  return html`<div class=${`field${error ? " has-error" : ""}`}>
    <label for=${id}>${label}${required ? html` <span class="req" aria-hidden="true">*</span>` : null}</label>
    <select id=${id} name=${name} required=${required} aria-invalid=${error ? "true" : undefined}
      aria-describedby=${error ? `${id}-error` : undefined}
      onChange=${(e) => onChange?.(e.currentTarget.value, e)} ...${rest}>
      ${options.map(([v, l]) => html`<option value=${v} selected=${String(v) === String(value ?? "")}>${l}</option>`)}
    </select>
    ${error ? html`<small id=${`${id}-error`} class="field-error" role="alert">${error}</small>` : null}
  </div>`;
}

export function Checkbox({ label, name, checked, onChange }) {
  const id = useFieldId(name);
  return html`<div class="field checkbox">
    <input id=${id} name=${name} type="checkbox" checked=${checked}
      onChange=${(e) => onChange?.(e.currentTarget.checked)} />
    <label for=${id}>${label}</label>
  </div>`;
}

// Field errors of an ApiError, keyed by the field name under `prefix`
// ("/guests/0" + "/id_number" → {id_number: "…"}); the rest stay in the banner.
export function fieldErrors(error, prefix = "") {
  if (!(error instanceof ApiError)) return {};
  const out = {};
  for (const [pointer, message] of Object.entries(error.fieldErrors)) {
    if (pointer.startsWith(`${prefix}/`)) out[pointer.slice(prefix.length + 1)] = message;
  }
  return out;
}

// Where an error is, in words: "/passengers/1/date_of_birth" → "Hành khách thứ 2 — Ngày sinh"
// (counted from 1, in the user's language). The field and list names below cover the APIs'
// bodies; a page may add its own with fieldLabels({field: messageKey}, {list: messageKey}).
// A field with no name is left out (the message still says what is wrong), never shown as
// its key.
const FIELD_LABELS = {};
const ITEM_LABELS = { guests: "ui.item.guests", passengers: "ui.item.passengers", add: "ui.item.passengers", crew: "ui.item.crew", rows: "ui.item.rows", scopes: "ui.item.scopes", communes: "ui.item.communes" };
const FIELDS = [
  "full_name", "date_of_birth", "gender", "id_number", "legacy_id_number", "passport_number", "nationality",
  "country_of_residence", "visa_type", "visa_number", "entry_date", "entry_port", "accompanying_adult_document",
  "relationship", "room", "check_in_at", "check_out_at", "expected_check_out", "qr", "seat", "boarding_point",
  "alighting_point", "plate", "origin_province", "destination_province", "departure_at", "seats", "role",
  "reason", "purpose", "case_reference", "note", "document_number", "username", "password", "new_password", "facility_type", "name",
  "star_rating", "province_code", "commune_code", "communes", "business_licence_number", "address", "rooms",
  "beds", "vehicles", "zone", "contact_phone", "contact_email", "facility_id", "department", "code", "limit",
  "date", "date_from", "date_to",
];
for (const f of FIELDS) FIELD_LABELS[f] = `ui.field.${f}`;

export function fieldLabels(fields = {}, items = {}) {
  Object.assign(FIELD_LABELS, fields);
  Object.assign(ITEM_LABELS, items);
}

export function pointerLabel(pointer) {
  const text = String(pointer || "").replace(/^(query|path|header):/, "/");
  const parts = text.split("/").slice(1).map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  const out = [];
  for (let i = 0; i < parts.length; i += 1) {
    const part = parts[i];
    const next = parts[i + 1];
    if (next !== undefined && /^\d+$/.test(next) && ITEM_LABELS[part]) {
      // "/rows/N" is the sheet's own line number; lists in a body count from 0.
      out.push(t(ITEM_LABELS[part], { n: Number(next) + (part === "rows" ? 0 : 1) }));
      i += 1;
    } else if (FIELD_LABELS[part]) {
      out.push(t(FIELD_LABELS[part]));
    }
  }
  return out.join(" — ");
}

// The problem as a banner: its detail and every field error (so none is ever hidden), each
// under the field's name in words.
export function ProblemBanner({ error, onClose }) {
  if (!error) return null;
  if (!(error instanceof ApiError)) {
    // Offline, a timeout or a dropped connection: plain words, not the browser's "Failed to fetch".
    return html`<div class="banner error" role="alert">${t("ui.offline")}</div>`;
  }
  const errors = error.problem.errors || [];
  return html`<div class="banner error" role="alert" data-problem=${error.problem.code || ""}>
    <strong>${error.text}</strong>
    ${errors.length
      ? html`<ul class="problem-errors">${errors.map((e) => {
          const where = pointerLabel(e.pointer);
          return html`<li>${where ? html`<span class="problem-field">${where}:</span> ` : null}${localized(e.message) || e.code}</li>`;
        })}</ul>`
      : null}
    ${onClose ? html`<button type="button" class="link" onClick=${onClose}>${t("ui.close")}</button>` : null}
  </div>`;
}

export function Banner({ kind = "info", children }) {
  return html`<div class=${`banner ${kind}`} role=${kind === "error" ? "alert" : "status"}>${children}</div>`;
}

export function Loading() {
  return html`<p class="loading" role="status">${t("ui.loading")}</p>`;
}

// columns: [{key, label, render?(row), numeric?}]
export function Table({ columns, rows, empty, caption, rowKey = (r, i) => r.id ?? i, ...rest }) {
  if (!rows?.length) return html`<p class="empty">${empty ?? t("ui.empty")}</p>`;
  return html`<div class="table-wrap"><table ...${rest}>
    ${caption ? html`<caption>${caption}</caption>` : null}
    <thead><tr>${columns.map((c) => html`<th scope="col" class=${c.numeric ? "num" : ""}>${c.label}</th>`)}</tr></thead>
    <tbody>${rows.map(
      (row, i) => html`<tr key=${rowKey(row, i)}>${columns.map(
        (c) => html`<td class=${c.numeric ? "num" : ""} data-label=${c.label}>${c.render ? c.render(row) : row[c.key] ?? "—"}</td>`,
      )}</tr>`,
    )}</tbody>
  </table></div>`;
}

export function Page({ title, actions, children }) {
  useEffect(() => {
    document.title = `${title} · ${t("app.name")}`;
  }, [title]);
  return html`<section class="page">
    <header class="page-head"><h1 tabindex="-1">${title}</h1>${actions ? html`<div class="actions">${actions}</div>` : null}</header>
    ${children}
  </section>`;
}

// Load data for a view: {data, error, loading, reload}. `deps` as for useEffect.
export function useAsync(fn, deps = []) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const seq = useRef(0);
  const reload = useCallback(() => {
    const mine = ++seq.current;
    setState((s) => ({ ...s, loading: true, error: null }));
    Promise.resolve()
      .then(fn)
      .then(
        (data) => mine === seq.current && setState({ data, error: null, loading: false }),
        (error) => mine === seq.current && setState({ data: null, error, loading: false }),
      );
  }, deps);
  useEffect(reload, [reload]);
  return { ...state, reload };
}

export const Badge = ({ kind = "neutral", children }) => html`<span class=${`badge ${kind}`}>${children}</span>`;

// Text without accents or case, for searching names as people type them ("han" finds "Hàn Quốc").
export const searchKey = (text) =>
  String(text ?? "").replace(/[đĐ]/g, "d").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();

// A picker with search (a combobox): the chosen option's name in the box; typing lists the
// options whose name, code or `search` text contains what was typed (accents ignored);
// arrows, Enter and Escape by keyboard. options: [{value, label, hint?, search?}].
export function SearchSelect({ label, name, error, hint, required, disabled, value, options, onChange, placeholder, max = 50 }) {
  const id = useFieldId(name);
  const chosen = options.find((o) => String(o.value) === String(value ?? ""));
  const [text, setText] = useState(null); // null: not typing, show the chosen option
  const [active, setActive] = useState(0);
  const [browse, setBrowse] = useState(false); // the whole list, by the down arrow
  // The list shows what matches the typed text; an empty box lists nothing unless asked.
  const open = text !== null && (text.trim() !== "" || browse);
  const wanted = searchKey(text || "");
  const found = open
    ? options
        .filter((o) => !wanted || searchKey(`${o.label} ${o.value} ${o.search || ""}`).includes(wanted))
        .slice(0, max)
    : [];
  const pick = (o) => {
    setText(null);
    setBrowse(false);
    onChange?.(o ? String(o.value) : "");
  };
  const onKeyDown = (e) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (!open) {
        setBrowse(true);
        return setText(text ?? "");
      }
      const step = e.key === "ArrowDown" ? 1 : -1;
      setActive((a) => Math.max(0, Math.min(found.length - 1, a + step)));
    } else if (e.key === "Enter" && open) {
      e.preventDefault();
      if (found[active]) pick(found[active]);
    } else if (e.key === "Escape" && open) {
      e.preventDefault();
      setText(null);
      setBrowse(false);
    }
  };
  // Leaving the box keeps the choice (what was typed without picking is dropped).
  const onBlur = () =>
    setTimeout(() => {
      setText(null);
      setBrowse(false);
    }, 150);
  const described = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(" ");
  const shown = text !== null ? text : chosen ? chosen.label : value ? String(value) : "";
  return html`<div class=${`field search-select${error ? " has-error" : ""}`}>
    <label for=${id}>${label}${required ? html` <span class="req" aria-hidden="true">*</span>` : null}</label>
    <input id=${id} name=${name} type="text" role="combobox" autocomplete="off" value=${shown ?? ""}
      placeholder=${placeholder ?? t("ui.search")} required=${required} disabled=${disabled}
      aria-autocomplete="list" aria-expanded=${open ? "true" : "false"} aria-controls=${`${id}-list`}
      aria-activedescendant=${open && found[active] ? `${id}-o${active}` : undefined}
      aria-invalid=${error ? "true" : undefined} aria-describedby=${described || undefined}
      onInput=${(e) => {
        const typed = e.currentTarget.value;
        setText(typed);
        setActive(0);
        if (typed === "" && value) onChange?.(""); // an emptied box clears the choice
      }}
      onFocus=${(e) => e.currentTarget.select?.()} onKeyDown=${onKeyDown} onBlur=${onBlur} />
    <ul id=${`${id}-list`} role="listbox" class="search-select-list" hidden=${!open} aria-label=${t("ui.choices")}>
      ${found.map(
        (o, i) => html`<li id=${`${id}-o${i}`} key=${o.value} role="option" aria-selected=${i === active ? "true" : "false"}
          class=${i === active ? "active" : ""} onMouseDown=${(e) => {
            e.preventDefault();
            pick(o);
          }}>${o.label}${o.hint ? html` <small class="muted">${o.hint}</small>` : null}</li>`,
      )}
      ${open && !found.length ? html`<li role="option" aria-disabled="true" aria-selected="false" class="muted">${t("ui.noMatch")}</li>` : null}
    </ul>
    ${hint ? html`<small id=${`${id}-hint`} class="hint">${hint}</small>` : null}
    ${error ? html`<small id=${`${id}-error`} class="field-error" role="alert">${error}</small>` : null}
  </div>`;
}

// No answer at all (offline, timed out, connection dropped) or the console's "service did not
// answer" (502/503/504): worth the same request again once the network is back.
export const isUnreachable = (error) =>
  !(error instanceof ApiError) || [502, 503, 504].includes(error.status);
