import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import t from "tap";
import { startHarness } from "./harness.js";

interface ReflectionResponse {
  listServicesResponse?: { service: { name: string }[] };
  fileDescriptorResponse?: { fileDescriptorProto: Buffer[] };
  errorResponse?: { errorCode: number };
}

type ReflectionClient = grpc.Client & {
  ServerReflectionInfo(): grpc.ClientDuplexStream<object, ReflectionResponse>;
};

function reflectionClient(socketPath: string): ReflectionClient {
  const require = createRequire(import.meta.url);
  const root = join(dirname(require.resolve("@grpc/reflection/package.json")), "build", "proto");
  const definition = loadSync("grpc/reflection/v1/reflection.proto", { includeDirs: [root] });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    grpc: {
      reflection: {
        v1: { ServerReflection: new (a: string, c: grpc.ChannelCredentials) => ReflectionClient };
      };
    };
  };
  return new loaded.grpc.reflection.v1.ServerReflection(
    `unix://${socketPath}`,
    grpc.credentials.createInsecure(),
  );
}

function ask(client: ReflectionClient, request: object): Promise<ReflectionResponse> {
  return new Promise((resolve, reject) => {
    const call = client.ServerReflectionInfo();
    call.on("data", (response: ReflectionResponse) => {
      resolve(response);
      call.end();
    });
    call.on("error", reject);
    call.write(request);
  });
}

t.test("server reflection lists the services and serves their descriptors", async (t) => {
  const h = await startHarness(t);
  const client = reflectionClient(h.socketPath);
  t.teardown(() => client.close());
  const list = await ask(client, { listServices: "*" });
  const names = list.listServicesResponse?.service.map((s) => s.name) ?? [];
  t.ok(names.includes("eniagent.v1.EniAgentService"), names.join(", "));
  t.ok(names.includes("grpc.health.v1.Health"));
  const files = await ask(client, { fileContainingSymbol: "eniagent.v1.EniAgentService" });
  const protos = files.fileDescriptorResponse?.fileDescriptorProto ?? [];
  t.ok(protos.length > 0, "descriptors are served");
  t.ok(
    protos.some((p) => p.includes(Buffer.from("BindDevice"))),
    "the descriptor names the RPCs",
  );
});

t.test("reflection answers on the read-only socket too", async (t) => {
  const h = await startHarness(t, (dir) => ({ readOnlySocket: { path: `${dir}/ro.sock` } }));
  const client = reflectionClient(`${h.dir}/ro.sock`);
  t.teardown(() => client.close());
  const list = await ask(client, { listServices: "*" });
  t.ok(list.listServicesResponse?.service.some((s) => s.name === "eniagent.v1.EniAgentService"));
});
