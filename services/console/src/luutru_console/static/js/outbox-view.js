// @ts-check
// The outbox as people see it: "chờ gửi" with a count in the header while check-ins wait on
// the device, and a page listing them — waiting, refused by the server (with its messages), and
// sent in this tab (the server's receipt in place of the local one).
import { useEffect, useState } from "preact/hooks";
import { localized, messages, t } from "./i18n.js";
import { discard, flush, onOutboxChange, onSent, records, sent } from "./outbox.js";
import { Banner, html, Page } from "./ui.js";

messages({
  vi: {
    "outbox.badge": "Chờ gửi: {n}",
    "outbox.title": "Bản khai chờ gửi",
    "outbox.intro": "Bản khai làm khi mất mạng được giữ trên máy này và tự gửi khi có mạng, theo thứ tự, không gửi trùng. Giờ đến là giờ đã nhập; biên nhận ghi giờ máy chủ nhận.",
    "outbox.waiting": "Chờ gửi",
    "outbox.refused": "Máy chủ từ chối — cần sửa và khai lại",
    "outbox.sent": "Đã gửi",
    "outbox.none": "Không có bản khai nào chờ gửi.",
    "outbox.send": "Gửi ngay",
    "outbox.discard": "Bỏ bản khai này",
    "outbox.madeAt": "Làm trên máy lúc {time}, giờ đến {arrival}",
    "outbox.signOutWarning": "Còn {n} bản khai chờ gửi trên máy này. Chúng sẽ được gửi khi bạn đăng nhập lại trên máy này. Vẫn đăng xuất?",
  },
  en: {
    "outbox.badge": "Waiting to send: {n}",
    "outbox.title": "Registrations waiting to be sent",
    "outbox.intro": "Registrations made without a connection are kept on this device and sent by themselves when the network is back, in order, never twice. The arrival time is the one entered; the receipt shows when the server received it.",
    "outbox.waiting": "Waiting to send",
    "outbox.refused": "Refused by the server — correct and register again",
    "outbox.sent": "Sent",
    "outbox.none": "Nothing is waiting to be sent.",
    "outbox.send": "Send now",
    "outbox.discard": "Discard this registration",
    "outbox.madeAt": "Made on this device at {time}, arrival {arrival}",
    "outbox.signOutWarning": "{n} registrations are still waiting on this device. They will be sent when you sign in again on this device. Sign out anyway?",
  },
});

/** The count of records waiting, kept current. */
export function useOutboxCount() {
  const [count, setCount] = useState(0);
  useEffect(() => onOutboxChange(setCount), []);
  return count;
}

/** "chờ gửi: n" in the header, a link to the list; nothing when nothing waits. */
export function OutboxBadge() {
  const count = useOutboxCount();
  if (!count) return null;
  return html`<a class="outbox-badge" href="#/outbox" data-testid="outbox-count" data-count=${count}>${t("outbox.badge", { n: count })}</a>`;
}

/** @param {string | null | undefined} iso */
const fmt = (iso) =>
  iso ? new Date(iso).toLocaleString(undefined, { timeZone: "Asia/Ho_Chi_Minh", dateStyle: "short", timeStyle: "short" }) : "—";

/**
 * @param {{Receipt: import("preact").ComponentType<{stay: import("./types.js").Receipt}>}} props the
 *   staff pages' receipt card, shown for each record sent in this tab
 */
export function OutboxPage({ Receipt }) {
  const [list, setList] = useState(/** @type {import("./outbox.js").Waiting[] | null} */ (null));
  const [done, setDone] = useState([...sent]);
  const load = () => records().then(setList, () => setList([]));
  useEffect(() => {
    load();
    const stopCount = onOutboxChange(() => load());
    const stopSent = onSent(() => setDone([...sent]));
    return () => {
      stopCount();
      stopSent();
    };
  }, []);
  const waiting = (list || []).filter((r) => r.state === "waiting");
  const refused = (list || []).filter((r) => r.state === "refused");
  return html`<${Page} title=${t("outbox.title")}>
    <p class="muted">${t("outbox.intro")}</p>
    ${list && !list.length && !done.length ? html`<p>${t("outbox.none")}</p>` : null}
    ${waiting.length
      ? html`<h2>${t("outbox.waiting")} (${waiting.length})</h2>
        <ul data-testid="outbox-waiting">${waiting.map(
          (r) => html`<li key=${r.key}><strong>${r.name}</strong> — ${t("outbox.madeAt", { time: fmt(r.made_at), arrival: r.body.check_in_at?.replace("T", " ") })}</li>`,
        )}</ul>
        <button type="button" class="primary" onClick=${() => flush()}>${t("outbox.send")}</button>`
      : null}
    ${refused.length
      ? html`<h2>${t("outbox.refused")}</h2>
        ${refused.map(
          (r) => html`<div class="card" key=${r.key} data-testid="outbox-refused">
            <strong>${r.name}</strong>
            <${Banner} kind="error">${localized(r.detail)}
              <ul>${(r.errors || []).map((/** @type {import("./api.js").FieldProblem} */ e) => html`<li>${localized(e.message)}</li>`)}</ul><//>
            <button type="button" onClick=${() => discard(/** @type {number} */ (r.seq))}>${t("outbox.discard")}</button>
          </div>`,
        )}`
      : null}
    ${done.length
      ? html`<h2>${t("outbox.sent")} (${done.length})</h2>
        <div data-testid="outbox-sent">${done.map((s) => html`<${Receipt} key=${s.key} stay=${s.receipt} />`)}</div>`
      : null}
  <//>`;
}
