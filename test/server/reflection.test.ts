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

type Version = "v1" | "v1alpha";

function reflectionClient(socketPath: string, version: Version = "v1"): ReflectionClient {
  const require = createRequire(import.meta.url);
  const root = join(dirname(require.resolve("@grpc/reflection/package.json")), "build", "proto");
  const definition = loadSync(`grpc/reflection/${version}/reflection.proto`, {
    includeDirs: [root],
  });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    grpc: {
      reflection: Record<
        Version,
        { ServerReflection: new (a: string, c: grpc.ChannelCredentials) => ReflectionClient }
      >;
    };
  };
  return new loaded.grpc.reflection[version].ServerReflection(
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

t.test("reflection v1alpha answers, and a stream gets an answer to each request", async (t) => {
  const h = await startHarness(t);
  const alpha = reflectionClient(h.socketPath, "v1alpha");
  t.teardown(() => alpha.close());
  const list = await ask(alpha, { listServices: "*" });
  t.ok(list.listServicesResponse?.service.some((s) => s.name === "grpc.health.v1.Health"));

  // Requests written at once, before the service has answered anything.
  const client = reflectionClient(h.socketPath);
  t.teardown(() => client.close());
  const call = client.ServerReflectionInfo();
  const answers: ReflectionResponse[] = [];
  const ended = new Promise<void>((resolve, reject) => {
    call.on("data", (r: ReflectionResponse) => answers.push(r));
    call.on("end", resolve);
    call.on("error", reject);
  });
  call.write({ listServices: "*" });
  call.write({ fileContainingSymbol: "grpc.health.v1.Health" });
  call.write({ fileContainingSymbol: "no.such.Symbol" });
  call.end();
  await ended;
  t.equal(answers.length, 3);
  t.ok(answers[0]?.listServicesResponse);
  t.ok(answers[1]?.fileDescriptorResponse?.fileDescriptorProto.length);
  t.equal(answers[2]?.errorResponse?.errorCode, grpc.status.NOT_FOUND);
});
