import { isBuiltin } from "node:module";
import { fileURLToPath } from "node:url";
import t from "tap";
import { bundleGuest } from "./image/bundle-guest.js";
import { loadEntries } from "./load-entries.js";

const vmDir = fileURLToPath(new URL(".", import.meta.url));

t.test("every entry loads on the host and bundles for a guest without node_modules", async (t) => {
  const entries = await loadEntries(`${vmDir}entries`);
  t.ok(entries.some((e) => e.name === "smoke"));
  for (const e of entries) {
    t.ok(e.configs.length > 0, `${e.name} runs somewhere`);
    t.ok(e.nics >= 1, `${e.name} has a NIC`);
  }
  const bundle = await bundleGuest(
    vmDir,
    entries.map((e) => e.name),
  );
  const imports = [...bundle.matchAll(/^import .* from "([^"]+)";?$/gm)].map((m) => m[1]);
  const dynamic = [...bundle.matchAll(/\bimport\("([^"]+)"\)/g)].map((m) => m[1]);
  // Bundled npm code may name builtins without the node: prefix ("fs").
  const foreign = [...imports, ...dynamic].filter((s) => s === undefined || !isBuiltin(s));
  t.same(foreign, [], "only Node builtins are imported at run time");
  t.match(bundle, "runGuest");
});
