// @ts-check
// The signed-in user's access token, in memory only: no script of the page can find it in
// storage. The refresh token never reaches the page: the console's server keeps it in an
// HttpOnly, Secure, SameSite=Strict cookie on its own auth path (/console/auth) and refreshes
// for us. Only the username (no secret) is remembered in sessionStorage, to restore the
// session after a reload and show who is signed in.

/**
 * The signed-in user as the console keeps it (from the token's claims).
 * @typedef {object} Session
 * @property {string} accessToken
 * @property {boolean} mustChangePassword
 * @property {Record<string, any>} claims the access token's payload
 * @property {string} role
 * @property {string | null} facilityId
 * @property {string | null} department
 * @property {string[]} communes
 * @property {string} username
 * @property {string | null} signedOutReason
 */
/**
 * A refused sign-in or password change: the answer's status, its problem+json and, for a
 * lockout, the seconds to wait (Retry-After).
 * @typedef {Error & {status: number, problem: import("./api.js").Problem, retryAfter?: string | null}} AuthError
 */
const USER_KEY = "luutru.username";
// The token's claims (who, which role and facility: no secret), so a page reloaded without a
// connection still knows its user and opens the staff pages; it gets a token when back online.
const CLAIMS_KEY = "luutru.claims";
const AUTH = "/console/auth";
/** @typedef {(session: Session | null, reason?: string | null) => void} SessionListener */
/** @type {Set<SessionListener>} */
const listeners = new Set();
/** @type {Session | null} */
let session = null;
/** @type {Promise<boolean> | null} */
let refreshing = null;

export const currentSession = () => session;

/** @param {SessionListener} fn */
export function onSessionChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/**
 * The JWT's payload (sub, role, facility_id, department, communes…).
 * @param {string} token
 * @returns {Record<string, any>} the claims as the token has them (JSON.parse)
 */
function decodeClaims(token) {
  const payload = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
  const bytes = Uint8Array.from(atob(payload), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

/** @typedef {{access_token: string, must_change_password?: boolean}} Tokens */
/**
 * @param {Tokens} tokens
 * @param {{username?: string}} [extra]
 */
function store(tokens, extra = {}) {
  const claims = decodeClaims(tokens.access_token);
  const username = extra.username ?? session?.username ?? sessionStorage.getItem(USER_KEY) ?? claims.sub;
  session = {
    accessToken: tokens.access_token,
    mustChangePassword: Boolean(tokens.must_change_password),
    claims,
    role: claims.role,
    facilityId: claims.facility_id ?? null,
    department: claims.department ?? null,
    communes: claims.communes ?? [],
    username,
    signedOutReason: null,
  };
  sessionStorage.setItem(USER_KEY, username);
  sessionStorage.setItem(CLAIMS_KEY, JSON.stringify(claims));
  listeners.forEach((fn) => fn(session));
}

/**
 * @param {string} path under /console/auth
 * @param {Record<string, unknown>} [body]
 * @returns {Promise<{response: Response, data: any}>} `data` as the server sent it: the tokens
 *   when `response.ok`, else a problem+json (`any`: which of the two only `ok` tells)
 */
async function authCall(path, body = {}) {
  const response = await fetch(`${AUTH}/${path}`, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  return { response, data };
}

// Throws {status, problem} on refusal (wrong password, lockout with Retry-After, suspended).
/**
 * @param {string} username
 * @param {string} password
 */
export async function signIn(username, password) {
  const { response, data } = await authCall("token", { username, password });
  if (!response.ok) {
    const error = /** @type {AuthError} */ (new Error(data.title || "sign-in failed"));
    error.status = response.status;
    error.problem = data;
    error.retryAfter = response.headers.get("retry-after");
    throw error;
  }
  store(data, { username });
  return session;
}

export function refreshSession() {
  // One refresh at a time: parallel 401s share it (a spent refresh token revokes the session).
  refreshing ??= authCall("refresh")
    .then(({ response, data }) => {
      if (!response.ok) return false;
      store(data);
      return true;
    })
    .catch(() => false)
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

// After a reload the access token is gone with the page: the cookie brings a new one.
// Without a connection the refresh cannot happen: the user of the tab stays signed in on
// their claims with no token (every API call fails as offline; the outbox keeps check-ins),
// and the token comes with the connection (a refused refresh then signs out as usual).
export async function restoreSession() {
  if (!sessionStorage.getItem(USER_KEY)) return;
  if (await refreshSession()) return;
  const kept = sessionStorage.getItem(CLAIMS_KEY);
  if (navigator.onLine || !kept) return;
  const claims = JSON.parse(kept);
  session = {
    accessToken: "",
    mustChangePassword: false,
    claims,
    role: claims.role,
    facilityId: claims.facility_id ?? null,
    department: claims.department ?? null,
    communes: claims.communes ?? [],
    username: sessionStorage.getItem(USER_KEY) ?? claims.sub,
    signedOutReason: null,
  };
  window.addEventListener("online", () => refreshSession(), { once: true });
}

/** @param {string | null} [reason] "expired" when the session ran out */
export function signOut(reason = null) {
  authCall("logout").catch(() => {});
  session = null;
  sessionStorage.removeItem(USER_KEY);
  sessionStorage.removeItem(CLAIMS_KEY);
  sessionStorage.removeItem("luutru.facility");
  listeners.forEach((fn) => fn(null, reason));
}

// After the first-login password change the old tokens are password-change-only: sign in again.
/**
 * @param {string} currentPassword
 * @param {string} newPassword
 */
export async function changePassword(currentPassword, newPassword) {
  if (!session) throw new Error("not signed in");
  const { username } = session;
  const response = await fetch("/v1/auth/password", {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Accept: "application/json",
      Authorization: `Bearer ${session.accessToken}`,
    },
    body: JSON.stringify({ current_password: currentPassword, new_password: newPassword }),
  });
  if (!response.ok) {
    const data = await response.json().catch(() => ({}));
    const error = /** @type {AuthError} */ (new Error(data.title || "password change failed"));
    error.status = response.status;
    error.problem = data;
    throw error;
  }
  return signIn(username, newPassword);
}

/** @type {Record<string, string[]>} */
export const ROLE_GROUPS = {
  facility: ["facility_manager", "facility_staff"],
  police: ["system_admin", "police_admin", "police_officer"],
  policeAdmin: ["system_admin", "police_admin"],
  analyst: ["department_analyst"],
};

/** @param {...string} groups groups of ROLE_GROUPS, or roles */
export const hasRole = (...groups) => {
  const role = session?.role;
  return role !== undefined && groups.some((g) => (ROLE_GROUPS[g] || [g]).includes(role));
};
