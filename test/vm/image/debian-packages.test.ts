import t from "tap";
import { parseAptShow, pinnedDependency } from "./debian-packages.js";

const show = `Package: linux-image-amd64
Source: linux-signed-amd64 (6.1.192+2)
Version: 6.1.192-2
Depends: linux-image-6.1.0-56-amd64 (= 6.1.192-2)
Description: Linux for 64-bit PCs (meta-package)

Package: busybox-static
Version: 1:1.35.0-4+deb12u1+b1
Built-Using: glibc (= 2.36-9+deb12u10)
Description: Standalone rescue shell with tons of builtin utilities
`;

t.test("apt-cache show stanzas give name, version and depends", async (t) => {
  const found = parseAptShow(show);
  t.same(found.get("linux-image-amd64"), {
    name: "linux-image-amd64",
    version: "6.1.192-2",
    depends: "linux-image-6.1.0-56-amd64 (= 6.1.192-2)",
  });
  t.equal(found.get("busybox-static")?.version, "1:1.35.0-4+deb12u1+b1");
  t.equal(found.get("busybox-static")?.depends, "");
  t.equal(found.size, 2);
});

t.test("the metapackage's exact pin names the kernel package", async (t) => {
  t.same(pinnedDependency("linux-image-6.1.0-56-amd64 (= 6.1.192-2)", "linux-image-"), {
    name: "linux-image-6.1.0-56-amd64",
    version: "6.1.192-2",
  });
  t.same(pinnedDependency("foo (>= 1), linux-image-6.12.9-amd64 (= 6.12.9-1)", "linux-image-"), {
    name: "linux-image-6.12.9-amd64",
    version: "6.12.9-1",
  });
  t.equal(pinnedDependency("linux-image-6.1.0-56-amd64 (>= 6.1)", "linux-image-"), undefined);
  t.equal(pinnedDependency("", "linux-image-"), undefined);
});
