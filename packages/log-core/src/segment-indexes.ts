import { SparseIndex } from './sparse-index.js';

/**
 * The two sparse indexes of a segment. Entries are added together, every `indexIntervalBytes` of log:
 *  - offset index: (offset relative to the segment base: uint32, file position of the batch: uint32) — 8 bytes;
 *  - time index: (largest timestamp seen in the segment so far: int64, relative offset of that batch: uint32) — 12 bytes.
 * Keys are monotonic, so both are binary-searched.
 */
export const OFFSET_ENTRY = 8;
export const TIME_ENTRY = 12;

export function createOffsetIndex(path: string): SparseIndex {
  return new SparseIndex(path, OFFSET_ENTRY, (b, p) => b.readUInt32BE(p));
}

export function createTimeIndex(path: string): SparseIndex {
  return new SparseIndex(path, TIME_ENTRY, (b, p) => Number(b.readBigInt64BE(p)));
}

export interface OffsetEntry {
  relativeOffset: number;
  position: number;
}

export function readOffsetEntry(index: SparseIndex, i: number): OffsetEntry {
  const e = index.entry(i);
  return { relativeOffset: e.readUInt32BE(0), position: e.readUInt32BE(4) };
}

export function appendOffsetEntry(index: SparseIndex, relativeOffset: number, position: number): void {
  const slot = index.appendSlot();
  slot.writeUInt32BE(relativeOffset, 0);
  slot.writeUInt32BE(position, 4);
}

export function readTimeEntry(index: SparseIndex, i: number): { timestamp: number; relativeOffset: number } {
  const e = index.entry(i);
  return { timestamp: Number(e.readBigInt64BE(0)), relativeOffset: e.readUInt32BE(8) };
}

export function appendTimeEntry(index: SparseIndex, timestamp: number, relativeOffset: number): void {
  const slot = index.appendSlot();
  slot.writeBigInt64BE(BigInt(timestamp), 0);
  slot.writeUInt32BE(relativeOffset, 8);
}
