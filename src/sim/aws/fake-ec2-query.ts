/**
 * EC2 Query API request parsing: flattened lists (`NetworkInterfaceId.1`),
 * filters (`Filter.1.Name`, `Filter.1.Value.1`), tags (`Tag.1.Key`), and the
 * filter semantics of DescribeNetworkInterfaces (OR within a filter's values,
 * AND across filters, unknown filter names refused as EC2 does).
 */
import { Ec2Fault, type FakeEc2Model, type FakeEni } from "./fake-ec2-model.js";

export interface Filter {
  readonly name: string;
  readonly values: readonly string[];
}

/** `Prefix.1`, `Prefix.2`, … in index order. */
export function listParam(params: URLSearchParams, prefix: string): string[] {
  const out: [number, string][] = [];
  const pattern = new RegExp(`^${prefix.replaceAll(".", "\\.")}\\.(\\d+)$`);
  for (const [key, value] of params) {
    const m = pattern.exec(key);
    if (m) out.push([Number(m[1]), value]);
  }
  return out.sort((a, b) => a[0] - b[0]).map(([, value]) => value);
}

export function parseFilters(params: URLSearchParams): Filter[] {
  const filters: Filter[] = [];
  for (let n = 1; params.has(`Filter.${n}.Name`); n++) {
    const name = params.get(`Filter.${n}.Name`) as string;
    const values = listParam(params, `Filter.${n}.Value`);
    if (values.length === 0) {
      throw new Ec2Fault("InvalidParameterValue", `The filter '${name}' has no values`);
    }
    filters.push({ name, values });
  }
  return filters;
}

/** `Tag.N.Key`/`Tag.N.Value`, or under `prefix` (`TagSpecification.1.Tag.N.Key`). */
export function parseTags(params: URLSearchParams, prefix = "Tag"): Map<string, string> {
  const tags = new Map<string, string>();
  for (let n = 1; params.has(`${prefix}.${n}.Key`); n++) {
    tags.set(params.get(`${prefix}.${n}.Key`) as string, params.get(`${prefix}.${n}.Value`) ?? "");
  }
  return tags;
}

/**
 * The tags of a create call's `TagSpecification.N` for `resourceType`; a
 * specification for any other resource type is refused, as EC2 does.
 */
export function parseTagSpecifications(
  params: URLSearchParams,
  resourceType: string,
): Map<string, string> {
  const tags = new Map<string, string>();
  for (let n = 1; params.has(`TagSpecification.${n}.ResourceType`); n++) {
    const type = params.get(`TagSpecification.${n}.ResourceType`);
    if (type !== resourceType) {
      throw new Ec2Fault(
        "InvalidParameterValue",
        `'${type}' is not a valid taggable resource type for this operation.`,
      );
    }
    for (const [key, value] of parseTags(params, `TagSpecification.${n}.Tag`)) tags.set(key, value);
  }
  return tags;
}

export function boolParam(params: URLSearchParams, name: string): boolean {
  const value = params.get(name);
  if (value === null) return false;
  if (value !== "true" && value !== "false") {
    throw new Ec2Fault("InvalidParameterValue", `Invalid value '${value}' for ${name}`);
  }
  return value === "true";
}

export function requiredParam(params: URLSearchParams, name: string): string {
  const value = params.get(name);
  if (value === null || value === "") {
    throw new Ec2Fault("MissingParameter", `The request must contain the parameter ${name}`);
  }
  return value;
}

/** The value an ENI has for a filter name, or undefined for an unknown filter name. */
function filterValues(model: FakeEc2Model, eni: FakeEni, name: string): string[] | undefined {
  if (name.startsWith("tag:")) {
    const value = eni.tags.get(name.slice(4));
    return value === undefined ? [] : [value];
  }
  const a = eni.attachment;
  const fields: Record<string, (string | undefined)[]> = {
    "network-interface-id": [eni.id],
    "attachment.instance-id": [a?.instanceId],
    "attachment.attachment-id": [a?.attachmentId],
    "attachment.status": [a && model.attachmentStatus(a)],
    "attachment.device-index": [a && String(a.deviceIndex)],
    status: [model.status(eni)],
    "tag-key": [...eni.tags.keys()],
    "vpc-id": [eni.vpcId],
    "subnet-id": [eni.subnetId],
    "mac-address": [eni.mac],
    "requester-managed": [String(eni.requesterManaged)],
    "owner-id": [eni.ownerId],
  };
  const values = fields[name];
  return values?.filter((v): v is string => v !== undefined);
}

/** Throws InvalidParameterValue on unknown filter names, as EC2 does. */
export function matchesFilters(
  model: FakeEc2Model,
  eni: FakeEni,
  filters: readonly Filter[],
): boolean {
  return filters.every((filter) => {
    const have = filterValues(model, eni, filter.name);
    if (have === undefined) {
      throw new Ec2Fault("InvalidParameterValue", `The filter '${filter.name}' is invalid`);
    }
    return filter.values.some((want) => have.some((value) => wildcard(want, value)));
  });
}

/** EC2 filter values accept `*` and `?` wildcards. */
function wildcard(pattern: string, value: string): boolean {
  if (!/[*?]/.test(pattern)) return pattern === value;
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replaceAll("*", ".*")
    .replaceAll("?", ".");
  return new RegExp(`^${re}$`).test(value);
}

/**
 * Cuts `items` into a page. The token is opaque to clients; it binds the
 * offset to the query so a token replayed with other filters is refused.
 */
export function paginate<T>(
  items: readonly T[],
  params: URLSearchParams,
  queryKey: string,
  limits: { min: number; max: number },
): { page: T[]; nextToken: string | undefined } {
  const raw = params.get("MaxResults");
  const token = params.get("NextToken");
  let offset = 0;
  if (token !== null && token !== "") {
    const decoded = decodeToken(token);
    if (!decoded || decoded.query !== queryKey) {
      throw new Ec2Fault("InvalidParameterValue", `Invalid value '${token}' for NextToken`);
    }
    offset = decoded.offset;
  }
  if (raw === null) return { page: items.slice(offset), nextToken: undefined };
  const size = Number(raw);
  if (!Number.isInteger(size) || size < limits.min || size > limits.max) {
    throw new Ec2Fault(
      "InvalidParameterValue",
      `Value ( ${raw} ) for parameter maxResults is invalid. Expecting a value between ${limits.min} and ${limits.max}.`,
    );
  }
  const page = items.slice(offset, offset + size);
  const next = offset + size < items.length ? encodeToken(offset + size, queryKey) : undefined;
  return { page, nextToken: next };
}

function encodeToken(offset: number, query: string): string {
  return Buffer.from(JSON.stringify({ offset, query })).toString("base64url");
}

function decodeToken(token: string): { offset: number; query: string } | undefined {
  try {
    const value = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as unknown;
    const { offset, query } = value as { offset?: unknown; query?: unknown };
    if (typeof offset === "number" && typeof query === "string") return { offset, query };
  } catch {}
  return undefined;
}
