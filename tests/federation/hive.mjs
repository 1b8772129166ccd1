// Hive Gateway (The Guild's router) serving a composed supergraph: Guild's, with its
// @transport directives, or Apollo's, with join__graph URLs only.
//
//   PORT=4000 SUBGRAPH_AUTHORIZATION='Bearer …' node hive.mjs < supergraph.graphql
//
// Reads the supergraph SDL from stdin (subgraph URLs come from it), then serves GraphQL on
// 127.0.0.1:PORT and prints one ready line, `hive ready <url>`, to stdout.
//
// Every subgraph request carries an Authorization header: the one the supergraph's
// @transport names, if any (Guild's names `{env.SUBGRAPH_AUTHORIZATION}` for the gateway,
// which Hive fills in from this process's environment), else SUBGRAPH_AUTHORIZATION when set
// (the router's own service credential), else the incoming request's, if it had one.
import { createServer } from "node:http";
import { createGatewayRuntime } from "@graphql-hive/gateway";

let supergraph = "";
for await (const chunk of process.stdin) supergraph += chunk;

const serviceAuthorization = process.env.SUBGRAPH_AUTHORIZATION;

// Not `propagateHeaders`: what it sets overrides a @transport header.
const useAuthorization = () => ({
  onFetch({ options, context }) {
    const authorization = serviceAuthorization || context?.request?.headers.get("authorization");
    options.headers ??= {};
    if (authorization && !options.headers.authorization) {
      options.headers.authorization = authorization;
    }
  },
});

const gateway = createGatewayRuntime({
  supergraph,
  logging: process.env.HIVE_LOG ?? "error", // stdout is for the ready line (or HIVE_LOG=debug)
  plugins: () => [useAuthorization()],
});
const server = createServer(gateway);
server.listen(Number(process.env.PORT ?? 4000), "127.0.0.1", () => {
  const { address, port } = server.address();
  console.log(`hive ready http://${address}:${port}${gateway.graphqlEndpoint}`);
});
// The runtime's own SIGTERM handler disposes of it but leaves this server listening.
process.once("SIGTERM", () => process.exit(0));
