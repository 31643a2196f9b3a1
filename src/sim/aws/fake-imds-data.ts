/**
 * The metadata a fake IMDS serves, and the scriptable notices. Paths and body
 * formats follow the real service: JSON for spot/rebalance/scheduled events,
 * plain text elsewhere, directory listings with a trailing "/" per entry,
 * scheduled-event dates as "2 Jan 2006 15:04:05 GMT" and spot times as
 * RFC 3339 without fractional seconds.
 */
import { AgentError } from "../../common/index.js";

export interface FakeInterface {
  readonly mac: string;
  readonly interfaceId: string;
  /** 0 for the primary ENI, and for a freshly hot-plugged one until it settles. */
  deviceNumber: number;
  /** Omit on single-card instance types: the path then answers 404. */
  networkCard?: number;
  readonly subnetId: string;
  readonly vpcId: string;
  readonly ownerId: string;
  readonly localIpv4s: readonly string[];
  /** Still listed under macs/ but every sub-path answers 404 (a deleted ENI lingering). */
  stale?: boolean;
}

export type SpotAction = "terminate" | "stop" | "hibernate";
export type ScheduledCode =
  | "instance-reboot"
  | "system-reboot"
  | "system-maintenance"
  | "instance-retirement"
  | "instance-stop";
export type ScheduledState = "active" | "completed" | "canceled";

export interface FakeScheduledEvent {
  readonly eventId: string;
  readonly code: ScheduledCode;
  readonly description: string;
  state: ScheduledState;
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
}

/** Which name the network card index is served under: real instances and the docs differ. */
type NetworkCardPathStyle = "network-card" | "network-card-index" | "both";

export interface FakeImdsData {
  instanceId: string;
  region: string;
  availabilityZone: string;
  accountId: string;
  primaryMac: string;
  interfaces: Map<string, FakeInterface>;
  networkCardPath: NetworkCardPathStyle;
  /** `leadTimeMs` set: the time moves with every request (the metadata mock's default). */
  spot: { action: SpotAction; timeMs: number; leadTimeMs?: number } | undefined;
  asgState: string | undefined;
  scheduled: FakeScheduledEvent[];
  rebalanceNoticeMs: number | undefined;
  /**
   * The instance's tags under meta-data/tags/instance/ when "instance tags
   * in metadata" is enabled; undefined (the default) makes those paths 404.
   */
  instanceTags: Map<string, string> | undefined;
}

/** Test data matching the defaults of Amazon's metadata mock, plus a second ENI. */
export function defaultImdsData(): FakeImdsData {
  const primary: FakeInterface = {
    mac: "0e:49:61:0f:c3:11",
    interfaceId: "eni-0f95d3625f5c521cc",
    deviceNumber: 0,
    subnetId: "subnet-0ac62554",
    vpcId: "vpc-d295a6a7",
    ownerId: "515336597381",
    localIpv4s: ["172.31.15.224"],
  };
  const secondary: FakeInterface = {
    mac: "0e:49:61:0f:c3:22",
    interfaceId: "eni-0a1b2c3d4e5f60718",
    deviceNumber: 1,
    subnetId: "subnet-0ac62554",
    vpcId: "vpc-d295a6a7",
    ownerId: "515336597381",
    localIpv4s: ["172.31.15.225"],
  };
  return {
    instanceId: "i-1234567890abcdef0",
    region: "us-east-1",
    availabilityZone: "us-east-1a",
    accountId: "515336597381",
    primaryMac: primary.mac,
    interfaces: new Map([
      [primary.mac, primary],
      [secondary.mac, secondary],
    ]),
    networkCardPath: "network-card",
    spot: undefined,
    asgState: "InService",
    scheduled: [],
    rebalanceNoticeMs: undefined,
    instanceTags: undefined,
  };
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "2 Jan 2006 15:04:05 GMT", the format of scheduled-event dates. */
export function formatScheduledDate(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, "0");
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${time} GMT`;
}

/** RFC 3339 without fractional seconds, as spot and rebalance notices carry. */
export function formatNoticeTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

const META = "/latest/meta-data/";
const MACS = `${META}network/interfaces/macs/`;
const TAGS = `${META}tags/instance/`;

/** tags/instance/ lists the keys, one per line; tags/instance/<key> is the value. */
function renderTagPath(data: FakeImdsData, key: string): string | undefined {
  if (data.instanceTags === undefined) return undefined;
  if (key === "") return [...data.instanceTags.keys()].join("\n");
  return data.instanceTags.get(key);
}

/** The body served at `path`, or undefined for 404. */
export function renderImdsPath(data: FakeImdsData, path: string): string | undefined {
  if (path === "/latest/dynamic/instance-identity/document") return identityDocument(data);
  if (!path.startsWith(META)) return undefined;
  if (path.startsWith(MACS)) return renderMacPath(data, path.slice(MACS.length));
  if (path.startsWith(TAGS)) return renderTagPath(data, path.slice(TAGS.length));
  switch (path.slice(META.length)) {
    case "mac":
      return data.primaryMac;
    case "instance-id":
      return data.instanceId;
    case "placement/region":
      return data.region;
    case "placement/availability-zone":
      return data.availabilityZone;
    case "spot/instance-action":
      return data.spot
        ? JSON.stringify({ action: data.spot.action, time: formatNoticeTime(data.spot.timeMs) })
        : undefined;
    case "spot/termination-time":
      return data.spot ? formatNoticeTime(data.spot.timeMs) : undefined;
    case "autoscaling/target-lifecycle-state":
      return data.asgState;
    case "events/maintenance/scheduled":
      return JSON.stringify(data.scheduled.map(renderScheduled));
    case "events/recommendations/rebalance":
      return data.rebalanceNoticeMs === undefined
        ? undefined
        : JSON.stringify({ noticeTime: formatNoticeTime(data.rebalanceNoticeMs) });
    default:
      return undefined;
  }
}

function renderMacPath(data: FakeImdsData, rest: string): string | undefined {
  if (rest === "") return [...data.interfaces.keys()].map((mac) => `${mac}/`).join("\n");
  const slash = rest.indexOf("/");
  const mac = slash === -1 ? rest : rest.slice(0, slash);
  const leaf = slash === -1 ? "" : rest.slice(slash + 1);
  const iface = data.interfaces.get(mac);
  if (!iface || iface.stale) return undefined;
  const card = iface.networkCard === undefined ? undefined : String(iface.networkCard);
  const leaves: Record<string, string | undefined> = {
    mac: iface.mac,
    "interface-id": iface.interfaceId,
    "device-number": String(iface.deviceNumber),
    "subnet-id": iface.subnetId,
    "vpc-id": iface.vpcId,
    "owner-id": iface.ownerId,
    "local-ipv4s": iface.localIpv4s.join("\n"),
    "network-card": data.networkCardPath === "network-card-index" ? undefined : card,
    "network-card-index": data.networkCardPath === "network-card" ? undefined : card,
  };
  if (leaf === "") {
    return Object.keys(leaves)
      .filter((key) => leaves[key] !== undefined)
      .join("\n");
  }
  return Object.hasOwn(leaves, leaf) ? leaves[leaf] : undefined;
}

function renderScheduled(event: FakeScheduledEvent): Record<string, string> {
  return {
    NotBefore: formatScheduledDate(event.notBeforeMs),
    Code: event.code,
    Description: event.description,
    EventId: event.eventId,
    NotAfter: formatScheduledDate(event.notAfterMs),
    State: event.state,
  };
}

function identityDocument(data: FakeImdsData): string {
  return JSON.stringify({
    accountId: data.accountId,
    availabilityZone: data.availabilityZone,
    instanceId: data.instanceId,
    region: data.region,
    architecture: "x86_64",
    instanceType: "c6in.4xlarge",
  });
}

export function requireInterface(data: FakeImdsData, mac: string): FakeInterface {
  const iface = data.interfaces.get(mac);
  if (!iface) throw new AgentError("NOT_FOUND", `fake IMDS has no interface ${mac}`);
  return iface;
}
