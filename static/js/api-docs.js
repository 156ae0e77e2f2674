// Starts Swagger UI on the API documentation page (templates/api/docs.html): a file, not an
// inline script, so the page runs under the app's Content-Security-Policy.
(function () {
  "use strict";
  var element = document.getElementById("swagger-ui");
  if (!element || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: element.getAttribute("data-schema-url"),
    domNode: element,
    deepLinking: false,
    // Only the token in the "Authorize" box authenticates; the session cookie never does.
    withCredentials: false,
    persistAuthorization: false,
  });
})();
