/**
 * A bind on trial through the whole agent on the simulator (issue 16):
 * BindDevice with confirm_within answers AWAITING_CONFIRMATION with its
 * deadline, the events say so, ConfirmOperation makes it final. (Deadlines
 * passing are the driver's tests, on a stepping clock.)
 */
import t from "tap";
import { connectAgent } from "../../src/client/client.js";
import type { Event__Output } from "../../src/server/generated/eniagent/v1/Event.js";
import { agentHarness, eventually } from "./harness.js";

t.test("BindDevice on trial, then ConfirmOperation, over gRPC", async (t) => {
  const h = await agentHarness(t);
  t.teardown(() => h.agent.stop());
  const client = connectAgent({ socketPath: h.socket });
  t.teardown(() => client.close());
  const events: Event__Output[] = [];
  const watching = new AbortController();
  let subscribed = (): void => {};
  const ready = new Promise<void>((resolve) => {
    subscribed = resolve;
  });
  const stream = (async () => {
    for await (const e of client.watchEvents(
      { kinds: ["EVENT_KIND_CONFIRMATION_PENDING", "EVENT_KIND_CONFIRMED"] },
      { signal: watching.signal, onSubscribed: () => subscribed() },
    ))
      events.push(e);
  })().catch(() => {});
  // Events are not replayed: the bind goes out once the stream is open.
  await ready;

  const op = await client.bindDevice({
    selector: { pciAddress: "0000:00:06.0" },
    driver: "vfio-pci",
    confirmWithin: { seconds: 3600 },
  });
  t.equal(op.status, "OPERATION_STATUS_AWAITING_CONFIRMATION");
  t.equal(op.confirmation?.state, "CONFIRMATION_STATE_PENDING");
  const deadline = Number(op.confirmation?.deadlineTime?.seconds) * 1000;
  const finished = Number(op.finishTime?.seconds) * 1000;
  t.ok(Math.abs(deadline - finished - 3_600_000) <= 1_000, "an hour after it committed");
  await eventually(() => events.some((e) => e.payload === "confirmationPending"));

  const confirmed = await client.confirmOperation(op.id);
  t.equal(confirmed.status, "OPERATION_STATUS_SUCCEEDED");
  t.match(confirmed.confirmation, { state: "CONFIRMATION_STATE_CONFIRMED", by: "request" });
  await eventually(() => events.some((e) => e.payload === "confirmed"));
  t.equal((await client.confirmOperation(op.id)).status, "OPERATION_STATUS_SUCCEEDED", "again");
  const device = await client.getDevice({ pciAddress: "0000:00:06.0" });
  t.equal(device.driver, "vfio-pci");
  watching.abort();
  await stream;
  t.same(h.fatal, []);
});
