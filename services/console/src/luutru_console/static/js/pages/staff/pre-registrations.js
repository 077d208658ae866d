// @ts-check
// Guests who pre-registered on their own phone (pending: only this facility sees them, gone
// after 72 hours), found by name or by the code on the guest's screen; staff check the card,
// enter the room and confirm in one tap → an ordinary stay (source "self") with its receipt.
// Above the list, the links: one for an expected guest or group (single use per guest) and
// the standing reception QR, which staff can replace (the old one stops working).
import "./messages.js";
import { useEffect, useState } from "preact/hooks";
import { api, ApiError, apiResponse } from "../../api.js";
import { localized, messages, t } from "../../i18n.js";
import { Banner, html, Input, Page, ProblemBanner } from "../../ui.js";
import { fieldLabel, newKey, Receipt, Warnings } from "./common.js";

messages({
  vi: {
    "nav.staff.pre": "Khách khai trước",
    "pre.title": "Khách khai trước",
    "pre.intro": "Khách tự khai trên điện thoại trước khi đến. Chỉ cơ sở mình thấy; chưa gửi Công an cho đến khi xác nhận; tự xóa sau 72 giờ.",
    "pre.links": "Link và mã QR cho khách",
    "pre.link.label": "Ghi chú (tên khách, đoàn)",
    "pre.link.guests": "Số khách",
    "pre.link.make": "Tạo link cho khách",
    "pre.link.standing": "Mã QR đặt ở quầy",
    "pre.link.standingMake": "Tạo mã QR ở quầy",
    "pre.link.rotate": "Đổi mã QR ở quầy (mã cũ hết dùng được)",
    "pre.link.open": "Link cho khách",
    "pre.link.copy": "Chép link",
    "pre.link.expires": "Hết hạn {time}",
    "pre.link.uses": "Đã dùng {used}/{max}",
    "pre.search": "Tìm theo tên hoặc mã trên điện thoại khách",
    "pre.none": "Chưa có khách khai trước.",
    "pre.code": "Mã",
    "pre.confirm": "Đã đối chiếu giấy tờ — xác nhận nhận phòng",
    "pre.confirming": "Đang xác nhận…",
    "pre.confirmed": "Đã nhận phòng cho {name}.",
    "pre.duplicate": "Khách này đã được khai báo hôm nay: đây là biên nhận cũ.",
    "pre.expires": "Tự xóa lúc {time}",
    "pre.gender.male": "Nam",
    "pre.gender.female": "Nữ",
    "pre.gender.other": "Khác",
  },
  en: {
    "nav.staff.pre": "Pre-registered guests",
    "pre.title": "Pre-registered guests",
    "pre.intro": "Guests fill in their details on their phone before arriving. Only this facility sees them; nothing goes to the police until you confirm; deleted after 72 hours.",
    "pre.links": "Links and QR codes for guests",
    "pre.link.label": "Note (guest or group name)",
    "pre.link.guests": "Guests",
    "pre.link.make": "Make a link for a guest",
    "pre.link.standing": "Reception QR code",
    "pre.link.standingMake": "Make the reception QR code",
    "pre.link.rotate": "Replace the reception QR code (the old one stops working)",
    "pre.link.open": "Link for the guest",
    "pre.link.copy": "Copy link",
    "pre.link.expires": "Expires {time}",
    "pre.link.uses": "Used {used}/{max}",
    "pre.search": "Find by name or by the code on the guest's phone",
    "pre.none": "No pre-registered guests.",
    "pre.code": "Code",
    "pre.confirm": "Card checked — confirm the check-in",
    "pre.confirming": "Confirming…",
    "pre.confirmed": "{name} is checked in.",
    "pre.duplicate": "This guest was already registered today: this is the original receipt.",
    "pre.expires": "Deleted at {time}",
    "pre.gender.male": "Male",
    "pre.gender.female": "Female",
    "pre.gender.other": "Other",
  },
});

/**
 * A pre-registration link (ingest's LinkView): one for a guest or group, or the standing one.
 * @typedef {object} Link
 * @property {string} link_id
 * @property {"guest" | "standing"} kind
 * @property {string | null} label
 * @property {number | null} max_entries
 * @property {number} entries
 * @property {string} path
 * @property {string} expires_at
 */
/**
 * A guest's pre-registration waiting for staff to check the card (ingest's PendingView).
 * @typedef {object} Pending
 * @property {string} pre_registration_id
 * @property {string} code
 * @property {string} full_name
 * @property {Record<string, string | undefined>} guest the fields the guest filled in
 * @property {string | null} link_label
 * @property {string} expires_at
 */
/** @typedef {{receipt: import("../../types.js").Receipt, duplicate: boolean, name: string}} Confirmed */

/** @param {string} iso */
const fmt = (iso) =>
  new Date(iso).toLocaleString(undefined, { timeZone: "Asia/Ho_Chi_Minh", dateStyle: "short", timeStyle: "short" });

// qrcode-generator (pinned in package.json), an ES module served by the console; by address,
// so the import map gives its versioned URL and it loads only when a link is shown.
const QR_MODULE = "/vendor/qrcode.js";

/** The link's QR code, drawn by the served qrcode-generator (loaded only on this page). */
/** @param {{url: string}} props */
function LinkQr({ url }) {
  const [src, setSrc] = useState("");
  useEffect(() => {
    let live = true;
    import(QR_MODULE).then(({ default: qrcode }) => {
      const code = qrcode(0, "M");
      code.addData(url);
      code.make();
      if (live) setSrc(code.createDataURL(5, 4));
    });
    return () => {
      live = false;
    };
  }, [url]);
  return src ? html`<img src=${src} alt=${t("pre.link.open")} data-testid="link-qr" />` : null;
}

/** @param {{link: Link}} props */
function LinkCard({ link }) {
  const url = `${location.origin}${link.path}`;
  return html`<div class="card pre-link" data-testid=${link.kind === "standing" ? "standing-link" : "guest-link"}>
    <strong>${link.kind === "standing" ? t("pre.link.standing") : link.label || t("pre.link.open")}</strong>
    <${LinkQr} url=${url} />
    <p><a href=${url} target="_blank" rel="noopener" data-testid="link-url">${url}</a></p>
    <p class="muted">${t("pre.link.expires", { time: fmt(link.expires_at) })}
      ${link.max_entries ? ` · ${t("pre.link.uses", { used: link.entries, max: link.max_entries })}` : ""}</p>
    <button type="button" onClick=${() => navigator.clipboard?.writeText(url)}>${t("pre.link.copy")}</button>
  </div>`;
}

function Links() {
  const [links, setLinks] = useState(/** @type {Link[]} */ ([]));
  const [label, setLabel] = useState("");
  const [guests, setGuests] = useState("1");
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const load = () => api("/v1/pre-registrations/links").then((/** @type {{items: Link[]}} */ r) => setLinks(r.items), setError);
  useEffect(() => {
    load();
  }, []);
  /** @param {{kind: "guest" | "standing", label?: string | null, guests?: number}} body */
  const make = async (body) => {
    setError(null);
    try {
      await api("/v1/pre-registrations/links", { method: "POST", json: body });
      setLabel("");
      await load();
    } catch (e) {
      setError(e);
    }
  };
  const standing = links.find((l) => l.kind === "standing");
  const forGuests = links.filter((l) => l.kind === "guest").slice(0, 5);
  return html`<section aria-labelledby="pre-links">
    <h2 id="pre-links">${t("pre.links")}</h2>
    ${error ? html`<${ProblemBanner} error=${error} onClose=${() => setError(null)} />` : null}
    <form class="card" onSubmit=${(/** @type {SubmitEvent} */ e) => { e.preventDefault(); make({ kind: "guest", label: label || null, guests: Number(guests) || 1 }); }}>
      <div class="grid">
        <${Input} label=${t("pre.link.label")} name="label" value=${label} onInput=${setLabel} maxlength="100" />
        <${Input} label=${t("pre.link.guests")} name="guests" type="number" min="1" max="30" value=${guests} onInput=${setGuests} />
      </div>
      <button type="submit" class="primary">${t("pre.link.make")}</button>
    </form>
    ${forGuests.map((link) => html`<${LinkCard} key=${link.link_id} link=${link} />`)}
    ${standing ? html`<${LinkCard} link=${standing} />` : null}
    <button type="button" onClick=${() => make({ kind: "standing" })}>
      ${standing ? t("pre.link.rotate") : t("pre.link.standingMake")}</button>
  </section>`;
}

/** @param {Pending["guest"]} guest */
function documentOf(guest) {
  return guest.id_number || guest.passport_number || "—";
}

/** @param {{entry: Pending, onConfirmed: (result: Confirmed) => void}} props */
function PendingCard({ entry, onConfirmed }) {
  const g = entry.guest;
  const [room, setRoom] = useState(g.room || "");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [key] = useState(newKey); // one key per entry: a retry never registers twice
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      const response = await apiResponse(`/v1/pre-registrations/${entry.pre_registration_id}/confirm`, {
        method: "POST",
        json: { room: room || null },
        headers: { "Idempotency-Key": key },
      });
      onConfirmed({ receipt: await response.json(), duplicate: response.status === 200, name: entry.full_name });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return html`<li class="card" data-testid="pending">
    <p><strong data-testid="pending-name">${entry.full_name}</strong> ·
      ${t("pre.code")} <strong data-testid="pending-code">${entry.code}</strong></p>
    <dl class="staff-dl">
      <dt>${fieldLabel("date_of_birth")}</dt><dd>${g.date_of_birth || "—"}</dd>
      <dt>${fieldLabel("gender")}</dt><dd>${g.gender ? t(`pre.gender.${g.gender}`) : "—"}</dd>
      <dt>${fieldLabel("nationality")}</dt><dd>${g.nationality || "—"}</dd>
      <dt>${g.passport_number ? fieldLabel("passport_number") : fieldLabel("id_number")}</dt><dd>${documentOf(g)}</dd>
      ${g.expected_check_out ? html`<dt>${fieldLabel("expected_check_out")}</dt><dd>${g.expected_check_out}</dd>` : null}
    </dl>
    <p class="muted">${t("pre.expires", { time: fmt(entry.expires_at) })}</p>
    ${error ? html`<${ProblemBanner} error=${error} onClose=${() => setError(null)} />` : null}
    <div class="grid">
      <${Input} label=${fieldLabel("room")} name=${`room-${entry.code}`} value=${room} onInput=${setRoom} maxlength="50" />
    </div>
    <button type="button" class="primary" disabled=${busy} onClick=${confirm}>
      ${busy ? t("pre.confirming") : t("pre.confirm")}</button>
  </li>`;
}

export function PreRegistrationsPage() {
  const [q, setQ] = useState("");
  const [items, setItems] = useState(/** @type {Pending[] | null} */ (null));
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [done, setDone] = useState(/** @type {Confirmed | null} */ (null));
  const load = (text = q) =>
    api(`/v1/pre-registrations${text ? `?q=${encodeURIComponent(text)}` : ""}`).then(
      (/** @type {{items: Pending[]}} */ r) => setItems(r.items),
      setError,
    );
  useEffect(() => {
    const timer = setTimeout(() => load(q), 250);
    return () => clearTimeout(timer);
  }, [q]);
  /** @param {Confirmed} result */
  const confirmed = (result) => {
    setDone(result);
    load();
  };
  return html`<${Page} title=${t("pre.title")}>
    <p class="muted">${t("pre.intro")}</p>
    ${done
      ? html`<div data-testid="pre-confirmed">
          <${Banner} kind="ok">${t("pre.confirmed", { name: done.name })}<//>
          ${done.duplicate ? html`<${Banner} kind="info">${t("pre.duplicate")}<//>` : null}
          <${Receipt} stay=${done.receipt} />
          <${Warnings} warnings=${done.receipt.warnings} />
        </div>`
      : null}
    ${error ? html`<${Banner} kind="error">${error instanceof ApiError ? localized(error.problem?.detail) || error.text : t("ui.offline")}<//>` : null}
    <${Input} label=${t("pre.search")} name="pre-search" type="search" value=${q} onInput=${setQ} />
    ${items && !items.length ? html`<p>${t("pre.none")}</p>` : null}
    <ul class="pre-list">${(items || []).map((entry) => html`<${PendingCard} key=${entry.pre_registration_id} entry=${entry} onConfirmed=${confirmed} />`)}</ul>
    <${Links} />
  <//>`;
}
