/**
 * Issue #17: the listener configuration refuses what would let local users
 * in, or starve the daemon, at start, with an error naming the file and key.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import t, { type Test } from "tap";
import { loadConfigFile, readTlsFiles } from "../../src/agent/config-file.js";
import { defaultConfig, parseConfig } from "../../src/agent/config-schema.js";
import {
  checkDescriptorBudget,
  DAEMON_DESCRIPTOR_RESERVE,
  readOpenFileLimit,
} from "../../src/agent/descriptor-budget.js";
import { listenerOptions } from "../../src/agent/listener-options.js";
import { makeCa, makeLeaf } from "../server/certs.js";

async function tempDir(t: Test): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "eni-agent-listeners-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

t.test("a main socket mode that lets others write is refused, naming the key (#17)", async (t) => {
  for (const mode of ["0666", "0662", "0602", "666", "0777"]) {
    t.throws(
      () => parseConfig({ listeners: { socket: { mode } } }, "config.json"),
      {
        code: "INVALID_ARGUMENT",
        message: /^config\.json: listeners\.socket\.mode: must not give others write access/,
      },
      mode,
    );
  }
  const ok = parseConfig(
    { listeners: { socket: { mode: "0660" }, readOnlySocket: { mode: "0666" } } },
    "config.json",
  );
  t.equal(ok.listeners.socket.mode, 0o660);
  t.equal(ok.listeners.readOnlySocket?.mode, 0o666, "the read-only socket is meant for everyone");
});

t.test("each listener has its own connection and stream budget", async (t) => {
  const config = parseConfig(
    {
      listeners: {
        socket: { maxConnections: 50, maxWatchStreams: 10 },
        readOnlySocket: {},
        prefaceTimeoutMs: 2_000,
        idleTimeoutMs: 60_000,
      },
    },
    "config.json",
  );
  t.match(config.listeners.socket, { maxConnections: 50, maxWatchStreams: 10 });
  t.match(config.listeners.readOnlySocket, { maxConnections: 32, maxWatchStreams: 16 });
  const options = await listenerOptions(config, "config.json");
  t.same(options.socket?.limits, {
    maxConnections: 50,
    maxWatchStreams: 10,
    maxHealthWatchStreams: 10,
  });
  t.same(options.readOnlySocket?.limits, {
    maxConnections: 32,
    maxWatchStreams: 16,
    maxHealthWatchStreams: 16,
  });
  t.equal(options.limits?.prefaceTimeoutMs, 2_000);
  t.equal(options.keepalive?.maxConnectionIdleMs, 60_000);
  t.throws(() => parseConfig({ listeners: { maxWatchStreams: 64 } }, "config.json"), {
    message: /listeners\.maxWatchStreams: was replaced by a cap per listener/,
  });
});

t.test("listener caps that do not fit the descriptor limit are refused (#17)", async (t) => {
  const dir = await tempDir(t);
  await writeLimits(
    dir,
    "Max open files            1024                 524288               files",
  );
  t.equal(await readOpenFileLimit(dir), 1024, "the soft limit is read");
  t.equal(await readOpenFileLimit(join(dir, "missing")), null, "no file, no check");

  const defaults = defaultConfig().listeners;
  t.doesNotThrow(
    () => checkDescriptorBudget(defaults, 1024, "config.json"),
    "the defaults fit the smallest usual limit",
  );
  const greedy = parseConfig(
    { listeners: { socket: { maxConnections: 700 }, readOnlySocket: { maxConnections: 100 } } },
    "config.json",
  ).listeners;
  t.throws(() => checkDescriptorBudget(greedy, 1024, "config.json"), {
    code: "INVALID_ARGUMENT",
    message: new RegExp(
      `^config\\.json: listeners: the listeners may hold 800 connections \\(socket 700, readOnlySocket 100\\), but this process may open 1024 descriptors and keeps ${DAEMON_DESCRIPTOR_RESERVE}`,
    ),
  });
  await writeLimits(
    dir,
    "Max open files            unlimited            unlimited            files",
  );
  t.equal(await readOpenFileLimit(dir), null, "unlimited leaves nothing to check");
});

t.test("empty or garbage TLS files are refused at start, naming the file (#17)", async (t) => {
  const dir = await tempDir(t);
  const ca = makeCa(dir, "ca");
  const leaf = makeLeaf(dir, "ca", "server", { cn: "eni-agent", usage: "serverAuth" });
  const other = makeLeaf(dir, "ca", "other", { cn: "other", usage: "serverAuth" });
  const files = {
    cert: join(dir, "server.pem"),
    key: join(dir, "server-key.pem"),
    clientCa: join(dir, "clients-ca.pem"),
  };
  const write = async (name: keyof typeof files, content: string | Buffer) =>
    writeFile(files[name], content);
  await write("cert", leaf.cert);
  await write("key", leaf.key);
  await write("clientCa", ca.cert);
  t.ok(await readTlsFiles(files, "config.json"), "the right files are accepted");

  const cases: [keyof typeof files, string | Buffer, RegExp][] = [
    ["clientCa", "", /listeners\.tcp\.tls\.clientCa: .*clients-ca\.pem holds no PEM certificate/],
    [
      "clientCa",
      "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n",
      /listeners\.tcp\.tls\.clientCa: .*clients-ca\.pem certificate 1 of 1 does not parse/,
    ],
    ["cert", "garbage", /listeners\.tcp\.tls\.cert: .*server\.pem holds no PEM certificate/],
    ["key", "garbage", /listeners\.tcp\.tls\.key: .*server-key\.pem is not a PEM private key/],
    [
      "key",
      other.key,
      /listeners\.tcp\.tls\.key: .*server-key\.pem does not belong to the certificate/,
    ],
  ];
  for (const [name, content, message] of cases) {
    await write(name, content);
    await t.rejects(
      readTlsFiles(files, "config.json"),
      { code: "INVALID_ARGUMENT", message },
      `${name}: ${message}`,
    );
    await write("cert", leaf.cert);
    await write("key", leaf.key);
    await write("clientCa", ca.cert);
  }
});

t.test(
  "a deeply nested configuration is a config error naming the file, not a crash (#17)",
  async (t) => {
    const dir = await tempDir(t);
    const file = join(dir, "deep.json");
    const depth = 5_000;
    await writeFile(file, `{"listeners":${'{"x":'.repeat(depth)}1${"}".repeat(depth)}}`);
    await t.rejects(loadConfigFile(file, { explicit: true }), {
      code: "INVALID_ARGUMENT",
      message: new RegExp(`^${file}: \\(file\\): nested deeper than 32 levels`),
    });
    // The serve command's overrides clone the JSON: they must never see it either.
    const transformed: unknown[] = [];
    await t.rejects(
      loadConfigFile(file, {
        explicit: true,
        transform: (json) => {
          transformed.push(structuredClone(json));
          return json;
        },
      }),
      { code: "INVALID_ARGUMENT" },
    );
    t.equal(transformed.length, 0);
    const arrays = join(dir, "arrays.json");
    await writeFile(arrays, `{"bindings":${"[".repeat(depth)}${"]".repeat(depth)}}`);
    await t.rejects(loadConfigFile(arrays, { explicit: true }), {
      message: /nested deeper than 32 levels/,
    });
  },
);

async function writeLimits(procRoot: string, line: string): Promise<void> {
  await mkdir(join(procRoot, "self"), { recursive: true });
  await writeFile(
    join(procRoot, "self", "limits"),
    `Limit                     Soft Limit           Hard Limit           Units     \n${line}     \n`,
  );
}
