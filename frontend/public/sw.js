/*
 * Quartieri Connessi service worker.
 *
 * - Precaches the app shell: index.html ("/"), the built JS/CSS/fonts and the icons.
 *   The build (vite.config.ts) writes the list and a content hash into the two
 *   placeholders below; a new build means a new cache, and the old one is dropped.
 * - App pages (navigations): network first, the cached shell when offline.
 * - /assets/*: cache first (file names carry a content hash).
 * - /api/, /socket.io/ and /swagger-ui/ are never intercepted and never cached.
 */

const PRECACHE = self.__QC_PRECACHE__ || [];
const VERSION = self.__QC_VERSION__ || "dev";
const CACHE = "qc-shell-" + VERSION;
const SHELL_URL = "/";

const NEVER = ["/api/", "/socket.io/", "/swagger-ui/"];
const APP_PATHS = [/^\/$/, /^\/spazi\/[^/]+\/?$/, /^\/accedi\/?$/, /^\/registrati\/?$/, /^\/profilo\/?$/, /^\/notifiche(\/preferenze)?\/?$/];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(keys.filter((k) => k.startsWith("qc-shell-") && k !== CACHE).map((k) => caches.delete(k))),
      )
      .then(() => self.clients.claim()),
  );
});

function isAppPath(pathname) {
  return APP_PATHS.some((re) => re.test(pathname));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (NEVER.some((prefix) => url.pathname.startsWith(prefix))) return;

  if (request.mode === "navigate") {
    if (!isAppPath(url.pathname)) return;
    event.respondWith(
      fetch(request)
        .then((response) => {
          const type = response.headers.get("Content-Type") || "";
          if (response.ok && type.includes("text/html")) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(SHELL_URL, copy));
          }
          return response;
        })
        .catch(() => caches.match(SHELL_URL).then((cached) => cached || Response.error())),
    );
    return;
  }

  if (url.pathname.startsWith("/assets/") || PRECACHE.includes(url.pathname)) {
    event.respondWith(
      caches.match(request).then(
        (cached) =>
          cached ||
          fetch(request).then((response) => {
            if (response.ok && url.pathname.startsWith("/assets/")) {
              const copy = response.clone();
              caches.open(CACHE).then((cache) => cache.put(request, copy));
            }
            return response;
          }),
      ),
    );
  }
});
