import type { PeerCertificate } from "node:tls";
import t from "tap";
import { authorize, certificateIdentities, methodAccess } from "../../src/server/authorize.js";

const cert = (cn: string | string[] | undefined, san?: string) =>
  ({ subject: { CN: cn }, subjectaltname: san }) as unknown as PeerCertificate;

t.test("certificate identities: CN and each SAN, typed", async (t) => {
  t.same(
    certificateIdentities(
      cert("controller", "DNS:ctl.internal, URI:spiffe://c/ns/x, IP Address:10.0.0.1"),
    ),
    ["CN=controller", "DNS:ctl.internal", "URI:spiffe://c/ns/x", "IP Address:10.0.0.1"],
  );
  t.same(certificateIdentities(cert(["a", "b"])), ["CN=a", "CN=b"], "multi-valued CN");
  t.same(
    certificateIdentities(cert(undefined, 'DNS:"a, b", DNS:c')),
    ["DNS:a, b", "DNS:c"],
    "a quoted SAN with a comma stays one name",
  );
  t.same(certificateIdentities(undefined), []);
  t.same(certificateIdentities({} as PeerCertificate), [], "no certificate presented");
});

t.test("a CN never matches a DNS allowlist entry", async (t) => {
  const policy = {
    kind: "tcp" as const,
    writers: new Set(["DNS:controller"]),
    readers: new Set<string>(),
  };
  t.throws(
    () => authorize(policy, "/eniagent.v1.EniAgentService/ListDevices", cert("controller")),
    {
      code: "PERMISSION_DENIED",
    },
  );
  t.equal(
    authorize(policy, "/eniagent.v1.EniAgentService/BindDevice", cert("x", "DNS:controller"))
      .identity,
    "DNS:controller",
  );
});

t.test("method access: mutations need write, everything else reads", async (t) => {
  for (const m of ["BindDevice", "RestoreDevice", "PrepareTermination"]) {
    t.equal(methodAccess(`/eniagent.v1.EniAgentService/${m}`), "write", m);
  }
  for (const m of [
    "ListDevices",
    "GetDevice",
    "GetOperation",
    "ListOperations",
    "WatchEvents",
    "GetHostReport",
  ]) {
    t.equal(methodAccess(`/eniagent.v1.EniAgentService/${m}`), "read", m);
  }
  t.equal(
    methodAccess("/eniagent.v1.EniAgentService/NewThing"),
    "write",
    "unknown methods fail closed",
  );
  t.equal(methodAccess("/grpc.health.v1.Health/Check"), "read");
  t.equal(methodAccess("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"), "read");
});
