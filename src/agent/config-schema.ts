/**
 * The configuration (`/etc/eni-agent/config.json`), one schema for the
 * daemon and every offline command: its keys, defaults, rules and reference
 * text. The AgentConfig type is inferred from it, and the reference table of
 * docs/daemon.md is generated from it (`npm run docs:config`). Pure (no
 * I/O): config-file.ts reads the file.
 *
 * To add a key: add one `key(...)` entry to its section below (schema,
 * default, reference text), then run `npm run docs:config`; if it needs a
 * restart to change, add it to RESTART_KEYS in config-diff.ts.
 */
import * as v from "valibot";
import { ENI_RELEASE_MODES, LIFECYCLE_ACTION_RESULTS } from "../aws/release-plan/plan-record.js";
import { SPOT_ACTIONS } from "../aws/termination-notice.js";
import { parseDesiredBinding } from "../driver/desired-state.js";
import { DEFAULT_LISTENER_LIMITS, type ListenerLimits } from "../server/server-options.js";
import { othersMayWrite } from "../server/unix-socket.js";
import {
  DEFAULT_DRIVER_ALLOWLIST,
  parseInterfaceName,
  parseKernelDriverName,
  parseMac,
} from "../sysfs/parse.js";
import { devicePlugin, poolDriverFinding } from "./config-device-plugin.js";
import {
  absolutePath,
  boolean,
  checked,
  type DeepReadonly,
  deepFreeze,
  integer,
  key,
  listOf,
  oneOf,
  parsedBy,
  recordOf,
  rule,
  section,
  text,
  validate,
} from "./config-kit.js";

export const DEFAULT_CONFIG_PATH = "/etc/eni-agent/config.json";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
/** The release plan's modes, under the configuration's name. */
export const RELEASE_POLICIES = ENI_RELEASE_MODES;

const HOUR = 3_600_000;
const HOST_PORT = /^(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/;
const ENDPOINT = /^https?:\/\/(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;
const LIFECYCLE_HOOK_NAME = /^[A-Za-z0-9\-_/]{1,255}$/;
const GROUP_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/;
const OCTAL_MODE = /^0?[0-7]{3}$/;

// ---- value kinds: a schema plus what the reference says is accepted ----

const hostPort = () =>
  v.pipe(
    text(),
    checked((value) => {
      const port = Number(value.slice(value.lastIndexOf(":") + 1));
      return HOST_PORT.test(value) && port <= 65_535 ? null : 'must be "host:port"';
    }),
  );

const endpoint = () =>
  v.pipe(
    text(),
    checked((value) =>
      ENDPOINT.test(value) ? null : "must be http(s)://host[:port] without a path",
    ),
  );

/** A "vendor:device" id, lower-cased. */
const vendorDevice = () =>
  v.pipe(
    text(),
    checked((id) =>
      /^[0-9a-fA-F]{4}:[0-9a-fA-F]{4}$/.test(id)
        ? null
        : 'must be "vendor:device", e.g. "8086:10d3"',
    ),
    v.toLowerCase(),
  );

/** A duration in milliseconds. */
function ms(fallback: number, min: number, max: number, doc: string) {
  return key(v.optional(integer(min, max), fallback), { doc, values: `${min}–${max} ms` });
}

function count(fallback: number, min: number, max: number, doc: string) {
  return key(v.optional(integer(min, max), fallback), { doc, values: `${min}–${max}` });
}

function flag(fallback: boolean, doc: string) {
  return key(v.optional(boolean(), fallback), { doc });
}

function choice<const T extends readonly [string, ...string[]]>(
  options: T,
  fallback: T[number],
  doc: string,
) {
  return key(v.optional(oneOf(options), fallback), {
    doc,
    values: options.map((o) => `\`${o}\``).join(", "),
  });
}

/** A directory, `fallback` when absent or null. */
function directory(fallback: string, doc: string) {
  return key(v.nullish(absolutePath(), fallback), { doc, values: "absolute path" });
}

/** A section whose keys all have defaults: absent or null means every default. */
function defaulted<S extends v.GenericSchema<Record<string, unknown>>>(schema: S) {
  return v.nullish(schema, {});
}

// ---- listeners ----

type ListenerName = "socket" | "readOnlySocket" | "tcp";

function budget(name: ListenerName, limits: ListenerLimits, what: string) {
  return {
    maxConnections: count(
      limits.maxConnections,
      1,
      65_536,
      `Connections open at once on ${what}; one past it is closed as soon as it is accepted${name === "tcp" ? " (counted from accept, before the TLS handshake)" : ""}. The caps of all listeners together must fit the process's open-file limit (\`LimitNOFILE=\`) less a reserve, checked at start.`,
    ),
    maxWatchStreams: count(
      limits.maxWatchStreams,
      1,
      100_000,
      `WatchEvents streams open at once on ${what}, and as many Health.Watch streams; the next is refused with UNAVAILABLE until one closes. Each open WatchEvents stream holds a subscription and a queue of up to 1,024 events.`,
    ),
  };
}

function socket(name: "socket" | "readOnlySocket", path: string, mode: string, what: string) {
  const modeRule = (value: string): string | null => {
    if (!OCTAL_MODE.test(value)) return 'must be an octal mode string such as "0660"';
    // Connecting needs write permission on the socket: "other" write on the
    // main socket would let every local user move NICs.
    if (name === "socket" && othersMayWrite(Number.parseInt(value, 8))) {
      return 'must not give others write access (it would let every local user call every RPC); use "0660" and a group, and the read-only socket for everyone else';
    }
    return null;
  };
  const limits = DEFAULT_LISTENER_LIMITS[name === "socket" ? "unix" : "unix-read-only"];
  return section({
    path: key(v.nullish(absolutePath(), path), {
      doc: `Where ${what} listens.`,
      values: "absolute path",
    }),
    group: key(
      v.nullish(
        v.pipe(
          v.union([v.string(), v.number()], "must be a group name or a numeric gid"),
          v.check(
            (g) => (typeof g === "string" ? GROUP_NAME.test(g) : Number.isInteger(g) && g >= 0),
            "must be a group name or a numeric gid",
          ),
        ),
        null,
      ),
      {
        doc: "Group owning the socket: a name (looked up in `/etc/group` at start) or a numeric gid. See the note on groups below.",
        shown: "the daemon's group",
        values: "group name or gid",
      },
    ),
    mode: key(
      v.pipe(
        v.nullish(v.pipe(text(), checked(modeRule)), mode),
        v.transform((octal) => Number.parseInt(octal, 8)),
      ),
      {
        doc:
          name === "socket"
            ? "Mode of the socket. A mode that gives others write access (`0666`, `0662`, …) is refused: connecting to a Unix socket needs write permission, so it would let every local user call every RPC; serve them on the read-only socket instead."
            : "Mode of the socket; any local user may connect by default.",
        shown: `\`"${mode}"\``,
        values: "octal string",
      },
    ),
    ...budget(name, limits, what),
  });
}

const tcp = v.pipe(
  section({
    address: key(hostPort(), {
      doc: "Where the TCP listener listens, e.g. `[::]:50551`.",
      values: "host:port",
      missing: 'is required, e.g. "0.0.0.0:50551"',
    }),
    tls: key(
      section({
        cert: key(absolutePath(), {
          doc: "PEM server certificate chain.",
          values: "absolute path",
        }),
        key: key(absolutePath(), { doc: "PEM key of that certificate.", values: "absolute path" }),
        clientCa: key(absolutePath(), {
          doc: "PEM CA bundle that client certificates must chain to. The three files are read and checked at start: a file that holds no certificate (an empty CA bundle would refuse every client), a certificate that does not parse, or a key that is not the certificate's is a configuration error naming the file.",
          values: "absolute path",
        }),
      }),
      {
        doc: "The listener's certificate, key and client CA (mutual TLS).",
        missing: "plaintext TCP is refused; set tls.cert, tls.key and tls.clientCa",
      },
    ),
    writers: key(v.optional(listOf(text(), "must be an array of strings"), []), {
      doc: "Client identities (`CN=…`, `DNS:…`, `URI:…`) allowed every RPC.",
    }),
    readers: key(v.optional(listOf(text(), "must be an array of strings"), []), {
      doc: "Client identities allowed the read-only RPCs. `writers` and `readers` together name at least one.",
    }),
    ...budget("tcp", DEFAULT_LISTENER_LIMITS.tcp, "the TCP listener"),
  }),
  rule((t) =>
    t.writers.length === 0 && t.readers.length === 0
      ? [
          ["writers"],
          'no client identity is allowed; list some in writers or readers, e.g. "CN=controller"',
        ]
      : null,
  ),
);

const listeners = v.pipe(
  section(
    {
      socket: defaulted(
        socket("socket", "/run/eni-agent/eni-agent.sock", "0660", "the main socket (every RPC)"),
      ),
      readOnlySocket: key(
        v.nullish(
          socket(
            "readOnlySocket",
            "/run/eni-agent-ro/eni-agent.sock",
            "0666",
            "the read-only socket",
          ),
          null,
        ),
        {
          doc: "A second socket for the read-only RPCs (`{}` turns it on with its defaults). It needs a directory others can traverse, not the `0750` one of the main socket. Any local user may connect, so its budget is the smallest.",
          shown: "off (`null`)",
        },
      ),
      tcp: key(v.nullish(tcp, null), {
        doc: "A TCP listener, with mutual TLS only.",
        shown: "off (`null`)",
      }),
      prefaceTimeoutMs: ms(
        10_000,
        100,
        120_000,
        "A new connection must send the HTTP/2 client preface within this (on TCP: finish the TLS handshake within this, then send the preface within this), or it is closed. Every listener.",
      ),
      idleTimeoutMs: ms(
        300_000,
        1_000,
        24 * HOUR,
        "A connection without a call for this long is sent a GOAWAY and closed. A connection with an open stream is never idle.",
      ),
    },
    {
      maxWatchStreams:
        "was replaced by a cap per listener: listeners.socket.maxWatchStreams, listeners.readOnlySocket.maxWatchStreams, listeners.tcp.maxWatchStreams",
    },
  ),
  rule((l) =>
    l.readOnlySocket !== null && l.readOnlySocket.path === l.socket.path
      ? [["readOnlySocket"], "must not share the path of listeners.socket"]
      : null,
  ),
);

// ---- the driver engine ----

const guards = section({
  primaryMac: key(v.nullish(v.pipe(text(), parsedBy(parseMac)), null), {
    doc: "The primary ENI's MAC: never taken from the kernel without force. Until IMDS names the primary ENI; then IMDS wins. The default-route guard applies either way.",
    shown: "`null`",
    values: "MAC",
  }),
  primaryInterface: key(v.nullish(v.pipe(text(), parsedBy(parseInterfaceName)), null), {
    doc: "The primary interface by name, as `primaryMac`.",
    shown: "`null`",
    values: "interface name",
  }),
});

const binding = v.pipe(
  section({
    eniId: v.optional(text()),
    mac: v.optional(text()),
    driver: text(),
  }),
  rule((b) =>
    (b.eniId === undefined) === (b.mac === undefined) ? [[], 'needs "eniId" or "mac"'] : null,
  ),
);

const transactions = section({
  maxParallel: count(4, 1, 64, "Devices moving at once."),
  writeTimeoutMs: ms(
    30_000,
    100,
    HOUR,
    "Deadline of one sysfs write; a write past it marks the device STUCK (docs/driver.md).",
  ),
  maxBlockingWrites: count(
    8,
    1,
    64,
    "Sysfs writes that may hold a libuv thread at once, stuck ones included; keep it below `UV_THREADPOOL_SIZE` (16 under the shipped unit).",
  ),
  verifyTimeoutMs: ms(
    10_000,
    100,
    HOUR,
    "How long verification waits for the target (a netdev registers after its probe).",
  ),
  holderScanTimeoutMs: ms(
    2_000,
    10,
    HOUR,
    "How long the holder check reads `/proc` to name who holds a vfio device the kernel shows open (`enable` > 0); past it, the move is refused with the holder unknown (docs/driver.md, the holder check).",
  ),
  drainTimeoutMs: ms(
    60_000,
    100,
    HOUR,
    "On stop: how long calls in flight get to answer, and then how long running transactions get to end. The daemon only.",
  ),
});

// ---- AWS ----

const imds = section({
  enabled: flag(true, 'Off: no identity, no termination watcher (health says "disabled").'),
  endpoint: key(v.nullish(endpoint(), "http://169.254.169.254"), {
    doc: "IMDS base URL (`http://[fd00:ec2::254]` on IPv6-only instances). IMDSv2 only.",
    values: "http(s)://host[:port]",
  }),
  requestTimeoutMs: ms(1_000, 50, 60_000, "Hard timeout of one IMDS request."),
  identityIntervalMs: ms(
    300_000,
    100,
    HOUR,
    "Refresh of instance and ENI identity. A device that appears refreshes it at once, so the interval only catches what IMDS changed without a hotplug.",
  ),
  spotIntervalMs: ms(
    5_000,
    100,
    HOUR,
    "Poll of the spot interruption notice (AWS recommends every 5 s; the notice comes 2 minutes ahead and carries its own deadline).",
  ),
  asgIntervalMs: ms(
    5_000,
    100,
    HOUR,
    "Poll of the Auto Scaling lifecycle state (its deadline counts from one interval before the sighting).",
  ),
  scheduledIntervalMs: ms(15_000, 100, HOUR, "Poll of scheduled events."),
  rebalanceIntervalMs: ms(5_000, 100, HOUR, "Poll of rebalance recommendations."),
});

const ec2 = section({
  region: key(
    v.nullish(
      v.pipe(
        text(),
        checked((r) => (REGION.test(r) ? null : "is not an AWS Region")),
      ),
      null,
    ),
    { doc: "Region of the EC2 client.", shown: "from IMDS" },
  ),
  endpoint: key(v.nullish(endpoint(), null), {
    doc: "EC2 endpoint (a VPC endpoint, or a fake).",
    shown: "the Region's",
    values: "http(s)://host[:port]",
  }),
  ownerTag: defaulted(
    section({
      key: key(
        v.nullish(
          v.pipe(
            text(),
            checked((k) => (k.startsWith("aws:") ? 'must not start with "aws:"' : null)),
          ),
          "eni-agent:owner",
        ),
        { doc: "Key of the tag that marks ENIs the agent owns; no other ENI is ever changed." },
      ),
      value: key(v.nullish(text(), "eni-agent"), { doc: "Value of that tag." }),
    }),
  ),
  releasePolicy: choice(
    RELEASE_POLICIES,
    "detach-and-delete",
    "What the termination plan does with an owned ENI after its device is back with the kernel; `delete-on-termination` marks it and lets EC2 delete it with the instance.",
  ),
  deleteOnTerminationOnBind: flag(
    true,
    "Mark an owned ENI's attachment DeleteOnTermination when its device is bound to a DPDK driver, so a dead agent or a missed notice leaks nothing.",
  ),
  forceDetach: flag(
    false,
    "Send Force on detach (a last resort: the device index may stay unusable until the instance stops).",
  ),
  leakSweep: defaulted(
    section({
      enabled: flag(
        false,
        "Periodically delete owned ENIs left `available` (seen so in two consecutive sweeps and older than `minAgeMs`).",
      ),
      dryRun: flag(false, "Send DryRun on the sweep's deletes and only log what would go."),
      intervalMs: ms(300_000, 1_000, 24 * HOUR, "Time between sweeps (with ±20 % jitter)."),
      minAgeMs: ms(
        300_000,
        0,
        30 * 24 * HOUR,
        "Younger ENIs are left alone (a controller may be about to attach them).",
      ),
      createdAtTag: key(
        v.nullish(
          v.pipe(
            text('must be non-empty and not start with "aws:"'),
            checked((k) =>
              k.startsWith("aws:") ? 'must be non-empty and not start with "aws:"' : null,
            ),
          ),
          "eni-agent/created-at",
        ),
        {
          doc: "Tag holding an ENI's creation time; without it, age counts from the first sighting.",
        },
      ),
    }),
  ),
});

const autoScaling = section({
  endpoint: key(v.nullish(endpoint(), null), {
    doc: "Auto Scaling endpoint (a VPC endpoint, or an emulator).",
    shown: "the Region's",
    values: "http(s)://host[:port]",
  }),
  lifecycleHook: key(
    v.nullish(
      section({
        name: key(
          v.pipe(
            text(),
            checked((n) =>
              LIFECYCLE_HOOK_NAME.test(n)
                ? null
                : "must be 1..255 letters, digits and - _ / (a lifecycle hook name)",
            ),
          ),
          { doc: "The hook's name.", values: "1–255 of A-Z a-z 0-9 - _ /" },
        ),
        groupName: key(
          v.nullish(
            v.pipe(
              text(),
              checked((g) => (g.length <= 255 ? null : "must be 1..255 characters")),
            ),
            null,
          ),
          {
            doc: "The group; default: the instance tag `aws:autoscaling:groupName` from IMDS (instance tags in metadata enabled), else DescribeAutoScalingInstances.",
            shown: "discovered",
          },
        ),
        onFailure: choice(
          LIFECYCLE_ACTION_RESULTS,
          "CONTINUE",
          "The result when the plan failed (`ABANDON` ends the remaining hooks' actions too). A plan that succeeded always completes with `CONTINUE`.",
        ),
      }),
      null,
    ),
    {
      doc: '`{ "name": "…" }`: the terminate lifecycle hook whose action a plan for an Auto Scaling notice completes (CompleteLifecycleAction), after heartbeats while it runs. Off: the instance waits for the hook\'s timeout.',
      shown: "off (`null`)",
    },
  ),
});

const termination = section({
  act: defaulted(
    section({
      spot: key(v.optional(listOf(oneOf(SPOT_ACTIONS)), ["terminate", "stop"]), {
        doc: "Spot interruption actions that start the plan (`hibernate` keeps the ENIs).",
        values: SPOT_ACTIONS.map((a) => `\`${a}\``).join(", "),
      }),
      asg: flag(
        true,
        "The Auto Scaling group moving the instance to `Terminated` starts the plan.",
      ),
      scheduled: key(
        v.optional(listOf(text(), "must be an array of strings"), [
          "instance-stop",
          "instance-retirement",
        ]),
        { doc: "Scheduled event codes that start the plan." },
      ),
      rebalance: flag(false, "A rebalance recommendation starts the plan."),
    }),
  ),
  graceMs: ms(
    5_000,
    0,
    HOUR,
    "The plan's EC2 work aims to end this long before the notice's deadline.",
  ),
  dpdkGraceMs: ms(
    5_000,
    0,
    HOUR,
    "DPDK applications get this long after a notice before their devices are taken back (shortened when the deadline is near).",
  ),
  concurrency: count(
    4,
    1,
    32,
    "Detach, delete and DeleteOnTermination calls in flight at once; every owned ENI is worked on together.",
  ),
  asgLifecycleHookTimeoutMs: ms(
    120_000,
    1_000,
    48 * HOUR,
    "Deadline of an ASG notice: the terminate lifecycle hook's heartbeat timeout. With `autoScaling.lifecycleHook`, heartbeats go every half of it while the plan runs.",
  ),
  defaultDeadlineMs: ms(
    60_000,
    1_000,
    HOUR,
    "Deadline of a plan whose notice has none (`PrepareTermination`, rebalance).",
  ),
});

// ---- the file ----

/** Keys of the offline commands' former format, refused with their replacement. */
const RETIRED: Readonly<Record<string, string>> = {
  allowedIds: "was replaced by allowedDevices",
  primary: "was replaced by guards.primaryMac and guards.primaryInterface",
  desiredBindings: "was replaced by bindings",
  writeTimeoutMs: "was replaced by transactions.writeTimeoutMs",
  verifyTimeoutMs: "was replaced by transactions.verifyTimeoutMs",
  maxParallel: "was replaced by transactions.maxParallel",
  maxBlockingWrites: "was replaced by transactions.maxBlockingWrites",
};

const root = section(
  {
    stateDir: directory(
      "/var/lib/eni-agent",
      "Journal (`journal.log`), persisted desired bindings (`desired.json`), the lock; created `0700`.",
    ),
    sysfsRoot: directory("/sys", "What stands for `/sys` (a test tree)."),
    procRoot: directory(
      "/proc",
      "What stands for `/proc` (default routes, holders of device nodes).",
    ),
    devRoot: directory("/dev", "What stands for `/dev` in device node paths."),
    logLevel: choice(LOG_LEVELS, "info", "Level of the JSON log on standard output."),
    listeners: defaulted(listeners),
    allowedDevices: key(v.optional(listOf(vendorDevice(), "must be an array of strings"), []), {
      doc: "`vendor:device` ids managed besides ENA's `1d0f:ec20`/`1d0f:ec21` (e.g. a test NIC `8086:10d3`). Offline, `--allow` adds to it.",
      values: '"vendor:device"',
    }),
    allowedDrivers: key(
      v.optional(
        listOf(v.pipe(text(), parsedBy(parseKernelDriverName)), "must be an array of strings"),
        [...DEFAULT_DRIVER_ALLOWLIST],
      ),
      { doc: "Drivers a request may name." },
    ),
    kernelDrivers: key(
      v.optional(
        recordOf(
          vendorDevice(),
          v.pipe(text('must be a driver name, e.g. "e1000e"'), parsedBy(parseKernelDriverName)),
        ),
        {},
      ),
      {
        doc: 'The kernel driver per `vendor:device` id, e.g. `{ "8086:10d3": "e1000e" }`: what a restore binds when the journal never saw the device under its kernel driver. ENA\'s ids map to `ena` unless named here.',
        shown: "`{}`",
      },
    ),
    guards: defaulted(guards),
    bindings: key(v.optional(listOf(binding), []), {
      doc: 'Desired bindings: `{ "eniId": …, "driver": … }` or `{ "mac": …, "driver": … }`, the driver one of `allowedDrivers`. Applied at start and when a matching device is hot-attached. A `persist: true` request for the same ENI wins (it is newer).',
    }),
    repairDrift: flag(
      false,
      "At recovery, clear a `driver_override` no journal entry explains (otherwise only reported as `drift_found`).",
    ),
    autoConfirm: key(
      v.nullish(
        section({
          check: choice(
            ["holder"] as const,
            "holder",
            "What must hold: `holder`, a process holds the device's `/dev/vfio` group or `/dev/uioN` (the DPDK application opened it).",
          ),
          forMs: ms(
            10_000,
            0,
            24 * HOUR,
            "How long the check must hold without a break (sampled every second) before the agent confirms.",
          ),
        }),
        null,
      ),
      {
        doc: "A bind on trial (`bind --try`, `confirm_within`) confirms itself once this check held long enough; otherwise only ConfirmOperation confirms it, and it is reverted at its deadline.",
        shown: "off (`null`)",
      },
    ),
    reconcile: defaulted(
      v.pipe(
        section({
          intervalMs: ms(
            5_000,
            100,
            HOUR,
            "Time between passes of the reconciler that repairs DEGRADED devices.",
          ),
          initialBackoffMs: ms(
            1_000,
            10,
            HOUR,
            "First retry delay after a failed repair of a device; doubles per failure.",
          ),
          maxBackoffMs: ms(
            300_000,
            10,
            24 * HOUR,
            "Cap of that delay; not below `initialBackoffMs`.",
          ),
        }),
        rule((r) =>
          r.maxBackoffMs < r.initialBackoffMs
            ? [["maxBackoffMs"], "must not be below reconcile.initialBackoffMs"]
            : null,
        ),
      ),
    ),
    deviceWatch: defaulted(
      section({
        pollIntervalMs: ms(
          2_000,
          50,
          HOUR,
          "How often `bus/pci/devices` is checked for devices added, removed, or changing driver (inotify does not see entries the kernel makes in sysfs). A round lists the directory and reads each managed device's `driver` link; the full scan runs only when one of them changed.",
        ),
      }),
    ),
    transactions: defaulted(transactions),
    imds: defaulted(imds),
    ec2: defaulted(ec2),
    autoScaling: defaulted(autoScaling),
    termination: defaulted(termination),
    metrics: defaulted(
      section({
        address: key(v.nullish(hostPort(), null), {
          doc: "`host:port` of the Prometheus listener, e.g. `127.0.0.1:9464`. Keep it local.",
          shown: "off (`null`)",
          values: "host:port",
        }),
      }),
    ),
    devicePlugin: defaulted(devicePlugin),
  },
  RETIRED,
);

/**
 * The whole file. Bindings and the device plugin's pools are checked
 * against `allowedDrivers` here, as they name a driver the same list
 * governs; bindings are normalized (lower-case MAC).
 */
export const CONFIG_SCHEMA = v.pipe(
  root,
  rule((config: v.InferOutput<typeof root>) => poolDriverFinding(config)),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const config = dataset.value;
    const bindings: Binding[] = [];
    for (const [i, b] of config.bindings.entries()) {
      try {
        const parsed = parseDesiredBinding(b, "config", config.allowedDrivers);
        bindings.push({ ...parsed.key, driver: parsed.driver });
      } catch (err) {
        addIssue({
          message: (err as Error).message,
          path: [
            {
              type: "object",
              origin: "value",
              input: config,
              key: "bindings",
              value: config.bindings,
            },
            { type: "array", origin: "value", input: config.bindings, key: i, value: b },
          ],
        });
        return NEVER;
      }
    }
    return { ...config, bindings };
  }),
);

/** A binding declared in the configuration, normalized. */
export type Binding =
  | { readonly eniId: string; readonly driver: string }
  | {
      readonly mac: string;
      readonly driver: string;
    };

/** The configuration: what the schema makes of a file, deep-frozen. */
export type AgentConfig = DeepReadonly<v.InferOutput<typeof CONFIG_SCHEMA>>;
export type LogLevel = AgentConfig["logLevel"];
/** What the termination plan does with an owned ENI after returning it to the kernel. */
export type ReleasePolicy = AgentConfig["ec2"]["releasePolicy"];
export type SocketConfig = AgentConfig["listeners"]["socket"];
/** What one listener may hold at once (its own budget; see docs/api.md). */
export type ListenerBudget = Pick<SocketConfig, "maxConnections" | "maxWatchStreams">;

/**
 * Validates parsed JSON (`{}` gives every default) into a deep-frozen
 * config. Throws INVALID_ARGUMENT `<file>: <key>: <reason>` at the first
 * problem.
 */
export function parseConfig(json: unknown, file: string): AgentConfig {
  return deepFreeze(validate(CONFIG_SCHEMA, json, file)) as AgentConfig;
}

/** The defaults: what a host without a configuration file runs with. */
export function defaultConfig(): AgentConfig {
  return parseConfig({}, "(defaults)");
}
