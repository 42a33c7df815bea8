// Reading a copy of a Chromium profile as an attacker would: every file, raw, and the contents
// of its LevelDB databases decoded (IndexedDB, Local and Session Storage keep their data in
// LevelDB: write-ahead logs in 32 KiB blocks whose record headers can split a value, and
// tables whose blocks are usually Snappy-compressed), searched for given byte strings in UTF-8
// and UTF-16 (how Chromium keeps many strings).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Snappy's raw format (https://github.com/google/snappy/blob/main/format_description.txt). */
export function unsnappy(input) {
  let pos = 0;
  let length = 0;
  for (let shift = 0; ; shift += 7) {
    const b = input[pos++];
    length += (b & 0x7f) * 2 ** shift;
    if (!(b & 0x80)) break;
  }
  const out = Buffer.alloc(length);
  let o = 0;
  while (pos < input.length) {
    const tag = input[pos++];
    if ((tag & 3) === 0) {
      let n = tag >> 2;
      if (n >= 60) {
        const bytes = n - 59;
        n = 0;
        for (let i = 0; i < bytes; i += 1) n += input[pos++] * 2 ** (8 * i);
      }
      n += 1;
      if (pos + n > input.length || o + n > length) throw new Error('bad snappy literal');
      input.copy(out, o, pos, pos + n);
      pos += n;
      o += n;
      continue;
    }
    let n;
    let offset;
    if ((tag & 3) === 1) {
      n = ((tag >> 2) & 7) + 4;
      offset = ((tag >> 5) << 8) | input[pos++];
    } else if ((tag & 3) === 2) {
      n = (tag >> 2) + 1;
      offset = input.readUInt16LE(pos);
      pos += 2;
    } else {
      n = (tag >> 2) + 1;
      offset = input.readUInt32LE(pos);
      pos += 4;
    }
    if (offset === 0 || offset > o || o + n > length) throw new Error('bad snappy copy');
    for (let i = 0; i < n; i += 1, o += 1) out[o] = out[o - offset];
  }
  return out;
}

function varint(buf, at) {
  let value = 0;
  let pos = at;
  for (let shift = 0; ; shift += 7) {
    const b = buf[pos++];
    value += (b & 0x7f) * 2 ** shift;
    if (!(b & 0x80)) return [value, pos];
  }
}

/** A table block's contents (after its trailer's compression type). */
function tableBlock(file, offset, size) {
  const contents = file.subarray(offset, offset + size);
  return file[offset + size] === 1 ? unsnappy(contents) : contents;
}

/** A block's entries (keys are prefix-compressed; restart points at the end). */
function blockEntries(block) {
  const restarts = block.readUInt32LE(block.length - 4);
  const end = block.length - 4 - 4 * restarts;
  const entries = [];
  let key = Buffer.alloc(0);
  let pos = 0;
  while (pos < end) {
    let shared;
    let unshared;
    let valueLength;
    [shared, pos] = varint(block, pos);
    [unshared, pos] = varint(block, pos);
    [valueLength, pos] = varint(block, pos);
    key = Buffer.concat([key.subarray(0, shared), block.subarray(pos, pos + unshared)]);
    pos += unshared;
    entries.push([key, block.subarray(pos, pos + valueLength)]);
    pos += valueLength;
  }
  return entries;
}

/** Every key and value of a LevelDB table (`.ldb`, `.sst`), decompressed. */
export function tableContents(file) {
  const footer = file.subarray(file.length - 48);
  if (file.length < 48 || footer.readUInt32LE(40) !== 0x8b80fb57 || footer.readUInt32LE(44) !== 0xdb477524) {
    throw new Error('not a LevelDB table');
  }
  let pos = 0;
  let indexOffset;
  let indexSize;
  [, pos] = varint(footer, pos); // metaindex offset
  [, pos] = varint(footer, pos); // metaindex size
  [indexOffset, pos] = varint(footer, pos);
  [indexSize] = varint(footer, pos);
  const parts = [];
  for (const [, handle] of blockEntries(tableBlock(file, indexOffset, indexSize))) {
    const [offset, at] = varint(handle, 0);
    const [size] = varint(handle, at);
    for (const [key, value] of blockEntries(tableBlock(file, offset, size))) parts.push(key, value);
  }
  return Buffer.concat(parts);
}

/** The records of a LevelDB log (`.log`, also MANIFEST files), fragments joined. */
export function logContents(file) {
  const parts = [];
  for (let start = 0; start < file.length; start += 32768) {
    const end = Math.min(start + 32768, file.length);
    for (let pos = start; pos + 7 <= end;) {
      const length = file.readUInt16LE(pos + 4);
      if (length === 0 && file[pos + 6] === 0) break; // zero padding up to the block's end
      parts.push(file.subarray(pos + 7, pos + 7 + length));
      pos += 7 + length;
    }
  }
  return Buffer.concat(parts);
}

async function filesUnder(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/** The ways a secret can sit in a file: UTF-8 (Latin-1 for ASCII) and UTF-16 little-endian. */
export function encodings(secret) {
  const bytes = typeof secret === 'string' ? [Buffer.from(secret, 'utf8'), Buffer.from(secret, 'utf16le')] : [Buffer.from(secret)];
  return bytes;
}

/**
 * Every place in the profile where one of `secrets` (strings or byte arrays) stands: a list of
 * `{ file, view, secret }` (`view`: raw, log or table). Also says how many files and LevelDB
 * files it read, so a test can check the search really covered something.
 */
export async function searchProfile(dir, secrets) {
  const found = [];
  let files = 0;
  let leveldb = 0;
  const needles = secrets.map((secret) => [secret, encodings(secret)]);
  for (const file of await filesUnder(dir)) {
    const raw = await readFile(file);
    files += 1;
    const views = [['raw', raw]];
    const name = file.split('/').pop();
    try {
      if (/\.log$|^MANIFEST-/.test(name)) { views.push(['log', logContents(raw)]); leveldb += 1; }
      if (/\.(ldb|sst)$/.test(name)) { views.push(['table', tableContents(raw)]); leveldb += 1; }
    } catch (e) {
      // Not LevelDB after all (other logs): the raw bytes were searched.
    }
    for (const [view, bytes] of views) {
      for (const [secret, forms] of needles) {
        if (forms.some((form) => bytes.indexOf(form) >= 0)) found.push({ file: file.slice(dir.length + 1), view, secret: String(secret) });
      }
    }
  }
  return { found, files, leveldb };
}
