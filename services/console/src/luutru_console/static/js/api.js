// @ts-check
// Every call goes to the public APIs (same origin: the console forwards /v1/... to the
// service that owns it) with the signed-in user's bearer token. A 401 triggers one refresh
// of the token (refresh tokens rotate), then the call is retried once.
import { localized } from "./i18n.js";
import { currentSession, refreshSession, signOut } from "./session.js";

/**
 * One error of a problem: where (a JSON pointer into the request, "query:…" for a parameter),
 * what (a stable code) and the message in both languages.
 * @typedef {{pointer?: string, code?: string, message?: import("./i18n.js").Localized}} FieldProblem
 */
/**
 * An API's problem+json answer (RFC 9457) as the services write it.
 * @typedef {object} Problem
 * @property {string} [type]
 * @property {string} [title]
 * @property {import("./i18n.js").Localized} [detail]
 * @property {string} [code]
 * @property {FieldProblem[]} [errors]
 */
/**
 * @typedef {object} RequestOptions
 * @property {string} [method]
 * @property {unknown} [json] a body sent as JSON
 * @property {BodyInit} [body] a body sent as is (FormData for files)
 * @property {Record<string, string>} [headers]
 * @property {boolean} [auth] false: without the bearer token (sign-in, refresh)
 * @property {AbortSignal} [signal]
 */

export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {Problem | null} problem
   */
  constructor(status, problem) {
    super(problem?.title || `HTTP ${status}`);
    this.status = status;
    /** @type {Problem} */
    this.problem = problem || {};
    /** Seconds to wait before trying again (a 429's Retry-After), when the caller read it. @type {number | undefined} */
    this.retryAfter = undefined;
  }

  // The field errors by JSON pointer ("/guests/3/id_number" → message in the current language).
  get fieldErrors() {
    /** @type {Record<string, string>} */
    const out = {};
    for (const e of this.problem.errors || []) out[e.pointer || ""] = localized(e.message) || e.code || "";
    return out;
  }

  get text() {
    return localized(this.problem.detail) || this.problem.title || `HTTP ${this.status}`;
  }
}

/**
 * @param {string} path
 * @param {RequestOptions} [options]
 */
async function send(path, { method = "GET", json, body, headers = {}, auth = true, signal } = {}) {
  /** @type {RequestInit & {headers: Record<string, string>}} */
  const init = { method, headers: { Accept: "application/json, application/problem+json", ...headers }, signal };
  if (json !== undefined) {
    init.body = JSON.stringify(json);
    init.headers["Content-Type"] = "application/json";
  } else if (body !== undefined) {
    init.body = body; // FormData: the browser sets the multipart boundary
  }
  const session = currentSession();
  if (auth && session) init.headers.Authorization = `Bearer ${session.accessToken}`;
  return fetch(path, init);
}

/**
 * Returns the raw Response (for files and streams) after the auth retry; throws ApiError.
 * @param {string} path
 * @param {RequestOptions} [options]
 * @returns {Promise<Response>}
 */
export async function apiResponse(path, options = {}) {
  let response = await send(path, options);
  if (response.status === 401 && options.auth !== false && currentSession()) {
    if (await refreshSession()) response = await send(path, options);
    else signOut("expired");
  }
  if (!response.ok) {
    let problem = null;
    try {
      problem = await response.json();
    } catch {
      problem = { title: response.statusText };
    }
    throw new ApiError(response.status, problem);
  }
  return response;
}

/**
 * The answer's JSON (its shape is the endpoint's: pages type what they keep), its text for
 * another type, null for 204; throws ApiError.
 * @param {string} path
 * @param {RequestOptions} [options]
 * @returns {Promise<any>}
 */
export async function api(path, options = {}) {
  const response = await apiResponse(path, options);
  if (response.status === 204) return null;
  const type = response.headers.get("content-type") || "";
  return type.includes("json") ? response.json() : response.text();
}

/**
 * "?a=1&b=x&b=y" from {a: 1, b: ["x", "y"]}, leaving out empty values; "" when none is left.
 * @param {Record<string, unknown>} params
 */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === "") continue;
    if (Array.isArray(value)) value.forEach((v) => search.append(key, String(v)));
    else search.append(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

/**
 * Download a file answer (CSV/XLSX export, error sheet) under its server-given name.
 * @param {string} path
 * @param {string} fallbackName
 */
export async function download(path, fallbackName) {
  const response = await apiResponse(path, { headers: { Accept: "*/*" } });
  const disposition = response.headers.get("content-disposition") || "";
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  let name = plain ? plain[1] : fallbackName;
  try {
    if (encoded) name = decodeURIComponent(encoded[1]);
  } catch {
    // a malformed encoded name: keep the plain one
  }
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement("a"), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// Server-sent events with the bearer token (EventSource cannot send one): calls
// onEvent({id, event, data}) per event and reconnects with Last-Event-ID until stopped.
/** @typedef {{id: string | null, event: string, data: string}} StreamEvent */
/**
 * @param {string} path
 * @param {(event: StreamEvent) => void} onEvent
 * @param {{onState?: (state: "open" | "error" | "closed", error?: unknown) => void}} [options]
 * @returns {() => void} stops the stream
 */
export function eventStream(path, onEvent, { onState = () => {} } = {}) {
  const controller = new AbortController();
  /** @type {string | null} */
  let lastId = null;
  (async () => {
    while (!controller.signal.aborted) {
      try {
        /** @type {Record<string, string>} */
        const headers = { Accept: "text/event-stream" };
        if (lastId) headers["Last-Event-ID"] = lastId;
        const response = await apiResponse(path, { headers, signal: controller.signal });
        onState("open");
        if (!response.body) throw new Error(`${path}: an answer without a body`); // reconnects
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            /** @type {StreamEvent} */
            const event = { id: null, event: "message", data: "" };
            for (const line of block.split("\n")) {
              if (line.startsWith(":")) continue;
              const [field, ...rest] = line.split(":");
              const val = rest.join(":").replace(/^ /, "");
              if (field === "id") event.id = val;
              else if (field === "event") event.event = val;
              else if (field === "data") event.data += (event.data ? "\n" : "") + val;
            }
            if (event.id) lastId = event.id;
            if (event.data) onEvent(event);
          }
        }
      } catch (error) {
        if (controller.signal.aborted) break;
        onState("error", error);
        if (error instanceof ApiError && (error.status === 401 || error.status === 403)) break;
      }
      if (!controller.signal.aborted) await new Promise((r) => setTimeout(r, 2000));
    }
    onState("closed");
  })();
  return () => controller.abort();
}
