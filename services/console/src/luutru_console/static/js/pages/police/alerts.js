// The police landing page: wanted-person alerts, newest first, with new ones arriving live
// from GET /v1/alerts/stream (server-sent events) and the new → acknowledged → closed workflow.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { api, eventStream, query } from "../../api.js";
import { fmtDateTime, fmtNumber, t } from "../../i18n.js";
import { Badge, html, Loading, Page, ProblemBanner, Select, TextArea } from "../../ui.js";
import { FacilityName, formErrors, UserName } from "./common.js";

const STATUSES = ["new", "acknowledged", "closed"];
const STATUS_KIND = { new: "bad", acknowledged: "warn", closed: "ok" };
const NEXT = { new: ["acknowledged", "closed"], acknowledged: ["closed"], closed: [] };
const MATCH_KINDS = new Set(["document", "name_dob"]);
const LIVE_KIND = { open: "ok", connecting: "info", error: "warn", closed: "bad" };

const statusLabel = (s) => (STATUSES.includes(s) ? t(`police.alerts.status.${s}`) : s);

// Union by alert_id (the most recently updated copy wins), in the filter, newest first.
function merge(current, incoming, status) {
  const byId = new Map((current || []).map((a) => [a.alert_id, a]));
  for (const a of incoming) {
    const known = byId.get(a.alert_id);
    if (!known || new Date(a.updated_at) >= new Date(known.updated_at)) byId.set(a.alert_id, a);
  }
  return [...byId.values()].filter((a) => !status || a.status === status).sort((a, b) => b.seq - a.seq);
}

export function AlertsPage({ query: params }) {
  const [status, setStatus] = useState(STATUSES.includes(params?.status) ? params.status : "");
  const [alerts, setAlerts] = useState(null);
  const [error, setError] = useState(null);
  const [live, setLive] = useState("connecting");
  const [fresh, setFresh] = useState(() => new Set());
  const [announcement, setAnnouncement] = useState("");
  const statusRef = useRef(status);
  statusRef.current = status;

  const load = useCallback(async () => {
    const wanted = statusRef.current;
    try {
      const rows = await api(`/v1/alerts${query({ status: wanted, limit: 200 })}`);
      if (wanted === statusRef.current) setAlerts((prev) => merge(prev, rows, wanted));
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, []);
  const loadRef = useRef(load);

  useEffect(() => {
    setAlerts(null);
    load();
  }, [status]);

  useEffect(
    () =>
      eventStream(
        "/v1/alerts/stream",
        (event) => {
          if (event.event !== "alert") return;
          let alert;
          try {
            alert = JSON.parse(event.data);
          } catch {
            return;
          }
          setAlerts((prev) => merge(prev, [alert], statusRef.current));
          setFresh((s) => new Set(s).add(alert.alert_id));
          setAnnouncement(
            t("police.alerts.announce", { name: alert.subject_name, document: alert.subject_document || "—" }),
          );
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

  const changed = (updated) => setAlerts((prev) => merge(prev, [updated], statusRef.current));

  return html`<${Page} title=${t("police.alerts.title")}
    actions=${html`<span class=${`live-indicator ${live}`} data-testid="live-indicator" data-state=${live}>
        <${Badge} kind=${LIVE_KIND[live] || "neutral"}>${t(`police.alerts.live.${live}`)}<//>
      </span>
      <button type="button" onClick=${load}>${t("police.alerts.reload")}</button>`}>
    <p class="muted">${t("police.alerts.intro")}</p>
    <p class="live-announce" role="status" aria-live="polite" aria-atomic="true" data-testid="alert-announce">${announcement}</p>
    <div class="police-filters">
      <${Select} label=${t("police.alerts.filter")} name="status" value=${status} onChange=${setStatus}
        options=${[["", t("police.alerts.all")], ...STATUSES.map((s) => [s, statusLabel(s)])]} />
    </div>
    <${ProblemBanner} error=${error} />
    ${alerts === null
      ? error
        ? null
        : html`<${Loading} />`
      : alerts.length
        ? html`<ol class="alert-list" aria-label=${t("police.alerts.title")}>
            ${alerts.map(
              (a) => html`<li key=${a.alert_id}><${AlertCard} alert=${a} fresh=${fresh.has(a.alert_id)} onChange=${changed} /></li>`,
            )}
          </ol>`
        : html`<p class="empty">${t("police.alerts.none")}</p>`}
  <//>`;
}

function AlertCard({ alert, fresh, onChange }) {
  const [note, setNote] = useState("");
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(null);
  const titleId = `alert-${alert.alert_id}`;

  const move = async (to) => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const updated = await api(`/v1/alerts/${alert.alert_id}/transitions`, {
        method: "POST",
        json: { status: to, ...(note.trim() ? { note: note.trim() } : {}) },
      });
      setNote("");
      setDone(t("police.alerts.moved", { status: statusLabel(updated.status) }));
      onChange(updated);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const fields = formErrors(error, "note");
  const kind = MATCH_KINDS.has(alert.match_kind) ? t(`police.alerts.match.${alert.match_kind}`) : alert.match_kind;

  return html`<article class=${`alert-card status-${alert.status}${fresh ? " fresh" : ""}`} aria-labelledby=${titleId}
    data-alert-id=${alert.alert_id} data-testid="alert">
    <header class="alert-head">
      <h2 id=${titleId}>${alert.subject_name}</h2>
      <${Badge} kind=${STATUS_KIND[alert.status] || "neutral"}>${statusLabel(alert.status)}<//>
      ${fresh ? html`<${Badge} kind="info">${t("police.alerts.arrived")}<//>` : null}
    </header>
    <dl class="alert-facts">
      <div><dt>${t("police.alerts.document")}</dt><dd class="doc">${alert.subject_document || "—"}</dd></div>
      <div><dt>${t("police.alerts.match")}</dt>
        <dd>${kind} · ${t("police.alerts.score", { score: fmtNumber(alert.score * 100, 1) })}</dd></div>
      <div><dt>${t("police.facility")}</dt><dd><${FacilityName} id=${alert.facility_id} /></dd></div>
      <div><dt>${t("police.commune")}</dt><dd>${alert.commune_code}</dd></div>
      <div><dt>${t("police.alerts.registeredAt")}</dt><dd>${fmtDateTime(alert.registered_at)}</dd></div>
      <div><dt>${t("police.alerts.detectedAt")}</dt><dd>${fmtDateTime(alert.detected_at)}</dd></div>
      <div><dt>${t("police.alerts.entry")}</dt><dd><code>${alert.entry_id.slice(0, 8)}</code></dd></div>
    </dl>
    ${alert.notes?.length
      ? html`<h3>${t("police.alerts.history")}</h3>
          <ol class="alert-history">${alert.notes.map(
            (n) => html`<li>${fmtDateTime(n.at)} · <${UserName} id=${n.by} /> · <strong>${statusLabel(n.status)}</strong>${n.note ? html`: ${n.note}` : null}</li>`,
          )}</ol>`
      : null}
    ${done ? html`<p class="moved" role="status">${done}</p>` : null}
    ${NEXT[alert.status]?.length
      ? html`<div class="alert-workflow">
          <${TextArea} label=${t("police.alerts.note")} name="note" hint=${t("police.alerts.noteHint")}
            value=${note} onInput=${setNote} error=${fields.note} rows="2" />
          <div class="actions">
            ${NEXT[alert.status].map(
              (to) => html`<button type="button" class=${to === "closed" ? "danger" : "primary"} disabled=${busy}
                onClick=${() => move(to)}>${t(to === "closed" ? "police.alerts.close" : "police.alerts.acknowledge")}</button>`,
            )}
          </div>
        </div>`
      : null}
    <${ProblemBanner} error=${error} onClose=${() => setError(null)} />
  </article>`;
}
