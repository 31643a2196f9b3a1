import t from "tap";
import {
  classifyDevice,
  ENA_IDS,
  isEna,
  isUserSpaceDriver,
  isVfioDriver,
  managedIds,
} from "../../src/sysfs/index.js";

t.test("ENA is decided by vendor and device id, not by vendor alone", async (t) => {
  t.same(ENA_IDS, ["1d0f:ec20", "1d0f:ec21"]);
  t.ok(isEna("1d0f", "ec20"));
  t.ok(isEna("1D0F", "EC21"), "sysfs may show upper case");
  // Other Amazon devices share the vendor id: the EBS controller, EFA, the ENA PF.
  for (const device of ["8061", "efa0", "0ec2", "cd00"]) t.notOk(isEna("1d0f", device), device);
  t.equal(classifyDevice("1d0f", "ec20", "020000"), "ena");
  t.equal(classifyDevice("1d0f", "efa1", "020000"), "efa");
  t.equal(classifyDevice("1d0f", "8061", "010802"), "other");
  t.equal(classifyDevice("8086", "10d3", "020000"), "network");
});

t.test("the managed ids are ENA's plus the configured ones, once each", async (t) => {
  t.same(managedIds([]), ENA_IDS);
  t.same(managedIds(["8086:10D3", "1d0f:ec20"]), ["1d0f:ec20", "1d0f:ec21", "8086:10d3"]);
});

t.test("user-space drivers: vfio-pci, its variants, uio_pci_generic, igb_uio", async (t) => {
  // Variant drivers register under their module name with underscores
  // (KBUILD_MODNAME): mlx5-vfio-pci.ko is the PCI driver "mlx5_vfio_pci".
  for (const driver of ["vfio-pci", "mlx5_vfio_pci", "hisi_acc_vfio_pci", "pds_vfio_pci"]) {
    t.ok(isVfioDriver(driver), driver);
    t.ok(isUserSpaceDriver(driver), driver);
  }
  t.ok(isVfioDriver("acme-vfio-pci"), "a dashed out-of-tree name too");
  for (const driver of ["uio_pci_generic", "igb_uio"]) {
    t.ok(isUserSpaceDriver(driver), driver);
    t.notOk(isVfioDriver(driver), driver);
  }
  for (const driver of ["ena", "vfio_pci", "vfio", "e1000e", "mlx5_core", null]) {
    t.notOk(isUserSpaceDriver(driver), String(driver));
  }
});
