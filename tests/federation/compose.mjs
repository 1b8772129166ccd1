// Composes subgraphs into a supergraph with @apollo/composition, as a router's build does.
//
//   echo '[{"name": "yuno", "url": "http://…/graphql", "sdl": "…"}, …]' | node compose.mjs
//
// Reads the subgraphs (name, routing url, SDL from `_service { sdl }`) as JSON on stdin and
// writes the supergraph SDL to stdout; on composition errors, prints them to stderr and
// exits 1.
import { composeServices } from "@apollo/composition";
import { parse } from "graphql";

let input = "";
for await (const chunk of process.stdin) input += chunk;

const subgraphs = JSON.parse(input).map(({ name, url, sdl }) => ({
  name,
  url,
  typeDefs: parse(sdl),
}));
const result = composeServices(subgraphs);

if (result.errors) {
  for (const error of result.errors) console.error(error.message);
  process.exit(1);
}
process.stdout.write(result.supergraphSdl);
