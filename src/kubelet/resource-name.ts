/**
 * Extended resource names, and the names derived from them: the plugin's
 * socket file and the SR-IOV device plugin's environment variable.
 *
 * kubelet accepts a resource at registration only when it is an extended
 * resource name (k8s.io/kubernetes pkg/apis/core/v1/helper
 * IsExtendedResourceName): it has a "/", its domain is not kubernetes.io
 * (or a subdomain of it), it does not start with "requests.", and
 * "requests." + name is a qualified name (a DNS-1123 subdomain of at most
 * 253 characters before the "/", a name of at most 63 characters of
 * [A-Za-z0-9._-] that starts and ends alphanumeric after it). The
 * configuration checks the same rule, so a bad name fails at start, not
 * at registration.
 */
import { AgentError, type Brand } from "../common/index.js";

export type ResourceName = Brand<string, "ResourceName">;

const DNS_LABEL = "[a-z0-9](?:[-a-z0-9]*[a-z0-9])?";
const SUBDOMAIN = new RegExp(`^${DNS_LABEL}(?:\\.${DNS_LABEL})*$`);
const NAME = /^[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** Why `value` is not an extended resource name kubelet accepts; null when it is one. */
export function resourceNameProblem(value: string): string | null {
  const slash = value.indexOf("/");
  if (slash < 0) return 'needs a domain, e.g. "eni-agent.io/ena-dpdk"';
  const domain = value.slice(0, slash);
  const name = value.slice(slash + 1);
  if (domain === "kubernetes.io" || domain.endsWith(".kubernetes.io")) {
    return "the kubernetes.io domain is reserved for native resources";
  }
  if (value.startsWith("requests.")) return 'must not start with "requests."';
  // kubelet checks "requests." + name: the domain gets 9 characters fewer.
  const quotaDomain = `requests.${domain}`;
  if (quotaDomain.length > 253 || !SUBDOMAIN.test(quotaDomain)) {
    return "the domain must be a lower-case DNS subdomain";
  }
  if (name.length === 0 || name.length > 63 || !NAME.test(name)) {
    return "the name after the domain must be 1 to 63 characters of [A-Za-z0-9._-], starting and ending alphanumeric";
  }
  return null;
}

/** INVALID_ARGUMENT when kubelet would refuse the name. */
export function parseResourceName(value: string): ResourceName {
  const problem = resourceNameProblem(value);
  if (problem !== null) {
    throw new AgentError("INVALID_ARGUMENT", `${JSON.stringify(value)} ${problem}`);
  }
  return value as ResourceName;
}

/**
 * The SR-IOV network device plugin's variable for a resource:
 * "PCIDEVICE_<domain>_<name>", upper case, every "." turned into "_"
 * (k8snetworkplumbingwg/sriov-network-device-plugin, pkg/resources
 * pool_stub.go GetEnvs; "-" is kept, as there). The value lists the PCI
 * addresses given to the container, comma-separated.
 */
export function sriovEnvName(resource: ResourceName): string {
  const slash = resource.indexOf("/");
  const key = `PCIDEVICE_${resource.slice(0, slash)}_${resource.slice(slash + 1)}`;
  return key.replaceAll(".", "_").toUpperCase();
}

/**
 * The file name of a resource's socket in kubelet's device plugin
 * directory: "eni-agent-" and the name with every character but
 * [a-z0-9-] turned into "-", lower case, e.g.
 * "eni-agent-eni-agent-io-ena-dpdk.sock". Two names that map to the same
 * file are refused by the configuration.
 */
export function socketFileName(resource: ResourceName): string {
  return `eni-agent-${resource.toLowerCase().replace(/[^a-z0-9-]/g, "-")}.sock`;
}
