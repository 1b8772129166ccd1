// The gateway as our users' clients see it: Apollo Client 4 (multipart subscriptions,
// @defer, its normalized cache) and the graphql-sse client, as they ship on npm.
//
//   node clients.mjs <what> <graphql url> <bearer token> <json arguments>
//
// Prints one JSON line per thing the client saw, then `done`, and exits 0; a client error
// prints `error <message>` and exits 1. test_clients.py drives it.
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { GraphQL17Alpha9Handler } from "@apollo/client/incremental";
import { createClient } from "graphql-sse";

const [what, url, token, rawArguments] = process.argv.slice(2);
const args = JSON.parse(rawArguments || "{}");
const authorization = `Bearer ${token}`;

function print(value) {
  process.stdout.write(JSON.stringify(value) + "\n");
}

function apollo() {
  return new ApolloClient({
    link: new HttpLink({ uri: url, headers: { authorization } }),
    cache: new InMemoryCache(),
    incrementalHandler: new GraphQL17Alpha9Handler(),
  });
}

const PAYMENT_UPDATED = `subscription Watch($id: ID!) {
  paymentUpdated(id: $id) { id status subStatus }
}`;

// Apollo Client subscribes over HTTP multipart (Accept: multipart/mixed;subscriptionSpec=1.0).
async function multipartSubscription() {
  const events = apollo().subscribe({ query: gql(PAYMENT_UPDATED), variables: { id: args.id } });
  await new Promise((resolve, reject) => {
    const seen = [];
    const subscription = events.subscribe({
      next(result) {
        if (result.error) { reject(result.error); return; }
        print(result.data.paymentUpdated);
        seen.push(result);
        if (seen.length >= args.count) { subscription.unsubscribe(); resolve(); }
      },
      error: reject,
      complete: resolve,
    });
  });
}

// graphql-sse in its distinct connections mode: one event stream per operation.
async function sseSubscription() {
  const client = createClient({ url, headers: { authorization }, singleConnection: false });
  const seen = [];
  for await (const result of client.iterate({ query: PAYMENT_UPDATED, variables: { id: args.id } })) {
    if (result.errors) { print({ errors: result.errors }); break; }
    print(result.data.paymentUpdated);
    seen.push(result);
    if (seen.length >= args.count) break;
  }
  client.dispose();
}

// A mobile screen: the session's amount now, its payment-method catalog a moment later.
async function deferredSession() {
  const query = gql`query Checkout($id: ID!) {
    checkoutSession(id: $id) {
      id
      amount { value currency }
      ... @defer { paymentMethods { id type name } }
    }
  }`;
  const observable = apollo().watchQuery({ query, variables: { id: args.id } });
  await new Promise((resolve, reject) => {
    const subscription = observable.subscribe({
      next(result) {
        if (result.error) { reject(result.error); return; }
        const session = result.data?.checkoutSession;
        if (!session) { return; }
        print({ dataState: result.dataState, hasMethods: "paymentMethods" in session, session });
        if (result.dataState === "complete") { subscription.unsubscribe(); resolve(); }
      },
      error: reject,
    });
  });
}

// Apollo's normalized cache: one entry per payment method, whichever list it came from.
async function normalizedCache() {
  const client = apollo();
  await client.query({
    query: gql`query Session($id: ID!) { checkoutSession(id: $id) { id paymentMethods { id type name vaultedToken } } }`,
    variables: { id: args.session },
  });
  await client.query({
    query: gql`query Saved($id: ID!) { customer(id: $id) { id paymentMethods { id type name vaultedToken } } }`,
    variables: { id: args.customer },
  });
  print(client.cache.extract());
}

const run = {
  "multipart-subscription": multipartSubscription,
  "sse-subscription": sseSubscription,
  "defer": deferredSession,
  "cache": normalizedCache,
}[what];

try {
  await run();
  print("done");
  process.exit(0);
} catch (error) {
  process.stdout.write(`error ${error?.message ?? error}\n`);
  process.exit(1);
}
