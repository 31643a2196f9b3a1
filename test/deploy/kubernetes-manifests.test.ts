/**
 * deploy/kubernetes/*.yaml against Kubernetes' published schemas (the
 * OpenAPI schemas kubernetes-models ships, validated with ajv: no cluster),
 * and against the agent: the ConfigMap's config.json is a configuration
 * the daemon accepts, and the DaemonSet mounts every path it names.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DaemonSet } from "kubernetes-models/apps/v1/DaemonSet";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Namespace } from "kubernetes-models/v1/Namespace";
import t from "tap";
import { parseAllDocuments } from "yaml";
import { parseConfig } from "../../src/agent/config-schema.js";

const DIR = fileURLToPath(new URL("../../deploy/kubernetes/", import.meta.url));

interface Validating {
  validate(): void;
}
const MODELS: Record<string, new (data: never) => Validating> = {
  "v1/Namespace": Namespace,
  "v1/ConfigMap": ConfigMap,
  "apps/v1/DaemonSet": DaemonSet,
};

interface Manifest {
  file: string;
  doc: Record<string, unknown> & { apiVersion: string; kind: string };
}

function manifests(): Manifest[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith(".yaml"))
    .flatMap((file) =>
      parseAllDocuments(readFileSync(join(DIR, file), "utf8")).map((d) => {
        if (d.errors.length > 0) throw new Error(`${file}: ${d.errors[0]!.message}`);
        return { file, doc: d.toJS() as Manifest["doc"] };
      }),
    );
}

function validate(doc: Manifest["doc"]): void {
  const Model = MODELS[`${doc.apiVersion}/${doc.kind}`];
  if (Model === undefined) throw new Error(`no schema for ${doc.apiVersion} ${doc.kind}`);
  new Model(doc as never).validate();
}

const all = manifests();
const daemonSet = all.find((m) => m.doc.kind === "DaemonSet")!.doc as unknown as DaemonSet;
const configMap = all.find((m) => m.doc.kind === "ConfigMap")!.doc as unknown as ConfigMap;

t.test("every manifest passes its Kubernetes schema", async (t) => {
  t.ok(all.length >= 3, `${all.length} manifests`);
  for (const { file, doc } of all) t.doesNotThrow(() => validate(doc), `${file}: ${doc.kind}`);
});

t.test("the validator refuses what Kubernetes would", async (t) => {
  const spec = daemonSet.spec!.template.spec!;
  const broken = [
    { ...daemonSet, spec: { ...daemonSet.spec, selector: undefined } },
    {
      ...daemonSet,
      spec: {
        ...daemonSet.spec,
        template: { ...daemonSet.spec!.template, spec: { ...spec, hostNetwork: "yes" } },
      },
    },
    { ...configMap, data: { "config.json": 1 } },
  ];
  for (const doc of broken) t.throws(() => validate(doc as never), doc.kind);
});

t.test("the ConfigMap's configuration is one the agent accepts, device plugin on", async (t) => {
  const config = parseConfig(JSON.parse(configMap.data!["config.json"]!), "configmap.yaml");
  t.equal(config.devicePlugin.enabled, true);
  const spec = daemonSet.spec!.template.spec!;
  const container = spec.containers.find((c) => c.name === "eni-agent")!;
  const mounted = (path: string) =>
    container.volumeMounts!.find((m) => path === m.mountPath || path.startsWith(`${m.mountPath}/`));
  for (const path of [
    config.stateDir,
    config.sysfsRoot,
    config.listeners.socket.path,
    config.devicePlugin.directory,
    config.devicePlugin.podResourcesSocket,
  ]) {
    t.ok(mounted(path), `${path} is on a volume`);
  }
  t.equal(mounted(config.sysfsRoot)?.readOnly, undefined, "sysfs is writable");
  const configMount = mounted("/etc/eni-agent/config.json")!;
  t.equal(
    spec.volumes!.find((v) => v.name === configMount.name)?.configMap?.name,
    configMap.metadata!.name,
  );
  t.same(container.args, ["serve", "--config", "/etc/eni-agent/config.json"]);
  // The stop drains calls, then transactions, each bounded; a plan in flight finishes inside.
  const drainS = (2 * config.transactions.drainTimeoutMs) / 1000;
  t.ok(spec.terminationGracePeriodSeconds! >= drainS, "the grace period covers both drains");
});

t.test("the pod runs as the systemd unit does: host namespaces, one capability", async (t) => {
  const spec = daemonSet.spec!.template.spec!;
  t.equal(spec.hostNetwork, true, "IMDS with a hop limit of 1");
  t.equal(spec.hostPID, true, "the holder check sees DPDK processes");
  const agent = spec.containers.find((c) => c.name === "eni-agent")!.securityContext!;
  t.not(agent.privileged, true);
  t.same(agent.capabilities, { drop: ["ALL"], add: ["SYS_PTRACE"] });
  const unit = readFileSync(join(dirname(DIR), "..", "systemd", "eni-agent.service"), "utf8");
  t.match(unit, /^CapabilityBoundingSet=CAP_SYS_PTRACE$/m, "the unit keeps the same one");
  t.same(spec.tolerations, [{ operator: "Exists" }]);
});
