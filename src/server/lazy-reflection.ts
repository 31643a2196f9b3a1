/**
 * gRPC server reflection (grpc.reflection.v1 and v1alpha), loaded on its
 * first call. @grpc/reflection costs a daemon about 17 MiB resident (its own
 * proto loader, the descriptor schema, a .proto parsed per version and per
 * listener) for a service that only tools like grpcurl ever call. The
 * listeners register the two methods at start with pass-through
 * serializers; the first call imports the library, builds its service once
 * from the API's package definition, and hands it the call with messages
 * decoded and encoded by the library's own method definitions.
 */
import { EventEmitter } from "node:events";
import * as grpc from "@grpc/grpc-js";
import type { PackageDefinition } from "@grpc/proto-loader";
import { AgentError } from "../common/index.js";
import { toServiceError } from "./error-status.js";

const VERSIONS = ["v1", "v1alpha"] as const;
type Version = (typeof VERSIONS)[number];

/** What the library registers for one version: its method and its handler. */
interface RealMethod {
  method: grpc.MethodDefinition<unknown, unknown>;
  handler: (stream: EventEmitter) => void;
}

type Bytes = Buffer;
const same = (bytes: Bytes): Bytes => bytes;

export class LazyReflection {
  readonly #packageDefinition: PackageDefinition;
  #loaded: Promise<Map<Version, RealMethod>> | null = null;

  constructor(packageDefinition: PackageDefinition) {
    this.#packageDefinition = packageDefinition;
  }

  /** Registers both versions on `server`; nothing is loaded until a call comes. */
  addToServer(server: Pick<grpc.Server, "addService">): void {
    for (const version of VERSIONS) {
      const definition: grpc.ServiceDefinition = {
        ServerReflectionInfo: {
          path: `/grpc.reflection.${version}.ServerReflection/ServerReflectionInfo`,
          requestStream: true,
          responseStream: true,
          requestSerialize: same,
          requestDeserialize: same,
          responseSerialize: same,
          responseDeserialize: same,
        },
      };
      server.addService(definition, {
        ServerReflectionInfo: (call: grpc.ServerDuplexStream<Bytes, Bytes>) =>
          this.#serve(version, call),
      });
    }
  }

  #serve(version: Version, call: grpc.ServerDuplexStream<Bytes, Bytes>): void {
    this.#load().then(
      (methods) => {
        const real = methods.get(version);
        if (real === undefined) throw new Error(`reflection ${version} is not offered`);
        // The library's handler sees a stream of decoded messages; its
        // answers are encoded here. Until the listeners below are added,
        // the call buffers what the client sent.
        const stream = Object.assign(new EventEmitter(), {
          write: (message: unknown) => call.write(real.method.responseSerialize(message)),
          end: () => call.end(),
        });
        real.handler(stream);
        const onData = (bytes: Bytes): void => {
          let request: unknown;
          try {
            request = real.method.requestDeserialize(bytes);
          } catch (err) {
            // Thrown from a 'data' listener, this would end the daemon.
            call.off("data", onData);
            const reason = err instanceof Error ? err.message : String(err);
            call.emit(
              "error",
              toServiceError(
                new AgentError(
                  "INVALID_ARGUMENT",
                  `the reflection request is not a valid protobuf message: ${reason}`,
                ),
              ),
            );
            return;
          }
          stream.emit("data", request);
        };
        call.on("data", onData);
        call.on("end", () => stream.emit("end"));
      },
      (err: unknown) => {
        call.emit("error", {
          code: grpc.status.UNIMPLEMENTED,
          details: `server reflection is not available: ${(err as Error).message}`,
        });
      },
    );
  }

  #load(): Promise<Map<Version, RealMethod>> {
    this.#loaded ??= import("@grpc/reflection").then(({ ReflectionService }) => {
      const methods = new Map<Version, RealMethod>();
      const capture = {
        addService(
          definition: grpc.ServiceDefinition,
          implementation: grpc.UntypedServiceImplementation,
        ) {
          const method = definition.ServerReflectionInfo;
          const handler = implementation.ServerReflectionInfo;
          const version = VERSIONS.find((v) => method?.path.startsWith(`/grpc.reflection.${v}.`));
          if (method !== undefined && handler !== undefined && version !== undefined) {
            methods.set(version, {
              method: method as grpc.MethodDefinition<unknown, unknown>,
              handler: handler as unknown as (stream: EventEmitter) => void,
            });
          }
        },
      };
      new ReflectionService(this.#packageDefinition).addToServer(capture);
      return methods;
    });
    // A failed import is not kept: the next call tries again.
    this.#loaded.catch(() => {
      this.#loaded = null;
    });
    return this.#loaded;
  }
}
