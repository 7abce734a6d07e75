// The ingest log: where an acknowledged event lives until the loader has stored it. Requests append their
// events as lines (one JSON object per event, in the batch shape of src/loader/batch.ts) to the open
// segment; appends that arrive while a write is in flight are written together and made durable with one
// fdatasync (group commit), and each request is answered only after its lines are on disk. The loader seals
// the open segment, loads it in one go with DuckDB's JSON reader, and deletes it once stored.
//
// Newline framing is enough: JSON.stringify escapes every newline inside a value, so a line is a record,
// and a crash can only leave one torn line at a segment's end (never acknowledged), cut off on recovery.
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import type { Logger } from "pino";
import { LogIo } from "./log-io.js";

export interface Segment {
  readonly file: string;
  /** Events (lines) it holds. */
  events: number;
  bytes: number;
  /** Receive time (epoch ms) of its oldest event, for the loader's lag. */
  oldestAt: number | null;
  /** Request tags it holds, lowest and highest (tags grow with every append). */
  firstTag: number | null;
  lastTag: number | null;
}

interface Append {
  text: string;
  events: number;
  tag: number;
  receivedAt: number;
  done: () => void;
  fail: (e: Error) => void;
}

const SEGMENT_NAME = /^seg-(\d{12})\.jsonl$/;
const segmentName = (n: number) => `seg-${String(n).padStart(12, "0")}.jsonl`;

export interface LogSettings {
  /** A segment larger than this is sealed for the loader even if the loader has not asked. */
  maxSegmentBytes: number;
}

export class IngestLog {
  private open: { segment: Segment; fd: number } | null = null;
  private readonly io = new LogIo();
  private readonly sealedSegments: Segment[] = [];
  private queue: Append[] = [];
  private writing: Promise<void> | null = null;
  private nextNumber: number;
  private closed = false;
  /** Called after every durable write, so the loader can wake up. */
  onAppend: () => void = () => {};

  private constructor(
    readonly dir: string,
    recovered: Segment[],
    nextNumber: number,
    private readonly settings: LogSettings,
  ) {
    this.sealedSegments.push(...recovered);
    this.nextNumber = nextNumber;
  }

  /** The log beside a database file: `<file>.ingest/`. */
  static dirFor(databaseFile: string): string {
    return `${databaseFile}.ingest`;
  }

  /**
   * Opens the log, turning every segment a previous process left (a crash, or a stop before the loader
   * finished) into a sealed one: a torn last line is cut off, lines are counted.
   */
  static async open(dir: string, settings: LogSettings, log: Logger): Promise<IngestLog> {
    await fsp.mkdir(dir, { recursive: true });
    const names = (await fsp.readdir(dir)).filter((n) => SEGMENT_NAME.test(n)).sort();
    const recovered: Segment[] = [];
    for (const [i, name] of names.entries()) {
      const segment = await recoverSegment(path.join(dir, name), log, i === names.length - 1);
      if (segment.events > 0) recovered.push(segment);
      else await fsp.rm(segment.file, { force: true });
    }
    const last = names.at(-1);
    const next = last ? Number(SEGMENT_NAME.exec(last)![1]) + 1 : 1;
    return new IngestLog(dir, recovered, next, settings);
  }

  /** Events written but not yet handed to the loader, plus those sealed and waiting. */
  backlog(): { events: number; bytes: number; oldestAt: number | null } {
    const all = this.open ? [...this.sealedSegments, this.open.segment] : this.sealedSegments;
    let events = 0;
    let bytes = 0;
    let oldestAt: number | null = null;
    for (const s of all) {
      events += s.events;
      bytes += s.bytes;
      if (s.oldestAt !== null && (oldestAt === null || s.oldestAt < oldestAt)) oldestAt = s.oldestAt;
    }
    for (const a of this.queue) events += a.events;
    return { events, bytes, oldestAt };
  }

  /** Appends one request's lines (each ending in "\n"); resolves once they are on disk. */
  append(text: string, events: number, tag: number, receivedAt: number): Promise<void> {
    if (this.closed) return Promise.reject(new Error("the ingest log is closed"));
    return new Promise<void>((done, fail) => {
      this.queue.push({ text, events, tag, receivedAt, done, fail });
      this.writing ??= this.writeLoop();
    });
  }

  private async writeLoop(): Promise<void> {
    while (this.queue.length > 0) {
      const take = this.queue;
      this.queue = [];
      try {
        const { segment, fd } = await this.openSegment();
        const data = Buffer.from(take.map((a) => a.text).join(""));
        await this.io.append(fd, data);
        for (const a of take) {
          segment.events += a.events;
          if (segment.oldestAt === null || a.receivedAt < segment.oldestAt) segment.oldestAt = a.receivedAt;
          segment.firstTag ??= a.tag;
          segment.lastTag = a.tag;
        }
        segment.bytes += data.length;
        if (segment.bytes >= this.settings.maxSegmentBytes) await this.sealOpen();
        for (const a of take) a.done();
        this.onAppend();
      } catch (e) {
        // The open segment may now end in a partial write: seal it (recovery-style cut) and start anew.
        await this.abandonOpen();
        for (const a of take) a.fail(e as Error);
      }
    }
    this.writing = null;
  }

  private async openSegment(): Promise<{ segment: Segment; fd: number }> {
    if (this.open) return this.open;
    const file = path.join(this.dir, segmentName(this.nextNumber++));
    // The new file's directory entry is made durable too, or a crash could lose a whole acked segment.
    const fd = await this.io.create(file);
    this.open = {
      fd,
      segment: { file, events: 0, bytes: 0, oldestAt: null, firstTag: null, lastTag: null },
    };
    return this.open;
  }

  private async sealOpen(): Promise<void> {
    const open = this.open;
    if (!open) return;
    this.open = null;
    await this.io.close(open.fd);
    if (open.segment.events > 0) this.sealedSegments.push(open.segment);
    else await fsp.rm(open.segment.file, { force: true });
  }

  private async abandonOpen(): Promise<void> {
    const open = this.open;
    if (!open) return;
    this.open = null;
    await this.io.close(open.fd).catch(() => undefined);
    const recovered = await recoverSegment(open.segment.file, null).catch(() => null);
    if (recovered && recovered.events > 0) this.sealedSegments.push({ ...open.segment, ...recovered });
  }

  /**
   * The oldest segment ready for the loader: a sealed one, else the open one, sealed now (after the write
   * in flight, so it holds only whole, durable requests). Null when nothing is waiting.
   */
  async next(): Promise<Segment | null> {
    const ready = this.sealedSegments[0];
    if (ready) return ready;
    while (this.writing) await this.writing;
    await this.sealOpen();
    return this.sealedSegments[0] ?? null;
  }

  /** Deletes a segment the loader has stored. */
  async remove(segment: Segment): Promise<void> {
    const i = this.sealedSegments.indexOf(segment);
    if (i >= 0) this.sealedSegments.splice(i, 1);
    await fsp.rm(segment.file, { force: true });
  }

  /** Stops taking appends; waits for the write in flight. Segments stay for the next open to load. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.writing) await this.writing;
    await this.sealOpen();
    await this.io.stop();
  }
}

/**
 * Reads a segment a previous writer left: cuts a torn tail (bytes after the last newline: a write that was
 * never acknowledged) and counts what remains. Only the newest segment can end in a torn write (others were
 * sealed after a complete, synced write), so only it has each line checked as JSON.
 */
async function recoverSegment(file: string, log: Logger | null, checkLines = true): Promise<Segment> {
  const data = await fsp.readFile(file);
  const end = data.lastIndexOf(10) + 1; // after the last "\n"
  let body = data.subarray(0, end);
  let unreadable = 0;
  if (checkLines && end > 0) {
    const kept: string[] = [];
    for (const line of body.toString("utf8").split("\n").slice(0, -1)) {
      if (isRecord(line)) kept.push(line);
      else unreadable++;
    }
    if (unreadable > 0) body = Buffer.from(kept.length > 0 ? `${kept.join("\n")}\n` : "");
  }
  if (end < data.length || unreadable > 0) {
    await fsp.writeFile(`${file}.tmp`, body);
    const h = await fsp.open(`${file}.tmp`, "r+");
    await h.datasync();
    await h.close();
    fs.renameSync(`${file}.tmp`, file);
    log?.warn(
      { segment: path.basename(file), tornBytes: data.length - end, unreadableLines: unreadable },
      "ingest log: cut an unfinished write from a segment (never acknowledged)",
    );
  }
  let events = 0;
  for (let i = body.indexOf(10); i >= 0; i = body.indexOf(10, i + 1)) events++;
  const firstEnd = body.indexOf(10);
  const first = firstEnd > 0 ? parseRecord(body.subarray(0, firstEnd).toString("utf8")) : null;
  const last =
    events > 0
      ? parseRecord(body.subarray(body.lastIndexOf(10, body.length - 2) + 1).toString("utf8"))
      : null;
  return {
    file,
    events,
    bytes: body.length,
    oldestAt: typeof first?.received_ms === "number" ? first.received_ms : null,
    firstTag: typeof first?.tag === "number" ? first.tag : null,
    lastTag: typeof last?.tag === "number" ? last.tag : null,
  };
}

function parseRecord(line: string): { received_ms?: unknown; tag?: unknown } | null {
  try {
    const rec = JSON.parse(line) as unknown;
    return rec && typeof rec === "object" && !Array.isArray(rec) ? (rec as { received_ms?: unknown }) : null;
  } catch {
    return null;
  }
}

const isRecord = (line: string) => parseRecord(line) !== null;
