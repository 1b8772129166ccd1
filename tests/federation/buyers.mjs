// A tiny "buyers" subgraph for the federation test: who placed each Order, by the shop's
// own id for the shopper (the merchant customer id, the gateway's other Customer key), where
// orders.mjs knows each order's customer by Yuno's id.
//
// A subgraph of its own, because one whose Customer stub declares both keys tells routers
// it has both for every customer it returns: @apollo/gateway then joins `buyer` by id and
// Hive Gateway joins `customer` by merchantCustomerId, the key that reference lacks. Key
// fields @external with a @provides per field fix @apollo/gateway, but Hive Gateway 2.15
// takes @provides per type, not per field, and drops fields or recurses without end.
//
//   PORT=4002 ORDER_BUYER_IDS='["m1","m2"]' node buyers.mjs
//
// Order n (from 1) was placed by the n-th merchant customer id. Prints one ready line,
// `buyers ready <url>`, to stdout once it listens on 127.0.0.1.
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import { startStandaloneServer } from "@apollo/server/standalone";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { parse } from "graphql";

const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  type Order @key(fields: "id") {
    id: ID!
    buyer: Customer!
  }

  type Customer @key(fields: "merchantCustomerId", resolvable: false) {
    merchantCustomerId: String!
  }
`);

const buyerIds = JSON.parse(process.env.ORDER_BUYER_IDS ?? "[]");
const buyers = new Map(buyerIds.map((buyerId, index) => [`order-${index + 1}`, buyerId]));

const resolvers = {
  Order: {
    __resolveReference: ({ id }) => (buyers.has(id) ? { id } : null),
    // A reference is all this subgraph knows of a customer; the router asks the gateway.
    buyer: ({ id }) => ({ __typename: "Customer", merchantCustomerId: buyers.get(id) }),
  },
};

const server = new ApolloServer({
  schema: buildSubgraphSchema({ typeDefs, resolvers }),
  plugins: [ApolloServerPluginInlineTraceDisabled()], // no traces, no log line about them
});
const { url } = await startStandaloneServer(server, {
  listen: { host: "127.0.0.1", port: Number(process.env.PORT ?? 4002) },
});
console.log(`buyers ready ${url}`);
