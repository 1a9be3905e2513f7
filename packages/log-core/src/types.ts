/** A record header: Kafka allows a null header value, so do we. */
export interface Header {
  key: string;
  value: Buffer | null;
}

/** What a caller gives to append: key and value are bytes (or null); timestamp defaults to now. */
export interface RecordInput {
  key?: Buffer | null;
  value: Buffer | null;
  timestamp?: number;
  headers?: Header[];
}

/** A record as read back: its offset is assigned by the log. */
export interface StoredRecord {
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  timestamp: number;
  headers: Header[];
}

/** A batch codec, as Kafka numbers them in the batch attributes: none 0, gzip 1, snappy 2, lz4 3, zstd 4. */
export type Compression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';
