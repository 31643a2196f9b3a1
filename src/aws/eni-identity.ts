/**
 * ENI identity from IMDS: for each MAC under network/interfaces/macs/, the ENI
 * id, device number, network card, subnet, VPC and owner. The MAC at
 * meta-data/mac is the primary ENI; nothing else is ever called primary.
 *
 * IMDS lags EC2: a new ENI can take ~30 s to appear and reports
 * device-number 0 until it propagates; a deleted ENI can stay listed with
 * sub-paths that 404. Such entries are reported (unsettled) or skipped, never
 * a reason to fail the whole refresh. Transport errors do fail it: a partial
 * map would look like ENIs disappearing.
 */
import {
  AgentError,
  type EniId,
  isCanonicalMac,
  isEniId,
  type Mac,
  quoteInput,
} from "../common/index.js";
import { isAwsRegion } from "./aws-region.js";
import type { ImdsGetOptions, MetadataReader } from "./imds-client.js";

export interface EniIdentity {
  readonly mac: Mac;
  readonly eniId: EniId;
  /** As IMDS reports it; reads 0 for a freshly hot-plugged ENI until it settles. */
  readonly deviceNumber: number;
  /** False while a non-primary ENI still reports device-number 0: do not rely on it yet. */
  readonly deviceNumberSettled: boolean;
  /** Network card index; undefined on single-card types, where IMDS has no such path. */
  readonly networkCard: number | undefined;
  /** Undefined when IMDS does not serve them (metadata stubs); EC2 always does. */
  readonly subnetId: string | undefined;
  readonly vpcId: string | undefined;
  readonly ownerId: string | undefined;
  readonly localIpv4s: readonly string[];
  /** True only for the MAC at meta-data/mac. */
  readonly primary: boolean;
}

export interface InstanceIdentity {
  readonly instanceId: string;
  /**
   * null when IMDS has neither placement/region nor an identity document
   * (a metadata stub): the Region then has to come from the configuration.
   */
  readonly region: string | null;
  readonly primaryMac: Mac;
}

type SkipReason = "stale" | "malformed";

interface RefreshIdentityOptions extends ImdsGetOptions {
  /** Known primary MAC; read from meta-data/mac when omitted. */
  readonly primaryMac?: Mac;
  /** Told about each listed MAC that was left out of the map, and why. */
  readonly onSkipped?: (mac: string, reason: SkipReason, detail: string) => void;
}

const META = "/latest/meta-data/";
const MACS = `${META}network/interfaces/macs/`;
const INSTANCE_ID = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

/**
 * Instance id, Region (placement/region, else the identity document, else
 * null) and primary MAC. A Region that is there but malformed is an error.
 */
export async function readInstanceIdentity(
  imds: MetadataReader,
  options: ImdsGetOptions = {},
): Promise<InstanceIdentity> {
  const [instanceId, primaryMac, placementRegion] = await Promise.all([
    required(imds, `${META}instance-id`, options),
    readPrimaryMac(imds, options),
    optional(imds, `${META}placement/region`, options),
  ]);
  if (!INSTANCE_ID.test(instanceId)) throw malformed("instance-id", instanceId);
  const region = placementRegion ?? (await regionFromDocument(imds, options));
  if (region !== null && !isAwsRegion(region)) throw malformed("region", region);
  return { instanceId, region, primaryMac };
}

/**
 * Reads every listed ENI; returns MAC → identity. Throws AgentError from the
 * IMDS client (UNAVAILABLE, DEADLINE_EXCEEDED, ...) when IMDS cannot answer.
 */
export async function refreshEniIdentities(
  imds: MetadataReader,
  options: RefreshIdentityOptions = {},
): Promise<Map<Mac, EniIdentity>> {
  const primaryMac = options.primaryMac ?? (await readPrimaryMac(imds, options));
  const listing = await required(imds, MACS, options);
  const macs = listing
    .split("\n")
    .map((line) => line.trim().replace(/\/$/, "").toLowerCase())
    .filter((line) => line !== "");
  const identities = await Promise.all(macs.map((mac) => readOne(imds, mac, primaryMac, options)));
  const map = new Map<Mac, EniIdentity>();
  for (const identity of identities) if (identity) map.set(identity.mac, identity);
  return map;
}

async function readOne(
  imds: MetadataReader,
  mac: string,
  primaryMac: Mac,
  options: RefreshIdentityOptions,
): Promise<EniIdentity | undefined> {
  const skip = (reason: SkipReason, detail: string): undefined => {
    options.onSkipped?.(mac, reason, detail);
    return undefined;
  };
  // The listed spelling is the key of its sub-paths: only the canonical one is accepted.
  if (!isCanonicalMac(mac)) {
    return skip("malformed", `listed entry ${quoteInput(mac)} is not a MAC`);
  }
  const base = `${MACS}${mac}/`;
  // interface-id first: a stale entry (deleted ENI still listed) 404s here,
  // and we stop before reading its other sub-paths. interface-id and
  // device-number are what the agent needs; subnet, VPC and owner are
  // reported when IMDS has them (EC2 always does; metadata stubs may not,
  // and treating their absence as staleness left such hosts with no ENIs).
  const eniId = await optional(imds, `${base}interface-id`, options);
  if (eniId === undefined) return skip("stale", "interface-id answers 404");
  const [deviceText, subnetId, vpcId, ownerId, ipv4s, card, cardIndex] = await Promise.all([
    optional(imds, `${base}device-number`, options),
    optional(imds, `${base}subnet-id`, options),
    optional(imds, `${base}vpc-id`, options),
    optional(imds, `${base}owner-id`, options),
    optional(imds, `${base}local-ipv4s`, options),
    optional(imds, `${base}network-card`, options),
    // The docs and Amazon's metadata mock say network-card-index; real
    // instances answer network-card. Accept either.
    optional(imds, `${base}network-card-index`, options),
  ]);
  if (deviceText === undefined) return skip("stale", "device-number answers 404");
  const cardText = card ?? cardIndex;
  const absentOr = (value: string | undefined, pattern: RegExp): boolean =>
    value === undefined || pattern.test(value);
  const valid =
    isEniId(eniId) &&
    /^\d{1,3}$/.test(deviceText) &&
    absentOr(cardText, /^\d{1,3}$/) &&
    absentOr(subnetId, /^subnet-[0-9a-f]+$/) &&
    absentOr(vpcId, /^vpc-[0-9a-f]+$/) &&
    absentOr(ownerId, /^\d{12}$/);
  if (!valid) return skip("malformed", `unexpected identity values for ${eniId}`);
  const primary = mac === primaryMac;
  const deviceNumber = Number(deviceText);
  return {
    mac,
    eniId,
    deviceNumber,
    deviceNumberSettled: primary || deviceNumber !== 0,
    networkCard: cardText === undefined ? undefined : Number(cardText),
    subnetId,
    vpcId,
    ownerId,
    localIpv4s: (ipv4s ?? "").split("\n").filter((ip) => ip !== ""),
    primary,
  };
}

async function readPrimaryMac(imds: MetadataReader, options: ImdsGetOptions): Promise<Mac> {
  const mac = (await required(imds, `${META}mac`, options)).toLowerCase();
  if (!isCanonicalMac(mac)) throw malformed("mac", mac);
  return mac;
}

async function regionFromDocument(
  imds: MetadataReader,
  options: ImdsGetOptions,
): Promise<string | null> {
  const text = await optional(imds, "/latest/dynamic/instance-identity/document", options);
  if (text === undefined) return null;
  let region: unknown;
  try {
    region = (JSON.parse(text) as { region?: unknown }).region;
  } catch (err) {
    throw new AgentError("INTERNAL", "instance identity document is not JSON", { cause: err });
  }
  if (typeof region !== "string") throw malformed("identity document region", String(region));
  return region;
}

async function optional(
  imds: MetadataReader,
  path: string,
  options: ImdsGetOptions,
): Promise<string | undefined> {
  const result = await imds.get(path, options);
  return result.kind === "found" ? result.body.trim() : undefined;
}

async function required(
  imds: MetadataReader,
  path: string,
  options: ImdsGetOptions,
): Promise<string> {
  const text = await optional(imds, path, options);
  if (text === undefined) {
    throw new AgentError("UNAVAILABLE", `IMDS has no ${path} (yet)`, { path });
  }
  return text;
}

function malformed(what: string, value: string): AgentError {
  return new AgentError("INTERNAL", `IMDS ${what} is malformed: ${quoteInput(value)}`);
}
