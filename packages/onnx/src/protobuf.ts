/**
 * The protocol buffers wire format, as far as an ONNX file needs it: varints, length-delimited
 * strings, bytes and nested messages, and packed int64 and double arrays. Written here rather than
 * taken from a protobuf library, which brings a runtime and a code generator for the dozen fields
 * an export writes (protobufjs with onnx-proto's generated code bundled to 127–140 KB); the tests
 * check every byte against the published ONNX schema (onnx-proto re-encodes each file to the
 * same bytes).
 */

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;

const text = new TextEncoder();

/** Appends protobuf fields to a growing buffer; nested messages are written by a writer of their own. */
export class ProtoWriter {
  private bytes = new Uint8Array(256);
  private length = 0;
  private readonly scratch = new DataView(new ArrayBuffer(8));

  /** A varint field (`int32`, `int64` or an enum). */
  int(field: number, value: number): this {
    this.key(field, WIRE_VARINT);
    this.varint(value);
    return this;
  }

  /** A `string` field, UTF-8 encoded. */
  string(field: number, value: string): this {
    return this.raw(field, text.encode(value));
  }

  /** A `bytes` field, or any length-delimited payload already encoded. */
  raw(field: number, value: Uint8Array): this {
    this.key(field, WIRE_BYTES);
    this.varint(value.length);
    this.append(value);
    return this;
  }

  /** A nested message, written by `write` into a writer of its own. */
  message(field: number, write: (w: ProtoWriter) => void): this {
    const child = new ProtoWriter();
    write(child);
    return this.raw(field, child.finish());
  }

  /** A packed repeated `int64` field (nothing when `values` is empty, as protobuf writes it). */
  packedInts(field: number, values: readonly number[]): this {
    if (values.length === 0) return this;
    const child = new ProtoWriter();
    for (const v of values) child.varint(v);
    return this.raw(field, child.finish());
  }

  /** A packed repeated `double` field, little-endian IEEE 754 (nothing when `values` is empty). */
  packedDoubles(field: number, values: readonly number[]): this {
    if (values.length === 0) return this;
    const payload = new Uint8Array(values.length * 8);
    const view = new DataView(payload.buffer);
    values.forEach((v, i) => view.setFloat64(i * 8, v, true));
    return this.raw(field, payload);
  }

  /** The bytes written, in a buffer of their own (safe to transfer to another thread). */
  finish(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }

  private key(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  /**
   * A base-128 varint. Negative integers are written as their 64-bit two's complement (ten bytes),
   * as protobuf writes a negative `int32` or `int64`.
   */
  private varint(value: number): void {
    if (!Number.isSafeInteger(value)) throw new RangeError(`protobuf: ${value} is not an integer that a varint can hold exactly`);
    let v = value < 0 ? BigInt.asUintN(64, BigInt(value)) : value;
    this.reserve(10);
    if (typeof v === "bigint") {
      while (v >= 0x80n) {
        this.bytes[this.length++] = Number(v & 0x7fn) | 0x80;
        v >>= 7n;
      }
      this.bytes[this.length++] = Number(v);
      return;
    }
    // Division, not `>>>`: a varint may hold integers up to 2^53, past the 32 bits of bit operators.
    while (v >= 0x80) {
      this.bytes[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.bytes[this.length++] = v;
  }

  private append(value: Uint8Array): void {
    this.reserve(value.length);
    this.bytes.set(value, this.length);
    this.length += value.length;
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + extra));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }
}

/** One field as read from the wire: a varint as a number (exact up to 2^53), or a length-delimited payload. */
export type ProtoField = { field: number; value: number } | { field: number; bytes: Uint8Array };

const decoder = new TextDecoder("utf-8", { fatal: true });

/** UTF-8 text of a length-delimited payload. */
export function utf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/**
 * The fields of one message, in the order written. Fixed-width fields are skipped (an ONNX summary
 * needs none of them); a truncated or malformed message throws a `RangeError` saying where.
 */
export function readFields(bytes: Uint8Array): ProtoField[] {
  const fields: ProtoField[] = [];
  let at = 0;
  const varint = (): number => {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i += 1) {
      if (at >= bytes.length) throw new RangeError(`protobuf: the data ends inside a varint at byte ${at}`);
      const byte = bytes[at++] as number;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 0x80;
    }
    throw new RangeError(`protobuf: a varint longer than 10 bytes ends at byte ${at}`);
  };
  while (at < bytes.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === WIRE_VARINT) fields.push({ field, value: varint() });
    else if (wire === WIRE_BYTES) {
      const length = varint();
      if (at + length > bytes.length) throw new RangeError(`protobuf: field ${field} at byte ${at} claims ${length} bytes, past the end`);
      fields.push({ field, bytes: bytes.subarray(at, at + length) });
      at += length;
    } else if (wire === WIRE_FIXED64) at += 8;
    else if (wire === WIRE_FIXED32) at += 4;
    else throw new RangeError(`protobuf: field ${field} at byte ${at} has wire type ${wire}, which this reader does not know (not an ONNX file?)`);
  }
  if (at > bytes.length) throw new RangeError("protobuf: the data ends inside a fixed-width field");
  return fields;
}
