// @ts-check
// The audit log (append-only): who did what, when and from where; filters in the URL.
import { useEffect, useState } from "preact/hooks";
import { api, query } from "../../api.js";
import { onSessionChange } from "../../session.js";
import { fmtDateTime, t } from "../../i18n.js";
import { html, Input, Page, ProblemBanner, Table, useApp } from "../../ui.js";
import { usePaged } from "./common.js";

export const ACTIONS = [
  "facility.registered",
  "facility.updated",
  "facility.suspended",
  "facility.reinstated",
  "facility.closed",
  "user.created",
  "user.updated",
  "user.disabled",
  "user.enabled",
  "user.password_reset",
  "password.changed",
  "login.succeeded",
  "login.failed",
  "password_change.failed",
  "refresh.reused",
  "logout",
  "client.created",
  "client.revoked",
  "client.auth_failed",
  "signing_key.rotated",
];
const FILTERS = ["action", "actor_id", "target_id", "facility_id", "since", "until"];

/**
 * One entry of the audit log (accounts' audit).
 * @typedef {object} AuditEntry
 * @property {string} occurred_at
 * @property {string | null} [actor_id]
 * @property {string | null} [actor_name]
 * @property {string | null} [actor_role]
 * @property {string} action
 * @property {string | null} [target_type]
 * @property {string | null} [target_id]
 * @property {string | null} [client_ip]
 * @property {Record<string, unknown> | null} [details]
 */

/** @param {string} action */
const actionLabel = (action) => (ACTIONS.includes(action) ? t(`registry.audit.a.${action}`) : action);

// A day in Vietnam → the instant it starts (the API compares instants).
/** @param {string | undefined} day */
const dayStart = (day) => (day ? `${day}T00:00:00+07:00` : undefined);
/** @param {string | undefined} day */
function nextDayStart(day) {
  if (!day) return undefined;
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return `${d.toISOString().slice(0, 10)}T00:00:00+07:00`;
}

// Actors are logged by id; the admin may look users up, so show their usernames.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** @type {Map<string, Promise<string | null>>} actor id → its username, per signed-in user */
const usernames = new Map();
onSessionChange(() => usernames.clear());
/** @param {{id: string | null | undefined, name: string | null | undefined}} props */
function Actor({ id, name }) {
  const [username, setUsername] = useState(/** @type {string | null} */ (null));
  useEffect(() => {
    if (name || !id || !UUID.test(id)) return undefined;
    let lookup = usernames.get(id);
    if (!lookup) {
      lookup = api(`/v1/users/${id}`).then(
        (/** @type {{username: string}} */ u) => u.username,
        () => {
          usernames.delete(id); // not remembered: the next view asks again
          return null;
        },
      );
      usernames.set(id, lookup);
    }
    let live = true;
    lookup.then((u) => live && setUsername(u));
    return () => {
      live = false;
    };
  }, [id, name]);
  if (!id && !name) return t("registry.audit.anonymous");
  return html`<span title=${id || undefined}>${name || username || id}</span>`;
}

/** @param {{details: Record<string, unknown> | null | undefined}} props */
function Details({ details }) {
  const entries = Object.entries(details || {});
  if (!entries.length) return "—";
  return html`<dl class="registry-details">${entries.map(
    ([k, v]) => html`<div><dt>${k}</dt><dd>${typeof v === "object" && v !== null ? JSON.stringify(v) : String(v)}</dd></div>`,
  )}</dl>`;
}

/** @param {{query: Record<string, string>}} props */
export function AuditLog({ query: where }) {
  const { navigate } = useApp();
  const [filters, setFilters] = useState(
    /** @type {() => Record<string, string>} */ () => Object.fromEntries(FILTERS.map((f) => [f, where[f] ?? ""])),
  );
  const key = FILTERS.map((f) => where[f] ?? "").join("|");
  const list = /** @type {import("./common.js").Paged<AuditEntry>} */ (usePaged(
    (cursor) =>
      `/v1/audit${query({
        action: where.action,
        actor_id: where.actor_id,
        target_id: where.target_id,
        facility_id: where.facility_id,
        since: dayStart(where.since),
        until: nextDayStart(where.until),
        cursor,
        limit: 100,
      })}`,
    [key],
  ));
  /** @type {(f: string) => (v: string) => void} */
  const set = (f) => (v) => setFilters({ ...filters, [f]: v });
  /** @param {SubmitEvent} e */
  const search = (e) => {
    e.preventDefault();
    navigate("/audit", filters);
  };
  /** @type {import("../../ui.js").Column[]} */
  const columns = [
    { key: "occurred_at", label: t("registry.audit.when"), render: (/** @type {AuditEntry} */ r) => fmtDateTime(r.occurred_at) },
    {
      key: "actor",
      label: t("registry.audit.who"),
      render: (/** @type {AuditEntry} */ r) => html`<${Actor} id=${r.actor_id} name=${r.actor_name} />
        ${r.actor_role ? html`<br /><small class="muted">${r.actor_role}</small>` : null}`,
    },
    { key: "action", label: t("registry.audit.what"), render: (/** @type {AuditEntry} */ r) => html`<span data-action=${r.action}>${actionLabel(r.action)}</span>` },
    {
      key: "target",
      label: t("registry.audit.target"),
      render: (/** @type {AuditEntry} */ r) =>
        r.target_type === "facility" && r.target_id
          ? html`<a href=${`#/facilities/${r.target_id}`}>${r.target_id}</a>`
          : r.target_id
            ? html`<small>${r.target_type}: ${r.target_id}</small>`
            : "—",
    },
    { key: "client_ip", label: t("registry.audit.ip") },
    { key: "details", label: t("registry.audit.details"), render: (/** @type {AuditEntry} */ r) => html`<${Details} details=${r.details} />` },
  ];
  return html`<${Page} title=${t("registry.audit.title")}>
    <p class="hint">${t("registry.audit.intro")}</p>
    <form class="card registry-filters" onSubmit=${search} role="search">
      <${Input} label=${t("registry.audit.action")} name="action" value=${filters.action} onInput=${set("action")}
        list="registry-audit-actions" hint=${t("registry.audit.actionHint")} />
      <datalist id="registry-audit-actions">${ACTIONS.map((a) => html`<option value=${a}>${actionLabel(a)}</option>`)}</datalist>
      <${Input} label=${t("registry.audit.actor_id")} name="actor_id" value=${filters.actor_id} onInput=${set("actor_id")} />
      <${Input} label=${t("registry.audit.target_id")} name="target_id" value=${filters.target_id} onInput=${set("target_id")} />
      <${Input} label=${t("registry.audit.facility_id")} name="facility_id" value=${filters.facility_id} onInput=${set("facility_id")} />
      <${Input} label=${t("registry.audit.since")} name="since" type="date" value=${filters.since} onInput=${set("since")} />
      <${Input} label=${t("registry.audit.until")} name="until" type="date" value=${filters.until} onInput=${set("until")} />
      <div class="actions"><button type="submit" class="primary">${t("registry.filter.search")}</button></div>
    </form>
    <${ProblemBanner} error=${list.error} />
    <${Table} class="stack" data-testid="audit" columns=${columns} rows=${list.items}
      empty=${list.loading ? t("ui.loading") : t("registry.audit.empty")} />
    ${list.more ? html`<button type="button" onClick=${list.loadMore} disabled=${list.loading}>${t("ui.more")}</button>` : null}
  <//>`;
}
