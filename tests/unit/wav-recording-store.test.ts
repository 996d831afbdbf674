import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseRange, RecordingStore } from "../../platform/recording-store";
import { conversationWav, encodeWav, readWavInfo } from "../../platform/wav";

describe("WAV files", () => {
  it("encodes 16-bit mono PCM whose header gives back its duration", () => {
    const wav = encodeWav(new Int16Array(16000), 8000);
    expect(wav.length).toBe(44 + 32000);
    expect(readWavInfo(wav)).toMatchObject({ sampleRate: 8000, channels: 1, bitsPerSample: 16, dataBytes: 32000, durationSeconds: 2 });
    expect(readWavInfo(Buffer.from("not a wav file at all"))).toBeNull();
  });

  it("generates a reproducible, audible conversation", () => {
    const a = conversationWav(3, 42);
    expect(a.equals(conversationWav(3, 42))).toBe(true);
    expect(a.equals(conversationWav(3, 43))).toBe(false);
    const info = readWavInfo(a)!;
    expect(info.durationSeconds).toBeCloseTo(3, 5);
    const samples = new Int16Array(a.buffer, a.byteOffset + 44, (a.length - 44) / 2);
    expect(Math.max(...samples)).toBeGreaterThan(3000);
  });
});

describe("recording store", () => {
  it("stores a file atomically with its checksum and duration, and reads byte ranges", async () => {
    const store = new RecordingStore(mkdtempSync(path.join(tmpdir(), "rec-")));
    const key = RecordingStore.keyForCall(12, new Date("2026-11-30T10:00:00Z"));
    expect(key).toBe("2026/11/30/call-12.wav");
    const wav = conversationWav(2, 1);
    const info = await store.save(key, wav);
    expect(info).toMatchObject({ key, sizeBytes: wav.length, format: "wav", durationSeconds: 2 });
    expect(info.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(store.pathOf(key)).equals(wav)).toBe(true);
    expect(await store.size(key)).toBe(wav.length);
    expect(await store.size("2026/01/01/none.wav")).toBeNull();
    const chunks: Buffer[] = [];
    for await (const c of store.read(key, { start: 0, end: 3 })) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString("ascii")).toBe("RIFF");
  });

  it("refuses keys that could name a file outside its directory", () => {
    const store = new RecordingStore("/tmp/x");
    for (const bad of ["../etc/passwd", "/etc/passwd", "a/../../b", "A.wav", "a//b", ""]) {
      expect(() => store.pathOf(bad)).toThrow();
    }
  });

  it("parses HTTP ranges as browsers send them", () => {
    expect(parseRange(undefined, 100)).toBeNull();
    expect(parseRange("bytes=0-", 100)).toEqual({ start: 0, end: 99 });
    expect(parseRange("bytes=10-19", 100)).toEqual({ start: 10, end: 19 });
    expect(parseRange("bytes=90-200", 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange("bytes=-10", 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange("bytes=100-", 100)).toBe("unsatisfiable");
    expect(parseRange("bytes=0-1,5-6", 100)).toBeNull();
    expect(parseRange("items=0-1", 100)).toBeNull();
  });
});
