"""GraphQL documents the tests send, as a client app would write them."""

CREATE_CUSTOMER = """
mutation CreateCustomer($input: CreateCustomerInput!) {
  createCustomer(input: $input) {
    customer { id merchantCustomerId email country createdAt paymentMethods { vaultedToken } }
    userErrors { field message code }
  }
}
"""

UPDATE_CUSTOMER = """
mutation UpdateCustomer($input: UpdateCustomerInput!) {
  updateCustomer(input: $input) {
    customer { id firstName email }
    userErrors { field message code }
  }
}
"""

CREATE_CUSTOMER_SESSION = """
mutation CreateCustomerSession($input: CreateCustomerSessionInput!) {
  createCustomerSession(input: $input) {
    session { id kind country customer { id } paymentMethods { type name sdkActionRequired } }
    userErrors { field message code }
  }
}
"""

ENROLL = """
mutation Enroll($input: EnrollPaymentMethodInput!) {
  enrollPaymentMethod(input: $input) {
    paymentMethod { id type status vaultedToken }
    userErrors { field message code }
  }
}
"""

UNENROLL = """
mutation Unenroll($input: UnenrollPaymentMethodInput!) {
  unenrollPaymentMethod(input: $input) {
    paymentMethod { id status vaultedToken }
    userErrors { field message code }
  }
}
"""

CUSTOMER_METHODS = """
query CustomerMethods($id: ID!) {
  customer(id: $id) {
    id
    paymentMethods { id vaultedToken status name card { brand lastFour iin expirationYear } }
  }
}
"""

CREATE_CHECKOUT_SESSION = """
mutation CreateCheckoutSession($input: CreateCheckoutSessionInput!) {
  createCheckoutSession(input: $input) {
    session { id kind merchantOrderId amount { value currency } customer { id email } }
    userErrors { field message code }
  }
}
"""

CHECKOUT_SESSION = """
query CheckoutSession($id: ID!) {
  checkoutSession(id: $id) {
    id
    amount { value currency }
    customer { email }
    paymentMethods { name type vaultedToken }
  }
}
"""

PAYMENT_FIELDS = """
  id status subStatus responseCode
  amount { value currency } refunded { value currency }
  merchantOrderId description country
  customer { id }
  checkoutSession { id }
  paymentMethod { type vaultedToken card { lastFour } }
"""

CREATE_PAYMENT = f"""
mutation CreatePayment($input: CreatePaymentInput!) {{
  createPayment(input: $input) {{
    payment {{ {PAYMENT_FIELDS} }}
    userErrors {{ field message code }}
  }}
}}
"""

CAPTURE_PAYMENT = f"""
mutation Capture($input: CapturePaymentInput!) {{
  capturePayment(input: $input) {{ payment {{ {PAYMENT_FIELDS} }} userErrors {{ field code }} }}
}}
"""

CANCEL_PAYMENT = f"""
mutation Cancel($input: CancelPaymentInput!) {{
  cancelPayment(input: $input) {{ payment {{ {PAYMENT_FIELDS} }} userErrors {{ field code }} }}
}}
"""

REFUND_PAYMENT = f"""
mutation Refund($input: RefundPaymentInput!) {{
  refundPayment(input: $input) {{ payment {{ {PAYMENT_FIELDS} }} userErrors {{ field code }} }}
}}
"""

PAYMENTS_BY_ORDER = """
query ByOrder($order: String!) {
  paymentsByMerchantOrderId(merchantOrderId: $order) { id status customer { id email } }
}
"""

PAYMENT = f"""
query Payment($id: ID!) {{ payment(id: $id) {{ {PAYMENT_FIELDS} }} }}
"""

SDK_CONFIG = "{ sdkConfig { publicApiKey environment apiBaseUrl } }"
