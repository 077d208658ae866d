// @ts-check
// The console's shell: sign-in, the first-login password change, the navigation for the
// signed-in role, the language switch, and the page the hash names.
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api } from "./api.js";
import { getLang, localized, messages, onLangChange, setLang, t } from "./i18n.js";
import { AfterLoading, loadScript } from "./lazy.js";
import { startOutbox } from "./outbox.js";
import { OutboxBadge, useOutboxCount } from "./outbox-view.js";
import { match, navigate, useLocation } from "./router.js";
import { changePassword, currentSession, hasRole, onSessionChange, restoreSession, signIn, signOut } from "./session.js";
import { AppContext, Banner, html, Input, Loading } from "./ui.js";

/** @typedef {import("./session.js").AuthError} AuthError */
/** @typedef {import("./session.js").Session} Session */
/** @typedef {import("./types.js").App} App */
/** @typedef {import("./types.js").Facility} Facility */
/** @typedef {import("./types.js").Route} Route */
/**
 * A page module the shell loads for the roles it serves.
 * @typedef {{roles: string[], facilityKind?: "lodging" | "coach", load: () => Promise<{routes: Route[]}>, scripts?: string[]}} PageModule
 */

// The page modules, loaded once someone who may use them has signed in (the sign-in page loads
// none of them), with the classic scripts their pages need loaded when such a page opens.
// Order = order in the navigation; the first entry is where a role lands (police: live alerts).
/** @type {PageModule[]} */
const MODULES = [
  { roles: ["facility"], facilityKind: "lodging", load: () => import("./pages/staff.js") },
  { roles: ["facility"], facilityKind: "coach", load: () => import("./pages/coach.js") },
  { roles: ["police"], load: () => import("./pages/police.js") },
  { roles: ["police"], load: () => import("./pages/registry.js") },
  { roles: ["analyst", "police"], load: () => import("./pages/analyst.js"), scripts: ["/vendor/chart.js"] },
];

// The routes of the modules the user may use: [] until loaded, null if one failed to load.
/** @param {App | null} app */
function useRoutes(app) {
  const wanted = app ? MODULES.filter((m) => allowed(m, app)) : [];
  const signature = wanted.map((m) => MODULES.indexOf(m)).join(",");
  const [routes, setRoutes] = useState(/** @type {Route[] | null | undefined} */ (undefined));
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!app) return undefined;
    let live = true;
    setRoutes(undefined);
    Promise.all(wanted.map((m) => m.load().then((mod) => mod.routes.map((r) => ({ ...r, scripts: m.scripts })))))
      .then((lists) => live && setRoutes(lists.flat()), () => live && setRoutes(null));
    return () => {
      live = false;
    };
  }, [signature, attempt, Boolean(app)]);
  return { routes, retry: () => setAttempt((n) => n + 1) };
}

messages({
  vi: {
    "app.name": "Lưu trú",
    "app.tagline": "Khai báo lưu trú — Công an tỉnh",
    "app.skip": "Bỏ qua, tới nội dung chính",
    "app.menu": "Trình đơn",
    "lang.switch": "English",
    "lang.label": "Chuyển sang tiếng Anh",
    "login.title": "Đăng nhập",
    "login.username": "Tên đăng nhập",
    "login.password": "Mật khẩu",
    "login.submit": "Đăng nhập",
    "login.failed": "Sai tên đăng nhập hoặc mật khẩu",
    "login.locked": "Tạm khoá do đăng nhập sai nhiều lần. Thử lại sau {minutes} phút.",
    "login.expired": "Phiên làm việc đã hết hạn, vui lòng đăng nhập lại.",
    "login.help": "Tài khoản do Công an tỉnh cấp. Quên mật khẩu: liên hệ cán bộ quản lý.",
    "logout": "Đăng xuất",
    "pw.title": "Đổi mật khẩu lần đầu",
    "pw.intro": "Mật khẩu được cấp chỉ dùng một lần. Hãy đặt mật khẩu mới.",
    "pw.current": "Mật khẩu hiện tại",
    "pw.new": "Mật khẩu mới",
    "pw.confirm": "Nhập lại mật khẩu mới",
    "pw.mismatch": "Hai mật khẩu mới không giống nhau",
    "pw.submit": "Đổi mật khẩu",
    "nav.none": "Tài khoản này chưa có trang nào trên bảng điều khiển.",
    "notfound": "Không có trang này.",
    "shell.facilityUnavailable": "Không tải được thông tin cơ sở của tài khoản. Thử lại sau giây lát.",
    "role.system_admin": "Quản trị hệ thống",
    "role.police_admin": "Quản trị Công an",
    "role.police_officer": "Công an xã/phường",
    "role.facility_manager": "Quản lý cơ sở",
    "role.facility_staff": "Nhân viên cơ sở",
    "role.department_analyst": "Cán bộ sở, ngành",
  },
  en: {
    "app.name": "Stay registration",
    "app.tagline": "Stay registration — Provincial police",
    "app.skip": "Skip to main content",
    "app.menu": "Menu",
    "lang.switch": "Tiếng Việt",
    "lang.label": "Switch to Vietnamese",
    "login.title": "Sign in",
    "login.username": "Username",
    "login.password": "Password",
    "login.submit": "Sign in",
    "login.failed": "Wrong username or password",
    "login.locked": "Locked after too many failed sign-ins. Try again in {minutes} min.",
    "login.expired": "Your session has expired; please sign in again.",
    "login.help": "Accounts are issued by the provincial police. Forgotten password: ask your administrator.",
    "logout": "Sign out",
    "pw.title": "Change your first password",
    "pw.intro": "The password you were given works once. Choose a new one.",
    "pw.current": "Current password",
    "pw.new": "New password",
    "pw.confirm": "New password again",
    "pw.mismatch": "The two new passwords differ",
    "pw.submit": "Change password",
    "nav.none": "This account has no pages in the console yet.",
    "notfound": "No such page.",
    "shell.facilityUnavailable": "The account's facility could not be loaded. Try again in a moment.",
    "role.system_admin": "System administrator",
    "role.police_admin": "Police administrator",
    "role.police_officer": "Commune police",
    "role.facility_manager": "Facility manager",
    "role.facility_staff": "Facility staff",
    "role.department_analyst": "Department analyst",
  },
});

// A route is for the signed-in user when their role is in its groups and, for facility
// pages, the facility is of the right kind (coach operators file trips, not guests).
/**
 * @param {{roles: string[], facilityKind?: "lodging" | "coach"}} route
 * @param {App} app
 */
function allowed(route, app) {
  if (!hasRole(...route.roles)) return false;
  if (route.facilityKind && app.facility) {
    const isCoach = app.facility.facility_type === "coach";
    return route.facilityKind === (isCoach ? "coach" : "lodging");
  }
  return true;
}

function LanguageSwitch() {
  const other = getLang() === "vi" ? "en" : "vi";
  return html`<button type="button" class="lang" lang=${other} title=${t("lang.label")}
    data-testid="lang-switch" onClick=${() => setLang(other)}>${t("lang.switch")}</button>`;
}

/** @param {{reason: string | null}} props */
function SignIn({ reason }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState(/** @type {string | null} */ (reason === "expired" ? t("login.expired") : null));
  const [busy, setBusy] = useState(false);
  /** @param {SubmitEvent} event */
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(username.trim(), password);
    } catch (thrown) {
      const e = /** @type {Partial<AuthError>} */ (thrown); // or a TypeError when offline
      if (e.status === 429) {
        const minutes = Math.max(1, Math.ceil(Number(e.retryAfter || 60) / 60));
        setError(t("login.locked", { minutes }));
      } else if (e.status === 401) setError(t("login.failed"));
      else if (!e.status || e.status >= 502) setError(t("ui.offline")); // no network, no answer
      else setError(localized(e.problem?.detail) || e.message || t("ui.error"));
    } finally {
      setBusy(false);
    }
  };
  return html`<main id="main" class="signin">
    <form onSubmit=${submit} class="card narrow" aria-labelledby="signin-title">
      <h1 id="signin-title">${t("login.title")}</h1>
      <p class="muted">${t("app.tagline")}</p>
      ${error ? html`<${Banner} kind="error">${error}<//>` : null}
      <${Input} label=${t("login.username")} name="username" autocomplete="username" required
        value=${username} onInput=${setUsername} autofocus />
      <${Input} label=${t("login.password")} name="password" type="password" autocomplete="current-password"
        required value=${password} onInput=${setPassword} />
      <button type="submit" class="primary" disabled=${busy}>${t("login.submit")}</button>
      <p class="hint">${t("login.help")}</p>
    </form>
  </main>`;
}

function FirstPassword() {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [again, setAgain] = useState("");
  const [error, setError] = useState(/** @type {string | null} */ (null));
  const [fields, setFields] = useState(/** @type {Record<string, string>} */ ({}));
  // The rule accounts enforces, in its own words (GET /v1/password-policy), never a copy of it.
  const [policy, setPolicy] = useState(/** @type {{text: import("./i18n.js").Localized} | null} */ (null));
  useEffect(() => {
    fetch("/v1/password-policy", { headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : null))
      .then(setPolicy, () => setPolicy(null));
  }, []);
  /** @param {SubmitEvent} event */
  const submit = async (event) => {
    event.preventDefault();
    setError(null);
    setFields({});
    if (next !== again) return setFields({ again: t("pw.mismatch") });
    try {
      await changePassword(current, next);
    } catch (thrown) {
      const e = /** @type {Partial<AuthError>} */ (thrown); // or a TypeError when offline
      /** @type {Record<string, string>} */
      const byField = {};
      for (const fe of e.problem?.errors || []) byField[(fe.pointer || "").replace(/^\//, "")] = localized(fe.message);
      setFields(byField);
      if (!e.status || e.status >= 502) setError(t("ui.offline"));
      else setError(localized(e.problem?.detail) || e.problem?.title || e.message || t("ui.error"));
    }
  };
  return html`<main id="main" class="signin">
    <form onSubmit=${submit} class="card narrow" aria-labelledby="pw-title">
      <h1 id="pw-title">${t("pw.title")}</h1>
      <p>${t("pw.intro")}</p>
      ${error ? html`<${Banner} kind="error">${error}<//>` : null}
      <${Input} label=${t("pw.current")} name="current_password" type="password" required
        autocomplete="current-password" value=${current} onInput=${setCurrent} error=${fields.current_password} />
      <${Input} label=${t("pw.new")} name="new_password" type="password" required autocomplete="new-password"
        hint=${policy ? localized(policy.text) : null} value=${next} onInput=${setNext} error=${fields.new_password} />
      <${Input} label=${t("pw.confirm")} name="again" type="password" required autocomplete="new-password"
        value=${again} onInput=${setAgain} error=${fields.again} />
      <button type="submit" class="primary">${t("pw.submit")}</button>
      <button type="button" class="link" onClick=${() => signOut()}>${t("logout")}</button>
    </form>
  </main>`;
}

// The role's first page, once rendered (navigating while rendering would update state mid-render).
/** @param {{to: string}} props */
function Landing({ to }) {
  useEffect(() => navigate(to), [to]);
  return null;
}

// The staff pages open without a connection: the service worker (/sw.js) keeps the shell and
// its modules once a facility user has signed in (never on the sign-in page: its budget).
/** @param {Session} session */
function useOffline(session) {
  useEffect(() => {
    if (!session.facilityId) return;
    startOutbox();
    navigator.serviceWorker?.register("/sw.js", { scope: "/" }).catch(() => {});
  }, [session.facilityId]);
}

/** @param {{session: Session}} props */
function Shell({ session }) {
  const where = useLocation();
  useOffline(session);
  const waiting = useOutboxCount();
  // Signing out with records still on the device: say so first (they stay for this user).
  const leave = () => (!waiting || confirm(t("outbox.signOutWarning", { n: waiting }))) && signOut();
  // undefined while it is being fetched; null for a user without one, or when it cannot be had
  const [facility, setFacility] = useState(/** @type {Facility | null | undefined} */ (undefined));
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [where.path]);
  useEffect(() => {
    if (!session.facilityId) return setFacility(null);
    // Kept for the tab, so the staff pages open offline after a reload (see session.js).
    const kept = sessionStorage.getItem("luutru.facility");
    api(`/v1/facilities/${session.facilityId}`).then(
      (found) => {
        sessionStorage.setItem("luutru.facility", JSON.stringify(found));
        setFacility(found);
      },
      () => setFacility(kept && !navigator.onLine ? JSON.parse(kept) : null),
    );
  }, [session.facilityId]);
  /** @type {App | null} */
  const app = facility === undefined ? null : { session, facility, navigate };
  const { routes, retry } = useRoutes(app);
  if (facility === undefined || routes === undefined) return html`<${Loading} />`;
  if (routes === null) {
    return html`<main id="main" class="signin"><div class="card narrow">
      <${Banner} kind="error">${t("ui.offline")}<//>
      <button type="button" onClick=${retry}>${t("ui.retry")}</button>
      <button type="button" class="link" onClick=${() => signOut()}>${t("logout")}</button>
    </div></main>`;
  }
  const shell = /** @type {App} */ (app); // the facility is known here
  const mine = routes.filter((r) => allowed(r, shell));
  const nav = mine.filter(/** @type {(r: Route) => r is Route & {nav: string}} */ (r) => Boolean(r.nav));
  let view = null;
  for (const route of mine) {
    const params = match(route.path, where.path);
    if (params) {
      view = html`<${route.view} params=${params} query=${where.query} key=${where.path} />`;
      if (route.scripts) {
        const scripts = route.scripts;
        view = html`<${AfterLoading} load=${() => Promise.all(scripts.map(loadScript))}>${view}<//>`;
      }
      break;
    }
  }
  if (where.path === "/" && nav.length) return html`<${Landing} to=${nav[0].path} />`;
  if (session.facilityId && facility === null) {
    // Without its facility the shell cannot tell guest pages from trip pages: say so.
    return html`<main id="main" class="signin"><div class="card narrow">
      <${Banner} kind="error">${t("shell.facilityUnavailable")}<//>
      <button type="button" onClick=${() => location.reload()}>${t("ui.retry")}</button>
      <button type="button" class="link" onClick=${() => signOut()}>${t("logout")}</button>
    </div></main>`;
  }
  return html`<${AppContext.Provider} value=${app}>
    <a class="skip" href="#main" onClick=${(/** @type {MouseEvent} */ e) => { e.preventDefault(); document.getElementById("main")?.focus(); }}>${t("app.skip")}</a>
    <header class="topbar">
      <button type="button" class="menu-toggle" aria-expanded=${menuOpen} aria-controls="nav"
        onClick=${() => setMenuOpen(!menuOpen)}>${t("app.menu")}</button>
      <a class="brand" href="#/">${t("app.name")}</a>
      <span class="who" data-testid="who">${session.username} · ${t(`role.${session.role}`)}${facility ? ` · ${facility.name}` : ""}</span>
      <${OutboxBadge} />
      <${LanguageSwitch} />
      <button type="button" class="link" onClick=${leave}>${t("logout")}</button>
    </header>
    <div class="layout">
      <nav id="nav" class=${menuOpen ? "open" : ""} aria-label=${t("app.menu")}>
        <ul>${nav.map((r) => html`<li><a href=${`#${r.path}`}
          aria-current=${where.path === r.path || where.path.startsWith(`${r.path}/`) ? "page" : undefined}>${t(r.nav)}</a></li>`)}</ul>
      </nav>
      <main id="main" tabindex="-1">${view ?? html`<p>${nav.length ? t("notfound") : t("nav.none")}</p>`}</main>
    </div>
  <//>`;
}

function App() {
  const [session, setSession] = useState(currentSession());
  const [reason, setReason] = useState(/** @type {string | null} */ (null));
  const [, setLangTick] = useState(0);
  useEffect(() => onSessionChange((s, why) => { setSession(s); setReason(why ?? null); }), []);
  useEffect(() => onLangChange(() => setLangTick((n) => n + 1)), []);
  let body;
  if (!session) body = html`<${SignIn} reason=${reason} />`;
  else if (session.mustChangePassword) body = html`<${FirstPassword} />`;
  else body = html`<${Shell} session=${session} key=${session.claims.sub} />`;
  return html`<div class="app" data-lang=${getLang()}>
    ${!session || session.mustChangePassword ? html`<div class="lang-corner"><${LanguageSwitch} /></div>` : null}
    ${body}
  </div>`;
}

// A session of this tab survives a reload through the refresh cookie, before the first render.
restoreSession().finally(() => render(html`<${App} />`, /** @type {HTMLElement} */ (document.getElementById("app"))));
