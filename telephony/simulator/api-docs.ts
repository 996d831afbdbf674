/**
 * The simulator's own ARI documentation: the Swagger resource listing and one API declaration per resource,
 * for the subset of ARI the simulator implements. Written in the dialect Asterisk serves (Swagger 1.1/1.2
 * field names: httpMethod, responseClass, dataType, errorResponses, models with typed properties), because
 * ari-client 2.2.0 builds its whole client from these documents: one function per operation (`nickname`),
 * query/path/body parameters, `responseClass` to wrap results into Channel/Bridge/… instances ("binary" →
 * Buffer), and the events declaration's models to know each event type and which fields to promote.
 * Any event type that is not a model here makes ari-client throw, so every event the simulator emits is
 * declared below (the conformance test checks it, and checks everything here against Asterisk's spec).
 */

export type ParamType = "path" | "query" | "body";

export interface ParamDoc {
  name: string;
  paramType: ParamType;
  required: boolean;
  allowMultiple: boolean;
  dataType: string;
  description: string;
  allowableValues?: { valueType: "LIST"; values: string[] };
  defaultValue?: string | number | boolean;
}

export interface OperationDoc {
  httpMethod: "GET" | "POST" | "PUT" | "DELETE";
  summary: string;
  nickname: string;
  responseClass: string;
  parameters: ParamDoc[];
  errorResponses: { code: number; reason: string }[];
  upgrade?: "websocket";
  websocketProtocol?: string;
}

export interface ApiDoc {
  path: string;
  description: string;
  operations: OperationDoc[];
}

export interface PropertyDoc {
  type: string;
  required: boolean;
  description: string;
  allowableValues?: { valueType: "LIST"; values: string[] };
}

export interface ModelDoc {
  id: string;
  description: string;
  properties: Record<string, PropertyDoc>;
  subTypes?: string[];
  discriminator?: string;
}

export interface ApiDeclaration {
  apiVersion: string;
  swaggerVersion: string;
  basePath: string;
  resourcePath: string;
  apis: ApiDoc[];
  models: Record<string, ModelDoc>;
}

/** The resources the simulator documents, in the order of Asterisk's resources.json. */
export const RESOURCES = ["asterisk", "endpoints", "channels", "bridges", "recordings", "playbacks", "events"] as const;
export type ResourceName = (typeof RESOURCES)[number];

const DESCRIPTIONS: Record<ResourceName, string> = {
  asterisk: "Asterisk resources",
  endpoints: "Endpoint resources",
  channels: "Channel resources",
  bridges: "Bridge resources",
  recordings: "Recording resources",
  playbacks: "Playback control resources",
  events: "WebSocket resource",
};

// ---------- building blocks ----------

function param(name: string, paramType: ParamType, dataType: string, required: boolean, description: string, extra: Partial<ParamDoc> = {}): ParamDoc {
  return { name, description, paramType, required, allowMultiple: false, dataType, ...extra };
}
const path = (name: string, description: string) => param(name, "path", "string", true, description);
const query = (name: string, dataType: string, required: boolean, description: string, extra: Partial<ParamDoc> = {}) =>
  param(name, "query", dataType, required, description, extra);
const variablesBody = () =>
  param("variables", "body", "containers", false, 'The "variables" key in the body object holds variable key/value pairs to set on creation.');

function op(
  httpMethod: OperationDoc["httpMethod"],
  nickname: string,
  responseClass: string,
  summary: string,
  parameters: ParamDoc[] = [],
  errorResponses: [number, string][] = [],
): OperationDoc {
  return { httpMethod, summary, nickname, responseClass, parameters, errorResponses: errorResponses.map(([code, reason]) => ({ code, reason })) };
}

function prop(type: string, required: boolean, description: string, values?: string[]): PropertyDoc {
  return values ? { type, required, description, allowableValues: { valueType: "LIST", values } } : { type, required, description };
}

function model(id: string, description: string, properties: Record<string, PropertyDoc>, extra: Partial<ModelDoc> = {}): ModelDoc {
  return { id, description, properties, ...extra };
}

const CHANNEL_NOT_FOUND: [number, string] = [404, "Channel not found"];
const NOT_IN_STASIS: [number, string] = [409, "Channel not in a Stasis application"];
const INVALID_STATE: [number, string] = [412, "Channel in invalid state"];
const channelErrors = (): [number, string][] => [CHANNEL_NOT_FOUND, NOT_IN_STASIS, INVALID_STATE];
const channelId = () => path("channelId", "Channel's id");
const bridgeId = () => path("bridgeId", "Bridge's id");
const recordingName = () => path("recordingName", "The name of the recording");
const playbackId = () => path("playbackId", "Playback's id");

// ---------- models ----------

const CHANNEL_STATES = ["Down", "Rsrved", "OffHook", "Dialing", "Ring", "Ringing", "Up", "Busy", "Dialing Offhook", "Pre-ring", "Unknown"];

const MODELS = {
  CallerID: model("CallerID", "Caller identification", {
    name: prop("string", true, "Name"),
    number: prop("string", true, "Number"),
  }),
  DialplanCEP: model("DialplanCEP", "Dialplan location (context/extension/priority)", {
    context: prop("string", true, "Context in the dialplan"),
    exten: prop("string", true, "Extension in the dialplan"),
    priority: prop("long", true, "Priority in the dialplan"),
    app_name: prop("string", true, "Name of current dialplan application"),
    app_data: prop("string", true, "Parameter of current dialplan application"),
  }),
  Channel: model("Channel", "A specific communication connection between Asterisk and an Endpoint.", {
    id: prop("string", true, "Unique identifier of the channel."),
    protocol_id: prop("string", true, "Protocol id from underlying channel driver (i.e. Call-ID for chan_pjsip; will be empty if not applicable or not implemented by driver)."),
    name: prop("string", true, "Name of the channel (i.e. SIP/foo-0000a7e3)"),
    state: prop("string", true, "State of the channel", CHANNEL_STATES),
    caller: prop("CallerID", true, "Caller identification"),
    connected: prop("CallerID", true, "Connected line identification"),
    accountcode: prop("string", true, "Account code"),
    dialplan: prop("DialplanCEP", true, "Current location in the dialplan"),
    creationtime: prop("Date", true, "Timestamp when channel was created"),
    language: prop("string", true, "The default spoken language"),
  }),
  Variable: model("Variable", "The value of a channel variable", {
    value: prop("string", true, "The value of the variable requested"),
  }),
  Bridge: model("Bridge", "The merging of media from one or more channels.", {
    id: prop("string", true, "Unique identifier for this bridge"),
    technology: prop("string", true, "Name of the current bridging technology"),
    bridge_type: prop("string", true, "Type of bridge technology", ["mixing", "holding"]),
    bridge_class: prop("string", true, "Bridging class"),
    creator: prop("string", true, "Entity that created the bridge"),
    name: prop("string", true, "Name the creator gave the bridge"),
    channels: prop("List[string]", true, "Ids of channels participating in this bridge"),
    video_mode: prop("string", false, "The video mode the bridge is using. One of 'none', 'talker', 'sfu', or 'single'."),
    creationtime: prop("Date", true, "Timestamp when bridge was created"),
  }),
  Playback: model("Playback", "Object representing the playback of media to a channel", {
    id: prop("string", true, "ID for this playback operation"),
    media_uri: prop("string", true, "The URI for the media currently being played back."),
    next_media_uri: prop("string", false, "If a list of URIs is being played, the next media URI to be played back."),
    target_uri: prop("string", true, "URI for the channel or bridge to play the media on"),
    language: prop("string", false, "For media types that support multiple languages, the language requested for playback."),
    state: prop("string", true, "Current state of the playback operation.", ["queued", "playing", "continuing", "done", "failed"]),
  }),
  StoredRecording: model("StoredRecording", "A past recording that may be played back.", {
    name: prop("string", true, ""),
    format: prop("string", true, ""),
  }),
  LiveRecording: model("LiveRecording", "A recording that is in progress", {
    name: prop("string", true, "Base name for the recording"),
    format: prop("string", true, "Recording format (wav, gsm, etc.)"),
    target_uri: prop("string", true, "URI for the channel or bridge being recorded"),
    state: prop("string", true, "", ["queued", "recording", "paused", "done", "failed", "canceled"]),
    duration: prop("int", false, "Duration in seconds of the recording"),
    talking_duration: prop("int", false, "Duration of talking, in seconds, detected in the recording. This is only available if the recording was initiated with a non-zero maxSilenceSeconds."),
    silence_duration: prop("int", false, "Duration of silence, in seconds, detected in the recording. This is only available if the recording was initiated with a non-zero maxSilenceSeconds."),
    cause: prop("string", false, "Cause for recording failure if failed"),
  }),
  Endpoint: model("Endpoint", "An external device that may offer/accept calls to/from Asterisk.", {
    technology: prop("string", true, "Technology of the endpoint"),
    resource: prop("string", true, "Identifier of the endpoint, specific to the given technology."),
    state: prop("string", false, "Endpoint's state", ["unknown", "offline", "online"]),
    channel_ids: prop("List[string]", true, "Id's of channels associated with this endpoint"),
  }),
  AsteriskInfo: model("AsteriskInfo", "Asterisk system information", {
    build: prop("BuildInfo", false, "Info about how Asterisk was built"),
    system: prop("SystemInfo", false, "Info about the system running Asterisk"),
    config: prop("ConfigInfo", false, "Info about Asterisk configuration"),
    status: prop("StatusInfo", false, "Info about Asterisk status"),
  }),
  BuildInfo: model("BuildInfo", "Info about how Asterisk was built", {
    os: prop("string", true, "OS Asterisk was built on."),
    kernel: prop("string", true, "Kernel version Asterisk was built on."),
    options: prop("string", true, "Compile time options, or empty string if default."),
    machine: prop("string", true, "Machine architecture (x86_64, i686, ppc, etc.)"),
    date: prop("string", true, "Date and time when Asterisk was built."),
    user: prop("string", true, "Username that build Asterisk"),
  }),
  SystemInfo: model("SystemInfo", "Info about Asterisk", {
    version: prop("string", true, "Asterisk version."),
    entity_id: prop("string", true, ""),
  }),
  SetId: model("SetId", "Effective user/group id", {
    user: prop("string", true, "Effective user id."),
    group: prop("string", true, "Effective group id."),
  }),
  ConfigInfo: model("ConfigInfo", "Info about Asterisk configuration", {
    name: prop("string", true, "Asterisk system name."),
    default_language: prop("string", true, "Default language for media playback."),
    setid: prop("SetId", true, "Effective user/group id for running Asterisk."),
  }),
  StatusInfo: model("StatusInfo", "Info about Asterisk status", {
    startup_time: prop("Date", true, "Time when Asterisk was started."),
    last_reload_time: prop("Date", true, "Time when Asterisk was last reloaded."),
  }),
  AsteriskPing: model("AsteriskPing", "Asterisk ping information", {
    asterisk_id: prop("string", true, "Asterisk id info"),
    ping: prop("string", true, "Always string value is pong"),
    timestamp: prop("string", true, "The timestamp string of request received time"),
  }),
} satisfies Record<string, ModelDoc>;

/** The event types the simulator emits (each one a model of the events declaration). */
export const EVENT_TYPES = [
  "ApplicationReplaced",
  "BridgeDestroyed",
  "ChannelDestroyed",
  "ChannelDtmfReceived",
  "ChannelEnteredBridge",
  "ChannelHangupRequest",
  "ChannelLeftBridge",
  "ChannelStateChange",
  "ChannelVarset",
  "PlaybackContinuing",
  "PlaybackFinished",
  "PlaybackStarted",
  "RecordingFailed",
  "RecordingFinished",
  "RecordingStarted",
  "StasisEnd",
  "StasisStart",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

const EVENT_MODELS: Record<"Message" | "Event" | EventType, ModelDoc> = {
  Message: model(
    "Message",
    "Base type for errors and events",
    {
      type: prop("string", true, "Indicates the type of this message."),
      asterisk_id: prop("string", false, "The unique ID for the Asterisk instance that raised this event."),
    },
    { discriminator: "type", subTypes: ["Event"] },
  ),
  Event: model(
    "Event",
    "Base type for asynchronous events from Asterisk.",
    {
      application: prop("string", true, "Name of the application receiving the event."),
      timestamp: prop("Date", true, "Time at which this event was created."),
    },
    { subTypes: [...EVENT_TYPES] },
  ),
  ApplicationReplaced: model("ApplicationReplaced", "Notification that another WebSocket has taken over for an application.", {}),
  BridgeDestroyed: model("BridgeDestroyed", "Notification that a bridge has been destroyed.", { bridge: prop("Bridge", true, "") }),
  ChannelDestroyed: model("ChannelDestroyed", "Notification that a channel has been destroyed.", {
    cause: prop("int", true, "Integer representation of the cause of the hangup"),
    cause_txt: prop("string", true, "Text representation of the cause of the hangup"),
    channel: prop("Channel", true, ""),
  }),
  ChannelDtmfReceived: model("ChannelDtmfReceived", "DTMF received on a channel.", {
    digit: prop("string", true, "DTMF digit received (0-9, A-E, # or *)"),
    duration_ms: prop("int", true, "Number of milliseconds DTMF was received"),
    channel: prop("Channel", true, "The channel on which DTMF was received"),
  }),
  ChannelEnteredBridge: model("ChannelEnteredBridge", "Notification that a channel has entered a bridge.", {
    bridge: prop("Bridge", true, ""),
    channel: prop("Channel", false, ""),
  }),
  ChannelHangupRequest: model("ChannelHangupRequest", "A hangup was requested on the channel.", {
    cause: prop("int", false, "Integer representation of the cause of the hangup."),
    soft: prop("boolean", false, "Whether the hangup request was a soft hangup request."),
    channel: prop("Channel", true, "The channel on which the hangup was requested."),
  }),
  ChannelLeftBridge: model("ChannelLeftBridge", "Notification that a channel has left a bridge.", {
    bridge: prop("Bridge", true, ""),
    channel: prop("Channel", true, ""),
  }),
  ChannelStateChange: model("ChannelStateChange", "Notification of a channel's state change.", { channel: prop("Channel", true, "") }),
  ChannelVarset: model("ChannelVarset", "Channel variable changed.", {
    variable: prop("string", true, "The variable that changed."),
    value: prop("string", true, "The new value of the variable."),
    channel: prop("Channel", false, "The channel on which the variable was set."),
  }),
  PlaybackContinuing: model("PlaybackContinuing", "Event showing the continuation of a media playback operation from one media URI to the next in the list.", {
    playback: prop("Playback", true, "Playback control object"),
  }),
  PlaybackFinished: model("PlaybackFinished", "Event showing the completion of a media playback operation.", {
    playback: prop("Playback", true, "Playback control object"),
  }),
  PlaybackStarted: model("PlaybackStarted", "Event showing the start of a media playback operation.", {
    playback: prop("Playback", true, "Playback control object"),
  }),
  RecordingFailed: model("RecordingFailed", "Event showing failure of a recording operation.", {
    recording: prop("LiveRecording", true, "Recording control object"),
  }),
  RecordingFinished: model("RecordingFinished", "Event showing the completion of a recording operation.", {
    recording: prop("LiveRecording", true, "Recording control object"),
  }),
  RecordingStarted: model("RecordingStarted", "Event showing the start of a recording operation.", {
    recording: prop("LiveRecording", true, "Recording control object"),
  }),
  StasisEnd: model("StasisEnd", "Notification that a channel has left a Stasis application.", { channel: prop("Channel", true, "") }),
  StasisStart: model("StasisStart", "Notification that a channel has entered a Stasis application.", {
    args: prop("List[string]", true, "Arguments to the application"),
    channel: prop("Channel", true, ""),
    replace_channel: prop("Channel", false, ""),
  }),
};

function pick(...names: (keyof typeof MODELS)[]): Record<string, ModelDoc> {
  return Object.fromEntries(names.map((n) => [n, MODELS[n]]));
}

// ---------- operations ----------

const playParams = (): ParamDoc[] => [
  query("media", "string", true, "Media URIs to play.", { allowMultiple: true }),
  query("lang", "string", false, "For sounds, selects language for sound."),
  query("offsetms", "int", false, "Number of milliseconds to skip before playing. Only applies to the first URI if multiple media URIs are specified."),
  query("skipms", "int", false, "Number of milliseconds to skip for forward/reverse operations.", { defaultValue: 3000 }),
];
const recordParams = (): ParamDoc[] => [
  query("name", "string", true, "Recording's filename"),
  query("format", "string", true, "Format to encode audio in"),
  query("maxDurationSeconds", "int", false, "Maximum duration of the recording, in seconds. 0 for no limit.", { defaultValue: 0 }),
  query("maxSilenceSeconds", "int", false, "Maximum duration of silence, in seconds. 0 for no limit.", { defaultValue: 0 }),
  query("ifExists", "string", false, "Action to take if a recording with the same name already exists.", {
    defaultValue: "fail",
    allowableValues: { valueType: "LIST", values: ["fail", "overwrite", "append"] },
  }),
  query("beep", "boolean", false, "Play beep when recording begins", { defaultValue: false }),
  query("terminateOn", "string", false, "DTMF input to terminate recording", {
    defaultValue: "none",
    allowableValues: { valueType: "LIST", values: ["none", "any", "*", "#"] },
  }),
];
const originateParams = (withChannelId: boolean): ParamDoc[] => [
  query("endpoint", "string", true, "Endpoint to call."),
  query("extension", "string", false, "The extension to dial after the endpoint answers. Mutually exclusive with 'app'."),
  query("context", "string", false, "The context to dial after the endpoint answers. If omitted, uses 'default'. Mutually exclusive with 'app'."),
  query("priority", "long", false, "The priority to dial after the endpoint answers. If omitted, uses 1. Mutually exclusive with 'app'."),
  query("label", "string", false, "The label to dial after the endpoint answers. Will supersede 'priority' if provided. Mutually exclusive with 'app'."),
  query("app", "string", false, "The application that is subscribed to the originated channel. When the channel is answered, it will be passed to this Stasis application."),
  query("appArgs", "string", false, "The application arguments to pass to the Stasis application provided by 'app'."),
  query("callerId", "string", false, "CallerID to use when dialing the endpoint or extension."),
  query("timeout", "int", false, "Timeout (in seconds) before giving up dialing, or -1 for no timeout.", { defaultValue: 30 }),
  variablesBody(),
  ...(withChannelId ? [query("channelId", "string", false, "The unique id to assign the channel on creation.")] : []),
  query("otherChannelId", "string", false, "The unique id to assign the second channel when using local channels."),
];
const ORIGINATE_ERRORS: [number, string][] = [
  [400, "Invalid parameters for originating a channel."],
  [409, "Channel with given unique ID already exists."],
];
const HANGUP_REASONS = [
  "normal",
  "busy",
  "congestion",
  "no_answer",
  "timeout",
  "rejected",
  "unallocated",
  "normal_unspecified",
  "number_incomplete",
  "codec_mismatch",
  "interworking",
  "failure",
  "answered_elsewhere",
];

const APIS: Record<ResourceName, ApiDoc[]> = {
  asterisk: [
    {
      path: "/asterisk/info",
      description: "Asterisk system information (similar to core show settings)",
      operations: [
        op("GET", "getInfo", "AsteriskInfo", "Gets Asterisk system information.", [
          query("only", "string", false, "Filter information returned", {
            allowMultiple: true,
            allowableValues: { valueType: "LIST", values: ["build", "system", "config", "status"] },
          }),
        ]),
      ],
    },
    { path: "/asterisk/ping", description: "Asterisk ping", operations: [op("GET", "ping", "AsteriskPing", "Response pong message.")] },
  ],
  endpoints: [
    { path: "/endpoints", description: "Asterisk endpoints", operations: [op("GET", "list", "List[Endpoint]", "List all endpoints.")] },
    {
      path: "/endpoints/{tech}",
      description: "Asterisk endpoints",
      operations: [
        op("GET", "listByTech", "List[Endpoint]", "List available endoints for a given endpoint technology.", [path("tech", "Technology of the endpoints (pjsip,iax2,...)")], [[404, "Endpoints not found"]]),
      ],
    },
    {
      path: "/endpoints/{tech}/{resource}",
      description: "Single endpoint",
      operations: [
        op(
          "GET",
          "get",
          "Endpoint",
          "Details for an endpoint.",
          [path("tech", "Technology of the endpoint"), path("resource", "ID of the endpoint")],
          [
            [400, "Invalid parameters for sending a message."],
            [404, "Endpoints not found"],
          ],
        ),
      ],
    },
  ],
  channels: [
    {
      path: "/channels",
      description: "Active channels",
      operations: [
        op("GET", "list", "List[Channel]", "List all active channels in Asterisk."),
        op("POST", "originate", "Channel", "Create a new channel (originate).", originateParams(true), ORIGINATE_ERRORS),
      ],
    },
    {
      path: "/channels/{channelId}",
      description: "Active channel",
      operations: [
        op("GET", "get", "Channel", "Channel details.", [channelId()], [CHANNEL_NOT_FOUND]),
        op("POST", "originateWithId", "Channel", "Create a new channel (originate with id).", [path("channelId", "The unique id to assign the channel on creation."), ...originateParams(false)], ORIGINATE_ERRORS),
        op(
          "DELETE",
          "hangup",
          "void",
          "Delete (i.e. hangup) a channel.",
          [
            channelId(),
            query("reason_code", "string", false, "The reason code for hanging up the channel for detail use. Mutually exclusive with 'reason'."),
            query("reason", "string", false, "Reason for hanging up the channel for simple use. Mutually exclusive with 'reason_code'.", {
              allowableValues: { valueType: "LIST", values: HANGUP_REASONS },
            }),
          ],
          [[400, "Invalid reason for hangup provided"], CHANNEL_NOT_FOUND],
        ),
      ],
    },
    { path: "/channels/{channelId}/answer", description: "Answer a channel", operations: [op("POST", "answer", "void", "Answer a channel.", [channelId()], channelErrors())] },
    {
      path: "/channels/{channelId}/ring",
      description: "Send a ringing indication to a channel",
      operations: [
        op("POST", "ring", "void", "Indicate ringing to a channel.", [channelId()], channelErrors()),
        op("DELETE", "ringStop", "void", "Stop ringing indication on a channel if locally generated.", [channelId()], channelErrors()),
      ],
    },
    {
      path: "/channels/{channelId}/moh",
      description: "Play music on hold to a channel",
      operations: [
        op("POST", "startMoh", "void", "Play music on hold to a channel.", [channelId(), query("mohClass", "string", false, "Music on hold class to use")], channelErrors()),
        op("DELETE", "stopMoh", "void", "Stop playing music on hold to a channel.", [channelId()], channelErrors()),
      ],
    },
    {
      path: "/channels/{channelId}/play",
      description: "Play media to a channel",
      operations: [
        op("POST", "play", "Playback", "Start playback of media.", [channelId(), ...playParams(), query("playbackId", "string", false, "Playback ID.")], channelErrors()),
      ],
    },
    {
      path: "/channels/{channelId}/play/{playbackId}",
      description: "Play media to a channel",
      operations: [op("POST", "playWithId", "Playback", "Start playback of media and specify the playbackId.", [channelId(), playbackId(), ...playParams()], channelErrors())],
    },
    {
      path: "/channels/{channelId}/record",
      description: "Record audio from a channel",
      operations: [
        op("POST", "record", "LiveRecording", "Start a recording.", [channelId(), ...recordParams()], [
          [400, "Invalid parameters"],
          CHANNEL_NOT_FOUND,
          [409, "Channel is not in a Stasis application; the channel is currently bridged with other channels; A recording with the same name already exists on the system and can not be overwritten because it is in progress or ifExists=fail"],
          [422, "The format specified is unknown on this system"],
        ]),
      ],
    },
    {
      path: "/channels/{channelId}/variable",
      description: "Variables on a channel",
      operations: [
        op("GET", "getChannelVar", "Variable", "Get the value of a channel variable or function.", [channelId(), query("variable", "string", true, "The channel variable or function to get")], [
          [400, "Missing variable parameter."],
          [404, "Channel or variable not found"],
          NOT_IN_STASIS,
        ]),
        op(
          "POST",
          "setChannelVar",
          "void",
          "Set the value of a channel variable or function.",
          [channelId(), query("variable", "string", true, "The channel variable or function to set"), query("value", "string", false, "The value to set the variable to")],
          [[400, "Missing variable parameter."], CHANNEL_NOT_FOUND, NOT_IN_STASIS],
        ),
      ],
    },
  ],
  bridges: [
    {
      path: "/bridges",
      description: "Active bridges",
      operations: [
        op("GET", "list", "List[Bridge]", "List all active bridges in Asterisk."),
        op(
          "POST",
          "create",
          "Bridge",
          "Create a new bridge.",
          [
            query("type", "string", false, "Comma separated list of bridge type attributes (mixing, holding, dtmf_events, proxy_media, video_sfu, video_single, sdp_label)."),
            query("bridgeId", "string", false, "Unique ID to give to the bridge being created."),
            query("name", "string", false, "Name to give to the bridge being created."),
          ],
          [[409, "Bridge with the same bridgeId already exists"]],
        ),
      ],
    },
    {
      path: "/bridges/{bridgeId}",
      description: "Individual bridge",
      operations: [
        op(
          "POST",
          "createWithId",
          "Bridge",
          "Create a new bridge or updates an existing one.",
          [query("type", "string", false, "Comma separated list of bridge type attributes (mixing, holding, dtmf_events, proxy_media, video_sfu, video_single, sdp_label) to set."), path("bridgeId", "Unique ID to give to the bridge being created."), query("name", "string", false, "Set the name of the bridge.")],
          [[409, "Bridge with the same bridgeId already exists"]],
        ),
        op("GET", "get", "Bridge", "Get bridge details.", [bridgeId()], [[404, "Bridge not found"]]),
        op("DELETE", "destroy", "void", "Shut down a bridge.", [bridgeId()], [[404, "Bridge not found"]]),
      ],
    },
    {
      path: "/bridges/{bridgeId}/addChannel",
      description: "Add a channel to a bridge",
      operations: [
        op(
          "POST",
          "addChannel",
          "void",
          "Add a channel to a bridge.",
          [
            bridgeId(),
            query("channel", "string", true, "Ids of channels to add to bridge", { allowMultiple: true }),
            query("role", "string", false, "Channel's role in the bridge"),
            query("absorbDTMF", "boolean", false, "Absorb DTMF coming from this channel, preventing it to pass through to the bridge", { defaultValue: false }),
            query("mute", "boolean", false, "Mute audio from this channel, preventing it to pass through to the bridge", { defaultValue: false }),
          ],
          [
            [400, "Channel not found"],
            [404, "Bridge not found"],
            [409, "Bridge not in Stasis application; Channel currently recording"],
            [422, "Channel not in Stasis application"],
          ],
        ),
      ],
    },
    {
      path: "/bridges/{bridgeId}/removeChannel",
      description: "Remove a channel from a bridge",
      operations: [
        op("POST", "removeChannel", "void", "Remove a channel from a bridge.", [bridgeId(), query("channel", "string", true, "Ids of channels to remove from bridge", { allowMultiple: true })], [
          [400, "Channel not found"],
          [404, "Bridge not found"],
          [409, "Bridge not in Stasis application"],
          [422, "Channel not in this bridge"],
        ]),
      ],
    },
    {
      path: "/bridges/{bridgeId}/moh",
      description: "Play music on hold to a bridge",
      operations: [
        op("POST", "startMoh", "void", "Play music on hold to a bridge or change the MOH class that is playing.", [bridgeId(), query("mohClass", "string", false, "Music on hold class to use")], [
          [404, "Bridge not found"],
          [409, "Bridge not in Stasis application"],
        ]),
        op("DELETE", "stopMoh", "void", "Stop playing music on hold to a bridge.", [bridgeId()], [
          [404, "Bridge not found"],
          [409, "Bridge not in Stasis application"],
        ]),
      ],
    },
    {
      path: "/bridges/{bridgeId}/play",
      description: "Play media to the participants of a bridge",
      operations: [
        op("POST", "play", "Playback", "Start playback of media on a bridge.", [bridgeId(), ...playParams(), query("playbackId", "string", false, "Playback Id.")], [
          [404, "Bridge not found"],
          [409, "Bridge not in a Stasis application"],
        ]),
      ],
    },
    {
      path: "/bridges/{bridgeId}/play/{playbackId}",
      description: "Play media to a bridge",
      operations: [
        op("POST", "playWithId", "Playback", "Start playback of media on a bridge.", [bridgeId(), playbackId(), ...playParams()], [
          [404, "Bridge not found"],
          [409, "Bridge not in a Stasis application"],
        ]),
      ],
    },
    {
      path: "/bridges/{bridgeId}/record",
      description: "Record audio on a bridge",
      operations: [
        op("POST", "record", "LiveRecording", "Start a recording.", [bridgeId(), ...recordParams()], [
          [400, "Invalid parameters"],
          [404, "Bridge not found"],
          [409, "Bridge is not in a Stasis application; A recording with the same name already exists on the system and can not be overwritten because it is in progress or ifExists=fail"],
          [422, "The format specified is unknown on this system"],
        ]),
      ],
    },
  ],
  recordings: [
    { path: "/recordings/stored", description: "Recordings", operations: [op("GET", "listStored", "List[StoredRecording]", "List recordings that are complete.")] },
    {
      path: "/recordings/stored/{recordingName}",
      description: "Individual recording",
      operations: [
        op("GET", "getStored", "StoredRecording", "Get a stored recording's details.", [recordingName()], [[404, "Recording not found"]]),
        op("DELETE", "deleteStored", "void", "Delete a stored recording.", [recordingName()], [[404, "Recording not found"]]),
      ],
    },
    {
      path: "/recordings/stored/{recordingName}/file",
      description: "The actual file associated with the stored recording",
      operations: [
        op("GET", "getStoredFile", "binary", "Get the file associated with the stored recording.", [recordingName()], [
          [403, "The recording file could not be opened"],
          [404, "Recording not found"],
        ]),
      ],
    },
    {
      path: "/recordings/live/{recordingName}",
      description: "A recording that is in progress",
      operations: [
        op("GET", "getLive", "LiveRecording", "List live recordings.", [recordingName()], [[404, "Recording not found"]]),
        op("DELETE", "cancel", "void", "Stop a live recording and discard it.", [recordingName()], [[404, "Recording not found"]]),
      ],
    },
    {
      path: "/recordings/live/{recordingName}/stop",
      description: "",
      operations: [op("POST", "stop", "void", "Stop a live recording and store it.", [recordingName()], [[404, "Recording not found"]])],
    },
  ],
  playbacks: [
    {
      path: "/playbacks/{playbackId}",
      description: "Control object for a playback operation.",
      operations: [
        op("GET", "get", "Playback", "Get a playback's details.", [path("playbackId", "Playback's id")], [[404, "The playback cannot be found"]]),
        op("DELETE", "stop", "void", "Stop a playback.", [path("playbackId", "Playback's id")], [[404, "The playback cannot be found"]]),
      ],
    },
  ],
  events: [
    {
      path: "/events",
      description: "Events from Asterisk to applications",
      operations: [
        {
          ...op("GET", "eventWebsocket", "Message", "WebSocket connection for events.", [
            query("app", "string", true, "Applications to subscribe to.", { allowMultiple: true }),
            query("subscribeAll", "boolean", false, "Subscribe to all Asterisk events."),
          ]),
          upgrade: "websocket",
          websocketProtocol: "ari",
        },
      ],
    },
  ],
};

const RESOURCE_MODELS: Record<ResourceName, Record<string, ModelDoc>> = {
  asterisk: pick("AsteriskInfo", "BuildInfo", "SystemInfo", "SetId", "ConfigInfo", "StatusInfo", "AsteriskPing", "Variable"),
  endpoints: pick("Endpoint"),
  channels: pick("Channel", "CallerID", "DialplanCEP", "Variable"),
  bridges: pick("Bridge"),
  recordings: pick("StoredRecording", "LiveRecording"),
  playbacks: pick("Playback"),
  events: EVENT_MODELS,
};

/** `/ari/api-docs/resources.json`: basePath is the address the client reached us on, as Asterisk does. */
export function resourceListing(basePath: string) {
  return {
    apiVersion: "12.0.0",
    swaggerVersion: "1.2",
    basePath,
    apis: RESOURCES.map((r) => ({ path: `/api-docs/${r}.{format}`, description: DESCRIPTIONS[r] })),
  };
}

/** `/ari/api-docs/<resource>.json`. */
export function apiDeclaration(resource: ResourceName, basePath: string): ApiDeclaration {
  return {
    apiVersion: "2.0.0",
    swaggerVersion: "1.2",
    basePath,
    resourcePath: `/api-docs/${resource}.{format}`,
    apis: APIS[resource],
    models: RESOURCE_MODELS[resource],
  };
}

export function isResourceName(name: string): name is ResourceName {
  return (RESOURCES as readonly string[]).includes(name);
}

/** Every operation the simulator documents (and so serves), with the resource it belongs to. */
export function allOperations(): { resource: ResourceName; path: string; operation: OperationDoc }[] {
  return RESOURCES.flatMap((resource) => APIS[resource].flatMap((api) => api.operations.map((operation) => ({ resource, path: api.path, operation }))));
}
