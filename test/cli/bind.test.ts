/**
 * bind, restore and ops end to end, offline, on a simulated EC2 host (the
 * commands' host seam) and once on the real adapters over a materialized
 * tree in a temp directory. Never on this machine's /sys.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import t from "tap";
import { runBind } from "../../src/cli/commands/bind.js";
import { runRestore } from "../../src/cli/commands/restore.js";
import { ec2Host, ec2Mac, materialize } from "../../src/sim/index.js";
import { capture, simHost, stateDir } from "./offline-host.js";
import { runCaptured } from "./run.js";

t.test("bind, restore and ops on a simulated host", async (t) => {
  const kernel = ec2Host();
  const dir = await stateDir(t);
  const common = ["--offline", "--state-dir", dir];
  const bound = await capture((io) =>
    runBind(["ens6", "vfio-pci", ...common], io, () => simHost(kernel)),
  );
  t.equal(bound.code, 0, bound.stderr);
  t.match(
    bound.stdout,
    /^0000:00:06\.0: bound to vfio-pci \(driver=vfio-pci override=vfio-pci node=\/dev\/vfio\/noiommu-0\), operation op-/,
  );
  t.match(bound.stderr, /0000:00:06\.0: bind, operation op-\S+ \(3 steps\)/);
  t.match(
    bound.stderr,
    /\[1\/3\] write "vfio-pci" to bus\/pci\/devices\/0000:00:06\.0\/driver_override/,
  );
  t.match(bound.stderr, /verifying: driver vfio-pci\n {2}committed\n/);
  t.equal(kernel.device("0000:00:06.0")?.driver, "vfio-pci");

  const again = await capture((io) =>
    runBind(["0000:00:06.0", "vfio-pci", ...common], io, () => simHost(kernel)),
  );
  t.equal(again.code, 0);
  t.match(again.stdout, /already bound to vfio-pci; nothing to do/);

  const restored = await capture((io) =>
    runRestore([ec2Mac(6), "--json", ...common], io, () => simHost(kernel)),
  );
  t.equal(restored.code, 0, restored.stderr);
  // The daemon's document, offline too (#14).
  t.match(JSON.parse(restored.stdout), {
    version: 1,
    operation: {
      id: /^op-/,
      kind: "restore",
      status: "succeeded",
      pciAddress: "0000:00:06.0",
      fromDriver: "vfio-pci",
      toDriver: "ena",
      requestedBy: null,
      steps: [{ status: "done" }, { status: "done" }, { status: "done" }, { status: "done" }],
    },
  });

  const ops = await runCaptured(["ops", ...common]);
  t.equal(ops.code, 0);
  t.match(ops.stdout, /^OPERATION\s+STARTED\s+KIND\s+DEVICE\s+DRIVER\s+STATUS\n/);
  t.match(ops.stdout, /bind\s+0000:00:06\.0\s+vfio-pci\s+committed\n/);
  t.match(ops.stdout, /restore\s+0000:00:06\.0\s+ena\s+committed\n/);
  const json = JSON.parse((await runCaptured(["ops", "--json", "--limit", "1", ...common])).stdout);
  t.equal(json.version, 1);
  t.equal(json.operations.length, 1);
  t.match(json.operations[0], {
    kind: "restore",
    status: "succeeded",
    fromDriver: "vfio-pci",
  });
  t.same(json.journalNotes, []);
});

t.test("--dry-run prints the plan and writes nothing", async (t) => {
  const kernel = ec2Host();
  const dir = await stateDir(t);
  const out = await capture((io) =>
    runBind(["ens6", "vfio-pci", "--dry-run", "--offline", "--state-dir", dir], io, () =>
      simHost(kernel),
    ),
  );
  t.equal(out.code, 0, out.stderr);
  t.equal(
    out.stdout,
    `bind 0000:00:06.0 (ens6, ${ec2Mac(6)}): ena -> vfio-pci
  1. write "vfio-pci" to bus/pci/devices/0000:00:06.0/driver_override
  2. write "0000:00:06.0" to bus/pci/drivers/ena/unbind
  3. write "0000:00:06.0" to bus/pci/drivers/vfio-pci/bind
  then verify: driver vfio-pci, driver_override vfio-pci
undo (back to the snapshot):
  1. write "ena" to bus/pci/devices/0000:00:06.0/driver_override
  2. write "0000:00:06.0" to bus/pci/drivers/vfio-pci/unbind
  3. write "0000:00:06.0" to bus/pci/drivers/ena/bind
  4. write "\\n" to bus/pci/devices/0000:00:06.0/driver_override
`,
  );
  t.equal(kernel.writeLog().length, 0);
});

t.test("guards: the management interface needs --force; the allowlist never yields", async (t) => {
  const kernel = ec2Host();
  const dir = await stateDir(t);
  const refused = await capture((io) =>
    runBind(["ens5", "vfio-pci", "--offline", "--state-dir", dir], io, () => simHost(kernel)),
  );
  t.equal(refused.code, 4);
  t.match(
    refused.stderr,
    /refused by guard default-route: interface ens5 carries the IPv4 and IPv6 default route \(via 10\.0\.0\.1\)/,
  );
  t.match(refused.stderr, /move the default route to another interface first, or pass --force/);
  const nvme = await capture((io) =>
    runBind(["0000:00:04.0", "vfio-pci", "--force", "--offline", "--state-dir", dir], io, () =>
      simHost(kernel),
    ),
  );
  t.equal(nvme.code, 4);
  t.match(nvme.stderr, /refused by guard vendor-allowlist/);
  t.equal(kernel.writeLog().length, 0);
  const forced = await capture((io) =>
    runBind(["ens5", "vfio-pci", "--force", "--offline", "--json", "--state-dir", dir], io, () =>
      simHost(kernel),
    ),
  );
  t.equal(forced.code, 0, forced.stderr);
  // The guards --force overrode are in the operation, as through the daemon.
  const { operation } = JSON.parse(forced.stdout);
  t.match(operation, { id: /^op-/, kind: "bind", force: true });
  t.same(operation.overriddenGuards, ["default-route"]);
  const ops = await runCaptured(["ops", "--offline", "--json", "--state-dir", dir]);
  t.equal(ops.code, 0, ops.stderr);
  const listed = JSON.parse(ops.stdout).operations.find(
    (o: { id: string }) => o.id === operation.id,
  );
  t.same(listed?.overriddenGuards, ["default-route"], "journaled with the operation");
});

t.test(
  "restore --force on a device a process holds: refused without, planned with (#14)",
  async (t) => {
    const kernel = ec2Host();
    const dir = await stateDir(t);
    const common = ["--offline", "--state-dir", dir];
    await capture((io) => runBind(["ens6", "vfio-pci", ...common], io, () => simHost(kernel)));
    const dpdk = kernel.spawn("dpdk-testpmd");
    dpdk.open("/dev/vfio/noiommu-0");
    dpdk.openVfioDevice("0000:00:06.0");
    const writes = kernel.writeLog().length;
    const refused = await capture((io) =>
      runRestore(["0000:00:06.0", ...common], io, () => simHost(kernel)),
    );
    t.equal(refused.code, 4);
    t.match(refused.stderr, /in use: pid \d+ \(dpdk-testpmd\) holds \/dev\/vfio\/noiommu-0/);
    t.match(refused.stderr, /or pass --force/);
    const planned = await capture((io) =>
      runRestore(["0000:00:06.0", "--force", "--dry-run", ...common], io, () => simHost(kernel)),
    );
    t.equal(planned.code, 0, planned.stderr);
    t.match(planned.stdout, /guards overridden by --force: device-in-use/);
    const plannedJson = await capture((io) =>
      runRestore(["0000:00:06.0", "--force", "--dry-run", "--json", ...common], io, () =>
        simHost(kernel),
      ),
    );
    t.match(JSON.parse(plannedJson.stdout), {
      version: 1,
      operation: {
        id: /^plan-/,
        kind: "restore",
        status: "planned",
        dryRun: true,
        force: true,
        overriddenGuards: ["device-in-use"],
      },
    });
    t.equal(kernel.writeLog().length, writes, "nothing written");
  },
);

t.test("a failed bind is rolled back and says so; exit code by the error", async (t) => {
  const kernel = ec2Host();
  const dir = await stateDir(t);
  kernel.failProbe({ device: "0000:00:06.0", driver: "vfio-pci", errno: "EINVAL" });
  const out = await capture((io) =>
    runBind(["ens6", "vfio-pci", "--offline", "--state-dir", dir], io, () => simHost(kernel)),
  );
  t.equal(out.code, 4);
  t.match(out.stderr, /EINVAL: vfio-pci refused the device: no IOMMU and noiommu mode off/);
  t.match(
    out.stderr,
    /rolled back: device 0000:00:06\.0 is as it was \(driver=ena override=\(null\)/,
  );
  t.match(out.stderr, /rolling back \(3 steps\)/);
  t.equal(kernel.device("0000:00:06.0")?.driver, "ena");
});

t.test("a state directory held by a live process is refused", async (t) => {
  const kernel = ec2Host();
  const dir = await stateDir(t);
  await writeFile(join(dir, "lock"), "777\n");
  const out = await capture((io) =>
    runBind(["ens6", "vfio-pci", "--offline", "--state-dir", dir], io, () => simHost(kernel)),
  );
  t.equal(out.code, 7);
  t.match(out.stderr, /in use by process 777/);
  await writeFile(join(dir, "lock"), "778\n");
  const stale = await capture((io) =>
    runBind(["ens6", "vfio-pci", "--offline", "--state-dir", dir], io, () => simHost(kernel)),
  );
  t.equal(stale.code, 0, "a stale lock is taken over");
});

t.test("bind to the driver a device has, with --persist, stores it (#17)", async (t) => {
  const kernel = ec2Host();
  const dir = await stateDir(t);
  const out = await capture((io) =>
    runBind(["ens8", "ena", "--persist", "--json", "--offline", "--state-dir", dir], io, () =>
      simHost(kernel),
    ),
  );
  t.equal(out.code, 0, out.stderr);
  t.match(JSON.parse(out.stdout), {
    version: 1,
    operation: { id: /^noop-/, status: "succeeded", persist: true, steps: [] },
  });
  t.same(JSON.parse(await readFile(join(dir, "desired.json"), "utf8")).bindings, [
    { mac: ec2Mac(8), driver: "ena" },
  ]);
});

t.test("--timeout with --offline is refused before anything is touched", async (t) => {
  const kernel = ec2Host();
  const dir = await stateDir(t);
  const offline = ["--offline", "--state-dir", dir, "--timeout", "5"];
  let hosts = 0;
  const host = () => {
    hosts += 1;
    return simHost(kernel);
  };
  const bind = await capture((io) => runBind(["ens6", "vfio-pci", ...offline], io, host));
  t.equal(bind.code, 2, bind.stderr);
  t.match(bind.stderr, /--timeout only applies through the daemon/);
  t.match(
    bind.stderr,
    /transactions\.writeTimeoutMs and transactions\.verifyTimeoutMs in the configuration/,
  );
  t.match(bind.stderr, /eni-agent bind --help/);
  const restore = await capture((io) => runRestore(["ens6", ...offline], io, host));
  t.equal(restore.code, 2, restore.stderr);
  t.match(restore.stderr, /--timeout only applies through the daemon/);
  t.equal(hosts, 0, "no host was opened");
  t.equal(kernel.device("0000:00:06.0")?.driver, "ena", "nothing moved");
});

t.test("usage errors exit 2 before touching any host", async (t) => {
  for (const argv of [
    ["bind"],
    ["bind", "ens6"],
    ["bind", "ens6", "vfio-pci", "--allow"],
    ["bind", "ens6", "vfio-pci", "--allow", "zz"],
    ["restore"],
    ["ops", "--limit", "0"],
    ["bind", "ens6", "vfio-pci", "--bogus"],
  ]) {
    const { code } = await runCaptured(argv);
    t.equal(code, 2, argv.join(" "));
  }
});

t.test("ops --offline refuses the flags that only mean something to a daemon", async (t) => {
  const dir = await stateDir(t);
  for (const extra of [
    ["--timeout", "5"],
    ["--socket", join(dir, "s.sock")],
    ["--tls-ca", "ca"],
  ]) {
    const out = await runCaptured(["ops", "--offline", "--state-dir", dir, ...extra]);
    t.equal(out.code, 2, extra.join(" "));
    t.match(out.stderr, `${extra[0]} only applies through the daemon`);
  }
  const plain = await runCaptured(["ops", "--offline", "--state-dir", dir]);
  t.equal(plain.code, 0, plain.stderr);
});

t.test("help reads like a man page", async (t) => {
  for (const command of ["bind", "restore", "ops"]) {
    const { code, stdout } = await runCaptured([command, "--help"]);
    t.equal(code, 0);
    for (const heading of [
      "NAME",
      "SYNOPSIS",
      "DESCRIPTION",
      "OPTIONS",
      "EXIT STATUS",
      "EXAMPLES",
    ]) {
      t.match(stdout, new RegExp(`^${heading}$`, "m"), `${command}: ${heading}`);
    }
  }
});

t.test(
  "the real adapters over a materialized tree: plans, but a file tree never verifies",
  async (t) => {
    const dir = await stateDir(t);
    await materialize(ec2Host(), join(dir, "sys"));
    await writeFile(
      join(dir, "config.json"),
      JSON.stringify({ transactions: { verifyTimeoutMs: 100 } }),
    );
    const roots = [
      "--offline",
      "--sysfs-root",
      join(dir, "sys"),
      "--proc-root",
      join(dir, "proc"),
      "--state-dir",
      join(dir, "state"),
      "--config",
      join(dir, "config.json"),
    ];
    const plan = await runCaptured(["bind", "00:06.0", "vfio-pci", "--dry-run", ...roots]);
    t.equal(plan.code, 0, plan.stderr);
    t.match(plan.stdout, /^bind 0000:00:06\.0 \(ens6, /);
    const out = await runCaptured(["bind", "00:06.0", "vfio-pci", ...roots]);
    // Regular files take the writes but nothing binds: verification fails, and
    // the way back cannot be verified either (a file is no driver_override).
    t.equal(out.code, 1);
    t.match(out.stderr, /did not reach its target within 100 ms: driver is ena, expected vfio-pci/);
    t.match(out.stderr, /rollback failed: .* is DEGRADED/);
    const ops = JSON.parse(
      (await runCaptured(["ops", "--offline", "--json", "--state-dir", join(dir, "state")])).stdout,
    );
    t.match(ops.operations, [{ kind: "bind", status: "degraded" }]);
  },
);
