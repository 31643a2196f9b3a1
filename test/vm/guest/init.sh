#!/bin/sh
# /init of the eni-agent test guest (busybox sh, PID 1). Prepares the few
# mounts and modules the tests need, runs the guest program, powers off.
# There is no udev: nothing loads modules or renames interfaces.
export PATH=/usr/bin:/usr/sbin:/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs -o mode=1777 tmpfs /tmp
mkdir -p /run /var/lib/eni-agent
mount -t tmpfs tmpfs /run
# Keep kernel messages off the console while tests print (they stay in dmesg).
echo 1 > /proc/sys/kernel/printk
# busybox modprobe ignores softdeps: vfio_iommu_type1 must be loaded by name.
for m in @MODULES@; do
  modprobe "$m" || echo "init: modprobe $m failed"
done
# e1000e registers its netdevs asynchronously after probe; wait (max 5 s).
want=$(grep -l 0x10d3 /sys/bus/pci/devices/*/device 2>/dev/null | wc -l)
i=0
while [ "$(ls /sys/class/net | grep -c '^eth')" -lt "$want" ] && [ $i -lt 50 ]; do
  sleep 0.1; i=$((i + 1))
done
for m in @LATE_MODULES@; do
  modprobe "$m" || echo "init: modprobe $m failed"
done
/usr/bin/node --enable-source-maps /eni/guest.mjs
echo "init: guest program exited with $?"
echo "init: dmesg follows"
dmesg | tail -n 200
poweroff -f
