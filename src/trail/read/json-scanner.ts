/**
 * A streaming JSON scanner for CloudTrail's containers: it finds the array under `Records` (S3 log
 * files), `Events` (`aws cloudtrail lookup-events`) or `QueryResultRows` (CloudTrail Lake results)
 * and hands over each element's bytes as soon as the element closes, so a trail is never held in
 * memory. A top-level value without such an array (one record, JSON Lines) is handed over whole.
 * It only tracks nesting and strings; each element is parsed by JSON.parse afterwards.
 */

export type ContainerKind = 'Records' | 'Events' | 'QueryResultRows' | 'value';

export interface ScannerSink {
  element(kind: ContainerKind, bytes: Buffer): void;
  /** A top-level value larger than the limit, skipped. */
  oversized(bytes: number): void;
}

const CONTAINERS: ReadonlySet<string> = new Set(['Records', 'Events', 'QueryResultRows']);
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** A top-level value that is not a container is buffered up to this size (one record is a few KB). */
const MAX_VALUE_BYTES = 16 * 1024 * 1024;
const MAX_KEY_BYTES = 64;

export class JsonContainerScanner {
  private depth = 0;
  private inString = false;
  private escapeNext = false;
  /** Depth of the container array's elements, when inside one. */
  private arrayDepth = -1;
  private arrayKind: ContainerKind = 'value';
  private lastKey = '';
  private keyParts: Buffer[] | undefined;
  /** Bytes of the element (or top-level value) being captured. */
  private parts: Buffer[] = [];
  private partsSize = 0;
  private capturing = false;
  private captureStart = 0;
  private topLevelHadContainer = false;
  private valueTooLarge = false;

  constructor(private readonly sink: ScannerSink) {}

  /** True when the input ended inside a value (a truncated file). */
  get incomplete(): boolean {
    return this.depth !== 0 || this.inString;
  }

  push(buf: Buffer): void {
    const len = buf.length;
    let i = 0;
    if (this.capturing) this.captureStart = 0;
    while (i < len) {
      if (!this.inString && this.arrayDepth > 0 && this.depth > this.arrayDepth) {
        i = this.skipInsideElement(buf, i, len);
        continue;
      }
      if (this.inString) {
        if (this.escapeNext) {
          this.escapeNext = false;
          i++;
          continue;
        }
        const q = buf.indexOf(QUOTE, i);
        if (q < 0) {
          this.escapeNext = oddBackslashesBefore(buf, len, i);
          if (this.keyParts) this.addKeyPart(buf.subarray(i, len));
          i = len;
          break;
        }
        if (oddBackslashesBefore(buf, q, i)) {
          if (this.keyParts) this.addKeyPart(buf.subarray(i, q + 1));
          i = q + 1;
          continue;
        }
        if (this.keyParts) {
          this.addKeyPart(buf.subarray(i, q));
          this.lastKey = Buffer.concat(this.keyParts).toString('utf8');
          this.keyParts = undefined;
        }
        this.inString = false;
        i = q + 1;
        continue;
      }
      const c = buf[i]!;
      if (c === QUOTE) {
        this.inString = true;
        // Keys of the top-level object (depth 1) name the container.
        if (this.depth === 1 && this.arrayDepth < 0) this.keyParts = [];
      } else if (c === 0x7b || c === 0x5b) {
        if (this.depth === 0) this.beginTopLevel(i);
        else if (this.depth === this.arrayDepth) this.beginCapture(i);
        this.depth++;
        if (c === 0x5b && this.depth === 2 && this.arrayDepth < 0 && CONTAINERS.has(this.lastKey)) {
          this.arrayDepth = 2;
          this.arrayKind = this.lastKey as ContainerKind;
          this.topLevelHadContainer = true;
          this.stopCapture();
        }
      } else if (c === 0x7d || c === 0x5d) {
        this.depth--;
        if (this.depth === this.arrayDepth && this.capturing) this.endCapture(buf, i + 1, this.arrayKind);
        else if (this.depth === this.arrayDepth - 1) this.arrayDepth = -1;
        else if (this.depth === 0) this.endTopLevel(buf, i + 1);
        if (this.depth < 0) this.depth = 0;
      }
      i++;
    }
    if (this.capturing) this.keepPart(buf.subarray(this.captureStart, len));
  }

  /**
   * The hot path: inside an element only nesting and strings matter, so this loop keeps its state
   * in locals and jumps over strings with indexOf. Returns where the general loop resumes.
   */
  private skipInsideElement(buf: Buffer, from: number, len: number): number {
    let depth = this.depth;
    const stop = this.arrayDepth;
    let i = from;
    while (i < len) {
      const c = buf[i]!;
      if (c === QUOTE) {
        let j = i + 1;
        for (;;) {
          const q = buf.indexOf(QUOTE, j);
          if (q < 0) {
            // The string goes on in the next chunk.
            this.depth = depth;
            this.inString = true;
            this.escapeNext = oddBackslashesBefore(buf, len, j);
            return len;
          }
          if (!oddBackslashesBefore(buf, q, j)) {
            i = q + 1;
            break;
          }
          j = q + 1;
        }
        continue;
      }
      if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        depth--;
        if (depth === stop) {
          this.depth = depth;
          this.endCapture(buf, i + 1, this.arrayKind);
          return i + 1;
        }
      }
      i++;
    }
    this.depth = depth;
    return len;
  }

  private addKeyPart(part: Buffer): void {
    const size = this.keyParts!.reduce((n, p) => n + p.length, 0);
    if (size < MAX_KEY_BYTES) this.keyParts!.push(Buffer.from(part.subarray(0, MAX_KEY_BYTES - size)));
  }

  private beginTopLevel(i: number): void {
    this.topLevelHadContainer = false;
    this.valueTooLarge = false;
    this.lastKey = '';
    this.beginCapture(i);
  }

  private endTopLevel(buf: Buffer, end: number): void {
    if (this.topLevelHadContainer || !this.capturing) {
      this.stopCapture();
      if (this.valueTooLarge) this.sink.oversized(this.partsSize);
      return;
    }
    this.endCapture(buf, end, 'value');
  }

  private beginCapture(i: number): void {
    this.capturing = true;
    this.captureStart = i;
    this.parts = [];
    this.partsSize = 0;
  }

  private keepPart(part: Buffer): void {
    if (this.arrayDepth < 0 && this.partsSize + part.length > MAX_VALUE_BYTES) {
      this.valueTooLarge = true;
      this.capturing = false;
      this.partsSize += part.length;
      this.parts = [];
      return;
    }
    // A copy: the stream may reuse its buffer after push() returns.
    this.parts.push(Buffer.from(part));
    this.partsSize += part.length;
  }

  private endCapture(buf: Buffer, end: number, kind: ContainerKind): void {
    const tail = buf.subarray(this.captureStart, end);
    const bytes = this.parts.length === 0 ? tail : Buffer.concat([...this.parts, tail]);
    this.stopCapture();
    this.sink.element(kind, bytes);
  }

  private stopCapture(): void {
    this.capturing = false;
    this.parts = [];
    this.partsSize = 0;
  }
}

/** True when an odd run of backslashes ends just before `end` (not looking before `from`). */
function oddBackslashesBefore(buf: Buffer, end: number, from: number): boolean {
  let k = end - 1;
  while (k >= from && buf[k] === BACKSLASH) k--;
  return (end - 1 - k) % 2 === 1;
}
