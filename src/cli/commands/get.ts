/** `eni-agent get DEVICE`: one device in detail, from the daemon. */
import type { CliIo } from "../command.js";
import { CONNECTION_FLAGS, connectionHelp, connectionOf } from "../daemon/connection-flags.js";
import { deviceSelector } from "../daemon/device-selector.js";
import { withDaemon } from "../daemon/open-daemon.js";
import { renderDeviceDetail } from "../daemon/render-devices.js";
import { deviceJson, JSON_SCHEMA_VERSION, operationJson } from "../daemon/to-json.js";
import { COMMON_EXIT_LINES, EXIT_OK } from "../exit-codes.js";
import { exactArguments, parseFlags } from "../flags.js";

export const HELP = `NAME
    eni-agent get - show one ENA device in detail

SYNOPSIS
    eni-agent get DEVICE [--json] [--socket PATH | --address HOST:PORT ...]
                  [--timeout SECONDS]

DESCRIPTION
    Asks the daemon (GetDevice) for DEVICE and prints what it knows:

      identity    ENI id, MAC, interface name, device number and network
                  card, MTU, as recorded while the kernel owned the device
                  (they stay known after a DPDK driver took it)
      driver      the bound driver and driver_override
      state       kernel, dpdk, unbound, transitioning, foreign, or DEGRADED
                  or STUCK with the daemon's explanation
      placement   NUMA node, IOMMU group, the device node a DPDK process
                  opens (vfio-pci: /dev/vfio/N, or /dev/vfio/noiommu-N on a
                  host without an IOMMU; "-" for other drivers), and the
                  processes holding it open
      management  whether it is the management interface (moved only with
                  --force)
      desired     the driver persisted with 'bind --persist', re-applied at
                  start and on hot-attach
      operations  the running one, and the last one (ListOperations)

    DEVICE is a PCI address (0000:00:06.0 or 00:06.0), a MAC address, an
    ENI id (eni-...) or an interface name; a name or MAC the device had
    under the kernel driver still finds it.

OPTIONS
${connectionHelp(10)}

EXIT STATUS
    0   the device was shown
    3   no such device
    1   any other failure
${COMMON_EXIT_LINES}

EXAMPLES
    eni-agent get ens6
    eni-agent get eni-0f95d3625f5c521cc --json | jq .device.state
`;

const FLAGS = { ...CONNECTION_FLAGS } as const;

export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags("get", argv, FLAGS);
  const selector = deviceSelector(exactArguments("get", positionals, 1, "one device")[0]!);
  const { endpoint, timeoutMs } = connectionOf("get", values, io, 10);
  const detail = await withDaemon(endpoint, { timeoutMs }, async (client) => {
    const signal = io.signal;
    const found = await client.getDevice(selector, { signal });
    const device = deviceJson(found);
    const page = await client.listOperations(
      { pciAddress: device.pciAddress, pageSize: 1 },
      { signal },
    );
    const last = page.operations[0];
    return {
      device,
      devNode: found.devNode || null,
      lastOperation: last === undefined ? null : operationJson(last),
    };
  });
  io.stdout.write(
    values.json
      ? `${JSON.stringify({ version: JSON_SCHEMA_VERSION, ...detail }, null, 2)}\n`
      : renderDeviceDetail(detail),
  );
  return EXIT_OK;
}
