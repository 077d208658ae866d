// The console's service worker: the staff pages open without a connection. It keeps the page
// ("/") and the versioned files it names (modules, styles, libraries), so a page opened or
// reloaded offline finds them; API answers are never kept (personal data stays off the cache)
// and always go to the network. Registered after a facility user signs in (main.js).
const CACHE = "luutru-shell-v1";
const PAGE = "/";

// Every versioned local address the page names (its import map, styles, scripts).
const named = (html) => [...new Set(html.match(/\/(?:static|vendor)\/[^"?\s]+\?v=[0-9a-f]+/g) || [])];

async function keepShell() {
  const response = await fetch(PAGE, { cache: "no-cache" });
  if (!response.ok) return;
  const cache = await caches.open(CACHE);
  await cache.put(PAGE, response.clone());
  const wanted = named(await response.text()).filter((url) => !url.startsWith("/vendor/chart.js"));
  const have = new Set((await cache.keys()).map((r) => new URL(r.url).pathname + new URL(r.url).search));
  await Promise.all(wanted.filter((url) => !have.has(url)).map((url) => cache.add(url).catch(() => {})));
}

self.addEventListener("install", (event) => {
  event.waitUntil(keepShell().catch(() => {}).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === PAGE) {
    // The network first (a new deploy), the kept page when there is none; keep the new one's
    // files too, so the next offline visit finds the versions it names.
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) event.waitUntil(keepShell().catch(() => {}));
          return response;
        })
        .catch(() => caches.match(PAGE).then((kept) => kept || Response.error())),
    );
    return;
  }
  if (url.pathname.startsWith("/static/") || url.pathname.startsWith("/vendor/")) {
    // Versioned files never change under their address: the kept copy is the file.
    event.respondWith(
      caches.match(request).then(
        (kept) =>
          kept ||
          fetch(request).then((response) => {
            if (response.ok && url.searchParams.has("v")) {
              const copy = response.clone();
              caches.open(CACHE).then((cache) => cache.put(request, copy));
            }
            return response;
          }),
      ),
    );
  }
});
