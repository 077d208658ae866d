// Today's guests: every record of the day (arrivals, and guests still held that day), split
// into staying / checked out / voided, with the on-time badge and the actions per record.
import "./messages.js";
import { useEffect, useRef, useState } from "preact/hooks";
import { fmtNumber, t, todayVN } from "../../i18n.js";
import { navigate } from "../../router.js";
import { Banner, html, Input, Loading, Page, ProblemBanner, Table, useAsync } from "../../ui.js";
import { StayAction } from "./actions.js";
import { documentText, MAX_DAY_RECORDS, StatusBadge, staysOf, TimelinessBadge, When } from "./common.js";

async function dayRecords(day) {
  const [arrivals, held] = await Promise.all([staysOf(day), staysOf(day, true)]);
  const byId = new Map();
  for (const stay of [...held, ...arrivals]) byId.set(stay.stay_id, stay);
  const all = [...byId.values()].sort(
    (a, b) => (a.room || "").localeCompare(b.room || "", "vi", { numeric: true }) || a.full_name.localeCompare(b.full_name, "vi"),
  );
  return { all, arrivals, truncated: arrivals.truncated || held.truncated };
}

const fold = (text) => (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/gi, "d").toLowerCase();

export function TodayPage({ query }) {
  const day = query.date || todayVN();
  const { data, error, loading, reload } = useAsync(() => dayRecords(day), [day]);
  const [search, setSearch] = useState("");
  const [action, setAction] = useState(null); // {kind, stay}
  const [notice, setNotice] = useState(null);
  const noticeRef = useRef(null);
  useEffect(() => {
    if (notice) noticeRef.current?.focus();
  }, [notice]);

  const needle = fold(search.trim());
  const shown = (data?.all || []).filter(
    (s) => !needle || fold(`${s.full_name} ${s.document_number} ${s.room || ""}`).includes(needle),
  );
  const staying = shown.filter((s) => s.status === "checked_in");
  const left = shown.filter((s) => s.status === "checked_out");
  const voided = shown.filter((s) => s.status === "voided");

  const opener = useRef(null); // the button that opened the form gets the focus back
  const act = (kind, stay) => {
    opener.current = document.activeElement;
    setNotice(null);
    setAction({ kind, stay });
  };
  const cancel = () => {
    setAction(null);
    requestAnimationFrame(() => {
      const back = opener.current?.isConnected ? opener.current : document.querySelector("main h1");
      back?.focus();
    });
  };
  const columns = (withActions) => [
    {
      key: "full_name",
      label: t("staff.f.full_name"),
      render: (s) => html`<a href=${`#/guests/${s.stay_id}`}>${s.full_name}</a>`,
    },
    { key: "document", label: t("staff.f.document"), render: documentText },
    { key: "room", label: t("staff.f.room"), render: (s) => s.room || "—" },
    { key: "check_in_at", label: t("staff.f.check_in_at"), render: (s) => html`<${When} iso=${s.check_in_at} />` },
    { key: "status", label: t("staff.f.status"), render: (s) => html`<${StatusBadge} status=${s.status} />` },
    { key: "late", label: t("staff.f.timeliness"), render: (s) => html`<${TimelinessBadge} lateMinutes=${s.late_minutes} />` },
    ...(withActions
      ? [{
          key: "actions",
          label: t("staff.f.actions"),
          render: (s) => html`<div class="staff-row-actions">
            ${s.status === "checked_in"
              ? html`<button type="button" class="primary" onClick=${() => act("checkOut", s)}>${t("staff.action.checkOut")}</button>`
              : null}
            <a class="button" href=${`#/guests/${s.stay_id}/correct`}>${t("staff.action.correct")}</a>
            <button type="button" class="danger" onClick=${() => act("void", s)}>${t("staff.action.void")}</button>
          </div>`,
        }]
      : []),
  ];

  const lateCount = (data?.arrivals || []).filter((s) => s.late_minutes > 0 && s.status !== "voided").length;
  const arrivals = (data?.arrivals || []).filter((s) => s.status !== "voided").length;

  return html`<${Page} title=${t("staff.today.title")} actions=${html`
      <a class="button primary" href="#/check-in">${t("staff.today.checkIn")}</a>
      <a class="button" href="#/guest-list">${t("staff.today.upload")}</a>`}>
    <div class="staff-toolbar">
      <${Input} label=${t("staff.today.day")} name="date" type="date" value=${day} max=${todayVN(1)}
        onInput=${(v) => v && navigate("/guests", { date: v === todayVN() ? "" : v })} />
      <${Input} label=${t("staff.today.search")} name="search" type="search" value=${search} onInput=${setSearch} />
      <button type="button" onClick=${reload}>${t("staff.today.refresh")}</button>
    </div>
    ${notice ? html`<div tabindex="-1" ref=${noticeRef}><${Banner} kind="ok">${notice}<//></div>` : null}
    ${action
      ? html`<${StayAction} key=${`${action.kind}-${action.stay.stay_id}`} kind=${action.kind} stay=${action.stay}
          onCancel=${cancel}
          onDone=${(_, message) => { setAction(null); setNotice(message); reload(); }} />`
      : null}
    <${ProblemBanner} error=${error} />
    ${loading && !data ? html`<${Loading} />` : null}
    ${data?.truncated ? html`<${Banner} kind="warn">${t("staff.today.truncated", { n: fmtNumber(MAX_DAY_RECORDS) })}<//>` : null}
    ${data
      ? html`
        <div class="kpis staff-kpis">
          <div class="kpi"><div class="value" data-testid="count-staying">${fmtNumber(data.all.filter((s) => s.status === "checked_in").length)}</div>
            <div class="label">${t("staff.today.staying")}</div></div>
          <div class="kpi"><div class="value">${fmtNumber(arrivals)}</div><div class="label">${t("staff.today.arrivals")}</div></div>
          <div class="kpi"><div class="value">${fmtNumber(lateCount)}</div><div class="label">${t("staff.today.lateCount")}</div></div>
        </div>
        <section aria-labelledby="staff-staying" data-testid="staying">
          <h2 id="staff-staying">${t("staff.today.staying")} (${staying.length})</h2>
          <${Table} class="stack" columns=${columns(true)} rows=${staying} rowKey=${(s) => s.stay_id}
            empty=${t("staff.today.noneStaying")} />
        </section>
        <section aria-labelledby="staff-left" data-testid="checked-out">
          <h2 id="staff-left">${t("staff.today.left")} (${left.length})</h2>
          <${Table} class="stack" columns=${columns(true)} rows=${left} rowKey=${(s) => s.stay_id}
            empty=${t("staff.today.noneLeft")} />
        </section>
        <section aria-labelledby="staff-voided" data-testid="voided">
          <h2 id="staff-voided">${t("staff.today.voided")} (${voided.length})</h2>
          <${Table} class="stack" columns=${columns(false)} rows=${voided} rowKey=${(s) => s.stay_id}
            empty=${t("staff.today.noneVoided")} />
        </section>`
      : null}
  <//>`;
}
