// The sandbox checkout page: a shopper's app on the gateway, as a single-page app writes it.
// GraphQL over fetch (POST /graphql), subscriptions over graphql-transport-ws, and Yuno's
// SDK role played by the emulator (cards become one-time tokens there, never here).
"use strict";

const CURRENCY = { CO: "COP", BR: "BRL", MX: "MXN" };
const NEEDS_DOCUMENT = new Set(["PIX", "BOLETO", "PSE"]);
const PAYMENT = `id status subStatus responseCode sdkActionRequired
  nextAction {
    __typename
    ... on ThreeDSChallenge { url }
    ... on RedirectAction { url }
    ... on QrCodeAction { code imageUrl expiresAt }
    ... on VoucherAction { reference voucherUrl: url barcode expiresAt }
  }`;

const state = { config: null, shopper: null, customerId: null, session: null, socket: null };
const $ = (id) => document.getElementById(id);

function show(id) { $(id).hidden = false; }

function log(line) {
  const pre = $("requests");
  pre.textContent += line + "\n";
  pre.scrollTop = pre.scrollHeight;
}

async function graphql(query, variables, token) {
  const name = (query.match(/(query|mutation)\s*(\w*)/) || [])[0] || "query";
  log(`${name} ${JSON.stringify(variables)}`);
  const response = await fetch("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors) {
    throw new Error(body.errors.map((e) => `${e.extensions?.code}: ${e.message}`).join("; "));
  }
  return body.data;
}

function userErrors(payload) {
  if (payload.userErrors.length) {
    throw new Error(payload.userErrors.map((e) => `${e.code}: ${e.message}`).join("; "));
  }
}

async function startShopper() {
  const merchantId = $("merchant-id").value.trim();
  const minted = await fetch("/sandbox/shopper-token", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ sub: merchantId }),
  }).then((r) => r.json());
  state.shopper = minted.token;
  const merchantKey = state.config.apiKey;
  const found = await graphql(
    "query Shopper($id: String!) { customerByMerchantId(merchantCustomerId: $id) { id } }",
    { id: merchantId }, merchantKey);
  let customer = found.customerByMerchantId;
  if (!customer) {
    const created = await graphql(
      "mutation CreateCustomer($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } userErrors { code message } } }",
      { input: { merchantCustomerId: merchantId, email: `${merchantId}@example.com` } }, merchantKey);
    userErrors(created.createCustomer);
    customer = created.createCustomer.customer;
  }
  state.customerId = customer.id;
  $("shopper-status").textContent = `Signed in: customer ${customer.id}`;
  show("checkout");
}

async function openSession() {
  const country = $("country").value;
  const created = await graphql(
    "mutation CreateCheckoutSession($input: CreateCheckoutSessionInput!) { createCheckoutSession(input: $input) { session { id } userErrors { code message } } }",
    { input: {
      customerId: state.customerId,
      merchantOrderId: `order-${Date.now()}`,
      paymentDescription: "Sandbox basket",
      country,
      amount: { value: $("amount").value.trim(), currency: CURRENCY[country] },
      callbackUrl: `${location.origin}/sandbox/return`,
    } }, state.config.apiKey);
  userErrors(created.createCheckoutSession);
  state.session = { id: created.createCheckoutSession.session.id, country };
  $("session-status").textContent = `Checkout session ${state.session.id}`;
  const listed = await graphql(
    "query Methods($id: ID!) { checkoutSession(id: $id) { paymentMethods { type name vaultedToken } } }",
    { id: state.session.id }, state.shopper);
  renderMethods(listed.checkoutSession.paymentMethods);
  show("methods");
}

function renderMethods(methods) {
  const list = $("method-list");
  list.replaceChildren(list.querySelector("legend"));
  methods.forEach((method, index) => {
    const label = document.createElement("label");
    const input = document.createElement("input");
    input.type = "radio";
    input.name = "method";
    input.value = JSON.stringify({ type: method.type, vaultedToken: method.vaultedToken });
    input.checked = index === 0;
    input.addEventListener("change", chooseMethod);
    label.append(input, method.vaultedToken ? `${method.name} (saved)` : method.name);
    list.append(label);
  });
  chooseMethod();
}

function chosen() {
  const input = document.querySelector("input[name=method]:checked");
  return input ? JSON.parse(input.value) : { type: "CARD", vaultedToken: null };
}

function chooseMethod() {
  const method = chosen();
  $("card-form").hidden = !(method.type === "CARD" && !method.vaultedToken);
  $("document-form").hidden = !NEEDS_DOCUMENT.has(method.type);
}

async function mintCardToken(number) {
  const card = state.config.testCards.find((c) => c.number === number);
  const response = await fetch(`${state.config.apiBaseUrl}/checkout/sessions/${state.session.id}/token`, {
    method: "POST",
    headers: { "content-type": "application/json", "public-api-key": state.config.publicApiKey },
    body: JSON.stringify({ payment_method: { type: "CARD", card: {
      number: card.number, expiration_month: 11, expiration_year: 2030,
      security_code: card.number.length === 15 ? "1234" : "123", holder_name: "Sandbox Shopper",
    } } }),
  });
  const body = await response.json();
  if (!response.ok) { throw new Error(`${body.code}: ${body.messages}`); }
  log(`Yuno SDK (emulator): one-time token ${body.token}`);
  return body.token;
}

async function pay() {
  const method = chosen();
  const input = { checkoutSessionId: state.session.id, idempotencyKey: `pay-${Date.now()}` };
  if (method.vaultedToken) {
    input.paymentMethod = { vaultedToken: method.vaultedToken };
  } else if (method.type === "CARD") {
    input.paymentMethod = { token: await mintCardToken($("test-card").value),
      vaultOnSuccess: $("save-card").checked };
  } else {
    input.paymentMethod = { type: method.type };
  }
  if (NEEDS_DOCUMENT.has(method.type)) {
    const number = $("document").value.trim();
    input.payerDocument = { documentType: number.length === 14 ? "CNPJ" : (state.session.country === "BR" ? "CPF" : "CC"), documentNumber: number };
  }
  const paid = await graphql(
    `mutation Pay($input: CreatePaymentInput!) { createPayment(input: $input) { payment { ${PAYMENT} } userErrors { code message } } }`,
    { input }, state.shopper);
  userErrors(paid.createPayment);
  const payment = paid.createPayment.payment;
  show("payment");
  $("updates").replaceChildren();
  $("action").replaceChildren();
  delete $("action").dataset.shown;
  renderPayment(payment);
  watch(payment.id);
}

function renderPayment(payment) {
  $("status").textContent = payment.status;
  $("response-code").textContent = payment.responseCode || "";
  const action = $("action");
  const next = payment.nextAction;
  const shown = next ? JSON.stringify(next) : "";
  if (action.dataset.shown === shown) { return; } // the same action: leave the frame alone
  action.dataset.shown = shown;
  if (!next) {
    // Done: a QR code or voucher goes; a frame stays, on its way back to the shop.
    if (!action.querySelector("iframe")) { action.replaceChildren(); }
    return;
  }
  const hint = document.createElement("p");
  if (next.__typename === "ThreeDSChallenge" || next.__typename === "RedirectAction") {
    hint.textContent = next.__typename === "ThreeDSChallenge"
      ? "Your bank asks you to confirm (the sandbox takes 1234):"
      : "Finish at your bank or wallet:";
    const frame = document.createElement("iframe");
    frame.src = next.url;
    frame.title = next.__typename === "ThreeDSChallenge" ? "3-D Secure challenge" : "Bank page";
    action.replaceChildren(hint, frame);
  } else if (next.__typename === "QrCodeAction") {
    hint.textContent = `Scan the QR code, or copy the code (expires ${next.expiresAt || "soon"}):`;
    const image = document.createElement("img");
    image.src = next.imageUrl;
    image.alt = "PIX QR code";
    const code = document.createElement("code");
    code.textContent = next.code;
    action.replaceChildren(hint, image, code);
  } else if (next.__typename === "VoucherAction") {
    hint.textContent = `Pay this reference before ${next.expiresAt || "it expires"}: `;
    const reference = document.createElement("code");
    reference.textContent = next.reference;
    const link = document.createElement("a");
    link.href = next.voucherUrl;
    link.target = "voucher";
    link.textContent = " (open the voucher)";
    hint.append(reference, link);
    action.replaceChildren(hint);
  }
}

function watch(paymentId) {
  if (state.socket) { state.socket.close(); }
  const socket = new WebSocket(`${location.origin.replace(/^http/, "ws")}/graphql`, "graphql-transport-ws");
  state.socket = socket;
  socket.addEventListener("open", () => {
    socket.send(JSON.stringify({ type: "connection_init", payload: { Authorization: `Bearer ${state.shopper}` } }));
  });
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(event.data);
    if (message.type === "connection_ack") {
      socket.send(JSON.stringify({ id: "1", type: "subscribe", payload: {
        query: `subscription Watch($id: ID!) { paymentUpdated(id: $id) { ${PAYMENT} } }`,
        variables: { id: paymentId },
      } }));
      log(`subscription paymentUpdated ${paymentId}`);
    } else if (message.type === "next") {
      const payment = message.payload.data.paymentUpdated;
      const item = document.createElement("li");
      item.textContent = `${payment.status} ${payment.subStatus || ""}`;
      $("updates").append(item);
      renderPayment(payment);
    } else if (message.type === "error") {
      log(`subscription error ${JSON.stringify(message.payload)}`);
    }
  });
}

function guarded(handler) {
  return async () => {
    $("error").textContent = "";
    try { await handler(); } catch (error) { log(`error: ${error.message}`); $("error").textContent = error.message; }
  };
}

async function main() {
  state.config = await fetch("/sandbox/config").then((r) => r.json());
  const select = $("test-card");
  for (const card of state.config.testCards) {
    const option = document.createElement("option");
    option.value = card.number;
    option.textContent = `${card.label} (${card.number})`;
    select.append(option);
  }
  $("start").addEventListener("click", guarded(startShopper));
  $("open").addEventListener("click", guarded(openSession));
  $("pay").addEventListener("click", guarded(pay));
}

main();
