// Composes the supergraph with Guild's composition (@theguild/federation-composition), as
// `mesh-compose` runs it:
//
//   YUNO_SUBGRAPH_URL=http://…/graphql ORDERS_SUBGRAPH_URL=http://…/ BUYERS_SUBGRAPH_URL=… \
//   COMPOSE_AUTHORIZATION='Bearer …' mesh-compose -c mesh.config.mjs -o supergraph.graphql
//
// Each subgraph's SDL comes from its `_service { sdl }`; the gateway answers that only with
// an API key, COMPOSE_AUTHORIZATION, which is sent at build time and never written down.
// What is written, in the yuno subgraph's @transport directive, is the header the router
// sends it at run time: `{env.SUBGRAPH_AUTHORIZATION}`, which Hive Gateway fills in from its
// own environment on every call, so no key is in the supergraph.
import { defineConfig, loadGraphQLHTTPSubgraph } from "@graphql-mesh/compose-cli";

const schemaHeaders = { authorization: process.env.COMPOSE_AUTHORIZATION };
const operationHeaders = { authorization: "{env.SUBGRAPH_AUTHORIZATION}" };

export const composeConfig = defineConfig({
  subgraphs: [
    {
      sourceHandler: loadGraphQLHTTPSubgraph("yuno", {
        endpoint: process.env.YUNO_SUBGRAPH_URL,
        federation: true,
        schemaHeaders,
        operationHeaders,
      }),
    },
    {
      sourceHandler: loadGraphQLHTTPSubgraph("orders", {
        endpoint: process.env.ORDERS_SUBGRAPH_URL,
        federation: true,
      }),
    },
    {
      sourceHandler: loadGraphQLHTTPSubgraph("buyers", {
        endpoint: process.env.BUYERS_SUBGRAPH_URL,
        federation: true,
      }),
    },
  ],
});
