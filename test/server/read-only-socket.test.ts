import { statSync } from "node:fs";
import { join } from "node:path";
import t from "tap";
import { rejection, startHarness } from "./harness.js";

t.test("the read-only socket serves reads and refuses every mutation", async (t) => {
  const h = await startHarness(t, (dir) => ({
    readOnlySocket: { path: join(dir, "public", "ro.sock") },
  }));
  const roPath = h.server.addresses().readOnlySocket!;
  t.equal(statSync(roPath).mode & 0o777, 0o666, "read-only socket is 0666");
  t.equal(statSync(join(h.dir, "public")).mode & 0o777, 0o755, "its directory is 0755");
  const ro = h.connect({ socketPath: roPath });

  t.equal((await ro.listDevices()).length, 3);
  t.equal((await ro.getDevice({ interfaceName: "ens6" })).pciAddress, "0000:00:06.0");
  await ro.getHostReport();
  await ro.listOperations();
  t.equal(await ro.checkHealth(), "SERVING");
  t.same(h.core.calls("listDevices")[0]?.ctx.caller, {
    listener: "unix-read-only",
    identity: `unix:${roPath}`,
    access: "read",
  });

  const mutations = [
    ro.bindDevice({ selector: { pciAddress: "00:06.0" }, driver: "vfio-pci" }),
    ro.bindDevice({ selector: { pciAddress: "00:06.0" }, driver: "vfio-pci", dryRun: true }),
    ro.restoreDevice({ selector: { pciAddress: "00:06.0" } }),
    ro.prepareTermination({ dryRun: false }),
    ro.prepareTermination({ dryRun: true }),
  ];
  for (const call of mutations) {
    const error = await rejection(
      t,
      call,
      "PERMISSION_DENIED",
      /this socket serves read-only RPCs/,
    );
    t.match(error.remedy, /main control socket/);
  }
  // Refused before validation: even a malformed mutation gets PERMISSION_DENIED.
  await rejection(t, ro.bindDevice({ selector: {}, driver: "x y" }), "PERMISSION_DENIED");
  t.equal(h.core.calls("bindDevice").length, 0);
  t.equal(h.core.calls("restoreDevice").length, 0);
  t.equal(h.core.calls("prepareTermination").length, 0);

  const op = await h.client.bindDevice({ selector: { pciAddress: "00:06.0" }, driver: "vfio-pci" });
  t.equal(op.requestedBy, `unix:${h.socketPath}`, "the main socket may mutate");
});
