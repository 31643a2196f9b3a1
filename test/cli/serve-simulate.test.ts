/**
 * The CLI against the real daemon: `eni-agent serve --simulate` in a child
 * process (a simulated EC2 host, no root, nothing written outside its temp
 * state directory), driven through its Unix socket.
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import t from "tap";
import { cli } from "./daemon-support.js";
import { serveSimulated } from "./simulated-daemon.js";

t.test("status, bind, get, ops, restore, watch and drain against serve --simulate", async (t) => {
  const { socket, log } = await serveSimulated(t);
  const run = (...argv: string[]) => cli([...argv, "--socket", socket]);

  const status = JSON.parse((await run("status", "--json")).stdout);
  t.match(status, {
    source: "daemon",
    devices: [{ pciAddress: "0000:00:05.0", management: true }],
  });
  t.equal(status.devices.length, 4);

  // Follow the device's events in the background while it moves.
  const watched = run(
    "watch",
    "--device",
    "ens6",
    "--kind",
    "operation_result",
    "--count",
    "1",
    "--json",
  );

  const bound = await run("bind", "ens6", "vfio-pci");
  t.equal(bound.code, 0, bound.stderr);
  t.match(bound.stderr, /^0000:00:06\.0: bind to vfio-pci, operation op-\S+ \(\d steps\)\n/);
  t.match(bound.stderr, /\[\d\/\d\] write "0000:00:06\.0" to bus\/pci\/drivers\/vfio-pci\/bind\n/);
  t.match(bound.stdout, /^0000:00:06\.0: bound to vfio-pci \(state dpdk, /);
  const result = JSON.parse((await watched).stdout);
  t.match(result, {
    kind: "operation_result",
    operation: { kind: "bind", status: "succeeded", pciAddress: "0000:00:06.0" },
  });

  const got = JSON.parse((await run("get", "02:4e:a0:00:00:06", "--json")).stdout);
  t.match(got, {
    device: { driver: "vfio-pci", state: "dpdk", identity: { interfaceName: "ens6" } },
    devNode: /^\/dev\/vfio\/noiommu-\d+$/,
    lastOperation: { kind: "bind", status: "succeeded" },
  });

  const refused = await run("bind", "ens5", "vfio-pci");
  t.equal(refused.code, 4);
  t.match(refused.stderr, /guard default-route/);

  const offline = await run(
    "bind",
    "ens7",
    "vfio-pci",
    "--offline",
    "--state-dir",
    join(tmpdir(), "unused"),
  );
  t.equal(offline.code, 4, "offline refuses next to the daemon");

  const drain = JSON.parse((await run("drain", "--dry-run", "--json")).stdout);
  t.match(drain.plan.steps, [{ pciAddress: "0000:00:06.0", action: "restore_kernel_driver" }]);

  const restored = await run("restore", "0000:00:06.0");
  t.equal(restored.code, 0, restored.stderr);
  t.match(restored.stdout, /restored to ena \(state kernel, interface ens6, /);

  const ops = JSON.parse((await run("ops", "--device", "ens6", "--json")).stdout);
  t.match(ops.operations, [
    { kind: "restore", status: "succeeded" },
    { kind: "bind", status: "succeeded" },
  ]);
  const one = await run("ops", ops.operations[1].id);
  t.match(one.stdout, /\nStatus: +succeeded\n/);

  const doctor = await run("doctor", "--json");
  t.match(JSON.parse(doctor.stdout), { source: "daemon", facts: { noiommu: { enabled: true } } });

  // The drain loaded the EC2 SDK, which warns on node older than its next
  // minimum: that warning is a JSON log line, not node's free text.
  t.notMatch(log(), /^\(node:\d+\) /m, "no process warning printed outside the log");
});
