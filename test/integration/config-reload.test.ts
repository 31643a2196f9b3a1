/**
 * Hot reload through the running daemon: a good file applies its live keys
 * (and says which keys wait for a restart), a bad file is refused with the
 * file, key and reason, the running configuration stays, and health shows
 * the refusal until a good file comes back.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import t from "tap";
import { loadConfigFile } from "../../src/agent/config-file.js";
import { connectAgent } from "../../src/client/client.js";
import { agentHarness, eventually, fastConfig, tempDir } from "../agent/harness.js";
import { collectEvents } from "./events.js";

t.test("a bad configuration file keeps the old one", async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, "config.json");
  const write = (extra: Record<string, unknown>) =>
    writeFile(file, JSON.stringify(fastConfig(dir, extra)));
  await write({ logLevel: "debug" });
  const h = await agentHarness(t, {
    dir,
    configPath: file,
    config: { logLevel: "debug" },
    loadConfig: () => loadConfigFile(file, { explicit: true }),
  });
  const client = connectAgent({ socketPath: h.socket });
  t.teardown(() => client.close());
  const events = await collectEvents(client);
  t.teardown(() => events.stop());

  // A live key and a restart-only key.
  await write({ logLevel: "warn", deviceWatch: { pollIntervalMs: 75 }, stateDir: "/elsewhere" });
  await eventually(() => h.agent.config().logLevel === "warn");
  t.equal(h.agent.config().deviceWatch.pollIntervalMs, 75);
  t.equal(h.agent.config().stateDir, h.config.stateDir, "stateDir waits for a restart");
  const reloaded = h.logs.find((l) => l.msg === "configuration reloaded");
  t.same(reloaded?.restart, ["stateDir"]);

  await write({
    logLevel: "error",
    listeners: { tcp: { address: "0.0.0.0:50551", writers: ["CN=x"] } },
  });
  const health = await events.waitFor(
    (e) =>
      e.healthChanged?.health?.components.some((c) => c.name === "config" && !c.healthy) === true,
  );
  const detail = health.healthChanged?.health?.components.find((c) => c.name === "config")?.detail;
  t.match(detail, /config\.json: listeners\.tcp\.tls: plaintext TCP is refused/);
  t.equal(h.agent.config().logLevel, "warn", "the running configuration stayed");
  t.equal(h.agent.config().listeners.tcp, null);

  const signal = await h.agent.reload();
  t.equal(signal.ok, false, "SIGHUP on the same file is refused too");

  await write({ logLevel: "info" });
  const ok = await h.agent.reload();
  t.equal(ok.ok, true);
  t.equal(h.agent.config().logLevel, "info");
  await eventually(() =>
    h.agent.core.health().components.every((c) => c.name !== "config" || c.healthy),
  );
});
