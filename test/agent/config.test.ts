import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import t, { type Test } from "tap";
import { changedKeys, planReload } from "../../src/agent/config-diff.js";
import { loadConfigFile, resolveGroup } from "../../src/agent/config-file.js";
import { defaultConfig, parseConfig } from "../../src/agent/config-schema.js";
import { ConfigWatcher } from "../../src/agent/config-watcher.js";

async function tempDir(t: Test): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "eni-agent-config-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

t.test("an empty object gives the documented defaults, deep-frozen", async (t) => {
  const config = defaultConfig();
  t.equal(config.stateDir, "/var/lib/eni-agent");
  t.equal(config.listeners.socket.path, "/run/eni-agent/eni-agent.sock");
  t.equal(config.listeners.socket.mode, 0o660);
  t.equal(config.listeners.tcp, null);
  t.equal(config.listeners.socket.maxWatchStreams, 64);
  t.equal(config.listeners.socket.maxConnections, 128);
  t.equal(config.listeners.prefaceTimeoutMs, 10_000);
  t.equal(config.listeners.idleTimeoutMs, 300_000);
  t.equal(config.metrics.address, null, "metrics are off by default");
  t.equal(config.autoConfirm, null, "binds on trial confirm only on request by default");
  t.equal(config.imds.endpoint, "http://169.254.169.254");
  t.same(config.termination.act.spot, ["terminate", "stop"]);
  t.ok(Object.isFrozen(config.listeners.socket));
  t.ok(Object.isFrozen(config.termination.act.spot));
  t.throws(() => {
    (config as { logLevel: string }).logLevel = "debug";
  });
});

t.test("errors name the file, the key and the reason", async (t) => {
  const cases: [unknown, string][] = [
    [
      { listeners: { tcp: { address: "0.0.0.0:50551", writers: ["CN=c"] } } },
      "config.json: listeners.tcp.tls: plaintext TCP is refused; set tls.cert, tls.key and tls.clientCa",
    ],
    [{ imds: { enabeld: false } }, "config.json: imds.enabeld: unknown key"],
    [{ logLevel: "loud" }, "config.json: logLevel: must be one of"],
    [{ stateDir: "relative/dir" }, "config.json: stateDir: must be an absolute path"],
    [{ allowedDevices: ["8086:10d3", "nope"] }, "config.json: allowedDevices[1]: must be"],
    [{ bindings: [{ eniId: "eni-1", driver: "vfio-pci" }] }, "config.json: bindings[0]:"],
    [
      { bindings: [{ mac: "02:4e:a0:00:00:06", driver: "vfio_pci" }] },
      'config.json: bindings[0]: driver "vfio_pci" is not allowed',
    ],
    [{ bindings: [{ driver: "vfio-pci" }] }, 'config.json: bindings[0]: needs "eniId" or "mac"'],
    [{ guards: { primaryMac: "zz" } }, "config.json: guards.primaryMac: not a MAC"],
    [
      { transactions: { maxParallel: 0 } },
      "config.json: transactions.maxParallel: must be an integer",
    ],
    [{ metrics: { address: "localhost" } }, 'config.json: metrics.address: must be "host:port"'],
    [
      { listeners: { socket: { maxWatchStreams: 0 } } },
      "config.json: listeners.socket.maxWatchStreams: must be an integer",
    ],
    [
      { listeners: { maxWatchStreams: 8 } },
      "config.json: listeners.maxWatchStreams: was replaced by a cap per listener",
    ],
    [{ imds: { endpoint: "http://x/path" } }, "config.json: imds.endpoint: must be http(s)://"],
    [{ ec2: { releasePolicy: "shred" } }, "config.json: ec2.releasePolicy: must be one of"],
    [{ ec2: { ownerTag: { key: "aws:x" } } }, "config.json: ec2.ownerTag.key:"],
    [
      { reconcile: { initialBackoffMs: 5000, maxBackoffMs: 1000 } },
      "config.json: reconcile.maxBackoffMs:",
    ],
    [
      { listeners: { socket: { path: "/run/a.sock" }, readOnlySocket: { path: "/run/a.sock" } } },
      "config.json: listeners.readOnlySocket:",
    ],
    [{ autoConfirm: { check: "pid" } }, 'config.json: autoConfirm.check: must be one of "holder"'],
    [{ autoConfirm: { forMs: -1 } }, "config.json: autoConfirm.forMs: must be an integer"],
    [[], "config.json: (top level): must be a JSON object"],
  ];
  for (const [json, message] of cases) {
    t.throws(
      () => parseConfig(json, "config.json"),
      { code: "INVALID_ARGUMENT", path: "config.json" },
      message,
    );
    try {
      parseConfig(json, "config.json");
    } catch (err) {
      t.ok((err as Error).message.startsWith(message), `${(err as Error).message} ~ ${message}`);
    }
  }
});

t.test("a full configuration parses, with modes, groups and bindings", async (t) => {
  const config = parseConfig(
    {
      stateDir: "/srv/eni",
      listeners: {
        socket: { path: "/run/x/agent.sock", group: "eni-agent", mode: "0660" },
        readOnlySocket: { path: "/run/x/ro.sock", mode: "0666", group: 998 },
        tcp: {
          address: "[::]:50551",
          tls: { cert: "/etc/x/cert.pem", key: "/etc/x/key.pem", clientCa: "/etc/x/ca.pem" },
          writers: ["CN=controller"],
        },
      },
      allowedDevices: ["8086:10D3"],
      guards: { primaryMac: "02:4E:A0:00:00:05", primaryInterface: "ens5" },
      bindings: [
        { eniId: "eni-0123456789abcdef0", driver: "vfio-pci" },
        { mac: "02:4e:a0:00:00:07", driver: "uio_pci_generic" },
      ],
      metrics: { address: "127.0.0.1:9464" },
    },
    "c.json",
  );
  t.equal(config.listeners.readOnlySocket?.mode, 0o666);
  t.equal(config.listeners.readOnlySocket?.group, 998);
  t.equal(config.listeners.tcp?.address, "[::]:50551");
  t.same(config.allowedDevices, ["8086:10d3"]);
  t.equal(config.guards.primaryMac, "02:4e:a0:00:00:05");
  t.same(config.bindings, [
    { eniId: "eni-0123456789abcdef0", driver: "vfio-pci" },
    { mac: "02:4e:a0:00:00:07", driver: "uio_pci_generic" },
  ]);
});

t.test("the file: default path may be missing, an explicit one may not", async (t) => {
  const dir = await tempDir(t);
  const missing = join(dir, "none.json");
  t.equal((await loadConfigFile(missing, { explicit: false })).stateDir, "/var/lib/eni-agent");
  await t.rejects(loadConfigFile(missing, { explicit: true }), { code: "NOT_FOUND" });
  const bad = join(dir, "bad.json");
  await writeFile(bad, "{ not json");
  await t.rejects(loadConfigFile(bad, { explicit: true }), {
    code: "INVALID_ARGUMENT",
    message: new RegExp(`^${bad}: \\(file\\): not valid JSON`),
  });
});

t.test("socket groups resolve by name from the group file", async (t) => {
  const dir = await tempDir(t);
  const groups = join(dir, "group");
  await writeFile(groups, "root:x:0:\neni-agent:x:987:alice\n");
  t.equal(await resolveGroup("eni-agent", "listeners.socket.group", "c.json", groups), 987);
  t.equal(await resolveGroup(5, "k", "c.json", groups), 5);
  t.equal(await resolveGroup(null, "k", "c.json", groups), null);
  await t.rejects(resolveGroup("nobody-here", "listeners.socket.group", "c.json", groups), {
    message: /^c\.json: listeners\.socket\.group: no group named/,
  });
});

t.test("a reload applies live keys and keeps restart-only keys", async (t) => {
  const current = defaultConfig();
  const next = parseConfig(
    { logLevel: "debug", stateDir: "/elsewhere", imds: { spotIntervalMs: 500 } },
    "c.json",
  );
  t.same(changedKeys(current, next), ["imds.spotIntervalMs", "logLevel", "stateDir"]);
  const change = planReload(current, next);
  t.same(change.live, ["imds.spotIntervalMs", "logLevel"]);
  t.same(change.restart, ["stateDir"]);
  t.equal(change.effective.logLevel, "debug");
  t.equal(change.effective.imds.spotIntervalMs, 500);
  t.equal(change.effective.stateDir, "/var/lib/eni-agent", "kept until restart");
  t.ok(Object.isFrozen(change.effective.imds));
});

t.test("the watcher reloads on change, keeps the old config on a bad file", async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, "config.json");
  await writeFile(file, JSON.stringify({ logLevel: "info" }));
  const applied: string[] = [];
  const refused: string[] = [];
  let notify: (() => void) | null = null;
  const next = () => new Promise<void>((resolve) => (notify = resolve));
  const watcher = new ConfigWatcher(
    {
      load: () => loadConfigFile(file, { explicit: true }),
      apply: (config, trigger) => {
        applied.push(`${trigger}:${config.logLevel}`);
        notify?.();
      },
      refused: (error, trigger) => {
        refused.push(`${trigger}:${error.message}`);
        notify?.();
      },
    },
    { path: file, debounceMs: 100 },
  );
  await watcher.start(new AbortController().signal);
  t.teardown(() => watcher.stop());

  let seen = next();
  await writeFile(file, JSON.stringify({ logLevel: "debug" }));
  await seen;
  t.same(applied, ["file:debug"]);

  seen = next();
  await writeFile(
    file,
    JSON.stringify({ logLevel: "debug", listeners: { tcp: { address: "0.0.0.0:1" } } }),
  );
  await seen;
  t.equal(refused.length, 1);
  t.match(refused[0], /listeners\.tcp\.tls: plaintext TCP is refused/);

  const result = await watcher.reload("signal");
  t.equal(result.ok, false, "SIGHUP on the same bad file is refused again");
  await writeFile(join(dir, "other.json"), "{}");
  await writeFile(file, JSON.stringify({ logLevel: "warn" }));
  const ok = await watcher.reload("signal");
  t.equal(ok.ok && ok.config.logLevel, "warn");
  await watcher.stop();
  await watcher.stop();
});

t.test("devicePlugin: off by default, one default pool, bad pools refused", async (t) => {
  const c = parseConfig({}, "c.json").devicePlugin;
  t.equal(c.enabled, false);
  t.equal(c.directory, "/var/lib/kubelet/device-plugins");
  t.equal(c.podResourcesSocket, "/var/lib/kubelet/pod-resources/kubelet.sock");
  t.same(c.pools, [
    { resourceName: "eni-agent.io/ena-dpdk", driver: null, subnetIds: [], eniTags: {} },
  ]);
  const bad = (devicePlugin: unknown, message: RegExp) =>
    t.throws(() => parseConfig({ devicePlugin }, "c.json"), { code: "INVALID_ARGUMENT", message });
  bad({ pools: [{ resourceName: "ena" }] }, /devicePlugin\.pools\[0\]\.resourceName: .*domain/);
  bad({ pools: [{ resourceName: "kubernetes.io/ena" }] }, /reserved/);
  bad({ pools: [{ resourceName: "a.io/x", driver: "ena" }] }, /DPDK driver/);
  bad({ pools: [{ resourceName: "a.io/x", subnetIds: ["net-1"] }] }, /subnet id/);
  bad({ pools: [{ resourceName: "a.io/x", eniTags: { role: 1 } }] }, /eniTags\.role/);
  bad({ pools: [{ resourceName: "a.io/x" }, { resourceName: "a.io/x" }] }, /same resource/);
  bad({ pools: [{ resourceName: "a.io/x_y" }, { resourceName: "a.io/x.y" }] }, /share the socket/);
  bad({ pools: [] }, /at least one pool/);
  bad({ directory: "dp" }, /absolute/);
  bad({ enabeld: true }, /unknown key/);
  bad({ pools: [{}] }, /pools\[0\]\.resourceName: is required/);
  bad(
    { pools: [{ resourceName: "a.io/x" }, { resourceName: "a.io/x" }] },
    /pools\[1\]\.resourceName: the same resource as pools\[0\]/,
  );
  // The pool's driver is checked against the file's own allowedDrivers.
  t.throws(
    () =>
      parseConfig(
        {
          allowedDrivers: ["ena", "uio_pci_generic"],
          devicePlugin: { pools: [{ resourceName: "a.io/x", driver: "vfio-pci" }] },
        },
        "c.json",
      ),
    {
      message:
        /devicePlugin\.pools\[0\]\.driver: must be a DPDK driver of allowedDrivers: uio_pci_generic$/,
    },
  );
  t.same(
    parseConfig(
      { devicePlugin: { pools: [{ resourceName: "a.io/x", driver: "vfio-pci" }] } },
      "c.json",
    ).devicePlugin.pools,
    [{ resourceName: "a.io/x", driver: "vfio-pci", subnetIds: [], eniTags: {} }],
    "a pool given without its lists gets them empty",
  );
});

t.test("autoScaling: the endpoint and the lifecycle hook (issue 12)", async (t) => {
  t.same(defaultConfig().autoScaling, { endpoint: null, lifecycleHook: null }, "off by default");
  const config = parseConfig(
    {
      autoScaling: {
        endpoint: "http://127.0.0.1:4566",
        lifecycleHook: { name: "eni-agent/drain_1" },
      },
    },
    "config.json",
  );
  t.same(config.autoScaling, {
    endpoint: "http://127.0.0.1:4566",
    lifecycleHook: { name: "eni-agent/drain_1", groupName: null, onFailure: "CONTINUE" },
  });
  const bad: [unknown, string][] = [
    [{ lifecycleHook: {} }, "autoScaling.lifecycleHook.name: is required"],
    [{ lifecycleHook: { name: "has space" } }, "autoScaling.lifecycleHook.name: must be"],
    [{ lifecycleHook: { name: "h", onFailure: "STOP" } }, "autoScaling.lifecycleHook.onFailure"],
    [{ lifecycleHook: { name: "h", token: "x" } }, "autoScaling.lifecycleHook.token: unknown key"],
    [{ endpoint: "http://host/path" }, "autoScaling.endpoint: must be http(s)://host[:port]"],
  ];
  for (const [autoScaling, message] of bad) {
    t.throws(() => parseConfig({ autoScaling }, "config.json"), {
      code: "INVALID_ARGUMENT",
      message: new RegExp(message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")),
    });
  }
  const reload = planReload(
    config,
    parseConfig(
      { autoScaling: { endpoint: "http://127.0.0.1:9", lifecycleHook: { name: "other" } } },
      "config.json",
    ),
  );
  t.same(reload.restart, ["autoScaling.endpoint"], "the client is built once");
  t.same(reload.live, ["autoScaling.lifecycleHook.name"], "the hook applies to the next plan");
});
