#!/bin/sh
# /init of the systemd guest's small initramfs (busybox sh): load what the
# kernel needs to reach its root (virtio-blk, ext4), mount the disk and hand
# over to systemd as PID 1. Debian's kernel has both as modules.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in @MODULES@; do
  modprobe "$m" || echo "init: modprobe $m failed"
done
i=0
while [ ! -b /dev/vda ] && [ $i -lt 200 ]; do
  sleep 0.05
  i=$((i + 1))
done
if ! mount -t ext4 -o rw,noatime /dev/vda /newroot; then
  echo "init: cannot mount /dev/vda"
  poweroff -f
fi
umount /proc /sys
mount --move /dev /newroot/dev
exec switch_root /newroot /sbin/init
