"""The GraphQL documents the bench sends; the measured ones run unchanged on the baseline."""

# -- measured -------------------------------------------------------------------------------

CHECKOUT_SESSION = """
query CheckoutSession($id: ID!) {
  checkoutSession(id: $id) {
    amount { value currency }
    customer { email }
    paymentMethods { name type vaultedToken }
  }
}
"""

#: The peers section's read (issue 15's query): the session's id too.
PEER_CHECKOUT_SESSION = """
query CheckoutSession($id: ID!) {
  checkoutSession(id: $id) {
    id amount { value currency }
    customer { email }
    paymentMethods { name type vaultedToken }
  }
}
"""

#: The same read on the Hive peer's supergraph (bench/peers/mesh.config.mjs): Yuno's OpenAPI
#: types the id a String and the amount's value a number.
HIVE_CHECKOUT_SESSION = """
query CheckoutSession($id: String!) {
  checkoutSession(id: $id) {
    id amount { value currency }
    customer { email }
    paymentMethods { name type vaultedToken }
  }
}
"""

PAYMENTS_BY_ORDER = """
query PaymentsByOrder($order: String!) {
  paymentsByMerchantOrderId(merchantOrderId: $order) {
    id status amount { value currency }
    customer { id email }
  }
}
"""

ENTITIES = """
query Entities($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Customer { id email } }
}
"""

CREATE_PAYMENT = """
mutation CreatePayment($input: CreatePaymentInput!) {
  createPayment(input: $input) {
    payment { id status }
    userErrors { field message code }
  }
}
"""

# -- seeding (gateway only) -----------------------------------------------------------------

CREATE_CUSTOMER = """
mutation CreateCustomer($input: CreateCustomerInput!) {
  createCustomer(input: $input) { customer { id } userErrors { field message code } }
}
"""

CREATE_CUSTOMER_SESSION = """
mutation CreateCustomerSession($input: CreateCustomerSessionInput!) {
  createCustomerSession(input: $input) { session { id } userErrors { field message code } }
}
"""

ENROLL = """
mutation Enroll($input: EnrollPaymentMethodInput!) {
  enrollPaymentMethod(input: $input) {
    paymentMethod { id status }
    userErrors { field message code }
  }
}
"""

CREATE_CHECKOUT_SESSION = """
mutation CreateCheckoutSession($input: CreateCheckoutSessionInput!) {
  createCheckoutSession(input: $input) { session { id } userErrors { field message code } }
}
"""

# -- the stale-read probe (gateway only) ---------------------------------------------------

UPDATE_CHECKOUT_SESSION = """
mutation UpdateCheckoutSession($input: UpdateCheckoutSessionInput!) {
  updateCheckoutSession(input: $input) { session { id } userErrors { field message code } }
}
"""

UPDATE_CUSTOMER = """
mutation UpdateCustomer($input: UpdateCustomerInput!) {
  updateCustomer(input: $input) { customer { id } userErrors { field message code } }
}
"""
