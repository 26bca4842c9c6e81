// Starts Swagger UI on the page the backend serves at /api/docs (no inline script: CSP).
(function () {
  function start() {
    window.ui = SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#swagger-ui" });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
