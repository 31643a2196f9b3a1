/**
 * The project's fake IMDS and fake EC2 as a unit of their own in the guest
 * (a child program of systemd-install, started with systemd-run), holding the
 * guest's three e1000e NICs as ENIs: eth0 the primary, eth1 and eth2 owned by
 * the agent. It prints its endpoints on stdout, and writes what EC2 was asked
 * (each request stamped within 50 ms of its arrival) and the ENIs' states to a
 * file as they change; SIGTERM stops it.
 */
import { writeFileSync } from "node:fs";
import { FakeEc2, FakeImds } from "../../../src/sim/aws/index.js";
import { NIC_MACS } from "./guest-files.js";

export const OWNER_TAG = { key: "eni-agent:owner", value: "eni-vm" } as const;
export const FAKE_AWS_STATE = "/run/eni-fake-aws-state.json";

/** The ENI id the fakes give NIC `i`. */
export function fakeEniId(i: number): string {
  return `eni-0000000000000000${i}`;
}

export interface FakeAwsState {
  requests: { action: string; eni: string | null; atMs: number; error: string | null }[];
  enis: { id: string; status: string; deleteOnTermination: boolean }[];
}

export async function fakeAws(): Promise<void> {
  const imds = new FakeImds();
  const ec2 = new FakeEc2({}, { detachDelayMs: 500 });
  const instance = ec2.model.createInstance();
  for (const eni of [...ec2.model.enis.values()]) ec2.model.enis.delete(eni.id);
  imds.data.instanceId = instance.id;
  imds.data.interfaces.clear();
  NIC_MACS.forEach((mac, index) => {
    const id = fakeEniId(index);
    imds.addInterface({
      mac,
      interfaceId: id,
      deviceNumber: index,
      subnetId: "subnet-0ac62554",
      vpcId: "vpc-d295a6a7",
      ownerId: ec2.model.ownerId,
      localIpv4s: [`10.0.${2 + index}.15`],
    });
    if (index === 0) imds.data.primaryMac = mac;
    const tags: Record<string, string> = index === 0 ? {} : { [OWNER_TAG.key]: OWNER_TAG.value };
    const made = ec2.model.createEni({ description: `guest NIC ${index}`, tags });
    ec2.model.enis.delete(made.id);
    ec2.model.enis.set(id, { ...made, id, mac });
    ec2.model.attach(id, instance.id, index, 0, index === 0);
  });
  const seen: FakeAwsState["requests"] = [];
  const stop = new AbortController();
  await imds.start(stop.signal);
  await ec2.start(stop.signal);
  const record = () => {
    if (ec2.requests.length === seen.length) return;
    for (const r of ec2.requests.slice(seen.length)) {
      seen.push({
        action: r.action,
        eni: r.params.NetworkInterfaceId ?? null,
        atMs: Date.now(),
        error: r.errorCode ?? null,
      });
    }
    ec2.model.settle();
    const state: FakeAwsState = {
      requests: seen,
      enis: [...ec2.model.enis.values()].map((e) => ({
        id: e.id,
        status: ec2.model.status(e),
        deleteOnTermination: e.attachment?.deleteOnTermination ?? false,
      })),
    };
    writeFileSync(FAKE_AWS_STATE, JSON.stringify(state));
  };
  const timer = setInterval(record, 50);
  process.stdout.write(
    `${JSON.stringify({ imds: imds.url, ec2: ec2.url, token: imds.controlToken })}\n`,
  );
  await new Promise<void>((resolve) => process.once("SIGTERM", () => resolve()));
  clearInterval(timer);
  record();
  stop.abort();
  await ec2.stop();
  await imds.stop();
}
