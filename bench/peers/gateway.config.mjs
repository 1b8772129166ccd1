// Hive Gateway's configuration for the bench's peer, as bench/hive.py starts it:
//
//   hive-gateway supergraph supergraph.graphql -c gateway.config.mjs --host … --port …
//
// HIVE_RESPONSE_CACHE=on turns on Hive Gateway's response cache (the built-in
// @graphql-mesh/plugin-response-cache): an hour's TTL, so nothing expires mid-run, and one
// cache per caller, keyed by the Authorization header. Without it, every query reaches Yuno.
import { defineConfig } from "@graphql-hive/gateway";

const TTL_MS = 3_600_000;

const responseCaching = {
  ttl: TTL_MS,
  session: (request) => request.headers.get("authorization"),
};

export const gatewayConfig = defineConfig({
  logging: process.env.HIVE_LOG ?? "error",
  ...(process.env.HIVE_RESPONSE_CACHE === "on" ? { responseCaching } : {}),
});
