/**
 * WAV (RIFF, 16-bit PCM) encoding and header reading: call recordings are stored as WAV, the ARI simulator
 * writes them, demo data generates them, and the recording store reads their duration from the header.
 */

export interface WavInfo {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** bytes of sample data */
  dataBytes: number;
  /** offset of the sample data in the file */
  dataOffset: number;
  durationSeconds: number;
}

/** A mono 16-bit PCM WAV file of the given samples. */
export function encodeWav(samples: Int16Array, sampleRate = 8000): Buffer {
  const dataBytes = samples.length * 2;
  const buf = Buffer.alloc(44 + dataBytes);
  buf.write("RIFF", 0, "ascii");
  buf.writeUInt32LE(36 + dataBytes, 4);
  buf.write("WAVE", 8, "ascii");
  buf.write("fmt ", 12, "ascii");
  buf.writeUInt32LE(16, 16); // fmt chunk size
  buf.writeUInt16LE(1, 20); // PCM
  buf.writeUInt16LE(1, 22); // mono
  buf.writeUInt32LE(sampleRate, 24);
  buf.writeUInt32LE(sampleRate * 2, 28); // byte rate
  buf.writeUInt16LE(2, 32); // block align
  buf.writeUInt16LE(16, 34); // bits per sample
  buf.write("data", 36, "ascii");
  buf.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < samples.length; i++) buf.writeInt16LE(samples[i]!, 44 + i * 2);
  return buf;
}

/** The format and duration of a WAV file from its header, or null when it is not a PCM WAV file. */
export function readWavInfo(file: Buffer): WavInfo | null {
  if (file.length < 12 || file.toString("ascii", 0, 4) !== "RIFF" || file.toString("ascii", 8, 12) !== "WAVE") return null;
  let offset = 12;
  let fmt: { sampleRate: number; channels: number; bitsPerSample: number } | null = null;
  while (offset + 8 <= file.length) {
    const id = file.toString("ascii", offset, offset + 4);
    const size = file.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === "fmt " && body + 16 <= file.length) {
      fmt = { channels: file.readUInt16LE(body + 2), sampleRate: file.readUInt32LE(body + 4), bitsPerSample: file.readUInt16LE(body + 14) };
    } else if (id === "data" && fmt) {
      const dataBytes = Math.min(size, file.length - body);
      const bytesPerSecond = fmt.sampleRate * fmt.channels * (fmt.bitsPerSample / 8);
      return { ...fmt, dataBytes, dataOffset: body, durationSeconds: bytesPerSecond > 0 ? dataBytes / bytesPerSecond : 0 };
    }
    offset = body + size + (size % 2); // chunks are word-aligned
  }
  return null;
}

/**
 * Audio that sounds like a conversation rather than silence: two "voices" (different pitches, syllable-like
 * amplitude envelopes) taking turns every few seconds, with short pauses. Deterministic for a seed, so demo
 * data and tests are reproducible. 8 kHz mono, as telephone audio is.
 */
export function conversationSamples(seconds: number, seed = 1, sampleRate = 8000): Int16Array {
  const n = Math.max(0, Math.round(seconds * sampleRate));
  const out = new Int16Array(n);
  let state = seed >>> 0 || 1;
  const random = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x100000000;
  };
  let i = 0;
  let speaker = 0;
  while (i < n) {
    const turn = Math.round((1.5 + random() * 3) * sampleRate);
    const base = speaker === 0 ? 120 + random() * 30 : 210 + random() * 40;
    const syllable = Math.round((0.12 + random() * 0.1) * sampleRate);
    for (let j = 0; j < turn && i < n; j++, i++) {
      const t = i / sampleRate;
      const envelope = Math.sin((Math.PI * (j % syllable)) / syllable) ** 2;
      const pitch = base * (1 + 0.05 * Math.sin(2 * Math.PI * 3 * t));
      const v = Math.sin(2 * Math.PI * pitch * t) * 0.6 + Math.sin(2 * Math.PI * pitch * 2 * t) * 0.25 + Math.sin(2 * Math.PI * pitch * 3 * t) * 0.1;
      out[i] = Math.round(v * envelope * 9000);
    }
    // a short pause between turns
    const pause = Math.round((0.2 + random() * 0.4) * sampleRate);
    i = Math.min(n, i + pause);
    speaker = 1 - speaker;
  }
  return out;
}

/** A WAV file of a generated conversation of the given length. */
export function conversationWav(seconds: number, seed = 1, sampleRate = 8000): Buffer {
  return encodeWav(conversationSamples(seconds, seed, sampleRate), sampleRate);
}
