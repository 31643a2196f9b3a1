import t from "tap";
import { readInstanceIdentity, refreshEniIdentities } from "../../src/aws/eni-identity.js";
import { ASG_GROUP_TAG, readInstanceTag } from "../../src/aws/instance-tags.js";
import type { FakeInterface } from "../../src/sim/aws/fake-imds-data.js";
import { type ImdsSetup, startImds } from "./helpers.js";

const THIRD: FakeInterface = {
  mac: "0e:49:61:0f:c3:33",
  interfaceId: "eni-0123456789abcdef0",
  deviceNumber: 0,
  networkCard: 1,
  subnetId: "subnet-0ac62554",
  vpcId: "vpc-d295a6a7",
  ownerId: "515336597381",
  localIpv4s: ["172.31.15.226", "172.31.15.227"],
};

/** Refreshes with `listing` (default: the fake's) as the MAC listing; skipped entries as "mac:reason", sorted. */
async function refreshListing(
  { client, imds }: Pick<ImdsSetup, "client" | "imds">,
  listing?: string,
) {
  if (listing !== undefined) imds.setRaw("/latest/meta-data/network/interfaces/macs/", listing);
  const skipped: string[] = [];
  const map = await refreshEniIdentities(client, {
    onSkipped: (mac, reason) => skipped.push(`${mac}:${reason}`),
  });
  return { map, skipped: skipped.sort() };
}

t.test("instance identity: id, region, primary MAC", async (t) => {
  const { client, imds } = await startImds(t);
  t.same(await readInstanceIdentity(client), {
    instanceId: "i-1234567890abcdef0",
    region: "us-east-1",
    primaryMac: "0e:49:61:0f:c3:11",
  });
  imds.setRaw("/latest/meta-data/placement/region", null);
  imds.data.region = "eu-west-3";
  t.equal((await readInstanceIdentity(client)).region, "eu-west-3", "from the identity document");
});

t.test("no Region anywhere in IMDS is no Region, not a failed identity (issue 12)", async (t) => {
  // A minimal metadata stub: neither placement/region nor an identity document.
  const { client, imds } = await startImds(t);
  imds.setRaw("/latest/meta-data/placement/region", null);
  imds.setRaw("/latest/dynamic/instance-identity/document", null);
  t.same(await readInstanceIdentity(client), {
    instanceId: "i-1234567890abcdef0",
    region: null,
    primaryMac: "0e:49:61:0f:c3:11",
  });
  imds.setRaw("/latest/dynamic/instance-identity/document", '{"region":"not a region"}');
  await t.rejects(readInstanceIdentity(client), { code: "INTERNAL" }, "a wrong one still fails");
});

t.test("a MAC without vpc-id, subnet-id or owner-id is an ENI, not stale (issue 12)", async (t) => {
  const { client, imds } = await startImds(t);
  const base = "/latest/meta-data/network/interfaces/macs/0e:49:61:0f:c3:22/";
  for (const leaf of ["vpc-id", "subnet-id", "owner-id"]) imds.setRaw(`${base}${leaf}`, null);
  const { map, skipped } = await refreshListing({ client, imds });
  t.same(skipped, []);
  t.match(map.get("0e:49:61:0f:c3:22" as never), {
    eniId: "eni-0a1b2c3d4e5f60718",
    deviceNumber: 1,
    subnetId: undefined,
    vpcId: undefined,
    ownerId: undefined,
  });
  imds.setRaw(`${base}device-number`, null);
  t.same((await refreshListing({ client, imds })).skipped, ["0e:49:61:0f:c3:22:stale"]);
});

t.test("every listed ENI with its identity; the mac path marks the primary", async (t) => {
  const { client, imds } = await startImds(t);
  imds.addInterface({ ...THIRD, deviceNumber: 2 });
  const map = await refreshEniIdentities(client);
  t.same([...map.keys()].sort(), ["0e:49:61:0f:c3:11", "0e:49:61:0f:c3:22", "0e:49:61:0f:c3:33"]);
  t.match(map.get("0e:49:61:0f:c3:11" as never), {
    eniId: "eni-0f95d3625f5c521cc",
    deviceNumber: 0,
    deviceNumberSettled: true,
    primary: true,
    networkCard: undefined,
    subnetId: "subnet-0ac62554",
    vpcId: "vpc-d295a6a7",
    ownerId: "515336597381",
  });
  t.match(map.get("0e:49:61:0f:c3:33" as never), {
    deviceNumber: 2,
    networkCard: 1,
    primary: false,
    localIpv4s: ["172.31.15.226", "172.31.15.227"],
  });
});

t.test("network-card-index is accepted as well as network-card", async (t) => {
  const { client, imds } = await startImds(t);
  imds.data.networkCardPath = "network-card-index";
  imds.addInterface({ ...THIRD, deviceNumber: 3 });
  const map = await refreshEniIdentities(client);
  t.equal(map.get("0e:49:61:0f:c3:33" as never)?.networkCard, 1);
});

t.test("a fresh hotplug reading device-number 0 is unsettled, never primary", async (t) => {
  const { client, imds } = await startImds(t);
  imds.addInterface(THIRD);
  let map = await refreshEniIdentities(client);
  t.match(map.get("0e:49:61:0f:c3:33" as never), {
    deviceNumber: 0,
    deviceNumberSettled: false,
    primary: false,
  });
  imds.setDeviceNumber(THIRD.mac, 2);
  map = await refreshEniIdentities(client);
  t.match(map.get("0e:49:61:0f:c3:33" as never), { deviceNumber: 2, deviceNumberSettled: true });
});

t.test("stale and malformed MAC entries are skipped, not fatal", async (t) => {
  const { client, imds } = await startImds(t);
  imds.addInterface(THIRD);
  imds.removeInterface(THIRD.mac, { stale: true });
  const { map, skipped } = await refreshListing(
    { client, imds },
    "0e:49:61:0f:c3:11/\n0e:49:61:0f:c3:22/\n0e:49:61:0f:c3:33/\nnot-a-mac/\n0e:49:61:0f:c3:44/\n",
  );
  t.same([...map.keys()].sort(), ["0e:49:61:0f:c3:11", "0e:49:61:0f:c3:22"]);
  t.same(skipped, ["0e:49:61:0f:c3:33:stale", "0e:49:61:0f:c3:44:stale", "not-a-mac:malformed"]);
});

t.test("a listed MAC in another spelling, or an odd ENI id, is malformed", async (t) => {
  const { client, imds } = await startImds(t);
  imds.addInterface({ ...THIRD, interfaceId: "eni-0123456789" });
  const { map, skipped } = await refreshListing(
    { client, imds },
    "0e:49:61:0f:c3:11/\n0e-49-61-0f-c3-22/\n0e:49:61:0f:c3:33/\n",
  );
  t.same([...map.keys()], ["0e:49:61:0f:c3:11"]);
  t.same(skipped, ["0e-49-61-0f-c3-22:malformed", "0e:49:61:0f:c3:33:malformed"]);
});

t.test(
  "IMDS failing during a refresh fails the refresh instead of returning a partial map",
  async (t) => {
    const { client, imds } = await startImds(t, { budgetMs: 50 });
    imds.failNext(1000, 503, "/latest/meta-data/network/interfaces/macs/0e:49:61:0f:c3:22/");
    // UNAVAILABLE (the 503s), or DEADLINE_EXCEEDED when a slow machine makes
    // the last attempt time out first: either way, no map.
    await t.rejects(refreshEniIdentities(client), { code: /^(UNAVAILABLE|DEADLINE_EXCEEDED)$/ });
  },
);

t.test("instance tags: the group tag when tags are in metadata, else undefined", async (t) => {
  const { client, imds } = await startImds(t);
  t.equal(await readInstanceTag(client, ASG_GROUP_TAG), undefined, "tags not in metadata: 404");
  imds.data.instanceTags = new Map([[ASG_GROUP_TAG, "dpdk-workers"]]);
  t.equal(await readInstanceTag(client, ASG_GROUP_TAG), "dpdk-workers");
  t.equal(await readInstanceTag(client, "Name"), undefined);
  await t.rejects(readInstanceTag(client, "../mac"), { code: "INVALID_ARGUMENT" });
});
