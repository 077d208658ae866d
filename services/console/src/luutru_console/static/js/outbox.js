// @ts-check
// Check-ins made while the connection is down, kept on the device (IndexedDB) and sent when it
// is back: in the order they were made, one at a time, retried with a growing pause, each with
// the Idempotency-Key it got when it was made — so a record whose answer was lost is never
// stored twice (the server answers a repeated key with the first receipt). The check-in time
// is the one entered, so the deadline and any lateness are the guest's arrival's, not the
// network's; the server's receipt (with the time it received the record) replaces the local
// one. A record the server refuses stays on the device with the server's messages until staff
// deal with it. Records belong to the user who made them: another user's are never sent.
import { ApiError, apiResponse } from "./api.js";
import { currentSession } from "./session.js";

/**
 * @typedef {object} Waiting
 * @property {string} key the Idempotency-Key
 * @property {number} [seq] order of making (IndexedDB key generator)
 * @property {string} user the claims' subject of the user who made it
 * @property {Record<string, any>} body the check-in as POST /v1/stays takes it
 * @property {string} name the guest's name, for the list
 * @property {string} made_at when it was made on the device (ISO)
 * @property {"waiting" | "refused"} state
 * @property {import("./api.js").FieldProblem[]} [errors] the server's refusal, field by field
 * @property {string} [detail] the server's refusal, as a whole
 */
/** @typedef {{key: string, name: string, receipt: import("./types.js").Receipt, duplicate: boolean}} Sent */

const DB = "luutru-outbox";
const STORE = "check-ins";
const MAX_PAUSE_MS = 60_000;

/** @type {Promise<IDBDatabase> | null} */
let opening = null;
function database() {
  opening ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => {
      const store = request.result.createObjectStore(STORE, { keyPath: "seq", autoIncrement: true });
      store.createIndex("key", "key", { unique: true });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => {
      opening = null;
      reject(request.error);
    };
  });
  return opening;
}

/**
 * @template T
 * @param {IDBTransactionMode} mode
 * @param {(store: IDBObjectStore) => IDBRequest<T>} action
 * @returns {Promise<T>}
 */
async function run(mode, action) {
  const db = await database();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const request = action(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(request.result);
    tx.onerror = () => reject(tx.error);
  });
}

const me = () => currentSession()?.claims?.sub ?? "";

/** This user's records, oldest first. @returns {Promise<Waiting[]>} */
export async function records() {
  const all = /** @type {Waiting[]} */ (await run("readonly", (s) => s.getAll()));
  return all.filter((r) => r.user === me()).sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
}

/** Sent in this tab, newest first (receipts only in memory: nothing personal left on disk). */
/** @type {Sent[]} */
export const sent = [];
/** @type {Set<(count: number) => void>} */
const listeners = new Set();
let waitingCount = 0;

/** @param {(count: number) => void} fn */
export function onOutboxChange(fn) {
  listeners.add(fn);
  fn(waitingCount);
  return () => listeners.delete(fn);
}
/** @type {Set<(sent: Sent) => void>} */
const sentListeners = new Set();
/** @param {(sent: Sent) => void} fn called when a record got its receipt */
export function onSent(fn) {
  sentListeners.add(fn);
  return () => sentListeners.delete(fn);
}

async function changed() {
  try {
    waitingCount = (await records()).length;
  } catch {
    waitingCount = 0;
  }
  listeners.forEach((fn) => fn(waitingCount));
}

/**
 * Keep a check-in that could not be sent; it goes as soon as the network allows.
 * @param {{key: string, body: Record<string, any>, name: string}} record
 */
export async function keep({ key, body, name }) {
  const existing = await run("readonly", (s) => s.index("key").getKey(key));
  if (existing === undefined) {
    /** @type {Waiting} */
    const record = { key, body, name, user: me(), made_at: new Date().toISOString(), state: "waiting" };
    await run("readwrite", (s) => s.add(record));
  }
  await changed();
  schedule(0);
}

/** Forget a record (a refused one staff have dealt with). @param {number} seq */
export async function discard(seq) {
  await run("readwrite", (s) => s.delete(seq));
  await changed();
}

let pause = 1000;
let timer = 0;
/** @type {Promise<void> | null} */
let flushing = null;

/** @param {number} ms */
function schedule(ms) {
  clearTimeout(timer);
  timer = window.setTimeout(() => flush(), ms);
}

/**
 * Send what waits, oldest first, one at a time (never two sends of one record at once);
 * stops at the first record that gets no answer and tries again after a growing pause.
 */
export function flush() {
  flushing ??= (async () => {
    try {
      for (const record of await records()) {
        if (record.state !== "waiting") continue;
        if (!currentSession()) return; // signed out: they wait for their user
        let response;
        try {
          response = await apiResponse("/v1/stays", {
            method: "POST",
            json: record.body,
            headers: { "Idempotency-Key": record.key },
            signal: AbortSignal.timeout(30_000),
          });
        } catch (e) {
          if (e instanceof ApiError && ![408, 429, 502, 503, 504].includes(e.status) && e.status < 500) {
            // Refused: back to staff with the server's words.
            await run("readwrite", (s) =>
              s.put({ ...record, state: "refused", errors: e.problem?.errors || [], detail: e.problem?.detail || e.problem?.title }),
            );
            await changed();
            continue;
          }
          schedule(pause);
          pause = Math.min(pause * 2, MAX_PAUSE_MS);
          return;
        }
        const receipt = await response.json();
        await run("readwrite", (s) => s.delete(/** @type {number} */ (record.seq)));
        const done = { key: record.key, name: record.name, receipt, duplicate: response.status === 200 };
        sent.unshift(done);
        pause = 1000;
        await changed();
        sentListeners.forEach((fn) => fn(done));
      }
    } finally {
      flushing = null;
    }
  })();
  return flushing;
}

if (typeof window !== "undefined") {
  window.addEventListener("online", () => {
    pause = 1000;
    schedule(0);
  });
  // What a previous visit left (the page was closed while offline) goes once someone signs in.
  changed();
}

/** Begin sending this user's waiting records (after sign-in). */
export function startOutbox() {
  changed().then(() => waitingCount && schedule(0));
}
