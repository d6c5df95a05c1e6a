// Internal: the pending authorizations (state, PKCE verifier, callback URL)
// kept in the settings store between building the authorization URL and
// the callback. Each change is one read-modify-write under the store's lock,
// so a state is consumed exactly once even across processes.

import type { SettingsRecord, SettingsStore } from "../storage/mod.ts";
import { timingSafeEqual } from "./_callback_input.ts";
import {
  type PendingAuthorization,
  readPending,
  writePending,
} from "./_record.ts";
import { OAuthCallbackError } from "./errors.ts";

/** Reads, changes and saves the store's record under its lock; `undefined` from `change` saves nothing. */
export async function updateRecord(
  store: SettingsStore,
  change: (record: SettingsRecord | undefined) => SettingsRecord | undefined,
  signal: AbortSignal | undefined,
): Promise<void> {
  const options = signal ? { signal } : {};
  await store.withLock(async () => {
    const record = await store.load(options);
    const next = change(record);
    if (next !== undefined) await store.save(next, options);
  }, options);
}

/** Adds a pending authorization, dropping expired ones and the oldest beyond `max`. */
export async function addPending(
  store: SettingsStore,
  pending: PendingAuthorization,
  options: { now: number; max: number; signal: AbortSignal | undefined },
): Promise<void> {
  await updateRecord(store, (record) => {
    const kept = readPending(record).filter((p) => p.expiresAt > options.now);
    kept.push(pending);
    return writePending(record, kept.slice(-options.max));
  }, options.signal);
}

/** What {@linkcode takePending} looks for. */
export interface TakePendingOptions {
  /** The callback's state; without one the latest session-less pending authorization is taken. */
  state: string | undefined;
  /** The browser session the caller speaks for. */
  session: string | undefined;
  /** Whether the callback is an `error=` callback (then nothing is taken without a state). */
  isError: boolean;
  now: number;
  signal: AbortSignal | undefined;
}

/**
 * Consumes the pending authorization a callback belongs to, in one
 * transaction: a matching state is removed whether or not it is still valid
 * (single use), expired entries are dropped.
 *
 * @returns The pending authorization, or `undefined` when no state was given and none is pending.
 * @throws {OAuthCallbackError} `state_mismatch`, `state_expired` or `session_mismatch`.
 */
export async function takePending(
  store: SettingsStore,
  options: TakePendingOptions,
): Promise<PendingAuthorization | undefined> {
  const { state, now } = options;
  let pending: PendingAuthorization | undefined;
  let failure: OAuthCallbackError | undefined;
  await updateRecord(store, (record) => {
    const all = readPending(record);
    const live = all.filter((p) => p.expiresAt > now);
    if (state !== undefined) {
      const match = all.find((p) => timingSafeEqual(p.state, state));
      if (match === undefined) {
        failure = new OAuthCallbackError(
          "Authorization callback refused: its state is unknown or was already used",
          { code: "state_mismatch" },
        );
      } else if (match.expiresAt <= now) {
        failure = new OAuthCallbackError(
          "Authorization callback refused: its state expired (authorizations are valid for 10 minutes); start again",
          { code: "state_expired" },
        );
      } else if (
        match.session !== undefined &&
        (options.session === undefined ||
          !timingSafeEqual(match.session, options.session))
      ) {
        failure = new OAuthCallbackError(
          "Authorization callback refused: it belongs to another browser session",
          { code: "session_mismatch" },
        );
        return undefined;
      } else {
        pending = match;
      }
      return writePending(record, live.filter((p) => p !== match));
    }
    if (!options.isError) {
      pending = live.filter((p) => p.session === undefined).at(-1);
    }
    if (pending !== undefined) {
      return writePending(record, live.filter((p) => p !== pending));
    }
    return live.length === all.length ? undefined : writePending(record, live);
  }, options.signal);
  if (failure) throw failure;
  return pending;
}
