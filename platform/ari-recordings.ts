/**
 * A small client for one ARI operation, used where no ARI connection (ari-client, events) is wanted: the
 * workers download a stored recording with `GET {ari}/ari/recordings/stored/{name}/file` and basic auth
 * (ARI_USER / ARI_PASSWORD), the request ari-client's recordings.getStoredFile makes.
 */
export interface AriHttpOptions {
  /** http(s)://host:port of Asterisk's HTTP server (ARI_URL, or the telephony node's ari_url) */
  baseUrl: string;
  user: string;
  password: string;
  /** default 30 s */
  timeoutMs?: number;
}

export class AriDownloadError extends Error {
  constructor(
    message: string,
    /** the HTTP status, or null for a network error or timeout */
    readonly status: number | null,
  ) {
    super(message);
  }
}

/** The stored recording's bytes; throws AriDownloadError (404: Asterisk has no such recording). */
export async function downloadStoredRecording(o: AriHttpOptions, recordingName: string): Promise<Buffer> {
  const name = recordingName.split("/").map(encodeURIComponent).join("/");
  const url = `${o.baseUrl.replace(/\/+$/, "")}/ari/recordings/stored/${name}/file`;
  let res: Response;
  try {
    res = await fetch(url, {
      headers: { Authorization: `Basic ${Buffer.from(`${o.user}:${o.password}`).toString("base64")}` },
      signal: AbortSignal.timeout(o.timeoutMs ?? 30_000),
    });
  } catch (e) {
    throw new AriDownloadError(`ARI ${recordingName}: ${e instanceof Error ? e.message : String(e)}`, null);
  }
  if (!res.ok) {
    const text = (await res.text().catch(() => "")).slice(0, 200);
    throw new AriDownloadError(`ARI ${recordingName}: HTTP ${res.status} ${text}`.trim(), res.status);
  }
  return Buffer.from(await res.arrayBuffer());
}
