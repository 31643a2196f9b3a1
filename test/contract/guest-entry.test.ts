/**
 * The guest entry, run here on simulators only: it refuses hosts that are not
 * the test guest without writing anything, runs the whole suite on the
 * simulated guest, and bundles into one file with nothing but Node built-ins.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import t from "tap";
import { qemuGuestHost } from "../../src/sim/index.js";
import { runInGuest } from "./guest-entry.js";

t.test("refuses, without a single write, where a virtio disk is present", async (t) => {
  const k = qemuGuestHost({ mode: "iommu" });
  k.addDevice({ address: "0000:00:0a.0", vendor: 0x1af4, device: 0x1042, class: 0x010000 });
  const results = await runInGuest({ sysfs: k.sysfs, devRoot: "/nonexistent", mode: "iommu" });
  t.same(
    results.map((r) => [r.id, r.ok]),
    [["guest", false]],
  );
  t.match(results[0]?.detail, /virtio block/);
  t.same(k.writeLog(), []);
});

t.test("refuses where the emulated NICs are not exactly three", async (t) => {
  const k = qemuGuestHost({ mode: "stock" });
  k.addDevice({
    address: "0000:05:00.0",
    vendor: 0x8086,
    device: 0x10d3,
    class: 0x020000,
    mac: "52:54:00:12:34:09",
  });
  const results = await runInGuest({ sysfs: k.sysfs, devRoot: "/nonexistent", mode: "stock" });
  t.match(results[0]?.detail, /expected 3 emulated e1000e NICs, found 4/);
  t.same(k.writeLog(), []);
});

t.test("on a simulated guest every row passes except those that open /dev", async (t) => {
  const k = qemuGuestHost({ mode: "noiommu" });
  const dev = mkdtempSync(join(tmpdir(), "eni-dev-"));
  t.teardown(() => rmSync(dev, { recursive: true, force: true }));
  const results = await runInGuest({ sysfs: k.sysfs, devRoot: dev, mode: "noiommu" });
  const failed = results.filter((r) => !r.ok).map((r) => r.id);
  // The simulator's /dev nodes are not files in `dev`: the rows that check them fail.
  t.same(failed, ["B6", "U15", "B19", "P1", "N1", "V1", "V2"]);
  t.ok(results.some((r) => r.id === "RT.virtio" && r.ok));
});

t.test("bundles into one file that imports only Node built-ins", async (t) => {
  const out = await build({
    entryPoints: [new URL("./guest-entry.ts", import.meta.url).pathname],
    bundle: true,
    platform: "node",
    format: "esm",
    write: false,
    metafile: true,
  });
  const external = Object.values(out.metafile.outputs).flatMap((o) =>
    o.imports.filter((i) => i.external),
  );
  t.ok(external.length > 0);
  t.ok(
    external.every((i) => i.path.startsWith("node:")),
    JSON.stringify(external.map((i) => i.path)),
  );
});
