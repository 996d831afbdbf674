/**
 * The part of ari-client 2.2.0's API the app uses (the package ships no types). Operations take one object
 * of parameters and return promises; failures are Errors whose message is Asterisk's JSON body.
 */
export interface AriChannelJson {
  id: string;
  name: string;
  state: string;
  caller?: { name?: string; number?: string };
  connected?: { name?: string; number?: string };
  dialplan?: { context?: string; exten?: string; priority?: number };
}

export interface AriEvent {
  type: string;
  application?: string;
  timestamp?: string;
  channel?: AriChannelJson;
  args?: string[];
  digit?: string;
  cause?: number;
  cause_txt?: string;
  playback?: { id: string; target_uri?: string; state?: string; media_uri?: string };
  recording?: { name: string; format?: string; target_uri?: string; state?: string; duration?: number };
  bridge?: { id: string };
  [key: string]: unknown;
}

type Op<P, R = unknown> = (params: P) => Promise<R>;

export interface AriClient {
  on(event: string, listener: (event: AriEvent, resource?: unknown) => void): unknown;
  removeAllListeners(event?: string): unknown;
  start(apps: string | string[]): Promise<void>;
  stop(): void;
  ping(): void;
  channels: {
    list: Op<Record<string, never>, AriChannelJson[]>;
    answer: Op<{ channelId: string }>;
    hangup: Op<{ channelId: string; reason?: string }>;
    play: Op<{ channelId: string; media: string; playbackId?: string }>;
    originate: Op<{
      endpoint: string;
      app: string;
      appArgs?: string;
      callerId?: string;
      timeout?: number;
      channelId?: string;
    }>;
  };
  bridges: {
    create: Op<{ type: string; bridgeId?: string; name?: string }>;
    destroy: Op<{ bridgeId: string }>;
    addChannel: Op<{ bridgeId: string; channel: string }>;
    removeChannel: Op<{ bridgeId: string; channel: string }>;
    startMoh: Op<{ bridgeId: string; mohClass?: string }>;
    record: Op<{ bridgeId: string; name: string; format: string; ifExists?: string; beep?: boolean; maxDurationSeconds?: number }>;
  };
  playbacks: {
    stop: Op<{ playbackId: string }>;
  };
  recordings: {
    getStoredFile: Op<{ recordingName: string }, Buffer>;
    stop: Op<{ recordingName: string }>;
  };
  _swagger?: { apis?: { events?: { models?: Record<string, unknown> } } };
}

/**
 * Asterisk says the channel, bridge, playback or recording is gone (404 "Channel not found", 422 "Channel not
 * in Stasis application"): typically the caller hung up first. Not an error worth more than a debug line.
 */
export function isGone(error: unknown): boolean {
  const message = error instanceof Error ? error.message : typeof error === "string" ? error : "";
  return /not found|not in Stasis|not in this bridge/i.test(message);
}
