// Mounts GraphiQL on #graphiql. Loaded as a file (the page's CSP allows no inline script);
// React, ReactDOM and GraphiQL are the UMD bundles the page loads before this file.
(function () {
  "use strict";

  var root = document.getElementById("graphiql");
  var endpoint = new URL(root.dataset.endpoint, window.location.href);
  var subscriptions = new URL(endpoint.href);
  subscriptions.protocol = endpoint.protocol === "https:" ? "wss:" : "ws:";

  var fetcher = GraphiQL.createFetcher({
    url: endpoint.href,
    subscriptionUrl: subscriptions.href,
  });

  ReactDOM.createRoot(root).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      // A gateway that wants `Authorization` gets it from the headers editor, kept across reloads.
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: true,
      defaultQuery: "# Yuno GraphQL gateway\n\n{\n  sdkConfig {\n    environment\n  }\n}\n",
    }),
  );
})();
