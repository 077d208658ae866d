// @ts-check
// The signed-in user's tokens, kept in sessionStorage (gone when the tab closes). The
// console never sees a password after sign-in and keeps no state on the server.

/**
 * The signed-in user as the console keeps it (from the token's claims).
 * @typedef {object} Session
 * @property {string} accessToken
 * @property {string | null} refreshToken
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
const KEY = "luutru.session";
const listeners = new Set();
/** @type {Session | null} */
let session = JSON.parse(sessionStorage.getItem(KEY) || "null");
/** @type {Promise<boolean> | null} */
let refreshing = null;

export const currentSession = () => session;

export function onSessionChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function decodeClaims(token) {
  const payload = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
  const bytes = Uint8Array.from(atob(payload), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

function store(tokens, extra = {}) {
  const claims = decodeClaims(tokens.access_token);
  session = {
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token ?? session?.refreshToken ?? null,
    mustChangePassword: Boolean(tokens.must_change_password),
    claims,
    role: claims.role,
    facilityId: claims.facility_id ?? null,
    department: claims.department ?? null,
    communes: claims.communes ?? [],
    username: extra.username ?? session?.username ?? claims.sub,
    signedOutReason: null,
  };
  sessionStorage.setItem(KEY, JSON.stringify(session));
  listeners.forEach((fn) => fn(session));
}

async function tokenCall(body) {
  const response = await fetch("/v1/auth/token", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  return { response, data };
}

// Throws {status, problem} on refusal (wrong password, lockout with Retry-After, suspended).
export async function signIn(username, password) {
  const { response, data } = await tokenCall({ grant_type: "password", username, password });
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
  if (!session?.refreshToken) return Promise.resolve(false);
  // One refresh at a time: parallel 401s share it (a spent refresh token revokes the session).
  refreshing ??= tokenCall({ grant_type: "refresh_token", refresh_token: session.refreshToken })
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

export function signOut(reason = null) {
  const token = session?.refreshToken;
  if (token) {
    fetch("/v1/auth/logout", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refresh_token: token }),
    }).catch(() => {});
  }
  session = null;
  sessionStorage.removeItem(KEY);
  listeners.forEach((fn) => fn(null, reason));
}

// After the first-login password change the old tokens are password-change-only: sign in again.
export async function changePassword(currentPassword, newPassword) {
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
  return signIn(session.username, newPassword);
}

export const ROLE_GROUPS = {
  facility: ["facility_manager", "facility_staff"],
  police: ["system_admin", "police_admin", "police_officer"],
  policeAdmin: ["system_admin", "police_admin"],
  analyst: ["department_analyst"],
};

export const hasRole = (...groups) =>
  Boolean(session) && groups.some((g) => (ROLE_GROUPS[g] || [g]).includes(session.role));
