/**
 * EC2 Query API responses: XML in the EC2 namespace, lists as `<xxxSet>` of
 * `<item>`, lower-camel element names, and errors as
 * `<Response><Errors><Error><Code>…</Code><Message>…</Message></Error></Errors><RequestID>…`.
 * The AWS SDK parses exactly these shapes (its ec2Query protocol).
 */
import type { FakeEc2Model, FakeEni, FakeInstance } from "./fake-ec2-model.js";

const EC2_XMLNS = "http://ec2.amazonaws.com/doc/2016-11-15/";

export function escapeXml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&apos;");
}

type XmlValue = string | number | boolean | undefined | XmlNode | readonly XmlNode[];
interface XmlNode {
  readonly [name: string]: XmlValue;
}

/** Renders a node: arrays become `<name><item>…</item></name>`, undefined is omitted. */
export function toXml(node: XmlNode): string {
  let out = "";
  for (const [name, value] of Object.entries(node)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      const items = (value as readonly XmlNode[]).map((item) => `<item>${toXml(item)}</item>`);
      out += `<${name}>${items.join("")}</${name}>`;
    } else if (typeof value === "object") {
      out += `<${name}>${toXml(value as XmlNode)}</${name}>`;
    } else {
      out += `<${name}>${escapeXml(String(value))}</${name}>`;
    }
  }
  return out;
}

export function responseXml(action: string, requestId: string, body: XmlNode): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<${action}Response xmlns="${EC2_XMLNS}"><requestId>${requestId}</requestId>` +
    `${toXml(body)}</${action}Response>`
  );
}

export function errorXml(code: string, message: string, requestId: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<Response><Errors><Error><Code>${escapeXml(code)}</Code>` +
    `<Message>${escapeXml(message)}</Message></Error></Errors>` +
    `<RequestID>${requestId}</RequestID></Response>`
  );
}

export function eniXml(model: FakeEc2Model, eni: FakeEni): XmlNode {
  const a = eni.attachment;
  return {
    networkInterfaceId: eni.id,
    subnetId: eni.subnetId,
    vpcId: eni.vpcId,
    availabilityZone: eni.availabilityZone,
    description: eni.description,
    ownerId: eni.ownerId,
    requesterManaged: eni.requesterManaged,
    status: model.status(eni),
    macAddress: eni.mac,
    privateIpAddress: eni.privateIpAddress,
    sourceDestCheck: true,
    groupSet: [],
    attachment: a && {
      attachmentId: a.attachmentId,
      instanceId: a.instanceId,
      instanceOwnerId: eni.ownerId,
      deviceIndex: a.deviceIndex,
      networkCardIndex: a.networkCardIndex,
      status: model.attachmentStatus(a),
      attachTime: new Date(a.attachTimeMs).toISOString(),
      deleteOnTermination: a.deleteOnTermination,
    },
    tagSet: [...eni.tags].map(([key, value]) => ({ key, value })),
    privateIpAddressesSet: [{ privateIpAddress: eni.privateIpAddress, primary: true }],
    interfaceType: "interface",
  };
}

export function instanceXml(model: FakeEc2Model, instance: FakeInstance): XmlNode {
  const enis = [...model.enis.values()].filter((e) => e.attachment?.instanceId === instance.id);
  const primary = enis.find((e) => e.attachment?.deviceIndex === 0);
  return {
    instanceId: instance.id,
    imageId: "ami-12c6146b",
    instanceState: {
      code: instance.state === "running" ? 16 : 48,
      name: instance.state,
    },
    instanceType: "c6in.4xlarge",
    placement: { availabilityZone: model.availabilityZone },
    subnetId: primary?.subnetId,
    vpcId: primary?.vpcId,
    privateIpAddress: primary?.privateIpAddress,
    networkInterfaceSet: enis.map((eni) => ({
      networkInterfaceId: eni.id,
      subnetId: eni.subnetId,
      vpcId: eni.vpcId,
      ownerId: eni.ownerId,
      status: model.status(eni),
      macAddress: eni.mac,
      privateIpAddress: eni.privateIpAddress,
      attachment: eni.attachment && {
        attachmentId: eni.attachment.attachmentId,
        deviceIndex: eni.attachment.deviceIndex,
        networkCardIndex: eni.attachment.networkCardIndex,
        status: model.attachmentStatus(eni.attachment),
        deleteOnTermination: eni.attachment.deleteOnTermination,
      },
    })),
  };
}
