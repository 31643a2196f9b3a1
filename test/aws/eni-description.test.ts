import type { NetworkInterface } from "@aws-sdk/client-ec2";
import t from "tap";
import { toEniDescription } from "../../src/aws/eni-description.js";

const ENI: NetworkInterface = {
  NetworkInterfaceId: "eni-0f95d3625f5c521cc",
  Status: "in-use",
  MacAddress: "0e:49:61:0f:c3:22",
  Attachment: { AttachmentId: "eni-attach-0123456789abcdef0", Status: "attached", DeviceIndex: 1 },
  TagSet: [{ Key: "owner", Value: "eni-agent" }],
};

t.test("an EC2 answer becomes the agent's view of the ENI", async (t) => {
  t.match(toEniDescription(ENI), {
    eniId: "eni-0f95d3625f5c521cc",
    status: "in-use",
    attachment: { attachmentId: "eni-attach-0123456789abcdef0", deviceIndex: 1 },
    tags: { owner: "eni-agent" },
  });
  t.equal(toEniDescription({ ...ENI, NetworkInterfaceId: "eni-12345678" }).eniId, "eni-12345678");
});

t.test("an answer without a valid ENI id is an internal error", async (t) => {
  for (const id of [undefined, "", "eni-0123456789", "eni-0F95D3625F5C521CC", "eni-../x"]) {
    t.throws(
      () => toEniDescription({ ...ENI, NetworkInterfaceId: id }),
      { code: "INTERNAL" },
      String(id),
    );
  }
});
