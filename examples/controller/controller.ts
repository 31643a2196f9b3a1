/**
 * An example controller for the ENI contract (docs/controllers.md), run
 * against `eni-agent serve --simulate` from a second shell:
 *
 *   npx tsx examples/controller/controller.ts
 *
 * It owns one ENI for the life of the program: creates it in EC2, states
 * the intent (vfio-pci) before attaching it, attaches it and waits until
 * the agent reports it BOUND; then hands it back (ReleaseEni until
 * SAFE_TO_DETACH), detaches it without Force and deletes it.
 *
 * It finds the daemon's socket as the CLI does ($ENI_AGENT_SOCKET, else the
 * simulated daemon's default socket), and the fake EC2 endpoint and the
 * instance id in the `<socket>.sim.json` file that serve --simulate writes.
 * Against a real host, the socket is the system daemon's, the endpoint is
 * EC2's and the instance id comes from the node object.
 */
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import {
  AttachNetworkInterfaceCommand,
  CreateNetworkInterfaceCommand,
  DeleteNetworkInterfaceCommand,
  DescribeNetworkInterfacesCommand,
  DetachNetworkInterfaceCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";
import { connectAgent, simulatedSocketPath } from "eni-agent/client";

const socketPath = process.env.ENI_AGENT_SOCKET || simulatedSocketPath(process.env);
const sim = JSON.parse(await readFile(`${socketPath}.sim.json`, "utf8")) as {
  ec2: string;
  instanceId: string;
};
const agent = connectAgent({ socketPath });
const ec2 = new EC2Client({
  endpoint: sim.ec2,
  region: "us-east-1",
  // The fake checks that requests are signed, not by whom.
  credentials: { accessKeyId: "SIMULATED", secretAccessKey: "simulated" },
});
// The object this controller reconciles: a Kubernetes UID would go here.
const owner = `example-controller/${randomUUID()}`;
const step = (what: string) => console.log(`controller: ${what}`);

/** Calls `check` until it answers true: 200 tries, 50 ms apart. */
async function waitFor(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await sleep(50);
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** The lowest device index no ENI of the instance uses (a real controller has it in its spec). */
async function freeDeviceIndex(instanceId: string): Promise<number> {
  const { NetworkInterfaces = [] } = await ec2.send(
    new DescribeNetworkInterfacesCommand({
      Filters: [{ Name: "attachment.instance-id", Values: [instanceId] }],
    }),
  );
  const used = new Set(NetworkInterfaces.map((eni) => eni.Attachment?.DeviceIndex));
  let index = 1;
  while (used.has(index)) index++;
  return index;
}

async function phaseIs(eniId: string, phase: string): Promise<boolean> {
  const status = await agent.getEni(eniId);
  if (status.phase === "ENI_PHASE_FAILED") throw new Error(`${eniId} failed: ${status.detail}`);
  return status.phase === phase;
}

try {
  const created = await ec2.send(
    new CreateNetworkInterfaceCommand({
      SubnetId: "subnet-0ac62554", // from the object's spec; this is the simulated instance's
      Description: "eni-agent example controller",
      TagSpecifications: [
        { ResourceType: "network-interface", Tags: [{ Key: "owner", Value: owner }] },
      ],
    }),
  );
  const eniId = created.NetworkInterface?.NetworkInterfaceId ?? "";
  const mac = created.NetworkInterface?.MacAddress ?? "";
  step(`created ${eniId} (MAC ${mac})`);

  const put = await agent.putEniIntent({
    intent: { eniId, macAddress: mac, driver: "vfio-pci", generation: 1 },
    owner,
    requestId: randomUUID(),
  });
  step(`PutEniIntent vfio-pci, generation 1: ${put.phase}`);

  const attached = await ec2.send(
    new AttachNetworkInterfaceCommand({
      NetworkInterfaceId: eniId,
      InstanceId: sim.instanceId,
      DeviceIndex: await freeDeviceIndex(sim.instanceId),
    }),
  );
  step(`attached to ${sim.instanceId} (${attached.AttachmentId})`);

  await waitFor("BOUND", () => phaseIs(eniId, "ENI_PHASE_BOUND"));
  const bound = await agent.getEni(eniId);
  step(`${bound.phase}: ${bound.pciAddress} on ${bound.driver}`);

  // A real controller retries this with the same request id until it is safe
  // (FAILED_PRECONDITION names a DPDK process still holding the device).
  const release = await agent.releaseEni({ eniId, owner, requestId: randomUUID() });
  step(`ReleaseEni: ${release.outcome} (${release.status?.phase})`);
  if (release.outcome !== "RELEASE_OUTCOME_SAFE_TO_DETACH") throw new Error("not safe to detach");

  // Without Force: the device is back on its kernel driver.
  await ec2.send(new DetachNetworkInterfaceCommand({ AttachmentId: attached.AttachmentId }));
  step("detached");
  await waitFor("RELEASED", () => phaseIs(eniId, "ENI_PHASE_RELEASED"));
  step("ENI_PHASE_RELEASED: the device left the host");

  const describe = new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] });
  await waitFor("available", async () => {
    const { NetworkInterfaces } = await ec2.send(describe);
    return NetworkInterfaces?.[0]?.Status === "available";
  });
  await ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eniId }));
  step(`deleted ${eniId}`);
} finally {
  agent.close();
  ec2.destroy();
}
