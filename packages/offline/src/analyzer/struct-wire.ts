/**
 * `google.protobuf.Struct`'s wire bytes for a plain JSON-like value, straight from the value: the
 * bytes `Struct.fromJavaScript(value).serializeBinary()` gives (keys in the order google-protobuf's
 * map writes them, sorted), without the message tree google-protobuf builds first, one object per
 * value and per map entry, and then walks. The plan sends two Structs per resource (its inputs to
 * Analyze, its outputs in AnalyzeStack), tens of thousands per plan: google-protobuf's conversion
 * and serialisation were most of the plan thread's own work on them, and most of its garbage.
 * Written by hand because no maintained library encodes a plain value as a Struct without building
 * messages (protobufjs builds them too); `test/struct-wire.property.test.ts` checks the bytes
 * against google-protobuf's for arbitrary values.
 *
 * The value's conversion is the host's (`toStruct` in proto.ts): undefined members dropped, an
 * undefined array element sent as null, a Date as its ISO string; a non-finite number or a value
 * of another type is refused with its path.
 */

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;

const tag = (field: number, wire: number) => (field << 3) | wire;

// Struct { map<string, Value> fields = 1 }, its entries { string key = 1; Value value = 2 }.
const STRUCT_FIELDS = tag(1, WIRE_LENGTH_DELIMITED);
const ENTRY_KEY = tag(1, WIRE_LENGTH_DELIMITED);
const ENTRY_VALUE = tag(2, WIRE_LENGTH_DELIMITED);
// Value { oneof kind: null_value = 1, number_value = 2, string_value = 3, bool_value = 4,
// struct_value = 5, list_value = 6 }; ListValue { repeated Value values = 1 }.
const NULL_VALUE = tag(1, WIRE_VARINT);
const NUMBER_VALUE = tag(2, WIRE_FIXED64);
const STRING_VALUE = tag(3, WIRE_LENGTH_DELIMITED);
const BOOL_VALUE = tag(4, WIRE_VARINT);
const STRUCT_VALUE = tag(5, WIRE_LENGTH_DELIMITED);
const LIST_VALUE = tag(6, WIRE_LENGTH_DELIMITED);
const LIST_VALUES = tag(1, WIRE_LENGTH_DELIMITED);

const utf8 = new TextEncoder();

/** Bytes of `n` as a varint. */
function varintLength(n: number): number {
  let bytes = 1;
  for (let v = n; v > 0x7f; v = Math.floor(v / 128)) bytes++;
  return bytes;
}

/** Writes `n` as a varint at `at` (room must be there); returns the position after it. */
function writeVarint(buf: Uint8Array, at: number, n: number): number {
  let i = at;
  let v = n;
  while (v > 0x7f) {
    buf[i++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 128);
  }
  buf[i++] = v;
  return i;
}

/** The tag and length that open length-delimited field `field` of `length` bytes. */
export function lengthDelimitedHeader(field: number, length: number): Uint8Array {
  const header = new Uint8Array(varintLength(tag(field, WIRE_LENGTH_DELIMITED)) + varintLength(length));
  writeVarint(header, writeVarint(header, 0, tag(field, WIRE_LENGTH_DELIMITED)), length);
  return header;
}

/** A growable buffer; a length-delimited field's length is inserted once its body is written. */
class Writer {
  buf = new Uint8Array(1024);
  view = new DataView(this.buf.buffer);
  at = 0;

  reserve(n: number): void {
    if (this.at + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.at + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buf.subarray(0, this.at));
    this.buf = grown;
    this.view = new DataView(grown.buffer);
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.at++] = b;
  }

  varint(n: number): void {
    this.reserve(10);
    this.at = writeVarint(this.buf, this.at, n);
  }

  double(n: number): void {
    this.reserve(8);
    this.view.setFloat64(this.at, n, true);
    this.at += 8;
  }

  string(s: string): void {
    // At most 3 bytes per UTF-16 unit, plus the longest length prefix.
    this.reserve(s.length * 3 + 5);
    const start = this.at;
    // One byte of prefix first (the common case: under 128 bytes), moved if it needs more.
    this.at++;
    const { written } = utf8.encodeInto(s, this.buf.subarray(this.at));
    this.at += written;
    this.endLength(start, written);
  }

  /** Starts a length-delimited body: returns where its one-byte length placeholder is. */
  begin(): number {
    this.byte(0);
    return this.at - 1;
  }

  /** Ends the body begun at `start`: writes its length there, moving the body when it needs more bytes. */
  end(start: number): void {
    this.endLength(start, this.at - start - 1);
  }

  private endLength(start: number, length: number): void {
    if (length < 0x80) {
      this.buf[start] = length;
      return;
    }
    const extra = varintLength(length) - 1;
    this.reserve(extra);
    this.buf.copyWithin(start + 1 + extra, start + 1, this.at);
    this.at += extra;
    writeVarint(this.buf, start, length);
  }
}

function fail(path: string, what: string): never {
  throw new TypeError(`${path}: ${what} cannot be sent to a policy pack`);
}

/**
 * Refuses an own property named `__proto__`: google-protobuf's Struct conversion (the SDK's and the
 * host's) assigns keys onto a plain object, where `__proto__` sets the prototype instead, so such a
 * key is dropped, or its members surface as the object's (`for...in` walks the prototype). The pack
 * cannot be shown what the engine would send, so the plan fails closed, naming the path. Shared
 * with the host's conversion (proto.ts), so both refuse alike.
 */
export function assertSendableKey(key: string, path: string): void {
  if (key === "__proto__") fail(`${path}.${key}`, "a property named __proto__");
}

function writeStructBody(w: Writer, value: object, path: string): void {
  const record = value as Record<string, unknown>;
  // google-protobuf writes a map's entries in sorted key order (JavaScript's default sort).
  for (const key of Object.keys(record).sort()) {
    const v = record[key];
    if (v === undefined) continue;
    assertSendableKey(key, path);
    w.byte(STRUCT_FIELDS);
    const entry = w.begin();
    w.byte(ENTRY_KEY);
    w.string(key);
    w.byte(ENTRY_VALUE);
    const inner = w.begin();
    writeValueBody(w, v, `${path}.${key}`);
    w.end(inner);
    w.end(entry);
  }
}

function writeValueBody(w: Writer, value: unknown, path: string): void {
  if (value === null || value === undefined) {
    w.byte(NULL_VALUE);
    w.byte(0);
  } else if (typeof value === "string") {
    w.byte(STRING_VALUE);
    w.string(value);
  } else if (typeof value === "number") {
    if (!Number.isFinite(value)) fail(path, String(value));
    w.byte(NUMBER_VALUE);
    w.double(value);
  } else if (typeof value === "boolean") {
    w.byte(BOOL_VALUE);
    w.byte(value ? 1 : 0);
  } else if (Array.isArray(value)) {
    w.byte(LIST_VALUE);
    const list = w.begin();
    for (let i = 0; i < value.length; i++) {
      w.byte(LIST_VALUES);
      const element = w.begin();
      writeValueBody(w, value[i], `${path}[${i}]`);
      w.end(element);
    }
    w.end(list);
  } else if (value instanceof Date) {
    w.byte(STRING_VALUE);
    w.string(value.toISOString());
  } else if (typeof value === "object") {
    w.byte(STRUCT_VALUE);
    const struct = w.begin();
    writeStructBody(w, value, path);
    w.end(struct);
  } else {
    fail(path, `a ${typeof value}`);
  }
}

/**
 * The bytes of message field `field` holding the Struct of `value`: appended to a message's own
 * bytes, the message with that field set (protobuf's wire format is a sequence of fields in any
 * order; decoders read them alike).
 */
export function structField(field: number, value: Record<string, unknown>, path = "properties"): Uint8Array {
  const w = new Writer();
  w.varint(tag(field, WIRE_LENGTH_DELIMITED));
  const body = w.begin();
  writeStructBody(w, value, path);
  w.end(body);
  return w.buf.slice(0, w.at);
}
