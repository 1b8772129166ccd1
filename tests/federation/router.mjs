// An Apollo Gateway (the JavaScript router) serving a composed supergraph.
//
//   PORT=4000 SUBGRAPH_AUTHORIZATION='Bearer …' node router.mjs < supergraph.graphql
//
// Reads the supergraph SDL from stdin (subgraph URLs come from it), then serves GraphQL on
// 127.0.0.1:PORT and prints one ready line, `router ready <url>`, to stdout.
//
// Every subgraph request carries an Authorization header: SUBGRAPH_AUTHORIZATION when set
// (the router's own service credential), else the incoming request's, if it had one.
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { ApolloGateway, RemoteGraphQLDataSource } from "@apollo/gateway";

let supergraphSdl = "";
for await (const chunk of process.stdin) supergraphSdl += chunk;

const serviceAuthorization = process.env.SUBGRAPH_AUTHORIZATION;

class AuthorizedDataSource extends RemoteGraphQLDataSource {
  willSendRequest({ request, context }) {
    const authorization = serviceAuthorization || context.authorization;
    if (authorization) request.http.headers.set("authorization", authorization);
  }
}

const gateway = new ApolloGateway({
  supergraphSdl,
  buildService: ({ url }) => new AuthorizedDataSource({ url }),
});
const server = new ApolloServer({ gateway });
const { url } = await startStandaloneServer(server, {
  listen: { host: "127.0.0.1", port: Number(process.env.PORT ?? 4000) },
  context: async ({ req }) => ({ authorization: req.headers.authorization }),
});
console.log(`router ready ${url}`);
