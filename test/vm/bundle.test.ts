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
  const foreign = [...imports, ...dynamic].filter((s) => !s?.startsWith("node:"));
  t.same(foreign, [], "only node: builtins are imported at run time");
  t.match(bundle, "runGuest");
});
