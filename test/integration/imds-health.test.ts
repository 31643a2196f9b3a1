/** Health follows IMDS: down (injected failures) → unhealthy with the reason; back → healthy. */
import t from "tap";
import { connectAgent } from "../../src/server/client.js";
import { agentHarness } from "../agent/harness.js";
import { collectEvents } from "./events.js";

t.test("health reflects IMDS going down and coming back", async (t) => {
  const h = await agentHarness(t);
  const client = connectAgent({ socketPath: h.socket });
  t.teardown(() => client.close());
  const imdsOf = () => h.agent.core.health().components.find((c) => c.name === "imds");
  t.equal(imdsOf()?.healthy, true, "healthy once the first refresh answered");
  const events = await collectEvents(client);
  t.teardown(() => events.stop());

  h.host.fakeImds.down = true;
  // Two pollers notice, in either order: the termination watcher (after three
  // failed polls) and the identity refresh, which is what the host report's
  // IMDS status comes from. Wait for the latter, named "identity:".
  const down = await events.waitFor(
    (e) =>
      e.healthChanged?.health?.components.some(
        (c) => c.name === "imds" && !c.healthy && c.detail.startsWith("identity:"),
      ) === true,
  );
  t.match(
    down.healthChanged?.health?.components.find((c) => c.name === "imds")?.detail,
    /unreachable|no answer/,
  );
  t.equal(down.healthChanged?.health?.serving, true, "IMDS down does not stop the API");
  const report = await client.getHostReport();
  t.equal(report.imds?.reachable, false);
  t.match(report.imds?.detail, h.host.fakeImds.url, "names the endpoint it asks");
  t.ok(
    report.checks.some((c) => c.name === "imds"),
    "the host report says so",
  );
  t.equal(await client.checkHealth("imds"), "NOT_SERVING");

  h.host.fakeImds.down = false;
  await events.waitFor(
    (e) =>
      e.sequence > down.sequence &&
      e.healthChanged?.health?.components.every((c) => c.healthy) === true,
  );
  t.equal(await client.checkHealth("imds"), "SERVING");
});
