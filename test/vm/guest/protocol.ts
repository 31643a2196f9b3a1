import type { GuestResult } from "../guest-entry.js";

/**
 * The guest reports over the serial console, which also carries kernel and
 * program output. Protocol lines carry a per-boot random nonce (given on the
 * kernel command line), so nothing else printed there can pass for a result.
 *
 *   ENI-VM <nonce> begin {"entry":"smoke","config":"viommu","uptimeS":3.9}
 *   ENI-VM <nonce> result {"id":"...","ok":true,"detail":"..."}
 *   ENI-VM <nonce> end {"count":4,"runMs":812}
 */
export type ProtocolEvent =
  | { kind: "begin"; entry: string; config: string; uptimeS: number }
  | { kind: "result"; result: GuestResult }
  | { kind: "end"; count: number; runMs: number };

const PREFIX = "ENI-VM";

export function formatEvent(nonce: string, event: ProtocolEvent): string {
  const { kind, ...body } = event;
  const payload = kind === "result" ? event.result : body;
  return `${PREFIX} ${nonce} ${kind} ${JSON.stringify(payload)}`;
}

/** Parses one console line; undefined for lines that are not ours. Throws on a malformed one. */
export function parseEvent(nonce: string, line: string): ProtocolEvent | undefined {
  const head = `${PREFIX} ${nonce} `;
  const text = line.replace(/\r$/, "");
  const at = text.indexOf(head);
  if (at < 0) return undefined;
  const rest = text.slice(at + head.length);
  const space = rest.indexOf(" ");
  const kind = rest.slice(0, space);
  const body: unknown = JSON.parse(rest.slice(space + 1));
  if (typeof body !== "object" || body === null)
    throw new Error(`protocol: not an object: ${line}`);
  const o = body as Record<string, unknown>;
  switch (kind) {
    case "begin":
      return {
        kind,
        entry: String(o.entry),
        config: String(o.config),
        uptimeS: Number(o.uptimeS),
      };
    case "result":
      if (typeof o.id !== "string" || typeof o.ok !== "boolean") {
        throw new Error(`protocol: result needs a string id and a boolean ok: ${line}`);
      }
      return {
        kind,
        result: {
          id: o.id,
          ok: o.ok,
          ...(o.detail === undefined ? {} : { detail: String(o.detail) }),
          ...(o.report === undefined ? {} : { report: String(o.report) }),
        },
      };
    case "end":
      return { kind, count: Number(o.count), runMs: Number(o.runMs) };
    default:
      throw new Error(`protocol: unknown event ${JSON.stringify(kind)}`);
  }
}

/** Reads `key=value` words of a kernel command line. */
export function parseCmdline(cmdline: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const word of cmdline.trim().split(/\s+/)) {
    const eq = word.indexOf("=");
    if (eq > 0) out.set(word.slice(0, eq), word.slice(eq + 1));
  }
  return out;
}
