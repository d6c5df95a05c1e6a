// A client clock that is the emulator's clock: waiting advances the emulator,
// so limit windows, cursors and Retry-After waits pass without real sleeping.
import type { Clock } from "../../_http/mod.ts";
import type { Emulator } from "../../emulator/mod.ts";
import { MondayClient, type MondayClientOptions } from "../../graphql/mod.ts";

export class EmulatorClock implements Clock {
  readonly sleeps: number[] = [];
  #emulator: Emulator;

  constructor(emulator: Emulator) {
    this.#emulator = emulator;
  }

  now(): number {
    return this.#emulator.now();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.sleeps.push(ms);
    this.#emulator.advance(Math.max(0, ms));
    return Promise.resolve();
  }
}

/** A client of the emulator on the emulator's clock, with jitter fixed. */
export function clientFor(
  emulator: Emulator,
  options: Partial<MondayClientOptions> = {},
): { client: MondayClient; clock: EmulatorClock } {
  const clock = new EmulatorClock(emulator);
  const client = new MondayClient({
    token: emulator.credentials.apiToken,
    apiUrl: emulator.apiUrl,
    clock,
    random: () => 0.5,
    onWarning: () => {},
    ...options,
  });
  return { client, clock };
}
