// A tiny "orders" subgraph for the federation test: each Order points at a Customer that
// only the gateway's subgraph can resolve (a reference by id, nothing else).
//
//   PORT=4001 ORDER_CUSTOMER_IDS='["c1","c2"]' node orders.mjs
//
// Order n (from 1) belongs to the n-th customer id and totals n × 10.00. Prints one ready
// line, `orders ready <url>`, to stdout once it listens on 127.0.0.1.
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import { startStandaloneServer } from "@apollo/server/standalone";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { parse } from "graphql";

const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  type Query {
    orders: [Order!]!
  }

  type Order @key(fields: "id") {
    id: ID!
    total: String!
    customer: Customer!
  }

  type Customer @key(fields: "id", resolvable: false) {
    id: ID!
  }
`);

const customerIds = JSON.parse(process.env.ORDER_CUSTOMER_IDS ?? "[]");
const orders = customerIds.map((customerId, index) => ({
  id: `order-${index + 1}`,
  total: ((index + 1) * 10).toFixed(2),
  customerId,
}));

const resolvers = {
  Query: { orders: () => orders },
  Order: {
    __resolveReference: ({ id }) => orders.find((order) => order.id === id) ?? null,
    // A reference is all this subgraph knows of a customer; the router asks the gateway.
    customer: (order) => ({ __typename: "Customer", id: order.customerId }),
  },
};

const server = new ApolloServer({
  schema: buildSubgraphSchema({ typeDefs, resolvers }),
  plugins: [ApolloServerPluginInlineTraceDisabled()], // no traces, no log line about them
});
const { url } = await startStandaloneServer(server, {
  listen: { host: "127.0.0.1", port: Number(process.env.PORT ?? 4001) },
});
console.log(`orders ready ${url}`);
