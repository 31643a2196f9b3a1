/** Health follows IMDS: down (injected failures) → unhealthy with the reason; back → healthy. */
import t from "tap";
import { connectAgent } from "../../src/client/client.js";
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
  // The identity refresh's failure, not only the termination watcher's: under
  // load the watcher's third failed poll can come first, and the host report
  // below reads the identity's reachability.
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

t.test("a metadata stub without Region or VPC details is healthy (issue 12)", async (t) => {
  const h = await agentHarness(t, { start: false, config: { ec2: { region: "us-east-1" } } });
  const imds = h.host.fakeImds;
  imds.setRaw("/latest/meta-data/placement/region", null);
  imds.setRaw("/latest/dynamic/instance-identity/document", null);
  for (const mac of imds.data.interfaces.keys()) {
    for (const leaf of ["vpc-id", "owner-id", "subnet-id"]) {
      imds.setRaw(`/latest/meta-data/network/interfaces/macs/${mac}/${leaf}`, null);
    }
  }
  await h.agent.start();
  t.teardown(() => h.agent.stop());
  const imdsHealth = h.agent.core.health().components.find((c) => c.name === "imds");
  t.equal(imdsHealth?.healthy, true, imdsHealth?.detail ?? "no imds component");
  t.equal(h.agent.identity.instance()?.region, null, "IMDS named no Region");
  t.equal(
    h.agent.identity.byMac([...imds.data.interfaces.keys()][1] as never)?.eniId,
    [...imds.data.interfaces.values()][1]?.interfaceId,
    "every ENI is known by its MAC",
  );
});
