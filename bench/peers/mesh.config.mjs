// GraphQL Mesh composes the Hive peer's supergraph from Yuno's own OpenAPI files (the three
// endpoints the bench's read needs), as bench/hive.py runs it:
//
//   YUNO_API_URL=http://…/v1 mesh-compose -c mesh.config.mjs -o supergraph.graphql
//
// Each file becomes a subgraph (@omnigraph/openapi), its answer type renamed to what the
// gateway calls it; `additionalTypeDefs` link them with @resolveTo, so one query reads a
// checkout session, its customer and its payment methods, as the gateway's does:
//
//   checkoutSession(id) { id amount { value currency } customer { email }
//                         paymentMethods { name type vaultedToken } }
//
// The supergraph keeps Yuno's key headers as `{env.…}`: Hive Gateway fills them in from its
// own environment on every Yuno call, so no key is written down.
import { createRenameTransform, defineConfig } from "@graphql-mesh/compose-cli";
import { loadOpenAPISubgraph } from "@omnigraph/openapi";

const OPENAPI = new URL("../../../shared/yuno-openapi/", import.meta.url);

const operationHeaders = {
  "public-api-key": "{env.YUNO_PUBLIC_API_KEY}",
  "private-secret-key": "{env.YUNO_PRIVATE_SECRET_KEY}",
};

const rename = (from, to) => {
  const [fromType, fromField] = from.split(".");
  const [toType, toField] = to.split(".");
  return { from: { type: fromType, field: fromField }, to: { type: toType, field: toField } };
};

const subgraph = (name, file, renames) => ({
  sourceHandler: loadOpenAPISubgraph(name, {
    source: new URL(file, OPENAPI).pathname,
    endpoint: process.env.YUNO_API_URL,
    operationHeaders,
    // One answer type per operation (its 200), not a union with Yuno's error bodies.
    ignoreErrorResponses: true,
  }),
  transforms: [createRenameTransform({ renames: renames.map(([from, to]) => rename(from, to)) })],
});

export const composeConfig = defineConfig({
  subgraphs: [
    subgraph("Sessions", "checkout-sessions/retrieve-checkout-session.json", [
      ["get_checkout_session_200_response", "CheckoutSession"],
      ["Query.get_checkout_session", "Query.checkoutSession"],
    ]),
    subgraph("Customers", "customers/retrieve-customer.json", [
      ["retrieve_customer_200_response", "Customer"],
    ]),
    subgraph("Methods", "checkout-sessions/retrieve-payment-methods-for-checkout.json", [
      [
        "query_retrieve_payment_methods_for_checkout_items.vaulted_token",
        "query_retrieve_payment_methods_for_checkout_items.vaultedToken",
      ],
      ["query_retrieve_payment_methods_for_checkout_items", "PaymentMethod"],
    ]),
  ],
  additionalTypeDefs: /* GraphQL */ `
    extend type CheckoutSession {
      customer: Customer
        @resolveTo(
          sourceName: "Customers"
          sourceTypeName: "Query"
          sourceFieldName: "retrieve_customer"
          requiredSelectionSet: "{ customer_id }"
          sourceArgs: { customer_id: "{root.customer_id}" }
        )
      paymentMethods: [PaymentMethod]
        @resolveTo(
          sourceName: "Methods"
          sourceTypeName: "Query"
          sourceFieldName: "retrieve_payment_methods_for_checkout"
          requiredSelectionSet: "{ id }"
          sourceArgs: { checkout_session: "{root.id}" }
        )
    }
  `,
});
