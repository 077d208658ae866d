// @ts-check
// Accounts: the list (disable, enable, reset to a one-time password) and the creation form
// with each role's own fields (facility, department, communes).
import { useEffect, useState } from "preact/hooks";
import { api, ApiError, query } from "../../api.js";
import { fmtDateTime, localized, t } from "../../i18n.js";
import { fieldLabel } from "../../labels.js";
import { currentSession } from "../../session.js";
import { Badge, Banner, fieldErrors, html, Input, Page, ProblemBanner, SearchSelect, Select, Table, useApp } from "../../ui.js";
import { communesPath, nameOf, pickOptions, useNames } from "../../names.js";
import { DEFAULT_PROVINCE, departmentName, num, OneTimePassword, useFacilityTypes, usePaged } from "./common.js";

/**
 * An account as the registry lists it (accounts' users).
 * @typedef {object} User
 * @property {string} id
 * @property {string} username
 * @property {string} full_name
 * @property {string} role
 * @property {string | null} [facility_id]
 * @property {string | null} [department]
 * @property {(string | number)[]} [communes]
 * @property {boolean} disabled
 * @property {boolean} [must_change_password]
 * @property {string} created_at
 */
/** What creating an account or resetting its password answers. @typedef {{user: User, one_time_password: string}} Credentials */
/** @typedef {"enable" | "disable" | "reset-password"} UserAction */
/**
 * After an action on a user: its error, or what it was and what the server answered (the
 * account, or its new credentials for a reset).
 * @typedef {(error: unknown, action?: UserAction, answer?: User | Credentials) => void} OnChanged
 */
/** @typedef {import("../../types.js").Facility} Facility */
/** @typedef {import("../../types.js").Choice} Choice */

// What each admin role may create and manage (accounts' users/service.py MANAGES).
/** @type {Record<string, string[]>} */
const MANAGES = {
  system_admin: ["police_admin", "police_officer", "department_analyst", "facility_manager", "facility_staff", "system_admin"],
  police_admin: ["police_officer", "department_analyst", "facility_manager", "facility_staff"],
};
const manageable = () => MANAGES[currentSession()?.role ?? ""] || [];
const ALL_ROLES = ["system_admin", "police_admin", "police_officer", "department_analyst", "facility_manager", "facility_staff"];
const FACILITY_ROLES = ["facility_manager", "facility_staff"];

/** @param {{user: User, onChanged: OnChanged}} props */
function UserActions({ user, onChanged }) {
  const [pending, setPending] = useState(/** @type {"disable" | "reset-password" | null} */ (null));
  const [busy, setBusy] = useState(false);
  if (!manageable().includes(user.role)) return "—";
  /** @param {UserAction} action */
  const run = async (action) => {
    setBusy(true);
    try {
      /** @type {User | Credentials} */
      const answer = await api(`/v1/users/${user.id}/${action}`, { method: "POST" });
      onChanged(null, action, answer);
    } catch (e) {
      onChanged(e);
    } finally {
      setBusy(false);
      setPending(null);
    }
  };
  const name = user.username;
  if (pending) {
    return html`<span class="registry-confirm">
      <button type="button" class="danger" disabled=${busy} onClick=${() => run(pending)}
        aria-label=${t(`registry.users.confirm.${pending}N`, { name })}>${t(`registry.users.confirm.${pending}`)}</button>
      <button type="button" onClick=${() => setPending(null)}>${t("registry.cancel")}</button>
    </span>`;
  }
  return html`<span class="registry-confirm">
    ${user.disabled
      ? html`<button type="button" disabled=${busy} onClick=${() => run("enable")}
          aria-label=${t("registry.users.enableN", { name })}>${t("registry.users.enable")}</button>`
      : html`<button type="button" class="danger" onClick=${() => setPending("disable")}
          aria-label=${t("registry.users.disableN", { name })}>${t("registry.users.disable")}</button>`}
    <button type="button" onClick=${() => setPending("reset-password")}
      aria-label=${t("registry.users.resetN", { name })}>${t("registry.users.reset")}</button>
  </span>`;
}

// Police officers' communes are of the police's own province (the platform serves one).
/** @param {{codes: (string | number)[]}} props */
function CommuneNames({ codes }) {
  const communes = useNames(communesPath(DEFAULT_PROVINCE));
  return html`<span>${codes.map((c) => nameOf(communes, c)).join(", ")}</span>`;
}

/** @param {{code: string}} props */
function DepartmentName({ code }) {
  const type = useFacilityTypes().find((x) => x.department === code);
  return html`<span>${type ? departmentName(type) : code}</span>`;
}

/** @param {User} user */
function scopeOf(user) {
  if (user.facility_id) return html`<a href=${`#/facilities/${user.facility_id}`}>${t("registry.users.facility")}</a>`;
  if (user.department) return html`<${DepartmentName} code=${user.department} />`;
  if (user.communes?.length) return html`<${CommuneNames} codes=${user.communes} />`;
  return "—";
}

// Communes picked by name, one at a time, each removable.
/** @param {{value: string[], onChange: (codes: string[]) => void, error?: string}} props */
function CommunesPicker({ value, onChange, error }) {
  const communes = useNames(communesPath(DEFAULT_PROVINCE));
  const options = pickOptions(communes.filter((c) => !value.includes(String(c.code))));
  return html`<div class="registry-communes">
    <${SearchSelect} label=${t("registry.u.communes")} name="communes" required=${!value.length} value=""
      options=${options} onChange=${(/** @type {string} */ code) => code && onChange([...value, code])} hint=${t("registry.u.communesHint")}
      error=${error} />
    ${value.length
      ? html`<ul class="chips" aria-label=${t("registry.u.communesChosen")}>${value.map(
          (code) => html`<li key=${code}>${nameOf(communes, code)}
            <button type="button" class="link" aria-label=${t("registry.u.communeRemove", { name: nameOf(communes, code) })}
              onClick=${() => onChange(value.filter((c) => c !== code))}>×</button></li>`,
        )}</ul>`
      : null}
  </div>`;
}

// Users, filtered (role, disabled, facility), with their actions and the answer of the last one.
/** @param {{facilityId?: string, role?: string, disabled?: string}} props */
export function UsersTable({ facilityId, role, disabled }) {
  const list = /** @type {import("./common.js").Paged<User>} */ (
    usePaged(
      (cursor) => `/v1/users${query({ facility_id: facilityId, role, disabled, cursor, limit: 50 })}`,
      [facilityId, role, disabled],
    )
  );
  const [result, setResult] = useState(
    /** @type {{action: UserAction | undefined, answer: User | Credentials | undefined} | null} */ (null),
  );
  // A reset answers the new credentials; enabling and disabling, the account.
  const credentials = result?.action === "reset-password" ? /** @type {Credentials} */ (result.answer) : null;
  const account = result && result.action !== "reset-password" ? /** @type {User} */ (result.answer) : null;
  const [error, setError] = useState(/** @type {unknown} */ (null));
  /** @type {OnChanged} */
  const changed = (e, action, answer) => {
    setError(e);
    setResult(e ? null : { action, answer });
    if (!e) list.reload();
  };
  /** @type {import("../../ui.js").Column[]} */
  const columns = [
    { key: "username", label: t("registry.u.username"), render: (/** @type {User} */ u) => html`<code>${u.username}</code>` },
    { key: "full_name", label: fieldLabel("full_name") },
    { key: "role", label: t("registry.u.role"), render: (/** @type {User} */ u) => (ALL_ROLES.includes(u.role) ? t(`role.${u.role}`) : u.role) },
    { key: "scope", label: t("registry.users.scope"), render: scopeOf },
    {
      key: "state",
      label: t("registry.users.state"),
      render: (/** @type {User} */ u) => html`${u.disabled
        ? html`<${Badge} kind="bad">${t("registry.users.disabled")}<//>`
        : html`<${Badge} kind="ok">${t("registry.users.enabled")}<//>`}
        ${u.must_change_password ? html` <${Badge} kind="info">${t("registry.users.firstLogin")}<//>` : null}`,
    },
    { key: "created_at", label: t("registry.u.created_at"), render: (/** @type {User} */ u) => fmtDateTime(u.created_at) },
    { key: "actions", label: t("registry.users.actions"), render: (/** @type {User} */ u) => html`<${UserActions} user=${u} onChanged=${changed} />` },
  ];
  return html`<div class="registry-users">
    <${ProblemBanner} error=${error ?? list.error} onClose=${error ? () => setError(null) : undefined} />
    ${credentials
      ? html`<${OneTimePassword} username=${credentials.user.username} password=${credentials.one_time_password}
          title=${t("registry.users.resetDone")} />`
      : null}
    ${result && account
      ? html`<${Banner} kind="ok">${t(`registry.users.${result.action}Done`, { name: account.username })}<//>`
      : null}
    <${Table} class="stack" data-testid="users" columns=${columns} rows=${list.items}
      empty=${list.loading ? t("ui.loading") : t("registry.users.empty")} />
    ${list.more ? html`<button type="button" onClick=${list.loadMore} disabled=${list.loading}>${t("ui.more")}</button>` : null}
  </div>`;
}

/** @param {{query: Record<string, string>}} props */
export function UserList({ query: where }) {
  const { navigate } = useApp();
  const [role, setRole] = useState(where.role ?? "");
  const [disabled, setDisabled] = useState(where.disabled ?? "");
  /** @param {SubmitEvent} e */
  const filter = (e) => {
    e.preventDefault();
    navigate("/users", { role, disabled, facility_id: where.facility_id });
  };
  return html`<${Page} title=${t("registry.users.title")}
      actions=${html`<a class="button primary" href="#/users/new">${t("registry.users.new")}</a>`}>
    <form class="card registry-filters" onSubmit=${filter} role="search">
      <${Select} label=${t("registry.u.role")} name="role" value=${role} onChange=${setRole}
        options=${[["", t("registry.users.anyRole")], ...ALL_ROLES.map((r) => /** @type {Choice} */ ([r, t(`role.${r}`)]))]} />
      <${Select} label=${t("registry.users.state")} name="disabled" value=${disabled} onChange=${setDisabled}
        options=${[["", t("registry.users.anyState")], ["false", t("registry.users.enabled")], ["true", t("registry.users.disabled")]]} />
      <div class="actions"><button type="submit" class="primary">${t("registry.filter.search")}</button></div>
    </form>
    ${where.facility_id ? html`<p class="hint">${t("registry.users.ofFacility")} <a href=${`#/facilities/${where.facility_id}`}><${FacilityLabel} id=${where.facility_id} /></a></p>` : null}
    <${UsersTable} role=${where.role} disabled=${where.disabled} facilityId=${where.facility_id} />
  <//>`;
}

/** @param {{id: string}} props */
function FacilityLabel({ id }) {
  const [facility, setFacility] = useState(/** @type {Facility | null} */ (null));
  useEffect(() => {
    api(`/v1/facilities/${id}`).then(setFacility, () => setFacility(null));
  }, [id]);
  return facility ? `${facility.name} (${facility.code})` : t("registry.users.facility");
}

// Pick a facility by searching its name, code or licence number.
/** @param {{value: string, onChange: (id: string) => void, error?: string}} props */
function FacilityPicker({ value, onChange, error }) {
  const [text, setText] = useState("");
  const [options, setOptions] = useState(/** @type {Facility[]} */ ([]));
  const [searchError, setSearchError] = useState(/** @type {unknown} */ (null));
  useEffect(() => {
    if (!value || options.some((f) => f.id === value)) return;
    api(`/v1/facilities/${value}`).then((/** @type {Facility} */ f) => setOptions((o) => [f, ...o]), setSearchError);
  }, [value]);
  useEffect(() => {
    const q = text.trim();
    if (!q) return undefined;
    let current = true; // a slower answer to an earlier search must not win
    const timer = setTimeout(() => {
      api(`/v1/facilities${query({ q, limit: 20 })}`).then(
        (/** @type {import("../../types.js").Page<Facility>} */ page) => {
          if (!current) return;
          setSearchError(null);
          setOptions((o) => [...o.filter((f) => f.id === value), ...page.items.filter((f) => f.id !== value)]);
          // Chosen for the admin only when the search names exactly one facility.
          if (!value && page.items.length === 1) onChange(page.items[0].id);
        },
        (/** @type {unknown} */ error) => current && setSearchError(error),
      );
    }, 250);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [text]);
  return html`<div class="registry-picker">
    <${Input} label=${t("registry.u.facilitySearch")} name="facility_search" value=${text} onInput=${setText}
      hint=${t("registry.u.facilitySearchHint")} autocomplete="off" />
    <${ProblemBanner} error=${searchError} />
    <${Select} label=${t("registry.u.facility_id")} name="facility_id" required value=${value ?? ""} onChange=${onChange}
      error=${error} options=${[["", t("registry.u.chooseFacility")], ...options.map((f) => /** @type {Choice} */ ([f.id, `${f.code} — ${f.name}`]))]} />
  </div>`;
}

/** @param {{query: Record<string, string>}} props */
export function UserCreate({ query: where }) {
  const types = useFacilityTypes();
  const roles = manageable();
  const [values, setValues] = useState(() => ({
    username: "",
    full_name: "",
    role: roles.includes(where.role) ? where.role : roles[0] || "",
    facility_id: where.facility_id || "",
    department: "",
    communes: /** @type {string[]} */ ([]),
  }));
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState(/** @type {Credentials | null} */ (null));
  /** @type {(f: keyof typeof values) => (v: string | string[]) => void} */
  const set = (f) => (v) => setValues({ ...values, [f]: v });
  const departments = [...new Map(types.map((x) => [x.department, x])).values()];
  const communeList = useNames(communesPath(DEFAULT_PROVINCE));
  /** @param {SubmitEvent} e */
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    /** @type {{username: string, full_name: string, role: string, facility_id?: string | null, department?: string | null, communes?: (number | string | null)[]}} */
    const body = { username: values.username.trim(), full_name: values.full_name.trim(), role: values.role };
    if (FACILITY_ROLES.includes(values.role)) body.facility_id = values.facility_id || null;
    if (values.role === "department_analyst") body.department = values.department || null;
    if (values.role === "police_officer") {
      body.communes = values.communes.map(num);
    }
    try {
      setCreated(await api("/v1/users", { method: "POST", json: body }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  if (created) {
    return html`<${Page} title=${t("registry.userForm.title")}>
      <${Banner} kind="ok">${t("registry.userForm.done", { name: created.user.username, role: t(`role.${created.user.role}`) })}<//>
      <${OneTimePassword} username=${created.user.username} password=${created.one_time_password} />
      <div class="actions">
        <a class="button primary" href="#/users">${t("registry.users.title")}</a>
        <button type="button" onClick=${() => { setCreated(null); setValues({ ...values, username: "", full_name: "" }); }}>
          ${t("registry.userForm.another")}</button>
      </div>
    <//>`;
  }
  const errors = fieldErrors(error, "");
  // "/communes/2" errors belong to the communes field; say which code each is about.
  const communeCodes = values.communes;
  const communeErrors = Object.entries(error instanceof ApiError ? error.fieldErrors : {})
    .filter(([p]) => p === "/communes" || p.startsWith("/communes/"))
    .map(([p, m]) => {
      const i = p.split("/")[2];
      const code = communeCodes[Number(i)];
      return i === undefined || code === undefined ? localized(m) : `${nameOf(communeList, code)}: ${localized(m)}`;
    });
  return html`<${Page} title=${t("registry.userForm.title")}>
    <form class="card registry-form" onSubmit=${submit} noValidate>
      <${ProblemBanner} error=${error} />
      <div class="grid">
        <${Select} label=${t("registry.u.role")} name="role" required value=${values.role} onChange=${set("role")}
          options=${roles.map((r) => /** @type {Choice} */ ([r, t(`role.${r}`)]))} error=${errors.role} />
        <${Input} label=${t("registry.u.username")} name="username" required value=${values.username}
          onInput=${set("username")} hint=${t("registry.u.usernameHint")} error=${errors.username} autocomplete="off" />
        <${Input} label=${fieldLabel("full_name")} name="full_name" required value=${values.full_name}
          onInput=${set("full_name")} error=${errors.full_name} />
      </div>
      ${FACILITY_ROLES.includes(values.role)
        ? html`<${FacilityPicker} value=${values.facility_id} onChange=${set("facility_id")} error=${errors.facility_id} />`
        : null}
      ${values.role === "department_analyst"
        ? html`<${Select} label=${t("registry.u.department")} name="department" required value=${values.department}
            onChange=${set("department")} error=${errors.department}
            options=${[["", t("registry.u.chooseDepartment")], ...departments.map((x) => /** @type {Choice} */ ([x.department, departmentName(x)]))]} />`
        : null}
      ${values.role === "police_officer"
        ? html`<${CommunesPicker} value=${values.communes} onChange=${set("communes")}
            error=${communeErrors.length ? communeErrors.join("; ") : undefined} />`
        : null}
      <div class="actions">
        <button type="submit" class="primary" disabled=${busy}>${t("registry.userForm.submit")}</button>
        <a class="button" href="#/users">${t("registry.cancel")}</a>
      </div>
    </form>
  <//>`;
}
