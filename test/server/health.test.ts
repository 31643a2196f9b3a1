import * as grpc from "@grpc/grpc-js";
import t from "tap";
import type { HealthReport } from "../../src/server/core-types.js";
import type { HealthCheckResponse__Output } from "../../src/server/generated/grpc/health/v1/HealthCheckResponse.js";
import { loadApiDefinition } from "../../src/server/load-definition.js";
import { type Harness, rejection, startHarness, until } from "./harness.js";

const healthy: HealthReport = {
  serving: true,
  components: [
    { name: "journal", healthy: true, detail: "" },
    { name: "imds", healthy: true, detail: "" },
  ],
};
const imdsDown: HealthReport = {
  serving: true,
  components: [
    { name: "journal", healthy: true, detail: "" },
    { name: "imds", healthy: false, detail: "connect ETIMEDOUT 169.254.169.254:80" },
  ],
};
const journalDown: HealthReport = {
  serving: false,
  components: [
    { name: "journal", healthy: false, detail: "fsync: EIO" },
    { name: "imds", healthy: true, detail: "" },
  ],
};

function healthWatch(h: Harness, service: string) {
  const api = loadApiDefinition();
  const client = new api.healthProto.grpc.health.v1.Health(
    `unix://${h.socketPath}`,
    grpc.credentials.createInsecure(),
  );
  const statuses: string[] = [];
  const call = client.watch({ service });
  call.on("data", (r: HealthCheckResponse__Output) => statuses.push(r.status));
  const ended = new Promise<grpc.StatusObject>((resolve) => call.on("status", resolve));
  call.on("error", () => {});
  return {
    statuses,
    ended,
    close: () => {
      call.cancel();
      client.close();
    },
  };
}

t.test("Check reflects the core's health, overall and per component", async (t) => {
  const h = await startHarness(t);
  t.equal(await h.client.checkHealth(), "SERVING");
  t.equal(await h.client.checkHealth("eniagent.v1.EniAgentService"), "SERVING");
  h.core.setHealth(imdsDown);
  t.equal(await h.client.checkHealth(), "SERVING", "IMDS down alone does not stop the agent");
  t.equal(await h.client.checkHealth("imds"), "NOT_SERVING");
  t.equal(await h.client.checkHealth("journal"), "SERVING");
  h.core.setHealth(journalDown);
  t.equal(await h.client.checkHealth(), "NOT_SERVING", "a broken journal stops the agent");
  t.equal(await h.client.checkHealth("journal"), "NOT_SERVING");
  h.core.setHealth(healthy);
  t.equal(await h.client.checkHealth(), "SERVING", "and it recovers");
  await rejection(
    t,
    h.client.checkHealth("no.such.Service"),
    "NOT_FOUND",
    /unknown health service/,
  );
});

t.test("Watch streams every transition once, then NOT_SERVING at stop", async (t) => {
  const h = await startHarness(t);
  const overall = healthWatch(h, "");
  const imds = healthWatch(h, "imds");
  const unknown = healthWatch(h, "nope");
  t.teardown(() => {
    overall.close();
    imds.close();
    unknown.close();
  });
  await until(
    () =>
      overall.statuses.length === 1 && imds.statuses.length === 1 && unknown.statuses.length === 1,
    "initial statuses",
  );
  h.core.setHealth(imdsDown);
  h.core.setHealth(imdsDown);
  h.core.setHealth(journalDown);
  h.core.setHealth(healthy);
  await until(() => overall.statuses.length === 3 && imds.statuses.length === 3, "transitions");
  t.same(overall.statuses, ["SERVING", "NOT_SERVING", "SERVING"], "no duplicate statuses");
  t.same(imds.statuses, ["SERVING", "NOT_SERVING", "SERVING"]);
  t.same(unknown.statuses, ["SERVICE_UNKNOWN"]);

  await h.server.stop();
  const status = await overall.ended;
  t.equal(status.code, grpc.status.OK, "the watch ends cleanly");
  t.same(overall.statuses, ["SERVING", "NOT_SERVING", "SERVING", "NOT_SERVING"]);
  t.equal(h.core.listenerCount, 0);
});

t.test("health answers on the read-only socket", async (t) => {
  const h = await startHarness(t, (dir) => ({ readOnlySocket: { path: `${dir}/ro.sock` } }));
  const ro = h.connect({ socketPath: `${h.dir}/ro.sock` });
  t.equal(await ro.checkHealth(), "SERVING");
});
