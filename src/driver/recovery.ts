/**
 * Start-up checks beyond unfinished operations: driver_override drift. An
 * override on a managed device that no journal entry explains was set by
 * someone else (dpdk-devbind, a script, a crashed older agent); it decides
 * where the device goes on its next probe, so it is reported, and cleared
 * when the configuration says so.
 */
import type { PciAddress } from "../common/index.js";
import { type Sysfs, scanInventory } from "../sysfs/index.js";
import type { OperationBook } from "./operation-book.js";
import type { OperationView } from "./types.js";

interface Drift {
  device: PciAddress;
  override: string;
  driver: string | null;
}

export async function findDrift(
  sysfs: Sysfs,
  book: OperationBook,
  allowedIds: readonly string[],
): Promise<Drift[]> {
  const inventory = await scanInventory(sysfs);
  const out: Drift[] = [];
  for (const device of inventory.devices) {
    const override = device.driverOverride;
    if (override === null || !allowedIds.includes(`${device.vendor}:${device.device}`)) continue;
    if (explains(book.latestFor(device.address), override)) continue;
    out.push({ device: device.address, override, driver: device.driver });
  }
  return out;
}

/** The latest operation left the device with exactly this override. */
function explains(view: OperationView | undefined, override: string): boolean {
  if (view === undefined) return false;
  switch (view.status) {
    case "committed":
      return view.header.target.override === override;
    case "rolled_back":
      return view.header.snapshot.driverOverride === override;
    default:
      // Running or stuck: the operation in flight explains whatever it set;
      // after a failed rollback the device is DEGRADED and under repair anyway.
      return true;
  }
}
