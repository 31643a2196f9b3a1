/**
 * Who may call what. Each listener has a policy:
 * - the main Unix socket: anyone who can connect may do anything (the socket's
 *   mode and group are the authorization);
 * - the read-only Unix socket: read-only RPCs only;
 * - TCP (mTLS only): the client certificate's identities are matched against
 *   two allowlists: writers may do anything, readers may call read-only RPCs,
 *   anyone else is refused every RPC.
 * Health and reflection RPCs are read-only.
 */
import type { PeerCertificate } from "node:tls";
import { AgentError } from "../common/index.js";
import type { Caller, ListenerKind } from "./agent-core.js";
import type { EniAgentServiceDefinition } from "./generated/eniagent/v1/EniAgentService.js";

export type Access = "read" | "write";

export type ListenerPolicy =
  | { kind: "unix"; path: string }
  | { kind: "unix-read-only"; path: string }
  | { kind: "tcp"; writers: ReadonlySet<string>; readers: ReadonlySet<string> };

/** Every RPC of EniAgentService; a new RPC without an entry fails to compile. */
const AGENT_METHOD_ACCESS: Record<keyof EniAgentServiceDefinition, Access> = {
  ListDevices: "read",
  GetDevice: "read",
  BindDevice: "write",
  RestoreDevice: "write",
  ConfirmOperation: "write",
  GetOperation: "read",
  ListOperations: "read",
  WatchEvents: "read",
  GetHostReport: "read",
  PrepareTermination: "write",
  PutEniIntent: "write",
  ReleaseEni: "write",
  SyncEniIntents: "write",
  GetEni: "read",
  ListEnis: "read",
};

const AGENT_SERVICE_PREFIX = "/eniagent.v1.EniAgentService/";

/** Access an RPC needs, by its path ("/package.Service/Method"). */
export function methodAccess(path: string): Access {
  if (!path.startsWith(AGENT_SERVICE_PREFIX)) return "read";
  const method = path.slice(AGENT_SERVICE_PREFIX.length);
  // An unknown method of our service needs write access: fail closed.
  return Object.hasOwn(AGENT_METHOD_ACCESS, method)
    ? (AGENT_METHOD_ACCESS[method as keyof EniAgentServiceDefinition] ?? "write")
    : "write";
}

/**
 * The names a client certificate proves: "CN=<common name>" and each subject
 * alternative name as "DNS:…", "URI:…", "IP Address:…", "email:…". Allowlist
 * entries are written the same way, so a CN never matches a DNS name by
 * accident.
 */
export function certificateIdentities(cert: PeerCertificate | undefined): string[] {
  if (cert === undefined || Object.keys(cert).length === 0) return [];
  const names: string[] = [];
  const cn: unknown = cert.subject?.CN;
  for (const value of Array.isArray(cn) ? cn : [cn]) {
    if (typeof value === "string" && value !== "") names.push(`CN=${value}`);
  }
  for (const entry of splitAltNames(cert.subjectaltname ?? "")) names.push(entry);
  return names;
}

/**
 * Node renders SANs as "DNS:a, URI:b"; a value containing a comma or quote is
 * JSON-quoted ('DNS:"a,b"'), so split only outside quotes and unquote.
 */
function splitAltNames(text: string): string[] {
  const out: string[] = [];
  const pattern = /([A-Za-z ]+):("(?:[^"\\]|\\.)*"|[^,]*)(?:,\s*|$)/g;
  for (const match of text.matchAll(pattern)) {
    const [, type, raw] = match;
    if (type === undefined || raw === undefined || match[0] === "") continue;
    let value = raw;
    if (raw.startsWith('"')) {
      try {
        value = JSON.parse(raw) as string;
      } catch {
        continue;
      }
    }
    out.push(`${type}:${value}`);
  }
  return out;
}

/** Who the caller is on this listener; PERMISSION_DENIED for an unknown TCP client. */
export function identify(policy: ListenerPolicy, certificate: PeerCertificate | undefined): Caller {
  switch (policy.kind) {
    case "unix":
      return { listener: "unix", identity: `unix:${policy.path}`, access: "write" };
    case "unix-read-only":
      return { listener: "unix-read-only", identity: `unix:${policy.path}`, access: "read" };
    case "tcp": {
      const names = certificateIdentities(certificate);
      const writer = names.find((n) => policy.writers.has(n));
      if (writer !== undefined) return { listener: "tcp", identity: writer, access: "write" };
      const reader = names.find((n) => policy.readers.has(n));
      if (reader !== undefined) return { listener: "tcp", identity: reader, access: "read" };
      const shown = names.length === 0 ? "no identity" : names.join(", ");
      throw new AgentError(
        "PERMISSION_DENIED",
        `client certificate (${shown}) is not in the allowlist of this listener`,
        { remedy: "add one of the certificate's identities to the TCP readers or writers" },
      );
    }
    default: {
      const unreachable: never = policy;
      return unreachable;
    }
  }
}

/** Identifies the caller and checks it may call `path`; throws PERMISSION_DENIED. */
export function authorize(
  policy: ListenerPolicy,
  path: string,
  certificate: PeerCertificate | undefined,
): Caller {
  const caller = identify(policy, certificate);
  if (methodAccess(path) === "write" && caller.access !== "write") {
    throw new AgentError("PERMISSION_DENIED", deniedMessage(caller.listener, path), {
      remedy:
        caller.listener === "unix-read-only"
          ? "use the main control socket (its group may mutate)"
          : "use a client certificate whose identity is in the TCP writers allowlist",
    });
  }
  return caller;
}

function deniedMessage(listener: ListenerKind, path: string): string {
  const method = path.slice(path.lastIndexOf("/") + 1);
  return listener === "unix-read-only"
    ? `${method} changes the host; this socket serves read-only RPCs`
    : `${method} changes the host; this client identity may only read`;
}
