/**
 * A child process for the persistence test: opens the kernel saved at
 * argv[2], moves 0000:00:06.0 towards vfio-pci and then hangs in a bind
 * that a fault holds, after printing READY, waiting to be killed.
 */
import { ec2Host, openPersistentKernel } from "../../src/sim/index.js";

const file = process.argv[2];
if (!file) throw new Error("usage: sim-child <state.json>");
const kernel = openPersistentKernel(file, () => ec2Host());
kernel.faults.blockWrite("bus/pci/drivers/vfio-pci/bind");
await kernel.sysfs.write("bus/pci/devices/0000:00:06.0/driver_override", "vfio-pci");
await kernel.sysfs.write("bus/pci/drivers/ena/unbind", "0000:00:06.0");
process.stdout.write("READY\n");
await kernel.sysfs.write("bus/pci/drivers/vfio-pci/bind", "0000:00:06.0");
process.stdout.write("NOT REACHED\n");
