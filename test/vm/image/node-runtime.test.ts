import t from "tap";
import { parseLdd } from "./node-runtime.js";

t.test("ldd output becomes exact library paths, loader included", async (t) => {
  const out = [
    "\tlinux-vdso.so.1 (0x00007ffd3b5f2000)",
    "\tlibdl.so.2 => /lib/x86_64-linux-gnu/libdl.so.2 (0x00007f016234f000)",
    "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f0161e1e000)",
    "\t/lib64/ld-linux-x86-64.so.2 (0x00007f0162368000)",
    "",
  ].join("\n");
  t.same(parseLdd(out), [
    "/lib/x86_64-linux-gnu/libdl.so.2",
    "/lib/x86_64-linux-gnu/libc.so.6",
    "/lib64/ld-linux-x86-64.so.2",
  ]);
  t.throws(() => parseLdd("\tlibfoo.so.1 => not found\n"), /missing library/);
});
