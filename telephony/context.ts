import type { DB } from "../db/connection";
import type { Env } from "../platform/env";
import type { Logger } from "../platform/logger";
import type { RecordingStore } from "../platform/recording-store";
import type { AriClient } from "./ari";
import type { Dispatcher } from "./dispatcher";

/** What every handler of this telephony process shares. Nothing here is shared with another process. */
export interface TelephonyContext {
  db: DB;
  env: Env;
  log: Logger;
  /** this process's id (telephony_nodes.node_id, calls.node_id) */
  nodeId: string;
  dispatcher: Dispatcher;
  store: RecordingStore;
  /** the connected ARI client; throws while disconnected */
  ari(): AriClient;
  connected(): boolean;
  /** connected, and the calls that ended while disconnected are reconciled: the ACD and dialling may run */
  ready(): boolean;
  /** asks the ACD to offer waiting calls and call-backs to free operators (coalesced) */
  kick(): void;
  /**
   * this process is ending the call and kicks its ACD when done (said before the ending statement, whose
   * NOTIFY can be heard before its answer): that call's own call_ended NOTIFY does not kick the ACD again here
   * (other processes still hear it and run theirs)
   */
  endingCall(callId: number): void;
  timing: Timing;
}

export interface Timing {
  ivrTimeoutMs: number;
  ringSeconds: number;
  /** how long a customer's phone rings on a click-to-dial or call-back */
  outboundRingSeconds: number;
  callbackOfferAfterMs: number;
}

export class NotConnectedError extends Error {
  constructor() {
    super("not connected to ARI");
  }
}

/** Fills an endpoint template: PJSIP/{extension} → PJSIP/101. */
export function endpointFor(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (m, key: string) => values[key] ?? m);
}
