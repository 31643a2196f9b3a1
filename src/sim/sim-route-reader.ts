/**
 * The DefaultRouteReader port answered from the simulated host's routes. A
 * route leaves with its interface: unbinding a NIC from its network driver
 * flushes the routes through it, as the kernel does when a netdev goes away.
 */
import type { DefaultRoute, DefaultRouteReader } from "../sysfs/sysfs.js";
import type { SimKernelState } from "./sim-state.js";

export class SimDefaultRouteReader implements DefaultRouteReader {
  readonly #state: () => SimKernelState;

  constructor(state: () => SimKernelState) {
    this.#state = state;
  }

  async defaultRoutes(): Promise<DefaultRoute[]> {
    return this.#state().routes.map((r) => ({ ...r }));
  }
}
